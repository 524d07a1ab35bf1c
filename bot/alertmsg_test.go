package bot

import (
	"strings"
	"testing"

	"github.com/newswatch/newswatch"
)

// TestPlainMessage: the plain form of an alert writes its link out; that of
// a summary has no masked links left, and both keep the marker.
func TestPlainMessage(t *testing.T) {
	a := newswatch.Alert{ID: 1, Kind: newswatch.AlertMention, Item: newswatch.Item{Title: "Kyiv [x] news", Link: "https://x.test/a?b=(c)"},
		Mentions: []newswatch.Mention{{Entity: "Kyiv", Kind: newswatch.KindCity}}}
	single := forPost(plainMessage(alertMessage(a)), 5)
	e := single.Embeds[0]
	if e.URL != "" || e.Timestamp != "" || len(e.Fields) != 0 || !strings.Contains(e.Description, "x.test/a") {
		t.Errorf("plain alert %+v", e)
	}
	b := a
	b.ID, b.Item.Link = 2, "https://y.test/b"
	sum := forPost(plainMessage(summaryMessage(newswatch.Route{}, []newswatch.Alert{a, b}, 2)), 6)
	d := sum.Embeds[0].Description
	if strings.Contains(d, "](<") || !strings.Contains(d, "Kyiv \\[x\\] news: ") || !strings.Contains(d, "y.test/b") {
		t.Errorf("plain summary description %q", d)
	}
	for _, m := range []*outMessage{single, sum} {
		if !strings.HasSuffix(m.Embeds[0].Footer.Text, "newswatch #5") && !strings.HasSuffix(m.Embeds[0].Footer.Text, "newswatch #6") {
			t.Errorf("footer %q lacks the marker", m.Embeds[0].Footer.Text)
		}
	}
}
