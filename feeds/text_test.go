package feeds

import (
	"net/url"
	"strings"
	"testing"
)

func TestHTMLToText(t *testing.T) {
	base, _ := url.Parse("https://site.example/news/")
	tests := []struct {
		name, in, want string
	}{
		{"plain", "  Just   text\twith  spaces ", "Just text with spaces"},
		{"entities", "AT&amp;T &lt;b&gt; &eacute;t&eacute; &#8212; &nbsp;x", "AT&T <b> été — x"},
		{"bare ampersand", "Fish & chips", "Fish & chips"},
		{"less than", "a < b and c > d", "a < b and c > d"},
		{"script and style", "<p>Hi</p><script>var x = '<p>no</p>';</script><style>p{color:red}</style><p>there</p>", "Hi\n\nthere"},
		{"noscript and iframe", "A<noscript>no js</noscript><iframe src=x>frame</iframe>B", "AB"},
		{"blocks", "<div>One</div><div>Two</div><h2>Three</h2>Four<br>Five<br/>Six", "One\n\nTwo\n\nThree\n\nFour\nFive\nSix"},
		{"list", "<ul><li>a</li><li>b</li></ul>after", "a\nb\n\nafter"},
		{"table", "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"},
		{"link kept", `See <a href="/x?a=1&amp;b=2">the report</a>.`, "See the report (https://site.example/x?a=1&b=2)."},
		{"link same as text", `<a href="https://e.example/">https://e.example/</a>`, "https://e.example/"},
		{"javascript link dropped", `<a href="javascript:alert(1)">click</a>`, "click"},
		{"mailto dropped", `<a href="mailto:a@b.c">mail</a>`, "mail"},
		{"img alt", `<img src="x.png" alt="Map of Sloviansk">caption`, "Map of Sloviansk caption"},
		{"blank lines collapse", "<p>a</p><p></p><p></p><p>b</p>", "a\n\nb"},
		{"control chars", "a\x01b\x7fc\u0085d\u200be", "abc…de"},
		{"crlf", "line one\r\nline two", "line one\nline two"},
		{"unclosed tags", "<p>open <b>bold <i>both", "open bold both"},
		{"comment", "a<!-- hidden -->b", "ab"},
		// A CDATA section left in escaped HTML is the publisher's text.
		{"cdata in html", "<![CDATA[x <b>]]>y", "x <b>y"},
		{"unclosed cdata", "a <![CDATA[x", "a x"},
		{"bang not a doctype", "&lt;!DOCTYPE ~", "<!DOCTYPE ~"},
		{"bang text", "<!Breaking> news in Kyiv", "<!Breaking> news in Kyiv"},
		{"real doctype", "<!DOCTYPE html><p>Kyiv</p>", "Kyiv"},
		{"real comment", "a<!-- note -->b", "ab"},
		{"unclosed comment", "a <!-- b", "a <!-- b"},
		{"unclosed object at top", `safe<object classid="x"> <b>description</b>`, "safe description"},
		{"unclosed button at top", `<button>Share</button><p>Kyiv <button>Like <p>Kramatorsk news`, "Kyiv Like\n\nKramatorsk news"},
		{"unclosed object skips to its parent's end", `<div>Intro<object><param name=a>fallback</div><p>Sloviansk</p>`, "Intro\n\nSloviansk"},
		{"closed object", `<p>A<object><embed src=x>alt text</object>B</p>`, "AB"},
		{"object closed past its parent", `<div>x<object>y</div><p>Sloviansk</p></object>z`, "x\n\nSloviansk\n\nz"},
		{"a page's head keeps its title", "<html><head><title>Kyiv talks</title><meta charset=utf-8><style>p{}</style></head><body><p>Text</p></body></html>", "Kyiv talks\n\nText"},
		{"deep stack: unclosed object ends with an ancestor", strings.Repeat("<span>", 40) + "a<object>b" + strings.Repeat("</span>", 40) + "c", "ac"},
		{"deep stack: stray end tags", strings.Repeat("<i>", 40) + "a</b><object>b</object>c" + strings.Repeat("</i>", 40) + "d", "acd"},
		{"unclosed script at top", `<p>Kyiv</p><script>var a`, "Kyiv\n\nvar a"},
		{"unclosed script skips to its parent's end", `<div>Kyiv<script>var a</div><p>Lviv</p>`, "Kyiv\n\nLviv"},
		// XHTML-serialised content closes empty elements with "/>"; the
		// tokenizer would still read everything after <script/> as the
		// script's raw text, up to a </script> that may never come.
		{"self-closed script", `<p>Hello</p><script src="https://x.example/w.js"/><p>World &amp; <b>more</b></p>`, "Hello\n\nWorld & more"},
		{"self-closed style", `<p>Hello</p><style/><p>World</p>`, "Hello\n\nWorld"},
		{"self-closed iframe", `<p>Hello</p><iframe src="https://v.example/e/1"/><p>World</p>`, "Hello\n\nWorld"},
		{"self-closed title", `<p>Hello <title/>World <b>x</b></p>`, "Hello World x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HTMLToText(tt.in, base); got != tt.want {
				t.Errorf("HTMLToText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestHTMLToTextTruncates(t *testing.T) {
	in := strings.Repeat("ж", MaxTextLen) // two bytes each
	got := HTMLToText(in, nil)
	if len(got) > MaxTextLen || len(got) < MaxTextLen-1 {
		t.Errorf("len = %d, want about %d", len(got), MaxTextLen)
	}
	if !strings.HasSuffix(got, "ж") {
		t.Errorf("cut inside a rune: %q", got[len(got)-4:])
	}
}

func TestPlainLine(t *testing.T) {
	if got, want := plainLine("<b>Two</b>\n\nlines  here"), "Two lines here"; got != want {
		t.Errorf("plainLine = %q, want %q", got, want)
	}
}

func TestHTMLToTextFirstImage(t *testing.T) {
	base, _ := url.Parse("https://site.example/news/")
	tests := []struct{ in, want string }{
		{`<p>x</p><img src="/a.jpg" alt="A"><img src="/b.jpg">`, "https://site.example/a.jpg"},
		{`<img src="data:image/png;base64,xx"><img src="b.png">`, "https://site.example/news/b.png"},
		{`<p>no image</p>`, ""},
		{`plain`, ""},
	}
	for _, tt := range tests {
		if _, got := htmlToText(tt.in, base); got != tt.want {
			t.Errorf("htmlToText(%q) image = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func BenchmarkHTMLToText(b *testing.B) {
	var sb strings.Builder
	for i := range 12 {
		sb.WriteString(`<p>Officials in <b>Sloviansk</b> said on Monday that the market reopened after repairs; `)
		sb.WriteString(`<a href="/ref/` + string(rune('a'+i)) + `">the report</a> — Славянск, Краматорск &amp; others.</p>`)
	}
	in := sb.String()
	base, _ := url.Parse("https://site.example/")
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		htmlToText(in, base)
	}
}
