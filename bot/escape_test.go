package bot_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/bot/discordtest"
	"github.com/newswatch/newswatch/watch"
)

// listStart matches a line that Discord renders as a list item or subtext.
var listStart = regexp.MustCompile(`(?m)^\s*(?:[-+*]|\d+[.)]|-#)\s`)

// saveBody stores one item with a body as written, raising alerts.
func (e *env) saveBody(feedID int64, guild, title, text string) {
	e.t.Helper()
	ws, err := e.db.Watches(e.ctx, guild)
	if err != nil {
		e.t.Fatal(err)
	}
	m, err := watch.Compile(ws)
	if err != nil {
		e.t.Fatal(err)
	}
	it := newswatch.Item{FeedID: feedID, Key: "body-" + title, Title: title, Link: "https://news.test/body",
		Text: text, FetchedAt: time.Now(), Published: time.Now()}
	if _, err := e.db.SaveItems(e.ctx, feedID, []newswatch.IngestItem{{Item: it, Mentions: m.Match(it.MatchText()), Alert: true}}); err != nil {
		e.t.Fatal(err)
	}
	if e.bot != nil {
		e.bot.Notify()
	}
}

func TestFeedTextListMarkersEscaped(t *testing.T) {
	tests := []struct{ name, title, text string }{
		{"dash list", "Kyiv update", "- Kyiv shelled overnight"},
		{"plus list", "Kyiv update", "+ Kyiv shelled overnight"},
		{"numbered list", "Kyiv update", "1. Kyiv shelled overnight"},
		{"subtext", "Kyiv update", "-# Kyiv shelled overnight"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			f := setupAlerts(e, "")
			e.start()
			e.saveBody(f.ID, guildA, tt.title, tt.text)
			ms := e.fake.WaitMessages(chanA, 1, wait)
			if len(ms) != 1 {
				t.Fatalf("%d messages", len(ms))
			}
			if d := ms[0].Embeds[0].Description; listStart.MatchString(d) {
				t.Errorf("alert description %q starts a markdown list or subtext", d)
			}
			r := e.do(guildA, "0", discordtest.Command("latest"))
			for _, fl := range r.Embeds[0].Fields {
				if listStart.MatchString(fl.Value) {
					t.Errorf("/latest field %q has a line that starts a markdown list", fl.Value)
				}
			}
			r = e.do(guildA, "0", discordtest.Command("search", discordtest.Str("query", "shelled")))
			if !strings.Contains(r.Text(), "shelled") {
				t.Fatalf("/search: %q", r.Text())
			}
			for _, fl := range r.Embeds[0].Fields {
				if listStart.MatchString(fl.Value) {
					t.Errorf("/search field %q has a line that starts a markdown list", fl.Value)
				}
			}
		})
	}
}

// TestLongEncodedLinkDoesNotBlockChannel: a link within 2048 bytes as
// written but longer once percent-encoded (a Cyrillic slug) must not make
// Discord reject the alert, which would hold back the channel for good.
func TestLongEncodedLinkDoesNotBlockChannel(t *testing.T) {
	e := newEnv(t)
	f := setupAlerts(e, "")
	e.start()
	long := "https://news.test/" + strings.Repeat("київ", 200) // 1618 bytes, 4818 encoded
	it := newswatch.Item{FeedID: f.ID, Key: "long-link", Title: "Kyiv long link", Link: long,
		Text: "Kyiv news.", FetchedAt: time.Now(), Published: time.Now()}
	ws, _ := e.db.Watches(e.ctx, guildA)
	m, err := watch.Compile(ws)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.SaveItems(e.ctx, f.ID, []newswatch.IngestItem{{Item: it, Mentions: m.Match(it.MatchText()), Alert: true}}); err != nil {
		t.Fatal(err)
	}
	e.bot.Notify()
	ms := e.fake.WaitMessages(chanA, 1, wait)
	if len(ms) != 1 {
		t.Fatalf("%d messages, want the alert (requests: %d)", len(ms), len(e.fake.Requests()))
	}
	if u := ms[0].Embeds[0].URL; len(u) > 2048 {
		t.Errorf("embed url of %d bytes", len(u))
	}
}

// TestSummaryLinkWithBackslash: a link whose query ends in a backslash must
// not escape the closing ">" of the masked link in a summary.
func TestSummaryLinkWithBackslash(t *testing.T) {
	e := newEnv(t)
	f := setupAlerts(e, "")
	ws, _ := e.db.Watches(e.ctx, guildA)
	m, err := watch.Compile(ws)
	if err != nil {
		t.Fatal(err)
	}
	var in []newswatch.IngestItem
	for i := 0; i < 7; i++ {
		it := newswatch.Item{FeedID: f.ID, Key: "k" + itoa(int64(i)), Title: "Kyiv story " + itoa(int64(i)),
			Link: "https://news.test/a?q=" + itoa(int64(i)) + `\`, Text: "Kyiv.", FetchedAt: time.Now(), Published: time.Now()}
		in = append(in, newswatch.IngestItem{Item: it, Mentions: m.Match(it.MatchText()), Alert: true})
	}
	if _, err := e.db.SaveItems(e.ctx, f.ID, in); err != nil {
		t.Fatal(err)
	}
	e.start()
	ms := e.fake.WaitMessages(chanA, 1, wait)
	if len(ms) != 1 {
		t.Fatalf("%d messages, want one summary", len(ms))
	}
	d := ms[0].Embeds[0].Description
	if strings.Contains(d, `\>)`) || !strings.Contains(d, `](<https://news.test/a?q=0%5C>)`) {
		t.Errorf("summary links: %s", d)
	}
}
