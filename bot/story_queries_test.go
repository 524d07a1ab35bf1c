package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/bot/discordtest"
	"github.com/newswatch/newswatch/watch"
)

// story groups the stored items with these titles into one new story, in
// the order given, and returns its id.
func (e *env) story(titles ...string) int64 {
	e.t.Helper()
	items, err := e.db.Latest(e.ctx, newswatch.LatestQuery{Limit: 100})
	if err != nil {
		e.t.Fatal(err)
	}
	var id int64
	for _, title := range titles {
		var it *newswatch.Item
		for i := range items {
			if items[i].Title == title {
				it = &items[i]
			}
		}
		if it == nil {
			e.t.Fatalf("no item %q", title)
		}
		a := newswatch.StoryAssignment{ItemID: it.ID, FeedID: it.FeedID, Title: it.Title, Time: it.Time(),
			How: newswatch.StoryText, StoryID: id}
		if id == 0 {
			a.How, a.Join = newswatch.StoryNew, -1
		}
		ids, err := e.db.SaveStoryItems(e.ctx, []newswatch.StoryAssignment{a})
		if err != nil {
			e.t.Fatal(err)
		}
		id = ids[0]
	}
	return id
}

// saveAt stores one item in a feed at a given time with a given link,
// matched against every watch, raising no alert.
func (e *env) saveAt(feedID int64, title, link string, at time.Time) {
	e.t.Helper()
	ws, err := e.db.Watches(e.ctx, "")
	if err != nil {
		e.t.Fatal(err)
	}
	m, err := watch.Compile(ws)
	if err != nil {
		e.t.Fatal(err)
	}
	it := newswatch.Item{FeedID: feedID, Key: link, Title: title, Link: link, Text: "Report: " + title + ".",
		FetchedAt: at, Published: at}
	if _, err := e.db.SaveItems(e.ctx, feedID, []newswatch.IngestItem{{Item: it, Mentions: m.Match(it.MatchText())}}); err != nil {
		e.t.Fatal(err)
	}
}

// storyQueryEnv has one story carried by the global feed, guild A's and guild
// B's feeds, and two items of no story. Newest first:
//
//	t0+5 Shelling elsewhere (global)   t0+4 Sloviansk B copy (B, story)
//	t0+3 Calm weather (A)              t0+2 Sloviansk A copy (A, story)
//	t0+1 Sloviansk (global, story)
func storyQueryEnv(t *testing.T) (*env, int64) {
	e := newEnv(t)
	e.watch(newswatch.GlobalScope, "Sloviansk", newswatch.KindCity)
	global := e.feed(newswatch.GlobalScope, "http://wire.test/rss")
	fa := e.feed(guildA, "http://a.test/rss")
	fb := e.feed(guildB, "http://b.test/rss")
	t0 := time.Now().Add(-time.Hour).Truncate(time.Second)
	e.saveAt(global.ID, "Shelling in Sloviansk overnight", "https://wire.test/sloviansk", t0.Add(time.Minute))
	e.saveAt(fa.ID, "Shelling in Sloviansk overnight (A copy)", "https://a.test/sloviansk", t0.Add(2*time.Minute))
	e.saveAt(fa.ID, "Calm weather in Lviv", "https://a.test/weather", t0.Add(3*time.Minute))
	e.saveAt(fb.ID, "Shelling in Sloviansk overnight (B copy)", "https://b.test/sloviansk", t0.Add(4*time.Minute))
	e.saveAt(global.ID, "Shelling elsewhere, says army", "https://wire.test/elsewhere", t0.Add(5*time.Minute))
	id := e.story("Shelling in Sloviansk overnight", "Shelling in Sloviansk overnight (A copy)", "Shelling in Sloviansk overnight (B copy)")
	e.start()
	return e, id
}

func TestSearchStories(t *testing.T) {
	e, id := storyQueryEnv(t)
	r := e.do(guildA, "0", discordtest.Command("search", discordtest.Str("query", "shelling")))
	got := r.Text()
	// One entry for the story, counted as guild A sees it (the global
	// feed and its own: B's copy is not counted), and one for the other.
	if n := strings.Count(got, "story #"); n != 1 || strings.Contains(got, "A copy") {
		t.Errorf("the story shows %d times, want once (as its best item, the global one):\n%s", n, got)
	}
	if want := fmt.Sprintf("story #%d: 2 sources, 2 items", id); !strings.Contains(got, want) {
		t.Errorf("reply lacks %q:\n%s", want, got)
	}
	if !strings.Contains(got, "Shelling elsewhere") || strings.Contains(got, "B copy") || len(r.Embeds) != 1 || len(r.Embeds[0].Fields) != 2 {
		t.Errorf("collapsed search:\n%s", got)
	}
	// expand: every item guild A sees, as before stories.
	r = e.do(guildA, "0", discordtest.Command("search", discordtest.Str("query", "shelling"), discordtest.Bool("expand", true)))
	if got := r.Text(); len(r.Embeds) != 1 || len(r.Embeds[0].Fields) != 3 || strings.Contains(got, "story #") || strings.Contains(got, "B copy") {
		t.Errorf("expanded search:\n%s", got)
	}
	// Guild B sees its own copy, not A's.
	r = e.do(guildB, "0", discordtest.Command("search", discordtest.Str("query", "sloviansk"), discordtest.Bool("expand", true)))
	if got := r.Text(); !strings.Contains(got, "B copy") || strings.Contains(got, "A copy") {
		t.Errorf("guild B's expanded search:\n%s", got)
	}
}

func TestLatestStoriesPaging(t *testing.T) {
	e, id := storyQueryEnv(t)
	// Newest first: "Shelling elsewhere", "Calm weather", then the story
	// as its newest item that guild A sees, its own copy. Three entries,
	// one a page.
	r := e.do(guildA, "0", discordtest.Command("latest", discordtest.Int("limit", 1)))
	var pages []string
	for page := 1; ; page++ {
		if len(r.Embeds) != 1 || len(r.Embeds[0].Fields) != 1 {
			t.Fatalf("page %d: %q", page, r.Text())
		}
		pages = append(pages, r.Embeds[0].Fields[0].Name+" "+r.Embeds[0].Fields[0].Value)
		ids := customIDs(t, r)
		if page == 3 || len(ids) < 2 {
			break
		}
		var err error
		r, err = e.fake.Interact(discordtest.Interaction{Type: 3, GuildID: guildA, Data: discordtest.Component(ids[1]), MessageID: "1"}, wait)
		if err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"1. Shelling elsewhere", "2. Calm weather", "3. Shelling in Sloviansk overnight \\(A copy\\)"}
	if len(pages) != 3 {
		t.Fatalf("%d pages: %q", len(pages), pages)
	}
	for i, w := range want {
		if !strings.HasPrefix(pages[i], w) {
			t.Errorf("page %d: %q, want it to start with %q", i+1, pages[i], w)
		}
	}
	if !strings.Contains(pages[2], fmt.Sprintf("story #%d: 2 sources", id)) {
		t.Errorf("page 3 lacks the story's sources: %q", pages[2])
	}
	// The page option counts entries too.
	r = e.do(guildA, "0", discordtest.Command("latest", discordtest.Int("limit", 1), discordtest.Int("page", 3)))
	if !strings.Contains(r.Text(), "3. Shelling in Sloviansk") {
		t.Errorf("page 3 by option: %q", r.Text())
	}
	r = e.do(guildA, "0", discordtest.Command("latest", discordtest.Bool("expand", true)))
	if len(r.Embeds) != 1 || len(r.Embeds[0].Fields) != 4 || strings.Contains(r.Text(), "B copy") {
		t.Errorf("expanded latest: %q", r.Text())
	}
}

func TestStoryCommand(t *testing.T) {
	e, id := storyQueryEnv(t)
	r := e.do(guildA, "0", discordtest.Command("story", discordtest.Int("id", int(id))))
	got := r.Text()
	if len(r.Embeds) != 1 || len(r.Embeds[0].Fields) != 2 || r.Ephemeral {
		t.Fatalf("/story: %q", got)
	}
	for _, w := range []string{fmt.Sprintf("Story #%d: Shelling in Sloviansk overnight", id), "2 sources, 2 items",
		"1. wire.test", "2. a.test", "(<https://a.test/sloviansk>)", "<t:"} {
		if !strings.Contains(got, w) {
			t.Errorf("/story lacks %q:\n%s", w, got)
		}
	}
	if strings.Contains(got, "B copy") {
		t.Errorf("guild A sees guild B's source:\n%s", got)
	}
	r = e.do(guildB, "0", discordtest.Command("story", discordtest.Int("id", int(id)), discordtest.Int("limit", 1)))
	if got := r.Text(); !strings.Contains(got, "1. wire.test") || strings.Contains(got, "A copy") || len(customIDs(t, r)) != 2 {
		t.Errorf("guild B's first page:\n%s", got)
	}
	next := customIDs(t, r)[1]
	r, err := e.fake.Interact(discordtest.Interaction{Type: 3, GuildID: guildB, Data: discordtest.Component(next), MessageID: "1"}, wait)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Text(); !strings.Contains(got, "2. b.test") || !strings.Contains(got, "B copy") {
		t.Errorf("guild B's second page:\n%s", got)
	}
	r = e.do(guildA, "0", discordtest.Command("story", discordtest.Int("id", int(id)+100)))
	if !r.Ephemeral || !strings.Contains(r.Text(), "There is no story") {
		t.Errorf("unknown story: %q", r.Text())
	}
	// A story carried only by guild B's feed does not exist for guild A.
	e.saveAt(e.feedID(t, guildB), "Local news in B", "https://b.test/local", time.Now().Add(-time.Minute))
	bOnly := e.story("Local news in B")
	r = e.do(guildA, "0", discordtest.Command("story", discordtest.Int("id", int(bOnly))))
	if !r.Ephemeral || !strings.Contains(r.Text(), "There is no story") {
		t.Errorf("guild B's story seen from guild A: %q", r.Text())
	}
	r = e.do(guildB, "0", discordtest.Command("story", discordtest.Int("id", int(bOnly))))
	if !strings.Contains(r.Text(), "Local news in B") || !strings.Contains(r.Text(), "1 sources, 1 items") {
		t.Errorf("guild B's own story: %q", r.Text())
	}
	r = e.doLocale(guildA, "uk", discordtest.Command("story", discordtest.Int("id", int(id)+100)))
	if !r.Ephemeral || !strings.Contains(r.Text(), "Сюжету") {
		t.Errorf("unknown story in Ukrainian: %q", r.Text())
	}
	r = e.doLocale(guildA, "ru", discordtest.Command("story", discordtest.Int("id", int(id))))
	if !strings.Contains(r.Text(), fmt.Sprintf("Сюжет #%d", id)) {
		t.Errorf("/story in Russian: %q", r.Text())
	}
}

// feedID returns the id of guild's own (first) feed.
func (e *env) feedID(t *testing.T, guild string) int64 {
	t.Helper()
	fs, err := e.db.ListFeeds(e.ctx, guild)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if !f.Global {
			return f.ID
		}
	}
	t.Fatalf("guild %s has no feed of its own", guild)
	return 0
}

// doLocale runs a slash command as a member whose client uses locale.
func (e *env) doLocale(guild, locale string, data map[string]any) discordtest.Reply {
	e.t.Helper()
	r, err := e.fake.Interact(discordtest.Interaction{GuildID: guild, Permissions: "0", Locale: locale, Data: data}, wait)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

func TestStatsAndMentionsByStories(t *testing.T) {
	e, id := storyQueryEnv(t)
	r := e.do(guildA, "0", discordtest.Command("stats"))
	// Guild A sees four items (global 2, its own 2) in three stories, one
	// of them from two sources.
	got := r.Text()
	for _, w := range []string{"Stories\n3 (1 from 2+ sources)"} {
		if !strings.Contains(got, w) {
			t.Errorf("/stats lacks %q:\n%s", w, got)
		}
	}
	r = e.do(guildA, "0", discordtest.Command("mentions", discordtest.Str("name", "Sloviansk"), discordtest.Str("by", "stories")))
	// Each item mentions Sloviansk twice (title and text): four mentions,
	// two items, one story as guild A sees it.
	if got := r.Text(); len(r.Embeds) != 1 || len(r.Embeds[0].Fields) != 1 || !strings.Contains(got, "A copy") ||
		!strings.Contains(got, fmt.Sprintf("story #%d: 2 sources", id)) || !strings.Contains(got, "Mentions: 4, in items: 2, in stories: 1.") {
		t.Errorf("/mentions by stories:\n%s", got)
	}
	r = e.do(guildA, "0", discordtest.Command("mentions", discordtest.Str("name", "Sloviansk")))
	if len(r.Embeds) != 1 || len(r.Embeds[0].Fields) != 4 || strings.Contains(r.Text(), "in stories") {
		t.Errorf("/mentions by items:\n%s", r.Text())
	}
}
