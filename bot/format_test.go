package bot

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/google/go-cmp/cmp"

	"github.com/newswatch/newswatch"
)

const hs, he = newswatch.HighlightStart, newswatch.HighlightEnd

func TestHighlight(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"shelling in " + hs + "Kyiv" + he + " today", "shelling in **Kyiv** today"},
		{hs + "a*b" + he, `**a\*b**`},
		{"@everyone <@&1> [x](y)", "@\u200beveryone \\<@\u200b&1\\> \\[x\\]\\(y\\)"},
		{"unbalanced " + he + "end " + hs + "open", "unbalanced end **open**"},
		{"bad utf8 \xff", "bad utf8 \uFFFD"},
		{"_under_ ~strike~ `code` |spoiler| # head", `\_under\_ \~strike\~ ` + "\\`code\\`" + ` \|spoiler\| \# head`},
	}
	for _, tt := range tests {
		if got := highlight(tt.in); got != tt.want {
			t.Errorf("highlight(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCut(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"Київ Київ Київ", 6, "Київ …"},
		{`ab\*cd`, 4, "ab…"},
		{"x **bold words here**", 10, "x **bol…**"},
		{"anything", 0, ""},
	}
	for _, tt := range tests {
		got := cut(tt.in, tt.n)
		if got != tt.want {
			t.Errorf("cut(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
		if utf8.RuneCountInString(got) > tt.n {
			t.Errorf("cut(%q, %d) is %d runes", tt.in, tt.n, utf8.RuneCountInString(got))
		}
	}
}

func TestMentionSnippet(t *testing.T) {
	text := "Bombing near Sloviansk, and later in Kramatorsk."
	k, sl := strings.Index(text, "Kramatorsk"), strings.Index(text, "Sloviansk")
	ms := []newswatch.Mention{{Start: k, End: k + 10, Entity: "Kramatorsk"}, {Start: sl, End: sl + 9, Entity: "Sloviansk"},
		{Start: 40, End: 400}, {Start: -1, End: 2}}
	got := highlight(newswatch.Snippet(text, ms, 600))
	want := "Bombing near **Sloviansk**, and later in **Kramatorsk**."
	if got != want {
		t.Errorf("snippet = %q, want %q", got, want)
	}
	long := strings.Repeat("слово ", 200) + "Київ" + strings.Repeat(" текст", 200)
	i := strings.Index(long, "Київ")
	s := newswatch.Snippet(long, []newswatch.Mention{{Start: i, End: i + len("Київ")}}, 300)
	if !utf8.ValidString(s) || !strings.Contains(s, hs+"Київ"+he) || !strings.HasPrefix(s, "…") || !strings.HasSuffix(s, "…") {
		t.Errorf("long snippet %q", s)
	}
}

func TestParseSince(t *testing.T) {
	now := time.Date(2014, 5, 10, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{"", time.Time{}, false},
		{"24h", now.Add(-24 * time.Hour), false},
		{"7d", now.AddDate(0, 0, -7), false},
		{"2w", now.AddDate(0, 0, -14), false},
		{"2014-04-01", time.Date(2014, 4, 1, 0, 0, 0, 0, time.UTC), false},
		{"2014-04-01T10:00:00Z", time.Date(2014, 4, 1, 10, 0, 0, 0, time.UTC), false},
		{"yesterday", time.Time{}, true},
		{"-5d", time.Time{}, true},
		{"99999999999d", time.Time{}, true},
	}
	for _, tt := range tests {
		got, err := parseSince(langEN, tt.in, now)
		if (err != nil) != tt.bad || !got.Equal(tt.want) {
			t.Errorf("parseSince(%q) = %v, %v; want %v (error %v)", tt.in, got, err, tt.want, tt.bad)
		}
		if err != nil && newswatch.ErrorCode(err) != newswatch.EINVALID {
			t.Errorf("parseSince(%q): error %v is not EINVALID", tt.in, err)
		}
	}
}

func TestFitEmbedLimits(t *testing.T) {
	big := strings.Repeat("ж", 5000)
	e := &discordgo.MessageEmbed{Title: big, Description: big, URL: "javascript:alert(1)", Footer: &discordgo.MessageEmbedFooter{Text: big}}
	for i := 0; i < 30; i++ {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: big, Value: big})
	}
	fitEmbed(e)
	if n := utf8.RuneCountInString(e.Title); n > maxTitle {
		t.Errorf("title %d runes", n)
	}
	if n := embedSize(e); n > maxEmbedTotal {
		t.Errorf("embed total %d", n)
	}
	if e.URL != "" {
		t.Errorf("unsafe URL kept: %q", e.URL)
	}
	for _, f := range e.Fields {
		if utf8.RuneCountInString(f.Value) > maxFieldValue || utf8.RuneCountInString(f.Name) > maxFieldName {
			t.Error("field over the limit")
		}
	}
}

func TestAlertMessage(t *testing.T) {
	a := newswatch.Alert{ID: 1, Kind: newswatch.AlertMention, Nonce: "n1",
		Route: newswatch.Route{ID: 2, ChannelID: "3", RoleID: "44"},
		Item:  newswatch.Item{Title: "Avakov in Kyiv", Link: "https://x.test/a", FeedTitle: "Wire @here"},
		Mentions: []newswatch.Mention{{Entity: "Avakov", Kind: newswatch.KindActor, Start: 0, End: 6},
			{Entity: "Kyiv", Kind: newswatch.KindCity, Start: 10, End: 14}}}
	m := alertMessage(a)
	if diff := cmp.Diff(&discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}, Roles: []string{"44"}}, m.AllowedMentions); diff != "" {
		t.Errorf("allowed mentions (-want +got):\n%s", diff)
	}
	if m.Content != "<@&44>" || m.Nonce != "" {
		t.Errorf("content %q nonce %q", m.Content, m.Nonce)
	}
	p := forPost(m, 7)
	if p.Nonce != "nwm7" || !p.EnforceNonce || p.Embeds[0].Footer == nil || p.Embeds[0].Footer.Text != "newswatch #7" {
		t.Errorf("posted: nonce %q enforce %v footer %+v", p.Nonce, p.EnforceNonce, p.Embeds[0].Footer)
	}
	if m.Embeds[0].Footer != nil {
		t.Errorf("forPost changed the stored message's footer")
	}
	if id, ok := markerOf(&discordgo.Message{Embeds: p.Embeds}); !ok || id != 7 {
		t.Errorf("markerOf: %d %v, want 7", id, ok)
	}
	for _, text := range []string{"newswatch #7x", "my newswatch #7", "", "newswatch #"} {
		if id, ok := markerOf(&discordgo.Message{Embeds: []*discordgo.MessageEmbed{{Footer: &discordgo.MessageEmbedFooter{Text: text}}}}); ok {
			t.Errorf("markerOf(%q) = %d, want none", text, id)
		}
	}
	e := m.Embeds[0]
	if e.Color != colorBoth || e.Description != "**Avakov** in **Kyiv**" || !strings.Contains(e.Fields[1].Value, "@\u200bhere") {
		t.Errorf("embed %+v", e)
	}
}

func TestSummaryChunksFitLimits(t *testing.T) {
	var as []newswatch.Alert
	for i := 0; i < 300; i++ {
		as = append(as, newswatch.Alert{ID: int64(i), Item: newswatch.Item{Title: strings.Repeat("t", 300), Link: "https://x.test/" + strings.Repeat("p", 100)},
			Mentions: []newswatch.Mention{{Entity: "Kyiv", Kind: newswatch.KindCity}}})
	}
	chunks := summaryChunks(as)
	total := 0
	for _, c := range chunks {
		total += len(c)
		m := summaryMessage(newswatch.Route{}, c, len(as))
		if n := utf8.RuneCountInString(m.Embeds[0].Description); n > maxDesc || strings.HasSuffix(m.Embeds[0].Description, "…") {
			t.Errorf("summary description %d runes (cut: %v)", n, strings.HasSuffix(m.Embeds[0].Description, "…"))
		}
		p := forPost(m, 1<<62)
		if len(p.Nonce) > 25 {
			t.Errorf("nonce %q longer than 25", p.Nonce)
		}
		if id, ok := markerOf(&discordgo.Message{Embeds: p.Embeds}); !ok || id != 1<<62 {
			t.Errorf("summary marker: %d %v (footer %+v)", id, ok, p.Embeds[0].Footer)
		}
		if n := embedSize(p.Embeds[0]); n > maxEmbedTotal {
			t.Errorf("summary with marker: %d characters", n)
		}
	}
	if total != len(as) {
		t.Errorf("chunks hold %d alerts, want %d", total, len(as))
	}
}

func FuzzHighlightCut(f *testing.F) {
	f.Add("a \x02b\x03 c", 10)
	f.Add("Київ **x** @everyone", 5)
	f.Fuzz(func(t *testing.T, s string, n int) {
		n = n%5000 + 1
		if n < 1 {
			n = -n + 1
		}
		got := cut(highlight(s), n)
		if !utf8.ValidString(got) || utf8.RuneCountInString(got) > n {
			t.Fatalf("cut(highlight(%q), %d) = %q", s, n, got)
		}
		if strings.Contains(got, "@everyone") || strings.Contains(got, newswatch.HighlightStart) {
			t.Fatalf("unsafe output %q", got)
		}
	})
}
