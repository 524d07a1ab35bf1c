package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/bot/discordtest"
)

// counts is a snapshot of what guild A has in the store.
type counts struct{ Watches, Feeds, Routes int }

func (e *env) counts(guild string) counts {
	e.t.Helper()
	ws, err := e.db.Watches(e.ctx, guild)
	if err != nil {
		e.t.Fatal(err)
	}
	fs, err := e.db.ListFeeds(e.ctx, guild)
	if err != nil {
		e.t.Fatal(err)
	}
	rs, err := e.db.Routes(e.ctx, guild)
	if err != nil {
		e.t.Fatal(err)
	}
	return counts{len(ws), len(fs), len(rs)}
}

func TestQueryCommands(t *testing.T) {
	e := newEnv(t)
	e.watch(newswatch.GlobalScope, "Sloviansk", newswatch.KindCity, "Slavyansk")
	e.watch(guildA, "Avakov", newswatch.KindActor)
	f := e.feed(guildA, "http://feeds.test/a")
	e.items(f.ID, guildA, "Shelling reported in Sloviansk", "Avakov visits *Kramatorsk*", "Weather is calm")
	e.start()
	tests := []struct {
		name string
		data map[string]any
		want []string // substrings of the reply text
	}{
		{"search", discordtest.Command("search", discordtest.Str("query", "shelling")), []string{"Search: shelling", "**Shelling**"}},
		{"search none", discordtest.Command("search", discordtest.Str("query", "zzzqqq")), []string{"No stored item matches"}},
		{"latest", discordtest.Command("latest"), []string{"Latest items", "Weather is calm", "Avakov visits \\*Kramatorsk\\*"}},
		{"latest feed", discordtest.Command("latest", discordtest.Str("feed", "http://feeds.test/a")), []string{"Shelling reported"}},
		{"mentions", discordtest.Command("mentions", discordtest.Str("name", "slavyansk")), []string{"Mentions of Sloviansk", "**Sloviansk**"}},
		{"mentions since", discordtest.Command("mentions", discordtest.Str("name", "Avakov"), discordtest.Str("since", "7d")), []string{"Mentions of Avakov"}},
		{"mentions bad since", discordtest.Command("mentions", discordtest.Str("name", "Avakov"), discordtest.Str("since", "yesterday-ish")), []string{"can't read"}},
		{"mentions unknown", discordtest.Command("mentions", discordtest.Str("name", "Nowhere")), nil},
		{"stats", discordtest.Command("stats"), []string{"Items", "3", "Most mentioned"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(guildA, "0", tt.data)
			got := r.Text()
			if got == "" {
				t.Fatal("empty reply")
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("reply %q does not contain %q", got, w)
				}
			}
			if !strings.Contains(string(r.AllowedMentions), `"parse":[]`) {
				t.Errorf("allowed_mentions = %s, want parse:[]", r.AllowedMentions)
			}
		})
	}
}

func TestWatchCommands(t *testing.T) {
	e := newEnv(t)
	e.watch(newswatch.GlobalScope, "Donetsk", newswatch.KindCity)
	e.start()

	r := e.do(guildA, admin, discordtest.Command("watch add", discordtest.Str("name", "Kharkiv"), discordtest.Str("kind", "city"),
		discordtest.Str("aliases", "Kharkov, Харків"), discordtest.Str("exclude", "Kharkiv Oblast"), discordtest.Bool("case_sensitive", false)))
	if !strings.Contains(r.Text(), "Added the watch **Kharkiv**") || r.Ephemeral {
		t.Fatalf("watch add: %q", r.Text())
	}
	w, err := e.db.WatchByName(e.ctx, guildA, "kharkov")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Kharkov", "Харків"}, w.Aliases); diff != "" || w.GuildID != guildA {
		t.Errorf("stored watch: guild %q, aliases diff %s", w.GuildID, diff)
	}
	e.mu.Lock()
	if diff := cmp.Diff([]string{"Kharkiv"}, e.changed); diff != "" {
		t.Errorf("WatchesChanged calls (-want +got):\n%s", diff)
	}
	e.mu.Unlock()

	for _, tt := range []struct {
		name string
		data map[string]any
		want string
		eph  bool
	}{
		{"show", discordtest.Command("watch show", discordtest.Str("name", "Kharkov")), "Kharkiv Oblast", false},
		{"list", discordtest.Command("watch list"), "Donetsk", false},
		{"list kind", discordtest.Command("watch list", discordtest.Str("kind", "actor")), "No watches", false},
		{"bad kind", discordtest.Command("watch add", discordtest.Str("name", "X"), discordtest.Str("kind", "river")), "unknown kind", true},
		{"alias conflict", discordtest.Command("watch add", discordtest.Str("name", "Donetsk City"), discordtest.Str("kind", "city"),
			discordtest.Str("aliases", "Donetsk")), "", true},
		{"global is read-only", discordtest.Command("watch remove", discordtest.Str("name", "Donetsk")), "", true},
		{"global can't be changed", discordtest.Command("watch add", discordtest.Str("name", "donetsk"), discordtest.Str("kind", "city")),
			"comes from the bot's configuration", true},
		{"remove", discordtest.Command("watch remove", discordtest.Str("name", "Kharkiv")), "Removed the watch **Kharkiv**", false},
		{"remove again", discordtest.Command("watch remove", discordtest.Str("name", "Kharkiv")), "", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(guildA, admin, tt.data)
			if r.Ephemeral != tt.eph || !strings.Contains(r.Text(), tt.want) || r.Text() == "" {
				t.Errorf("reply %q (ephemeral %v), want %q (ephemeral %v)", r.Text(), r.Ephemeral, tt.want, tt.eph)
			}
		})
	}
	if _, err := e.db.WatchByName(e.ctx, guildA, "Donetsk"); err != nil {
		t.Errorf("the global watch was removed: %v", err)
	}
}

func TestWatchCap(t *testing.T) {
	e := newEnv(t, func(e *env) { e.cfg.MaxWatchesPerGuild = 1 })
	e.start()
	add := func(name string) discordtest.Reply {
		return e.do(guildA, admin, discordtest.Command("watch add", discordtest.Str("name", name), discordtest.Str("kind", "city")))
	}
	if r := add("Odesa"); r.Ephemeral {
		t.Fatalf("first watch: %q", r.Text())
	}
	r := add("Lviv")
	if !r.Ephemeral || r.Text() == "" || strings.Contains(r.Text(), "Internal") || strings.Contains(r.Text(), "went wrong") {
		t.Errorf("over the cap: %q (ephemeral %v), want a plain refusal", r.Text(), r.Ephemeral)
	}
	if c := e.counts(guildA); c.Watches != 1 {
		t.Errorf("%d watches stored, want 1", c.Watches)
	}
	if r := add("Odesa"); r.Ephemeral || !strings.Contains(r.Text(), "Changed") {
		t.Errorf("changing a watch at the cap: %q", r.Text())
	}
}

func TestAdminCommandsRefusedForMembers(t *testing.T) {
	e := newEnv(t, func(e *env) { e.cfg.AdminRoleID = "555555555555555555" })
	e.watch(guildA, "Kyiv", newswatch.KindCity)
	f := e.feed(guildA, "http://feeds.test/a")
	e.route(guildA, chanA, "")
	e.start()
	before := e.counts(guildA)
	cmds := map[string]map[string]any{
		"watch add":    discordtest.Command("watch add", discordtest.Str("name", "Lviv"), discordtest.Str("kind", "city")),
		"watch remove": discordtest.Command("watch remove", discordtest.Str("name", "Kyiv")),
		"feed add":     discordtest.Command("feed add", discordtest.Str("url", "http://feeds.test/new")),
		"feed remove":  discordtest.Command("feed remove", discordtest.Str("feed", "http://feeds.test/a")),
		"feed retry":   discordtest.Command("feed retry", discordtest.Str("feed", "http://feeds.test/a")),
		"alerts set":   discordtest.Command("alerts set", discordtest.Channel("channel", chanA2)),
		"alerts off":   discordtest.Command("alerts off", discordtest.Channel("channel", chanA)),
	}
	for name, data := range cmds {
		t.Run(name, func(t *testing.T) {
			r := e.do(guildA, nonAdmin, data, "666666666666666666")
			if !r.Ephemeral || !strings.Contains(r.Text(), "needs the Manage Server permission") {
				t.Errorf("reply %q (ephemeral %v), want a refusal", r.Text(), r.Ephemeral)
			}
		})
	}
	if got := e.counts(guildA); got != before {
		t.Errorf("store changed by refused commands: %+v, want %+v", got, before)
	}
	if len(e.checked) != 0 || len(e.feedsAdded) != 0 {
		t.Errorf("refused commands reached CheckFeed %v / FeedAdded %v", e.checked, e.feedsAdded)
	}
	// The configured admin role and Administrator both pass.
	r := e.do(guildA, nonAdmin, discordtest.Command("feed retry", discordtest.Str("feed", "#"+itoa(f.ID))), "555555555555555555")
	if r.Ephemeral || !strings.Contains(r.Text(), "polled again") {
		t.Errorf("admin role: %q", r.Text())
	}
	r = e.do(guildA, "8", discordtest.Command("alerts set", discordtest.Channel("channel", chanA2)))
	if r.Ephemeral || !strings.Contains(r.Text(), "<#"+chanA2+">") {
		t.Errorf("administrator: %q", r.Text())
	}
}

func TestDirectMessagesRefused(t *testing.T) {
	e := newEnv(t)
	e.start()
	for _, data := range []map[string]any{discordtest.Command("stats"),
		discordtest.Command("watch add", discordtest.Str("name", "Lviv"), discordtest.Str("kind", "city"))} {
		r := e.do("", admin, data)
		if !r.Ephemeral || !strings.Contains(r.Text(), "servers only") {
			t.Errorf("DM reply %q (ephemeral %v)", r.Text(), r.Ephemeral)
		}
	}
	if c := e.counts(guildA); c.Watches != 0 {
		t.Errorf("a DM command stored a watch")
	}
}

func TestGuildsAreIsolated(t *testing.T) {
	e := newEnv(t)
	e.start()
	steps := []map[string]any{
		discordtest.Command("watch add", discordtest.Str("name", "Mariupol"), discordtest.Str("kind", "city")),
		discordtest.Command("feed add", discordtest.Str("url", "http://feeds.test/guild-a")),
		discordtest.Command("alerts set", discordtest.Channel("channel", chanA)),
	}
	for _, d := range steps {
		if r := e.do(guildA, admin, d); r.Ephemeral {
			t.Fatalf("guild A setup failed: %q", r.Text())
		}
	}
	for _, tt := range []struct {
		name string
		data map[string]any
		deny string // must not appear
	}{
		{"watch list", discordtest.Command("watch list"), "Mariupol"},
		{"watch show", discordtest.Command("watch show", discordtest.Str("name", "Mariupol")), "city"},
		{"feed list", discordtest.Command("feed list"), "guild-a"},
		{"alerts list", discordtest.Command("alerts list"), chanA},
		{"watch remove", discordtest.Command("watch remove", discordtest.Str("name", "Mariupol")), "Removed"},
		{"feed remove", discordtest.Command("feed remove", discordtest.Str("feed", "http://feeds.test/guild-a")), "Unsubscribed"},
		{"alerts off", discordtest.Command("alerts off", discordtest.Channel("channel", chanA)), "are off"},
		{"mentions", discordtest.Command("mentions", discordtest.Str("name", "Mariupol")), "Mentions of"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(guildB, admin, tt.data)
			if strings.Contains(r.Text(), tt.deny) {
				t.Errorf("guild B got %q", r.Text())
			}
		})
	}
	fa, err := e.db.FeedByURL(e.ctx, "http://feeds.test/guild-a")
	if err != nil {
		t.Fatal(err)
	}
	e.items(fa.ID, guildA, "Secret Mariupol story")
	for _, d := range []map[string]any{
		discordtest.Command("latest", discordtest.Str("feed", itoa(fa.ID))),
		discordtest.Command("latest"),
		discordtest.Command("search", discordtest.Str("query", "secret")),
	} {
		if got := e.do(guildB, "0", d).Text(); strings.Contains(got, "Secret") {
			t.Errorf("guild B sees guild A's item: %q", got)
		}
	}
	if got := e.do(guildA, "0", discordtest.Command("latest", discordtest.Str("feed", itoa(fa.ID)))).Text(); !strings.Contains(got, "Secret") {
		t.Errorf("guild A does not see its own item: %q", got)
	}
	if got, want := e.counts(guildA), (counts{1, 1, 1}); got != want {
		t.Errorf("guild A now has %+v, want %+v", got, want)
	}
	r := e.auto(guildB, discordtest.Command("mentions", discordtest.Focused("name", "mar")))
	if r.CallbackType != 8 || len(r.Choices) != 0 {
		t.Errorf("guild B autocomplete: %+v", r.Choices)
	}
}

func TestAutocomplete(t *testing.T) {
	e := newEnv(t)
	e.watch(newswatch.GlobalScope, "Sloviansk", newswatch.KindCity, "Slavyansk")
	e.watch(guildA, "Slavutych", newswatch.KindCity)
	e.watch(guildA, "Avakov", newswatch.KindActor)
	e.feed(guildA, "http://feeds.test/slav")
	e.start()
	names := func(r discordtest.Reply) []string {
		var out []string
		for _, c := range r.Choices {
			out = append(out, c.Value.(string))
		}
		return out
	}
	tests := []struct {
		name string
		data map[string]any
		want []string
	}{
		{"mentions", discordtest.Command("mentions", discordtest.Focused("name", "sla")), []string{"Slavutych", "Sloviansk"}},
		{"watch remove: own only", discordtest.Command("watch remove", discordtest.Focused("name", "sl")), []string{"Slavutych"}},
		{"watch show all", discordtest.Command("watch show", discordtest.Focused("name", "")), []string{"Avakov", "Slavutych", "Sloviansk"}},
		{"feed remove", discordtest.Command("feed remove", discordtest.Focused("feed", "slav")), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.auto(guildA, tt.data)
			if r.CallbackType != 8 {
				t.Fatalf("callback type %d, want 8", r.CallbackType)
			}
			got := names(r)
			if tt.want == nil {
				if len(got) != 1 {
					t.Errorf("choices %v, want one feed id", got)
				}
				return
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("choices (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFeedCommands(t *testing.T) {
	e := newEnv(t, func(e *env) { e.cfg.MaxFeedsPerGuild = 2 })
	global, err := e.db.EnsureFeed(e.ctx, "http://feeds.test/global", newswatch.GlobalScope, "config", 0)
	if err != nil {
		t.Fatal(err)
	}
	e.start()
	r := e.do(guildA, admin, discordtest.Command("feed add", discordtest.Str("url", "http://feeds.test/one"), discordtest.Str("interval", "15m")))
	if r.Ephemeral || !strings.Contains(r.Text(), "Subscribed to **Test Feed**") {
		t.Fatalf("feed add: %q", r.Text())
	}
	one, err := e.db.FeedByURL(e.ctx, "http://feeds.test/one")
	if err != nil {
		t.Fatal(err)
	}
	if one.Interval != 15*time.Minute {
		t.Errorf("interval %v, want 15m", one.Interval)
	}
	for _, tt := range []struct {
		name string
		data map[string]any
		want string
		eph  bool
	}{
		{"duplicate", discordtest.Command("feed add", discordtest.Str("url", "http://feeds.test/one")), "", true},
		{"bad url", discordtest.Command("feed add", discordtest.Str("url", "ftp://x")), "http:// or https://", true},
		{"bad interval", discordtest.Command("feed add", discordtest.Str("url", "http://feeds.test/two"), discordtest.Str("interval", "1s")), "between 1m and 24h", true},
		{"check fails", discordtest.Command("feed add", discordtest.Str("url", "http://feeds.test/broken")), "404 Not Found", true},
		{"add second", discordtest.Command("feed add", discordtest.Str("url", "http://feeds.test/two")), "Subscribed", false},
		{"cap", discordtest.Command("feed add", discordtest.Str("url", "http://feeds.test/three")), "the most it may have", true},
		{"list", discordtest.Command("feed list"), "Status:", false},
		{"retry", discordtest.Command("feed retry", discordtest.Str("feed", itoa(one.ID))), "polled again", false},
		{"remove global", discordtest.Command("feed remove", discordtest.Str("feed", itoa(global.ID))), "", true},
		{"remove", discordtest.Command("feed remove", discordtest.Str("feed", "http://feeds.test/one")), "Unsubscribed", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(guildA, admin, tt.data)
			if r.Ephemeral != tt.eph || !strings.Contains(r.Text(), tt.want) || r.Text() == "" {
				t.Errorf("reply %q (ephemeral %v), want %q (ephemeral %v)", r.Text(), r.Ephemeral, tt.want, tt.eph)
			}
		})
	}
	if _, err := e.db.Feed(e.ctx, global.ID); err != nil {
		t.Errorf("global feed gone: %v", err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.feedsAdded) != 3 { // two adds and a retry
		t.Errorf("FeedAdded called %d times, want 3", len(e.feedsAdded))
	}
}

func TestFeedListShowsHealth(t *testing.T) {
	e := newEnv(t)
	f := e.feed(guildA, "http://feeds.test/sick")
	now := time.Now()
	if _, err := e.db.RecordFetch(e.ctx, f.ID, newswatch.FetchResult{At: now, Status: 500, Err: "the server answered 500 Internal Server Error",
		NextPollAt: now.Add(time.Hour)}, 1); err != nil {
		t.Fatal(err)
	}
	e.start()
	got := e.do(guildA, "0", discordtest.Command("feed list")).Text()
	for _, want := range []string{"failing since", "answered 500", "Failures in a row: 1", "Next poll", "Items: 0"} {
		if !strings.Contains(got, want) {
			t.Errorf("feed list %q lacks %q", got, want)
		}
	}
}

func TestSlowCommandIsDeferred(t *testing.T) {
	e := newEnv(t, func(e *env) {
		e.cfg.DeferAfter = 100 * time.Millisecond
		check := e.deps.CheckFeed
		e.deps.CheckFeed = func(ctx context.Context, url string) (string, error) {
			// Slower than DeferAfter by construction: the check ends
			// only once the bot has deferred its answer (one more
			// interaction callback than before it).
			callback := func(r discordtest.Request) bool {
				return r.Method == "POST" && strings.Contains(r.Path, "/callback")
			}
			n := 0
			for _, r := range e.fake.Requests() {
				if callback(r) {
					n++
				}
			}
			e.fake.WaitRequests(n+1, wait, callback)
			return check(ctx, url)
		}
	})
	e.start()
	r := e.do(guildA, admin, discordtest.Command("feed add", discordtest.Str("url", "http://feeds.test/slow")))
	if !r.Deferred || r.Ephemeral || !strings.Contains(r.Text(), "Subscribed") {
		t.Errorf("slow add: deferred %v ephemeral %v %q", r.Deferred, r.Ephemeral, r.Text())
	}
	// A public deferral decides the visibility: the error edits the
	// "thinking" message (Discord's docs), it is not deleted and replaced.
	r = e.do(guildA, admin, discordtest.Command("feed add", discordtest.Str("url", "http://feeds.test/broken")))
	if !r.Deferred || r.Ephemeral || !strings.Contains(r.Text(), "404 Not Found") {
		t.Errorf("slow failure: deferred %v ephemeral %v %q", r.Deferred, r.Ephemeral, r.Text())
	}
	for _, req := range e.fake.Requests() {
		if req.Method == "DELETE" && strings.Contains(req.Path, "/webhooks/") {
			t.Errorf("the deferral was deleted: %s %s", req.Method, req.Path)
		}
	}
}

func TestPanicInHandlerIsReported(t *testing.T) {
	e := newEnv(t, func(e *env) {
		e.deps.CheckFeed = func(context.Context, string) (string, error) { panic("boom " + marker[:3]) }
	})
	e.start()
	r := e.do(guildA, admin, discordtest.Command("feed add", discordtest.Str("url", "http://feeds.test/x")))
	if !r.Ephemeral || !strings.Contains(r.Text(), "went wrong") || strings.Contains(r.Text(), "boom") {
		t.Errorf("panic reply %q", r.Text())
	}
	if !strings.Contains(e.logs.String(), "boom") {
		t.Error("the panic was not logged")
	}
	if r := e.do(guildA, "0", discordtest.Command("stats")); len(r.Embeds) != 1 {
		t.Errorf("bot unusable after a panic: %q", r.Text())
	}
}

func TestListPaging(t *testing.T) {
	e := newEnv(t)
	f := e.feed(guildA, "http://feeds.test/a")
	e.items(f.ID, guildA, "one", "two", "three", "four", "five")
	e.start()
	r := e.do(guildA, "0", discordtest.Command("latest", discordtest.Int("limit", 2)))
	if !strings.Contains(r.Text(), "Page 1 · more") || !strings.Contains(r.Text(), "five") {
		t.Fatalf("page 1: %q", r.Text())
	}
	next := customIDs(t, r)[1]
	if !strings.HasSuffix(next, ":2") {
		t.Fatalf("next button %q", next)
	}
	r2, err := e.fake.Interact(discordtest.Interaction{Type: 3, GuildID: guildA, Data: discordtest.Component(next), MessageID: "1"}, wait)
	if err != nil {
		t.Fatal(err)
	}
	if r2.CallbackType != 7 || !strings.Contains(r2.Text(), "Page 2") || !strings.Contains(r2.Text(), "three") {
		t.Errorf("page 2: type %d %q", r2.CallbackType, r2.Text())
	}
	r3 := e.do(guildA, "0", discordtest.Command("latest", discordtest.Int("limit", 2), discordtest.Int("page", 3)))
	if !strings.Contains(r3.Text(), "Page 3") || !strings.Contains(r3.Text(), "one") || strings.Contains(r3.Text(), "more on") {
		t.Errorf("page 3: %q", r3.Text())
	}
	// Another guild cannot use the buttons.
	r4, err := e.fake.Interact(discordtest.Interaction{Type: 3, GuildID: guildB, Data: discordtest.Component(next), MessageID: "1"}, wait)
	if err != nil {
		t.Fatal(err)
	}
	if !r4.Ephemeral || strings.Contains(r4.Text(), "three") {
		t.Errorf("guild B clicking guild A's button: %q", r4.Text())
	}
}
