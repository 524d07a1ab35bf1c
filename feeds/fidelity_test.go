package feeds

import (
	"testing"
)

func parseInline(t *testing.T, body string) *Document {
	t.Helper()
	doc, err := parseAt([]byte(body), "", "https://base.example/feed", fetchTime)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestParseTextKinds(t *testing.T) {
	atom := `<feed xmlns="http://www.w3.org/2005/Atom"><title type="text">Feed &lt;Kyiv&gt;</title>
<entry><id>1</id><title type="text">Talks in &lt;Kyiv&gt;</title><summary type="text">Met in &lt;Sloviansk&gt; &amp; more</summary></entry>
<entry><id>2</id><title type="html">&lt;b&gt;Kyiv&lt;/b&gt; talks</title><content type="html">&lt;p&gt;Kramatorsk&lt;/p&gt;</content></entry>
<entry><id>3</id><title>&lt;b&gt;Lviv&lt;/b&gt; news</title><content type="text">a &lt;p&gt; b</content></entry>
<entry><id>4</id><title>Odesa &lt;update&gt;</title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Kherson</p></div></content></entry>
</feed>`
	doc := parseInline(t, atom)
	if doc.Title != "Feed <Kyiv>" {
		t.Errorf("feed Title = %q, want %q", doc.Title, "Feed <Kyiv>")
	}
	want := []struct{ title, text string }{
		{"Talks in <Kyiv>", "Met in <Sloviansk> & more"},
		{"Kyiv talks", "Kramatorsk"},
		{"Lviv news", "a <p> b"},
		{"Odesa <update>", "Kherson"},
	}
	if len(doc.Items) != len(want) {
		t.Fatalf("got %d items, want %d", len(doc.Items), len(want))
	}
	for i, w := range want {
		if got := doc.Items[i]; got.Title != w.title || got.Text != w.text {
			t.Errorf("item %d = %q / %q, want %q / %q", i+1, got.Title, got.Text, w.title, w.text)
		}
	}

	doc = parseInline(t, `<feed version="0.3" xmlns="http://purl.org/atom/ns#"><entry>
<title type="text/html" mode="base64">
PGRpdj48YSBocmVmPSIvcmVsYXRpdmUvdXJpIj5jbGljayBoZXJlPC9hPjwvZGl2Pg==
</title></entry></feed>`)
	if got, want := doc.Items[0].Title, "click here"; got != want {
		t.Errorf("base64 title = %q, want %q", got, want)
	}

	rss := `<rss version="2.0"><channel><title>R</title>
<item><guid>a</guid><title>Shelling in &lt;Kyiv&gt;</title><description>x</description></item>
<item><guid>b</guid><title>&lt;b&gt;Kyiv&lt;/b&gt; &amp;amp; Lviv</title><description>&lt;p&gt;y&lt;/p&gt;</description></item>
<item><guid>c</guid><title>2 &lt; 3 in Kyiv</title><description>z</description></item>
</channel></rss>`
	doc = parseInline(t, rss)
	for i, w := range []string{"Shelling in <Kyiv>", "Kyiv & Lviv", "2 < 3 in Kyiv"} {
		if got := doc.Items[i].Title; got != w {
			t.Errorf("RSS item %d Title = %q, want %q", i+1, got, w)
		}
	}
}

func TestParseExtensionBodies(t *testing.T) {
	doc := parseInline(t, `<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:xhtml="http://www.w3.org/1999/xhtml"><channel><title>R</title>
<item><guid>1</guid><title>xhtml</title><xhtml:body><p>Shelling in Sloviansk</p></xhtml:body></item>
<item><guid>2</guid><title>default ns</title><body xmlns="http://www.w3.org/1999/xhtml"><p>Example <b>content</b></p></body></item>
<item><guid>3</guid><title>plain body</title><body>&lt;p&gt;Kramatorsk news&lt;/p&gt;</body></item>
<item><guid>4</guid><title>fullitem</title><fullitem>safe&lt;embed src="http://example.com/"&gt; description</fullitem></item>
<item><guid>5</guid><title>group</title><media:group><media:title>Group title</media:title><media:description>Described in Lviv</media:description></media:group></item>
<item><guid>6</guid><title>media</title><media:description type="html">&lt;b&gt;Odesa&lt;/b&gt; port</media:description></item>
<item><guid>7</guid><media:title>Only a media title</media:title><description>d</description></item>
<item><guid>8</guid><title>has description</title><description>Real body</description><media:description>not used</media:description></item>
</channel></rss>`)
	want := []struct{ title, text string }{
		{"xhtml", "Shelling in Sloviansk"},
		{"default ns", "Example content"},
		{"plain body", "Kramatorsk news"},
		{"fullitem", "safe description"},
		{"group", "Described in Lviv"},
		{"media", "Odesa port"},
		{"Only a media title", "d"},
		{"has description", "Real body"},
	}
	if len(doc.Items) != len(want) {
		t.Fatalf("got %d items, want %d", len(doc.Items), len(want))
	}
	for i, w := range want {
		if got := doc.Items[i]; got.Title != w.title || got.Text != w.text {
			t.Errorf("item %d = %q / %q, want %q / %q", i+1, got.Title, got.Text, w.title, w.text)
		}
	}
}

func TestParseYouTubeLayout(t *testing.T) {
	doc := parseInline(t, `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/" xmlns:yt="http://www.youtube.com/xml/schemas/2015">
<title>Channel</title><entry><id>yt:video:x</id><link rel="alternate" href="https://video.example/watch?v=x"/>
<media:group><media:title>Report from Kramatorsk</media:title><media:description>Our correspondent in Sloviansk</media:description></media:group></entry></feed>`)
	if len(doc.Items) != 1 {
		t.Fatalf("got %d items, want 1", len(doc.Items))
	}
	if it := doc.Items[0]; it.Title != "Report from Kramatorsk" || it.Text != "Our correspondent in Sloviansk" {
		t.Errorf("item = %q / %q, want the media:group title and description", it.Title, it.Text)
	}
}

func TestParseGUIDPermalink(t *testing.T) {
	doc := parseInline(t, `<rss version="2.0"><channel><title>R</title><link>https://site.example/</link>
<item><title>a</title><guid>https://site.example/a</guid></item>
<item><title>b</title><guid isPermaLink="true">http://site.example/b</guid></item>
<item><title>c</title><guid isPermaLink="false">https://site.example/c</guid></item>
<item><title>d</title><guid>tag:site.example,2024:d</guid></item>
<item><title>e</title><guid>https://site.example/e-guid</guid><link>https://site.example/e</link></item>
</channel></rss>`)
	want := []string{"https://site.example/a", "http://site.example/b", "", "", "https://site.example/e"}
	for i, w := range want {
		if got := doc.Items[i].Link; got != w {
			t.Errorf("item %d Link = %q, want %q", i+1, got, w)
		}
	}
}

func TestParseJSONFeedText(t *testing.T) {
	doc, err := parseAt([]byte(`{"version":"https://jsonfeed.org/version/1.1","title":"J <Kyiv>","items":[
{"id":"1","title":"Talks in <Kyiv>","content_text":"Met in <Sloviansk> & more"},
{"id":"2","title":"HTML","content_html":"<p>Kramatorsk</p>","content_text":"ignored"},
{"id":"3","title":"Summary only","summary":"Lviv <update>"}]}`), "", "https://t.example/", fetchTime)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ title, text string }{
		{"Talks in <Kyiv>", "Met in <Sloviansk> & more"},
		{"HTML", "Kramatorsk"},
		{"Summary only", "Lviv <update>"},
	}
	for i, w := range want {
		if got := doc.Items[i]; got.Title != w.title || got.Text != w.text {
			t.Errorf("item %d = %q / %q, want %q / %q", i+1, got.Title, got.Text, w.title, w.text)
		}
	}
}
