package feeds

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// benchDoc is an RSS or Atom document of 20 items of about 1 KB of HTML.
func benchDoc(atom bool, cyrillic bool) string {
	var b strings.Builder
	word := "Officials in <b>Sloviansk</b> said on Monday that the market reopened after repairs. "
	if cyrillic {
		word = "Власти <b>Славянска</b> сообщили в понедельник, что рынок вновь открылся после ремонта. "
	}
	if atom {
		b.WriteString(`<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title type="text">Bench</title>`)
	} else {
		b.WriteString(`<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Bench</title><link>https://b.example/</link>`)
	}
	for i := range 20 {
		body := strings.Repeat(word, 12)
		if atom {
			fmt.Fprintf(&b, `<entry><id>tag:b,%d</id><title type="text">Item %d</title><link href="https://b.example/%d"/><updated>2024-05-06T10:00:00Z</updated><content type="html"><![CDATA[%s]]></content></entry>`, i, i, i, body)
		} else {
			fmt.Fprintf(&b, `<item><guid>tag:b,%d</guid><title>Item %d</title><link>https://b.example/%d</link><pubDate>Mon, 06 May 2024 10:00:00 +0000</pubDate><description><![CDATA[%s]]></description></item>`, i, i, i, body)
		}
	}
	if atom {
		b.WriteString(`</feed>`)
	} else {
		b.WriteString(`</channel></rss>`)
	}
	return b.String()
}

func benchParse(b *testing.B, body []byte) {
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseAt(body, "", "https://b.example/feed", fetchTime); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseRSS(b *testing.B)  { benchParse(b, []byte(benchDoc(false, false))) }
func BenchmarkParseAtom(b *testing.B) { benchParse(b, []byte(benchDoc(true, false))) }

// BenchmarkParseUndeclaredCP1251 measures the charset guess on a Cyrillic
// windows-1251 body that declares nothing.
func BenchmarkParseUndeclaredCP1251(b *testing.B) {
	doc := strings.Replace(benchDoc(false, true), ` encoding="utf-8"`, "", 1)
	body, err := charmap.Windows1251.NewEncoder().String(doc)
	if err != nil {
		b.Fatal(err)
	}
	benchParse(b, []byte(body))
}

// BenchmarkParseRepairUTF8 measures a UTF-8 Cyrillic body with one bad
// byte per item.
func BenchmarkParseRepairUTF8(b *testing.B) {
	doc := strings.ReplaceAll(benchDoc(false, true), "<title>Item", "<title>\x92Item")
	benchParse(b, []byte(doc))
}

// BenchmarkHTMLToTextUnclosed is hostile HTML: 1,000 unclosed <div>s, then
// 20,000 unclosed <button>s and 20,000 stray end tags.
func BenchmarkHTMLToTextUnclosed(b *testing.B) {
	in := strings.Repeat("<div>", 1000) + strings.Repeat("<button>x</span>", 20000) + "</DIV>İ"
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		htmlToText(in, nil)
	}
}
