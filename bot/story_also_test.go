package bot_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/bot/discordtest"
	"github.com/newswatch/newswatch/stories"
	"github.com/newswatch/newswatch/watch"
)

// storyWire is one wire story: copies of it in several feeds are one story.
const storyWire = `Russian drones struck an energy facility in the Kyiv region overnight, ` +
	`regional officials said on Monday, leaving thousands of homes without power as temperatures fell below freezing. ` +
	`Air defence units shot down most of the incoming drones, but debris damaged a substation and two residential buildings, ` +
	`the regional administration said in a statement posted on its official channel. ` +
	`Emergency crews were working to restore electricity and heating to the affected districts, and no casualties were reported.`

// storyEnv is an env whose store groups stories, with a clock the test
// moves and one feed per source of guild A.
type storyEnv struct {
	*env
	clock atomic.Int64 // unix ns
	feeds map[string]newswatch.Feed
}

func newStoryEnv(t *testing.T, sources ...string) *storyEnv {
	s := &storyEnv{feeds: map[string]newswatch.Feed{}}
	s.clock.Store(time.Now().UnixNano())
	s.env = newEnv(t, func(e *env) { e.cfg.Clock = func() time.Time { return time.Unix(0, s.clock.Load()) } })
	as := stories.NewAssigner(s.db, 0)
	if err := as.Load(s.ctx); err != nil {
		t.Fatal(err)
	}
	s.db.SetStoryDecider(as)
	setupAlerts(s.env, "")
	for _, src := range sources {
		s.feeds[src] = s.feed(guildA, "http://"+src+"/rss")
	}
	return s
}

func (s *storyEnv) advance(d time.Duration) { s.clock.Add(int64(d)) }

// copyFrom stores the wire story as published by source, at its own link.
func (s *storyEnv) copyFrom(source string) {
	s.t.Helper()
	ws, err := s.db.Watches(s.ctx, guildA)
	if err != nil {
		s.t.Fatal(err)
	}
	m, err := watch.Compile(ws)
	if err != nil {
		s.t.Fatal(err)
	}
	it := newswatch.Item{FeedID: s.feeds[source].ID, Key: "wire", Title: "Drones hit Kyiv region",
		Link: "https://" + source + "/news/drones", Text: storyWire, Published: time.Now(), FetchedAt: time.Now()}
	in := []newswatch.IngestItem{{Item: it, Mentions: m.Match(it.MatchText()), Alert: true}}
	if _, err := s.db.SaveItems(s.ctx, s.feeds[source].ID, in); err != nil {
		s.t.Fatal(err)
	}
	if s.bot != nil {
		s.bot.Notify()
	}
}

// alsoField returns the "Also reported by" field of the channel's one
// message, "" when it has none.
func alsoField(e *env) string {
	ms := e.fake.Messages(chanA)
	if len(ms) == 0 || len(ms[0].Embeds) == 0 {
		return ""
	}
	for _, f := range ms[0].Embeds[0].Fields {
		if f.Name == "Also reported by" {
			return f.Value
		}
	}
	return ""
}

func posts(e *env) int {
	n := 0
	for _, r := range e.fake.Requests() {
		if isPost(r) && strings.HasSuffix(r.Path, "/messages") {
			n++
		}
	}
	return n
}

// TestStoryAlsoEditsAlert: the first copy of a story posts; three later
// copies add "Also reported by" to it in one edit; a copy that comes
// within the minute waits for the next minute.
func TestStoryAlsoEditsAlert(t *testing.T) {
	s := newStoryEnv(t, "first.test", "reuters.test", "ap.test", "afp.test", "dpa.test")
	s.copyFrom("first.test")
	s.copyFrom("reuters.test")
	s.copyFrom("ap.test")
	s.copyFrom("afp.test")
	s.start()
	if ms := s.fake.WaitMessages(chanA, 1, wait); len(ms) != 1 {
		t.Fatalf("%d messages, want the story's one alert", len(ms))
	}
	if !eventually(wait, func() bool { return s.fake.Edits() == 1 }) {
		t.Fatalf("%d edits, want 1 adding the three copies", s.fake.Edits())
	}
	also := alsoField(s.env)
	for _, src := range []string{"reuters.test", "ap.test", "afp.test"} {
		if !strings.Contains(also, src) || !strings.Contains(also, "https://"+src+"/news/drones") {
			t.Errorf("also line %q lacks %s or its link", also, src)
		}
	}
	// The edit kept the marker that reconciling looks for, and the footer
	// says where /story lists the story's sources.
	sts, err := s.db.Stories(s.ctx, newswatch.StoryQuery{})
	if err != nil || len(sts) != 1 {
		t.Fatalf("stories %v, %v; want the one", sts, err)
	}
	story := sts[0].ID
	if ms := s.fake.Messages(chanA); !strings.Contains(ms[0].Embeds[0].Footer.Text, "newswatch #") ||
		!strings.Contains(ms[0].Embeds[0].Footer.Text, fmt.Sprintf("/story %d", story)) {
		t.Errorf("footer %q lost its marker or does not name story %d", ms[0].Embeds[0].Footer.Text, story)
	}
	// A fifth source within the minute: no edit yet. Another alert going
	// out shows that delivery passes ran meanwhile.
	s.copyFrom("dpa.test")
	s.items(s.feeds["first.test"].ID, guildA, "Zelensky speaks")
	if ms := s.fake.WaitMessages(chanA, 2, wait); len(ms) != 2 {
		t.Fatalf("%d messages, want the second alert too", len(ms))
	}
	if n := s.fake.Edits(); n != 1 {
		t.Fatalf("%d edits within one minute, want 1", n)
	}
	s.advance(61 * time.Second)
	s.bot.Notify()
	if !eventually(wait, func() bool { return s.fake.Edits() == 2 }) {
		t.Fatalf("%d edits a minute later, want 2", s.fake.Edits())
	}
	if also := alsoField(s.env); !strings.Contains(also, "dpa.test") || !strings.Contains(also, "reuters.test") {
		t.Errorf("second edit's line %q, want every source", also)
	}
	if n := posts(s.env); n != 2 {
		t.Errorf("%d posts, want 2 (the story's alert and the other one)", n)
	}
}

// TestStoryAlsoCrash: the bot posts a story's alert and dies as it sends
// the edit adding two later copies, which Discord never receives; the
// restarted bot sends it, and the channel holds one alert listing both.
func TestStoryAlsoCrash(t *testing.T) {
	s := newStoryEnv(t, "first.test", "reuters.test", "ap.test")
	s.copyFrom("first.test")
	s.copyFrom("reuters.test")
	s.copyFrom("ap.test")
	crashed := startCrashing(s.env, func(c *crash) <-chan struct{} {
		return c.onRequest(func(r discordtest.Request) bool { return r.Method == http.MethodPatch })
	})
	awaitCrash(t, s.env, crashed)
	if n := s.fake.Edits(); n != 0 {
		t.Fatalf("%d edits applied, want none: the crash dropped it", n)
	}
	s.start()
	if !eventually(wait, func() bool { return strings.Contains(alsoField(s.env), "ap.test") }) {
		t.Fatalf("after the restart the alert's also line is %q, want both copies", alsoField(s.env))
	}
	if also := alsoField(s.env); !strings.Contains(also, "reuters.test") {
		t.Errorf("also line %q lost reuters.test", also)
	}
	if n := posts(s.env); n != 1 {
		t.Errorf("%d posts, want 1: no duplicate alert", n)
	}
	if n := len(s.fake.Messages(chanA)); n != 1 {
		t.Errorf("%d messages in the channel, want 1", n)
	}
}

// TestAlsoLineCapsNames: of eight later sources, five are named and the
// rest counted.
func TestAlsoLineCapsNames(t *testing.T) {
	srcs := []string{"first.test"}
	for i := 0; i < 8; i++ {
		srcs = append(srcs, fmt.Sprintf("src%d.test", i))
	}
	s := newStoryEnv(t, srcs...)
	for _, src := range srcs {
		s.copyFrom(src)
	}
	s.start()
	if !eventually(wait, func() bool { return s.fake.Edits() == 1 }) {
		t.Fatalf("%d edits, want 1", s.fake.Edits())
	}
	also := alsoField(s.env)
	if !strings.HasSuffix(also, ", +3") || strings.Count(also, "](<") != 5 {
		t.Errorf("also line %q, want five named and +3", also)
	}
}
