package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
)

// TestHeldMessage: a cap summary is one message naming the watch, the hour,
// the count and the first held items as links, pinging the route's role.
func TestHeldMessage(t *testing.T) {
	hour := time.Date(2026, 3, 1, 14, 0, 0, 0, time.UTC)
	var items []newswatch.Item
	for _, k := range []string{"a", "b"} {
		items = append(items, newswatch.Item{Title: "Kyiv *" + k + "*", Link: "https://news.test/" + k, FeedTitle: "Wire"})
	}
	a := newswatch.Alert{Kind: newswatch.AlertMention, Route: newswatch.Route{RoleID: "42", CapPerHour: 3},
		Item: items[0], Held: &newswatch.HeldAlerts{Watch: "Kyiv", Hour: hour, Count: 12, Items: items}}
	m := alertMessage(a)
	if len(m.Embeds) != 1 || m.Content != "<@&42>" {
		t.Fatalf("message %+v", m)
	}
	e := m.Embeds[0]
	if e.Title != "Kyiv: 12 more alerts between 14:00 and 15:00 UTC" {
		t.Errorf("title %q", e.Title)
	}
	for _, want := range []string{`[Kyiv \*a\*](<https://news.test/a>) — Wire`, "[Kyiv \\*b\\*](<https://news.test/b>)", "… and 10 more"} {
		if !strings.Contains(e.Description, want) {
			t.Errorf("description %q lacks %q", e.Description, want)
		}
	}
	if !strings.Contains(e.Footer.Text, "at most 3 alerts per watch per hour") {
		t.Errorf("footer %q", e.Footer.Text)
	}
	if got := summaryLine(a); got != "• Kyiv: 12 more alerts over the hourly cap" {
		t.Errorf("summary line %q", got)
	}
}
