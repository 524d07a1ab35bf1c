package feeds

import (
	"strconv"
	"strings"
	"testing"
)

func TestParseRecoversTruncated(t *testing.T) {
	const whole = `<?xml version="1.0"?><rss version="2.0"><channel><title>Cut</title>` +
		`<item><guid>1</guid><title>Shelling in Sloviansk</title><description>First</description></item>` +
		`<item><guid>2</guid><title>Kramatorsk</title><description><![CDATA[<p>Second item text</p>]]></description></item>` +
		`</channel></rss>`
	tests := []struct {
		name      string
		body      string
		items     int
		lastTitle string
		lastText  string
	}{
		{"final > missing", strings.TrimSuffix(whole, ">"), 2, "Kramatorsk", "Second item text"},
		{"closing tags missing", strings.TrimSuffix(whole, "</channel></rss>"), 2, "Kramatorsk", "Second item text"},
		{"cut inside a closing tag", strings.TrimSuffix(whole, "annel></rss>"), 2, "Kramatorsk", "Second item text"},
		{"cut inside CDATA", whole[:strings.Index(whole, " text</p>")], 2, "Kramatorsk", "Second item"},
		{"cut inside text", whole[:strings.Index(whole, "ramatorsk")], 2, "K", ""},
		{"cut inside a CDATA opening", whole[:strings.Index(whole, "CDATA[<p>")-1], 2, "Kramatorsk", ""},
		{"cut inside a start tag", whole[:strings.Index(whole, "<item><guid>2")+3], 1, "Shelling in Sloviansk", "First"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := parseAt([]byte(tt.body), "", "https://t.example/", fetchTime)
			if err != nil {
				t.Fatal(err)
			}
			if len(doc.Items) != tt.items {
				t.Fatalf("got %d items, want %d", len(doc.Items), tt.items)
			}
			last := doc.Items[len(doc.Items)-1]
			if last.Title != tt.lastTitle || last.Text != tt.lastText {
				t.Errorf("last item = %q / %q, want %q / %q", last.Title, last.Text, tt.lastTitle, tt.lastText)
			}
			want := "recovered a document cut off at byte " + strconv.Itoa(len(tt.body))
			if len(doc.Warnings) != 1 || doc.Warnings[0] != want {
				t.Errorf("Warnings = %q, want [%q]", doc.Warnings, want)
			}
		})
	}
	t.Run("whole document has no warning", func(t *testing.T) {
		doc, err := parseAt([]byte(whole), "", "https://t.example/", fetchTime)
		if err != nil || len(doc.Warnings) != 0 {
			t.Errorf("err = %v, Warnings = %q, want neither", err, doc.Warnings)
		}
	})
	t.Run("broken before its end is refused", func(t *testing.T) {
		body := strings.Replace(whole, "<guid>1</guid>", "<guid>1</gu", 1)
		if _, err := parseAt([]byte(body), "", "https://t.example/", fetchTime); err == nil {
			t.Error("a document broken in the middle was accepted")
		}
	})
}

func TestParseRecoversJSONFeed(t *testing.T) {
	body := `{"version":"https://jsonfeed.org/version/1.1","title":"J","home_page_url":["x"],"items":[
{"id":"1","title":"Shelling in Sloviansk","tags":"war","content_text":"First"},
{"id":"2","title":["Kramatorsk"],"content_html":"<p>Second</p>"},
7,
{"id":"4","title":"Fourth","authors":"nobody","attachments":{"url":"x"},"content_text":"Lviv"}
]}`
	doc, err := parseAt([]byte(body), "application/feed+json", "https://t.example/", fetchTime)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, it := range doc.Items {
		got = append(got, it.GUID+"|"+it.Title+"|"+it.Text+"|"+strings.Join(it.Categories, ","))
	}
	want := []string{"1|Shelling in Sloviansk|First|", "2||Second|", "4|Fourth|Lviv|"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("items:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	wantWarnings := []string{
		"dropped feed field home_page_url: a JSON array where JSON Feed has a string",
		"dropped field tags of item 1: a JSON string where JSON Feed has an array",
		"dropped field title of item 2: a JSON array where JSON Feed has a string",
		"dropped item 3: not an object",
		"dropped field attachments of item 4: a JSON object where JSON Feed has an array",
		"dropped field authors of item 4: a JSON string where JSON Feed has an array",
	}
	if strings.Join(doc.Warnings, "\n") != strings.Join(wantWarnings, "\n") {
		t.Errorf("Warnings:\n%s\nwant:\n%s", strings.Join(doc.Warnings, "\n"), strings.Join(wantWarnings, "\n"))
	}
}
