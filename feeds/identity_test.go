package feeds_test

import (
	"testing"

	"github.com/newswatch/newswatch/feeds"
)

// TestPollerKeylessItems polls a feed whose items have neither GUID nor
// link through the real fetcher, poller and store: a new item on top, a
// reorder, a change of case or spacing, and identical items each store
// exactly what is new.
func TestPollerKeylessItems(t *testing.T) {
	e := newEnv(t, testConfig(), nil)
	a := genItem{Title: "Shelling in Sloviansk", HTML: "<p>Two houses hit.</p>"}
	b := genItem{Title: "Market reopens", HTML: "<p>Traders are back.</p>"}
	c := genItem{Title: "Weather", HTML: "<p>Sunny.</p>"}
	d := genItem{Title: "Kramatorsk station", HTML: "<p>Trains run again.</p>"}
	e.srv.set("/keyless", rssBytes("Keyless", []genItem{a, b, c}))
	f := e.addFeed("/keyless")
	cmpStats(t, "first poll", e.cycle(false), feeds.CycleStats{Feeds: 1, Fetched: 1, New: 3})

	e.srv.set("/keyless", rssBytes("Keyless", []genItem{d, a, b, c}))
	cmpStats(t, "new on top", e.cycle(true), feeds.CycleStats{Feeds: 1, Fetched: 1, New: 1, Unchanged: 3, Alerts: 1})

	e.srv.set("/keyless", rssBytes("Keyless", []genItem{c, a, d, b}))
	cmpStats(t, "reordered", e.cycle(true), feeds.CycleStats{Feeds: 1, Fetched: 1, Unchanged: 4})

	// Case and spacing are folded: the same item, not a new one.
	shouted := a
	shouted.Title = "SHELLING  in   Sloviansk"
	e.srv.set("/keyless", rssBytes("Keyless", []genItem{shouted, b, c, d}))
	st := e.cycle(true)
	if st.New != 0 {
		t.Errorf("re-cased item: stats = %+v, want nothing new", st)
	}
	a = shouted // stored as an update of a

	// Identical items are told apart by their occurrence: two copies are
	// two items, and a third on top is one new item.
	e.srv.set("/keyless", rssBytes("Keyless", []genItem{c, c, a, b, d}))
	cmpStats(t, "a second copy", e.cycle(true), feeds.CycleStats{Feeds: 1, Fetched: 1, New: 1, Unchanged: 4})
	e.srv.set("/keyless", rssBytes("Keyless", []genItem{c, a, c, b, d, c}))
	cmpStats(t, "a third copy", e.cycle(true), feeds.CycleStats{Feeds: 1, Fetched: 1, New: 1, Unchanged: 5})
	if got := e.items(f.ID); got != 6 {
		t.Errorf("stored %d items, want 6", got)
	}
}
