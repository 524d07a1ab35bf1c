package bot

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch"
)

// Discord's limits, in characters (runes).
const (
	maxTitle      = 256
	maxDesc       = 4096
	maxEmbedTotal = 6000
	maxContent    = 2000
	maxFieldName  = 256
	maxFieldValue = 1024
	maxFooter     = 2048
	maxChoice     = 100
)

// Embed colours.
const (
	colorCity    = 0x3498DB
	colorActor   = 0xE67E22
	colorBoth    = 0x9B59B6
	colorFailing = 0xE74C3C
	colorInfo    = 0x5865F2
)

var mdEscaper = strings.NewReplacer(
	`\`, `\\`, `*`, `\*`, `_`, `\_`, "~", `\~`, "`", "\\`", `|`, `\|`,
	`<`, `\<`, `>`, `\>`, `[`, `\[`, `]`, `\]`, `(`, `\(`, `)`, `\)`, `#`, `\#`,
	`@`, "@\u200b", // never a working @everyone, @here or user mention
	newswatch.HighlightStart, "", newswatch.HighlightEnd, "",
)

// escape makes outside text inert in Discord markdown: no formatting, no
// links in brackets, no mentions, no list items or subtext at the start of
// a line. Highlight markers are dropped.
func escape(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return escapeLineStarts(mdEscaper.Replace(s))
}

// escapeLineStarts escapes the markers that only count at the start of a
// line ("- ", "+ ", "-# ", "1. ", "1) "). The start of s counts as one,
// since the text may be placed at the start of a line; an escape in the
// middle of a line shows the same.
func escapeLineStarts(s string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(s, "\n") {
		rest := strings.TrimLeft(line, " \t")
		b.WriteString(line[:len(line)-len(rest)])
		digits := len(rest) - len(strings.TrimLeft(rest, "0123456789"))
		switch {
		case strings.HasPrefix(rest, "-") || strings.HasPrefix(rest, "+"):
			b.WriteString(`\`)
		case digits > 0 && len(rest) > digits && (rest[digits] == '.' || rest[digits] == ')'):
			b.WriteString(rest[:digits] + `\`)
			rest = rest[digits:]
		}
		b.WriteString(rest)
	}
	return b.String()
}

// plain is escape for one line: white space runs become one space.
func plain(s string) string {
	return escape(strings.Join(strings.Fields(s), " "))
}

// highlight escapes a snippet and turns the highlight markers into bold.
func highlight(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	open := false
	for s != "" {
		i := strings.IndexAny(s, newswatch.HighlightStart+newswatch.HighlightEnd)
		if i < 0 {
			b.WriteString(escape(s))
			break
		}
		b.WriteString(escape(s[:i]))
		start := s[i:i+1] == newswatch.HighlightStart
		if start != open { // ignore unbalanced markers
			b.WriteString("**")
			open = start
		}
		s = s[i+1:]
	}
	if open {
		b.WriteString("**")
	}
	return strings.ReplaceAll(b.String(), "****", "")
}

// cut shortens s to at most n runes, ending with "…" when it cut, without
// leaving a lone escaping backslash or an unclosed bold.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	rs := []rune(s)[:n-1]
	out := string(rs)
	for strings.HasSuffix(out, `\`) && !strings.HasSuffix(out, `\\`) {
		out = out[:len(out)-1]
	}
	if strings.Count(out, "**")%2 == 1 {
		if utf8.RuneCountInString(out)+3 > n {
			out = string([]rune(out)[:n-3])
			out = strings.TrimSuffix(out, "*")
		}
		return out + "…**"
	}
	return out + "…"
}

// safeURL returns u when it is an absolute http(s) URL Discord accepts in an
// embed, else "".
func safeURL(u string) string {
	if len(u) > 2048 {
		return ""
	}
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	// Percent-encoding can triple a URL (a Cyrillic slug); Discord rejects
	// the whole message when the link is over its limit.
	if s := p.String(); len(s) <= 2048 {
		return s
	}
	return ""
}

// link renders a markdown link with an escaped label, or the label alone.
func link(label, u string) string {
	if u = safeURL(u); u == "" {
		return label
	}
	return "[" + label + "](<" + strings.NewReplacer("<", "%3C", ">", "%3E", ")", "%29", " ", "%20", `\`, "%5C").Replace(u) + ">)"
}

// cutBytes returns text[from:from+n] moved to rune boundaries, with "…" if cut.
func cutBytes(text string, from, n int) string {
	if len(text)-from <= n {
		return text[from:]
	}
	to := from + n
	for to > from && !utf8.RuneStart(text[to]) {
		to--
	}
	return text[from:to] + "…"
}

// fitEmbed cuts every part of e to Discord's limits and, when the total is
// still over maxEmbedTotal, shortens the description and then the fields.
func fitEmbed(e *discordgo.MessageEmbed) *discordgo.MessageEmbed {
	e.Title = cut(e.Title, maxTitle)
	e.Description = cut(e.Description, maxDesc)
	if len(e.Fields) > 25 {
		e.Fields = e.Fields[:25]
	}
	for _, f := range e.Fields {
		f.Name = cut(f.Name, maxFieldName)
		f.Value = cut(f.Value, maxFieldValue)
		if f.Name == "" {
			f.Name = "\u200b"
		}
		if f.Value == "" {
			f.Value = "\u200b"
		}
	}
	if e.Footer != nil {
		e.Footer.Text = cut(e.Footer.Text, maxFooter)
	}
	e.URL = safeURL(e.URL)
	if over := embedSize(e) - maxEmbedTotal; over > 0 {
		n := utf8.RuneCountInString(e.Description)
		e.Description = cut(e.Description, max(n-over, 1))
	}
	for len(e.Fields) > 0 && embedSize(e) > maxEmbedTotal {
		e.Fields = e.Fields[:len(e.Fields)-1]
	}
	return e
}

// embedSize is the character count Discord checks against maxEmbedTotal.
func embedSize(e *discordgo.MessageEmbed) int {
	n := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
	if e.Footer != nil {
		n += utf8.RuneCountInString(e.Footer.Text)
	}
	if e.Author != nil {
		n += utf8.RuneCountInString(e.Author.Name)
	}
	for _, f := range e.Fields {
		n += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	return n
}
