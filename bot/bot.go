// Package bot is newswatch's Discord adapter: it registers the slash
// commands, answers interactions (with server-side permission checks) and
// delivers the alert outbox to Discord channels in order, marking an alert
// sent only after Discord confirmed the message.
//
// It talks to Discord with discordgo's REST client and its own gateway
// client (bot/gateway, see there why), and to the rest of the program through
// the small Store interface and the Deps functions that cmd/newswatch passes in.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
	"golang.org/x/sync/errgroup"
	"golang.org/x/time/rate"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/bot/gateway"
)

// Deps are the store and the functions of the rest of the program the bot calls.
type Deps struct {
	Store Store
	// ValidateWatches compiles the full candidate watch list (visible + the
	// changed one) and returns a *newswatch.Error (EINVALID/ECONFLICT) with a
	// user-safe message if it is not valid.
	ValidateWatches func(ws []newswatch.Watch) error
	// WatchesChanged is called after a watch is added, changed or removed:
	// the program recompiles the live matcher and, for an added or changed
	// watch (non-nil), rescans the stored items in the background (no alerts).
	WatchesChanged func(changed *newswatch.Watch)
	// CheckFeed validates and test-fetches a feed URL through the SSRF guard
	// and limits; it returns the feed title or a *newswatch.Error with a
	// user-safe message.
	CheckFeed func(ctx context.Context, url string) (string, error)
	// FeedAdded is called after a feed subscription is added and after
	// /feed retry (the poller polls the feed soon).
	FeedAdded func(feedID int64)
	// Places is the gazetteer and the auto aliases of a watch (package
	// watch's Gazetteer); nil: no place autocompletion and no added
	// aliases shown.
	Places Places
	// Logger receives the bot's logs; nil discards them.
	Logger *slog.Logger
	// Observer receives measurements for metrics (observe.go); nil: none.
	Observer Observer
}

// Places is what the bot asks of the gazetteer and of alias expansion:
// /watch add autocompletes place names and defaults a known city to auto
// aliases, /watch show and /watch edit list and drop the added aliases.
type Places interface {
	Lookup(name string) []newswatch.Place // the places called name
	Search(prefix string, n int) []newswatch.Place
	RegionName(country, admin1 string) string // "" when unknown
	Countries() []string                      // the countries places are in
	Expand(w newswatch.Watch) []newswatch.AddedAlias
}

// noPlaces is Places when none is given.
type noPlaces struct{}

func (noPlaces) Lookup(string) []newswatch.Place               { return nil }
func (noPlaces) Search(string, int) []newswatch.Place          { return nil }
func (noPlaces) RegionName(string, string) string              { return "" }
func (noPlaces) Countries() []string                           { return nil }
func (noPlaces) Expand(newswatch.Watch) []newswatch.AddedAlias { return nil }

// Bot is the Discord side of newswatch. Create it with New and run it with Run.
type Bot struct {
	cfg     Config
	deps    Deps
	log     *slog.Logger
	s       *discordgo.Session
	limiter *rate.Limiter
	wake    chan struct{}
	pages   pageStore
	seen    recentIDs // interaction ids already answered

	dl *delivery // alert delivery state (deliver.go, circuit.go)

	gw *gateway.Client

	hmu      sync.Mutex
	stopping bool           // Run is returning: no new interaction handlers
	inflight sync.WaitGroup // interaction handlers running
}

// handlerGrace is how long Run waits for interaction handlers that are
// still running when ctx ends (they see the cancelled context).
const handlerGrace = 10 * time.Second

// enter registers a starting interaction handler; it reports false once Run
// is returning.
func (b *Bot) enter() bool {
	b.hmu.Lock()
	defer b.hmu.Unlock()
	if b.stopping {
		return false
	}
	b.inflight.Add(1)
	return true
}

// drain stops new interaction handlers and waits up to handlerGrace for the
// running ones.
func (b *Bot) drain() {
	b.hmu.Lock()
	b.stopping = true
	b.hmu.Unlock()
	done := make(chan struct{})
	go func() {
		b.inflight.Wait()
		close(done)
	}()
	t := time.NewTimer(handlerGrace)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		b.log.Error("interaction handlers still running after shutdown", "waited", handlerGrace)
	}
}

// New checks the configuration and prepares a session; it does not connect.
func New(cfg Config, deps Deps) (*Bot, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	if deps.Store == nil {
		return nil, errors.New("bot: no store")
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Places == nil {
		deps.Places = noPlaces{}
	}
	tok := strings.TrimSpace(strings.TrimPrefix(cfg.Token, "Bot "))
	s, err := discordgo.New("Bot " + tok)
	if err != nil {
		return nil, errors.New("bot: create the Discord session")
	}
	base, _ := url.Parse(cfg.APIBase)
	s.Client = &http.Client{Timeout: cfg.RequestTimeout, Transport: &rewriter{base: base, next: http.DefaultTransport}}
	s.ShouldRetryOnRateLimit = false
	s.MaxRestRetries = 0
	s.StateEnabled = false
	s.LogLevel = discordgo.LogError
	lim := rate.NewLimiter(rate.Inf, 1)
	if cfg.MessagesPerSecond > 0 {
		lim = rate.NewLimiter(rate.Limit(cfg.MessagesPerSecond), 1)
	}
	b := &Bot{
		cfg: cfg, deps: deps, log: deps.Logger, s: s, limiter: lim,
		wake: make(chan struct{}, 1), dl: newDelivery(deps.Logger),
		pages: pageStore{m: map[string]pageState{}},
	}
	b.gw, err = gateway.New(gateway.Config{
		Token: tok, Intents: int(discordgo.IntentsGuilds), Shards: cfg.Shards, ShardIDs: cfg.ShardIDs,
		GatewayBot:    b.gatewayBot,
		OnInteraction: b.interactionCreated,
		Dialer:        &websocket.Dialer{Proxy: http.ProxyFromEnvironment, HandshakeTimeout: cfg.RequestTimeout},
		Logger:        deps.Logger, Timing: cfg.Gateway,
	})
	if err != nil {
		return nil, fmt.Errorf("bot: %w", err)
	}
	if rw, ok := s.Client.Transport.(*rewriter); ok {
		rw.observe, rw.obs = b.dl.budget.observe, b.observer()
	}
	return b, nil
}

// interactionCreated starts the handler of an interaction the gateway
// received, unless Run is returning. ctx is the gateway's, which ends with
// Run's.
func (b *Bot) interactionCreated(ctx context.Context, i *discordgo.Interaction) {
	if !b.enter() {
		return
	}
	go func() {
		defer b.inflight.Done()
		b.onInteraction(ctx, i)
	}()
}

// Notify wakes the delivery loop, e.g. after new alerts were stored. It
// never blocks.
func (b *Bot) Notify() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// ErrTokenRejected is returned by Run when Discord rejects the token (a
// 401 on REST or close 4004 on the gateway); the message names DISCORD_TOKEN.
var ErrTokenRejected = gateway.ErrTokenRejected

// Run connects to Discord, registers the commands, answers interactions and
// delivers alerts until ctx ends; then it closes the gateway and returns
// nil. Discord being unreachable, answering 5xx or 429 at start-up or later
// never ends Run: each call is retried with capped backoff while the rest of
// the daemon goes on. Run returns early only for what retrying cannot fix:
// ErrTokenRejected, or a *gateway.CloseError (close codes 4010–4014, in
// plain words).
func (b *Bot) Run(ctx context.Context) error {
	defer b.drain()
	b.resumeDeferred(ctx)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		b.deliverLoop(gctx)
		return nil
	})
	g.Go(func() error {
		var me *discordgo.User
		err := b.retryStartup(gctx, "check the token (GET /users/@me)", func(ctx context.Context) error {
			return b.call(ctx, func(opts ...discordgo.RequestOption) error {
				var err error
				me, err = b.s.User("@me", opts...)
				return err
			})
		})
		if err != nil || me == nil {
			return err
		}
		if b.cfg.AppID == "" { // a bot user's id is its application's id
			b.cfg.AppID = me.ID
		}
		g.Go(func() error { return b.registerLoop(gctx) })
		return b.gw.Run(gctx)
	})
	err := g.Wait()
	if ctx.Err() != nil && !errors.Is(err, ErrTokenRejected) {
		var ce *gateway.CloseError
		if !errors.As(err, &ce) {
			return nil
		}
	}
	return err
}

// GatewayState reports whether every gateway shard is connected and how
// many times a shard reconnected, for readiness checks and metrics.
func (b *Bot) GatewayState() (connected bool, reconnects int64) {
	return b.gw.State()
}

// registerLoop registers the commands, retrying until it succeeds, ctx ends
// or the token is rejected.
func (b *Bot) registerLoop(ctx context.Context) error {
	if err := b.retryStartup(ctx, "register the commands", b.registerCommands); err != nil || ctx.Err() != nil {
		return err
	}
	b.log.Info("slash commands registered", "guilds", len(b.cfg.GuildIDs))
	return nil
}

// retryStartup runs a Discord call until it succeeds (nil), ctx ends (nil)
// or Discord answers 401 (ErrTokenRejected). Anything else — 5xx, 429,
// network errors, and also other refusals an operator may fix meanwhile — is
// logged and retried with the gateway's capped backoff.
func (b *Bot) retryStartup(ctx context.Context, what string, do func(ctx context.Context) error) error {
	for attempt := 0; ; attempt++ {
		err := do(ctx)
		if err == nil || ctx.Err() != nil {
			return nil
		}
		var ce *callError
		if errors.As(err, &ce) && ce.status == http.StatusUnauthorized {
			return ErrTokenRejected
		}
		wait := b.cfg.Gateway.Backoff(attempt)
		b.log.Warn("Discord did not answer; retrying", "what", what, "attempt", attempt+1,
			"in", wait.Round(time.Millisecond), "err", b.redact(err.Error()))
		if !sleep(ctx, wait) {
			return nil
		}
	}
}

// gatewayBot calls GET /gateway/bot for the gateway client.
func (b *Bot) gatewayBot(ctx context.Context) (*gateway.Info, error) {
	var info *gateway.Info
	err := b.call(ctx, func(opts ...discordgo.RequestOption) error {
		var err error
		info, err = b.s.GatewayBot(opts...)
		return err
	})
	var ce *callError
	if errors.As(err, &ce) && ce.status == http.StatusUnauthorized {
		return nil, ErrTokenRejected
	}
	if err != nil {
		return nil, fmt.Errorf("bot: GET /gateway/bot: %s", b.redact(err.Error()))
	}
	return info, nil
}

// redact removes the token from a text, in case an error quotes it.
func (b *Bot) redact(s string) string {
	tok := strings.TrimSpace(strings.TrimPrefix(b.cfg.Token, "Bot "))
	if tok == "" {
		return s
	}
	return strings.ReplaceAll(s, tok, "[token]")
}
