// Package bot is newswatch's Discord adapter: it registers the slash
// commands, answers interactions (with server-side permission checks) and
// delivers the alert outbox to Discord channels in order, marking an alert
// sent only after Discord confirmed the message.
//
// It talks to Discord with discordgo and to the rest of the program through
// the small Store interface and the Deps functions that cmd/newswatch passes in.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
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
)

// Store is the part of the store the bot uses; *store.DB satisfies it.
type Store interface {
	Search(ctx context.Context, q newswatch.SearchQuery) ([]newswatch.SearchHit, error)
	Latest(ctx context.Context, q newswatch.LatestQuery) ([]newswatch.Item, error)
	Mentions(ctx context.Context, q newswatch.MentionQuery) ([]newswatch.MentionHit, error)
	Stats(ctx context.Context, guildID string) (newswatch.Stats, error)

	Watches(ctx context.Context, guildID string) ([]newswatch.Watch, error)
	WatchByName(ctx context.Context, guildID, name string) (newswatch.Watch, error)
	PutWatch(ctx context.Context, w newswatch.Watch, maxPerGuild int) (newswatch.Watch, bool, error)
	RemoveWatch(ctx context.Context, guildID, name string) error

	AddFeed(ctx context.Context, guildID, url string, interval time.Duration, maxPerGuild int) (newswatch.Feed, error)
	RemoveFeed(ctx context.Context, guildID string, feedID int64) error
	FeedByURL(ctx context.Context, url string) (newswatch.Feed, error)
	ListFeeds(ctx context.Context, guildID string) ([]newswatch.Feed, error)
	RetryFeed(ctx context.Context, guildID string, feedID int64, now time.Time) error

	SetRoute(ctx context.Context, r newswatch.Route, maxPerGuild int) (newswatch.Route, error)
	RemoveRoute(ctx context.Context, guildID, channelID string) error
	Routes(ctx context.Context, guildID string) ([]newswatch.Route, error)
	DisableRoute(ctx context.Context, routeID int64, reason string) error

	Outbox
}

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
	// Logger receives the bot's logs; nil discards them.
	Logger *slog.Logger
}

// Bot is the Discord side of newswatch. Create it with New and run it with Run.
type Bot struct {
	cfg     Config
	deps    Deps
	log     *slog.Logger
	s       *discordgo.Session
	limiter *rate.Limiter
	wake    chan struct{}
	pages   pageStore

	dl *delivery // alert delivery state (deliver.go, circuit.go)

	gwMu        sync.Mutex
	gwConn      net.Conn // the gateway connection being opened
	gwOpening   bool     // open is running
	gwCancelled bool     // the context of the running open ended

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
	s.Dialer = &websocket.Dialer{Proxy: http.ProxyFromEnvironment, HandshakeTimeout: cfg.RequestTimeout}
	s.Identify.Intents = discordgo.IntentsGuilds
	s.Identify.Compress = false
	s.Compress = false
	lim := rate.NewLimiter(rate.Inf, 1)
	if cfg.MessagesPerSecond > 0 {
		lim = rate.NewLimiter(rate.Limit(cfg.MessagesPerSecond), 1)
	}
	b := &Bot{
		cfg: cfg, deps: deps, log: deps.Logger, s: s, limiter: lim,
		wake: make(chan struct{}, 1), dl: newDelivery(deps.Logger),
		pages: pageStore{m: map[string]pageState{}},
	}
	s.Dialer.NetDialContext = b.dialGateway
	if rw, ok := s.Client.Transport.(*rewriter); ok {
		rw.observe = b.dl.budget.observe
	}
	return b, nil
}

// open opens the gateway connection. discordgo's Open waits for HELLO and
// READY without a deadline and without a context, so when ctx ends first
// open closes the connection being opened, which ends the wait.
func (b *Bot) open(ctx context.Context) error {
	b.gwMu.Lock()
	b.gwOpening, b.gwCancelled, b.gwConn = true, false, nil
	b.gwMu.Unlock()
	stop := context.AfterFunc(ctx, func() {
		b.gwMu.Lock()
		defer b.gwMu.Unlock()
		b.gwCancelled = true
		if b.gwOpening && b.gwConn != nil {
			_ = b.gwConn.Close()
		}
	})
	err := b.s.Open()
	stop()
	b.gwMu.Lock()
	b.gwOpening, b.gwConn = false, nil
	b.gwMu.Unlock()
	return err
}

// dialGateway dials the gateway's TCP connection and remembers it for open.
func (b *Bot) dialGateway(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	b.gwMu.Lock()
	defer b.gwMu.Unlock()
	if b.gwCancelled {
		_ = c.Close()
		return nil, context.Canceled
	}
	if b.gwOpening {
		b.gwConn = c
	}
	return c, nil
}

// Notify wakes the delivery loop, e.g. after new alerts were stored. It
// never blocks.
func (b *Bot) Notify() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// ErrTokenRejected is returned by Run when Discord rejects the token.
var ErrTokenRejected = errors.New("bot: Discord rejected the bot token (401 Unauthorized); check the token")

// Run connects to Discord, registers the commands, answers interactions and
// delivers alerts until ctx ends; then it closes the session and returns nil.
// A rejected token returns ErrTokenRejected at once, without reconnecting.
// A dropped gateway connection is resumed with backoff.
func (b *Bot) Run(ctx context.Context) error {
	me, err := b.s.User("@me", discordgo.WithContext(ctx))
	if err != nil {
		return b.connectError(ctx, "check the token", err)
	}
	if b.cfg.AppID == "" { // a bot user's id is its application's id
		b.cfg.AppID = me.ID
	}
	b.s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		if !b.enter() {
			return
		}
		defer b.inflight.Done()
		b.onInteraction(ctx, ic.Interaction)
	})
	defer b.drain()
	disconnected := make(chan struct{}, 1)
	b.s.AddHandler(func(*discordgo.Session, *discordgo.Disconnect) {
		select {
		case disconnected <- struct{}{}:
		default:
		}
	})
	// The bot reconnects itself (gateway below), so that a token rejected
	// on reconnect ends Run instead of looping in discordgo; this also
	// avoids discordgo#513 (Close hanging after op 7).
	b.s.ShouldReconnectOnError = false
	if err := b.open(ctx); err != nil {
		return b.connectError(ctx, "open the gateway", err)
	}
	defer func() {
		if err := b.s.Close(); err != nil {
			b.log.Warn("close the Discord session", "err", b.redact(err.Error()))
		}
	}()
	if err := b.registerCommands(ctx); err != nil {
		return b.connectError(ctx, "register the commands", err)
	}
	b.log.Info("connected to Discord", "guilds", len(b.cfg.GuildIDs))
	b.resumeDeferred(ctx)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		b.deliverLoop(gctx)
		return nil
	})
	g.Go(func() error { return b.gateway(gctx, disconnected) })
	return g.Wait()
}

// gateway reopens the gateway connection (a resume) whenever it drops, with
// backoff, until ctx ends or Discord rejects the token.
func (b *Bot) gateway(ctx context.Context, disconnected <-chan struct{}) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-disconnected:
		}
		for attempt := 0; ; attempt++ {
			if !sleep(ctx, min(time.Second<<min(attempt, 6), time.Minute)) {
				return nil
			}
			err := b.open(ctx)
			if err == nil || errors.Is(err, discordgo.ErrWSAlreadyOpen) {
				b.log.Info("gateway connection restored")
				break
			}
			if cerr := b.connectError(ctx, "reopen the gateway", err); cerr == nil || errors.Is(cerr, ErrTokenRejected) {
				return cerr
			}
			b.log.Warn("reopen the gateway", "attempt", attempt+1, "err", b.redact(err.Error()))
		}
	}
}

// connectError turns a failure while connecting into one clear line; a
// failure because ctx ended is a normal stop (nil).
func (b *Bot) connectError(ctx context.Context, what string, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Response != nil && rest.Response.StatusCode == http.StatusUnauthorized {
		return ErrTokenRejected
	}
	if strings.Contains(err.Error(), "close 4004") { // the gateway's "Authentication failed"
		return ErrTokenRejected
	}
	return fmt.Errorf("bot: %s: %s", what, b.redact(err.Error()))
}

// redact removes the token from a text, in case an error quotes it.
func (b *Bot) redact(s string) string {
	tok := strings.TrimSpace(strings.TrimPrefix(b.cfg.Token, "Bot "))
	if tok == "" {
		return s
	}
	return strings.ReplaceAll(s, tok, "[token]")
}
