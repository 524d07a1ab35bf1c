package bot_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/bot"
	"github.com/newswatch/newswatch/bot/discordtest"
	"github.com/newswatch/newswatch/bot/gateway"
	"github.com/newswatch/newswatch/store"
	"github.com/newswatch/newswatch/watch"
)

var _ bot.Store = (*store.DB)(nil)

// marker is the token every test uses; it must never show up in a log, a
// reply or a message body.
const marker = "MARKERtok3n.NeverLog.x9Qz"

const (
	guildA   = "111111111111111111"
	guildB   = "222222222222222222"
	chanA    = "333333333333333331"
	chanA2   = "333333333333333332"
	chanB    = "333333333333333339"
	roleA    = "444444444444444441"
	admin    = "32" // Manage Server
	nonAdmin = "1024"
	wait     = 10 * time.Second
)

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// stdLog captures the standard logger, which discordgo writes to.
var stdLog = &syncBuffer{}

func TestMain(m *testing.M) {
	log.SetOutput(stdLog)
	// Decode the embedded gazetteer before any interaction is timed: the
	// first /watch add of a city pays for it, seconds under -race.
	watch.LookupPlaces("Kyiv")
	os.Exit(m.Run())
}

// env is one bot connected to a fake Discord, over a real store.
type env struct {
	t    testing.TB
	ctx  context.Context
	db   *store.DB
	fake *discordtest.Fake
	cfg  bot.Config
	deps bot.Deps
	logs *syncBuffer

	mu         sync.Mutex
	changed    []string // watch names passed to WatchesChanged ("" for nil)
	feedsAdded []int64
	checked    []string

	bot    *bot.Bot
	cancel context.CancelFunc
	done   chan error
}

func newEnv(t testing.TB, tweak ...func(*env)) *env {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "newswatch.db"))
	if err != nil {
		t.Fatal(err)
	}
	fake := discordtest.New(marker)
	declareGuilds(fake)
	fake.SetIdentifyWindow(fastGateway.IdentifyInterval / 2)
	e := &env{t: t, ctx: ctx, db: db, fake: fake, logs: &syncBuffer{}}
	e.cfg = bot.Config{
		Token: marker, AppID: fake.AppID, GuildIDs: []string{guildA, guildB}, APIBase: fake.URL,
		DeliveryInterval: 50 * time.Millisecond, MessagesPerSecond: 1000,
		Gateway: fastGateway,
	}
	e.deps = bot.Deps{
		Places: watch.Gazetteer{},
		Store:  db,
		ValidateWatches: func(ws []newswatch.Watch) error {
			_, err := watch.Compile(ws)
			return err
		},
		WatchesChanged: func(w *newswatch.Watch) {
			e.mu.Lock()
			defer e.mu.Unlock()
			name := ""
			if w != nil {
				name = w.Name
			}
			e.changed = append(e.changed, name)
		},
		CheckFeed: func(ctx context.Context, url string) (string, error) {
			e.mu.Lock()
			e.checked = append(e.checked, url)
			e.mu.Unlock()
			if strings.Contains(url, "broken") {
				return "", newswatch.Errorf(newswatch.EINVALID, "The feed at %s answered 404 Not Found.", url)
			}
			return "Test Feed", nil
		},
		FeedAdded: func(id int64) {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.feedsAdded = append(e.feedsAdded, id)
		},
		Logger: slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, f := range tweak {
		f(e)
	}
	t.Cleanup(func() {
		e.stop()
		fake.Close()
		db.Close()
		e.checkNoToken()
	})
	return e
}

// start runs the bot and waits until it is connected and registered.
func (e *env) start() {
	e.t.Helper()
	b, err := bot.New(e.cfg, e.deps)
	if err != nil {
		e.t.Fatal(err)
	}
	ids, res, _ := e.fake.GatewayStats()
	ctx, cancel := context.WithCancel(e.ctx)
	e.bot, e.cancel, e.done = b, cancel, make(chan error, 1)
	go func() { e.done <- b.Run(ctx) }()
	if !e.fake.WaitConnected(ids+1, res, wait) {
		select {
		case err := <-e.done:
			e.t.Fatalf("bot stopped: %v", err)
		default:
		}
		i, r, c := e.fake.GatewayStats()
		e.t.Fatalf("bot did not connect to the fake gateway (identifies %d resumes %d connected %v)\nbot log:\n%s\nstd log:\n%s", i, r, c, e.logs, stdLog)
	}
	for _, g := range e.cfg.GuildIDs {
		if !e.fake.WaitCommands(g, wait) {
			e.t.Fatalf("commands of guild %s not registered", g)
		}
	}
}

// stop cancels the bot and waits for Run to return.
func (e *env) stop() {
	if e.cancel == nil {
		return
	}
	e.cancel()
	select {
	case err := <-e.done:
		if err != nil {
			e.t.Errorf("Run returned %v", err)
		}
	case <-time.After(wait):
		e.t.Error("Run did not return after cancel")
	}
	e.cancel = nil
}

// checkNoToken fails if the token appears in any log, request body or
// recorded header.
func (e *env) checkNoToken() {
	e.t.Helper()
	for name, s := range map[string]string{"bot log": e.logs.String(), "std log": stdLog.String()} {
		if strings.Contains(s, marker) {
			e.t.Errorf("the token appears in the %s", name)
		}
	}
	for _, r := range e.fake.Requests() {
		if bytes.Contains(r.Body, []byte(marker)) || strings.Contains(r.Path, marker) || strings.Contains(fmt.Sprint(r.Header), marker) {
			e.t.Errorf("the token appears in request %s %s", r.Method, r.Path)
		}
	}
}

// do runs a slash command as a member with the given permissions.
func (e *env) do(guild, perms string, data map[string]any, roles ...string) discordtest.Reply {
	e.t.Helper()
	r, err := e.fake.Interact(discordtest.Interaction{GuildID: guild, Permissions: perms, Roles: roles, Data: data}, wait)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// auto sends an autocomplete interaction.
func (e *env) auto(guild string, data map[string]any) discordtest.Reply {
	e.t.Helper()
	r, err := e.fake.Interact(discordtest.Interaction{Type: 4, GuildID: guild, Permissions: admin, Data: data}, wait)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// watch stores a watch directly.
func (e *env) watch(guild, name string, kind newswatch.Kind, aliases ...string) newswatch.Watch {
	e.t.Helper()
	w, _, err := e.db.PutWatch(e.ctx, newswatch.Watch{GuildID: guild, Name: name, Kind: kind, Aliases: aliases}, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	return w
}

// feed subscribes guild to a feed URL.
func (e *env) feed(guild, url string) newswatch.Feed {
	e.t.Helper()
	f, err := e.db.EnsureFeed(e.ctx, url, guild, "discord", 0)
	if err != nil {
		e.t.Fatal(err)
	}
	return f
}

// route adds an alert route.
func (e *env) route(guild, channel, role string) newswatch.Route {
	e.t.Helper()
	r, err := e.db.SetRoute(e.ctx, newswatch.Route{GuildID: guild, ChannelID: channel, RoleID: role}, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// items stores new items in a feed, matched against guild's visible watches,
// raising alerts.
func (e *env) items(feedID int64, guild string, titles ...string) newswatch.SaveResult {
	e.t.Helper()
	ws, err := e.db.Watches(e.ctx, guild)
	if err != nil {
		e.t.Fatal(err)
	}
	m, err := watch.Compile(ws)
	if err != nil {
		e.t.Fatal(err)
	}
	var in []newswatch.IngestItem
	for i, title := range titles {
		it := newswatch.Item{
			FeedID: feedID, Key: fmt.Sprintf("key-%d-%s", i, title), Title: title,
			Link: fmt.Sprintf("https://news.test/%d/%d", feedID, time.Now().UnixNano()+int64(i)),
			Text: "Report: " + title + ". More text follows here.", FetchedAt: time.Now(),
			Published: time.Now().Add(-time.Duration(len(titles)-i) * time.Minute),
		}
		in = append(in, newswatch.IngestItem{Item: it, Mentions: m.Match(it.MatchText()), Alert: true})
	}
	res, err := e.db.SaveItems(e.ctx, feedID, in)
	if err != nil {
		e.t.Fatal(err)
	}
	if e.bot != nil {
		e.bot.Notify()
	}
	return res
}

// pending returns the pending alerts of every route.
func (e *env) pending() []newswatch.Alert {
	e.t.Helper()
	as, err := e.db.PendingAlerts(e.ctx, false, time.Now().Add(time.Hour), 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	return as
}

// waitNoPending waits until the outbox has no pending alert.
func (e *env) waitNoPending(timeout time.Duration) bool {
	return eventually(timeout, func() bool { return len(e.pending()) == 0 })
}

// eventually polls cond until it holds or timeout passes and reports
// whether it held: the package's one way for a test to wait for a state it
// cannot be told about by a channel or callback.
func eventually(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond) // the polling interval, not a wait for an event
	}
	return true
}

var errTimeout = errors.New("timeout")

// fastGateway shortens the gateway's waits (Discord's are seconds) so that
// reconnect tests run fast; fakes get a matching identify window.
var fastGateway = gateway.Timing{
	MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond,
	InvalidSessionMin: 10 * time.Millisecond, InvalidSessionMax: 50 * time.Millisecond,
	IdentifyInterval: 60 * time.Millisecond, HandshakeTimeout: 3 * time.Second,
}
