package main

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newswatch/newswatch/store"
)

// wireCopy is one wire story that two outlets carry under their own
// headline and link.
const wireCopy = `Russian drones struck an energy facility in the Kyiv region overnight, ` +
	`regional officials said on Monday, leaving thousands of homes without power as temperatures fell below freezing. ` +
	`Air defence units shot down most of the incoming drones, but debris damaged a substation and two residential buildings, ` +
	`the regional administration said in a statement posted on its official channel. ` +
	`Emergency crews were working to restore electricity and heating to the affected districts, and no casualties were reported.`

// wireFeeds serves /a and /b, two RSS feeds that each carry the wire story
// (and, in /b, an unrelated item), published a minute apart, once *on is
// set; before that, /b has the unrelated item alone (a feed's first poll
// raises no alerts).
func wireFeeds(t *testing.T, on *atomic.Bool) *httptest.Server {
	t.Helper()
	pub := time.Now().Add(-time.Hour)
	feed := func(name string, at time.Time, extra string) string {
		return fmt.Sprintf(`<?xml version="1.0"?><rss version="2.0"><channel><title>Outlet %s</title>
<item><title>Outlet %s: drones hit Kyiv region</title><link>https://%s.example/news/drones</link><guid>%s-1</guid>
<pubDate>%s</pubDate><description>%s</description></item>%s</channel></rss>`,
			strings.ToUpper(name), strings.ToUpper(name), name, name, at.Format(time.RFC1123Z), html.EscapeString(wireCopy), extra)
	}
	weather := `<item><title>Weather</title><link>https://b.example/weather</link>
<guid>b-2</guid><description>Sunny and dry.</description></item>`
	docs := map[string]string{
		"/a": feed("a", pub, ""),
		"/b": feed("b", pub.Add(time.Minute), weather),
	}
	empty := map[string]string{
		"/a": `<?xml version="1.0"?><rss version="2.0"><channel><title>Outlet A</title></channel></rss>`,
		"/b": `<?xml version="1.0"?><rss version="2.0"><channel><title>Outlet B</title>` + weather + `</channel></rss>`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		serve := empty
		if on.Load() {
			serve = docs
		}
		d, ok := serve[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(d))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestIngestOneAlertPerStory: ingest of two feeds that carry the same wire
// story queues one alert; the console prints it once and lists the second
// outlet on an "also:" line.
func TestIngestOneAlertPerStory(t *testing.T) {
	ctx := context.Background()
	var on atomic.Bool
	srv := wireFeeds(t, &on)
	e := newTestEnv(t, t.TempDir(), fmt.Sprintf(`[feeds]
allow_private_networks = true
[[feed]]
url = "%s/a"
[[feed]]
url = "%s/b"
[[watch]]
name = "Kyiv"
kind = "city"
`, srv.URL, srv.URL))
	if out, stderr, code := runCLI(t, ctx, "ingest", "--config", e.config); code != 0 {
		t.Fatalf("first ingest exit %d\nstdout: %s\nstderr: %s", code, out, stderr)
	}
	on.Store(true)
	out, stderr, code := runCLI(t, ctx, "ingest", "--all", "--json", "--config", e.config)
	if code != 0 {
		t.Fatalf("ingest exit %d\nstdout: %s\nstderr: %s", code, out, stderr)
	}
	var sum struct {
		Feeds struct {
			New    int `json:"new"`
			Alerts int `json:"alerts"`
		} `json:"feeds"`
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("ingest --json: %v\n%s", err, out)
	}
	if sum.Feeds.New != 2 || sum.Feeds.Alerts != 1 {
		t.Fatalf("ingest stored %d items with %d alerts, want 2 items and 1 alert (one story)", sum.Feeds.New, sum.Feeds.Alerts)
	}
	out, stderr, code = runCLI(t, ctx, "stories", "--json", "--config", e.config)
	if code != 0 {
		t.Fatalf("stories exit %d: %s", code, stderr)
	}
	var list []storyJSON
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("stories --json: %v\n%s", err, out)
	}
	sizes := map[int]int{}
	for _, s := range list {
		sizes[len(s.Items)]++
	}
	if len(list) != 2 || sizes[2] != 1 {
		t.Errorf("stories: %s; want the wire story with 2 items and the weather alone", out)
	}

	db, err := store.Open(ctx, e.db)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var buf strings.Builder
	d := &consoleDeliverer{db: db, out: &buf, now: time.Now}
	n, err := d.deliver(ctx)
	if err != nil || n != 1 {
		t.Fatalf("console printed %d alerts (%v), want 1", n, err)
	}
	got := buf.String()
	// The two feeds are polled at once: either outlet's copy may be saved
	// first and alert; the other's is the "also".
	first, second := "A", "B"
	if strings.Contains(got, "source: Outlet B") {
		first, second = "B", "A"
	}
	if strings.Count(got, " ALERT ") != 1 || !strings.Contains(got, "Outlet "+first+": drones hit Kyiv region") {
		t.Errorf("console output lacks the one alert:\n%s", got)
	}
	want := fmt.Sprintf("  also: Outlet %s  Outlet %s: drones hit Kyiv region  https://%s.example/news/drones\n",
		second, second, strings.ToLower(second))
	if !strings.Contains(got, want) {
		t.Errorf("console output lacks the also line %q:\n%s", want, got)
	}
	// Printed once: a second pass prints nothing.
	buf.Reset()
	if n, err := d.deliver(ctx); err != nil || n != 0 || buf.Len() != 0 {
		t.Errorf("second pass printed %d alerts (%v):\n%s", n, err, buf.String())
	}
}
