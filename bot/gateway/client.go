// Package gateway is newswatch's client of Discord's gateway (API v10, JSON,
// no compression): it identifies or resumes each shard, heartbeats, follows
// op 7 Reconnect and op 9 Invalid Session, reconnects with backoff after the
// close codes Discord marks reconnectable and stops with a plain-words error
// after the others, spends the identify budget of GET /gateway/bot with care,
// and hands every INTERACTION_CREATE to a callback as a *discordgo.Interaction.
//
// Why our own client and not discordgo's: discordgo v0.29.0 reconnects
// inside Session.Open while holding its session lock, so an op 7 or op 9
// that arrives during a resume deadlocks the session (discordgo #513; the
// fix, PR #1694, is not merged) and from then on no command is answered and
// SIGTERM is ignored; it resumes on the first gateway URL instead of READY's
// resume_gateway_url; and it reconnects after any close code, 4010–4014
// included, which ends in an identify storm and a reset token. None of that
// can be fixed from outside the library, so the bot keeps discordgo for REST
// and its types and runs the gateway itself with this package.
package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
	"golang.org/x/sync/errgroup"
)

// Info is the answer of GET /gateway/bot.
type Info = discordgo.GatewayBotResponse

// ErrTokenRejected is returned when Discord rejects the bot token: a 401 on
// GET /gateway/bot (GatewayBot returns an error wrapping it) or close code
// 4004 on the gateway. It is never retried.
var ErrTokenRejected = errors.New("gateway: Discord rejected the bot token (401 Unauthorized or gateway close 4004): check DISCORD_TOKEN")

// CloseError is a close code after which reconnecting cannot help
// (4010–4014); Reason says in plain words what to do.
type CloseError struct {
	Code   int
	Reason string
}

func (e *CloseError) Error() string { return "gateway: " + e.Reason }

// Timing holds the waits of the client; zero values take the defaults.
// Tests shorten them.
type Timing struct {
	MinBackoff        time.Duration // first reconnect wait, doubling per failure (default 1s); jittered to [d/2, d]
	MaxBackoff        time.Duration // the cap of the backoff (default 60s)
	InvalidSessionMin time.Duration // wait after op 9 before identifying again: random between Min (default 1s)
	InvalidSessionMax time.Duration // and Max (default 5s), as Discord asks
	IdentifyInterval  time.Duration // one IDENTIFY per max_concurrency bucket per interval (default 5s)
	HandshakeTimeout  time.Duration // from dial to HELLO and from IDENTIFY/RESUME to READY/RESUMED (default 30s)
}

func (t Timing) withDefaults() Timing {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&t.MinBackoff, time.Second)
	def(&t.MaxBackoff, time.Minute)
	def(&t.InvalidSessionMin, time.Second)
	def(&t.InvalidSessionMax, 5*time.Second)
	def(&t.IdentifyInterval, 5*time.Second)
	def(&t.HandshakeTimeout, 30*time.Second)
	t.MaxBackoff = max(t.MaxBackoff, t.MinBackoff)
	t.InvalidSessionMax = max(t.InvalidSessionMax, t.InvalidSessionMin)
	return t
}

// Backoff returns the jittered wait before retry attempt+1 (attempt counts
// from 0): MinBackoff doubling, capped at MaxBackoff, each drawn from [d/2, d].
func (t Timing) Backoff(attempt int) time.Duration {
	t = t.withDefaults()
	d := t.MinBackoff << min(attempt, 20)
	if d > t.MaxBackoff || d <= 0 {
		d = t.MaxBackoff
	}
	return d/2 + rand.N(d/2+1)
}

func (t Timing) invalidSessionWait() time.Duration {
	return t.InvalidSessionMin + rand.N(t.InvalidSessionMax-t.InvalidSessionMin+1)
}

// Config configures a Client.
type Config struct {
	Token    string // the bot token, without "Bot "; never logged
	Intents  int    // e.g. discordgo.IntentsGuilds
	Shards   int    // 0: as many as GET /gateway/bot recommends
	ShardIDs []int  // the shards this process runs; empty: all
	// GatewayBot calls GET /gateway/bot. An error wrapping ErrTokenRejected
	// is fatal; any other is retried with backoff.
	GatewayBot func(ctx context.Context) (*Info, error)
	// OnInteraction receives every INTERACTION_CREATE with the context of
	// Run. It is called from a shard's read loop and must not block.
	OnInteraction func(ctx context.Context, i *discordgo.Interaction)
	Dialer        *websocket.Dialer // nil: websocket.DefaultDialer
	Logger        *slog.Logger      // nil: discard
	Timing        Timing
}

// Client runs the gateway connections of one bot. Create it with New and run
// it with Run, once.
type Client struct {
	cfg    Config
	log    *slog.Logger
	budget *budget

	url        string // the gateway URL of GET /gateway/bot, set by Run before the shards start
	running    atomic.Int64
	ready      atomic.Int64
	reconnects atomic.Int64
}

// New checks the configuration; it does not connect.
func New(cfg Config) (*Client, error) {
	if cfg.Token == "" {
		return nil, errors.New("gateway: no token")
	}
	if cfg.GatewayBot == nil {
		return nil, errors.New("gateway: no GatewayBot function")
	}
	if err := CheckShards(cfg.Shards, cfg.ShardIDs); err != nil {
		return nil, err
	}
	if cfg.Dialer == nil {
		cfg.Dialer = websocket.DefaultDialer
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.OnInteraction == nil {
		cfg.OnInteraction = func(context.Context, *discordgo.Interaction) {}
	}
	cfg.Timing = cfg.Timing.withDefaults()
	c := &Client{cfg: cfg, log: cfg.Logger}
	c.budget = &budget{fetch: c.gatewayBot, fetchOnce: cfg.GatewayBot, interval: cfg.Timing.IdentifyInterval, timing: cfg.Timing,
		log: c.log, last: map[int]time.Time{}}
	return c, nil
}

// CheckShards reports a shard configuration Discord would refuse: n < 0,
// shard ids without a fixed n, ids out of [0, n) or listed twice.
func CheckShards(n int, ids []int) error {
	if n < 0 {
		return errors.New("gateway: the number of shards must not be negative")
	}
	if len(ids) > 0 && n == 0 {
		return errors.New("gateway: shard ids need a fixed number of shards")
	}
	seen := map[int]bool{}
	for _, id := range ids {
		if id < 0 || id >= n {
			return fmt.Errorf("gateway: shard id %d is not between 0 and %d", id, n-1)
		}
		if seen[id] {
			return fmt.Errorf("gateway: shard id %d is listed twice", id)
		}
		seen[id] = true
	}
	return nil
}

// State reports whether every shard of the running client is connected
// (READY or RESUMED and not since dropped) and how many times a shard
// reconnected.
func (c *Client) State() (connected bool, reconnects int64) {
	n := c.running.Load()
	return n > 0 && c.ready.Load() == n, c.reconnects.Load()
}

// Run connects every shard and keeps them connected until ctx ends (it then
// closes them with code 1000 and returns nil) or until a shard meets an
// error reconnecting cannot fix: ErrTokenRejected or a *CloseError.
func (c *Client) Run(ctx context.Context) error {
	info, err := c.gatewayBot(ctx)
	if err != nil || info == nil {
		return err
	}
	n := c.cfg.Shards
	if n == 0 {
		n = max(info.Shards, 1)
	}
	ids := c.cfg.ShardIDs
	if len(ids) == 0 {
		for i := range n {
			ids = append(ids, i)
		}
	}
	c.url = info.URL
	c.budget.set(info.SessionStartLimit)
	c.log.Info("connecting to the Discord gateway", "shards", n, "running", len(ids),
		"identify_budget", info.SessionStartLimit.Remaining, "max_concurrency", max(info.SessionStartLimit.MaxConcurrency, 1))
	c.running.Store(int64(len(ids)))
	defer c.running.Store(0)
	g, gctx := errgroup.WithContext(ctx)
	for _, id := range ids {
		s := &shard{c: c, id: id, n: n}
		g.Go(func() error { return s.run(gctx) })
	}
	err = g.Wait()
	if err != nil {
		c.log.Error("the Discord gateway stopped", "err", err)
	}
	return err
}

// gatewayBot calls GET /gateway/bot until it answers, ctx ends (nil, nil)
// or the token is rejected.
func (c *Client) gatewayBot(ctx context.Context) (*Info, error) {
	for attempt := 0; ; attempt++ {
		info, err := c.cfg.GatewayBot(ctx)
		if ctx.Err() != nil {
			return nil, nil
		}
		if err == nil && info != nil && info.URL != "" {
			return info, nil
		}
		if errors.Is(err, ErrTokenRejected) {
			return nil, ErrTokenRejected
		}
		if err == nil {
			err = errors.New("the answer has no gateway URL")
		}
		wait := c.cfg.Timing.Backoff(attempt)
		c.log.Warn("GET /gateway/bot failed; retrying", "attempt", attempt+1, "in", wait.Round(time.Millisecond), "err", err)
		if !sleep(ctx, wait) {
			return nil, nil
		}
	}
}

// budget is the identify budget of session_start_limit, shared by the
// shards: it is decremented locally for every IDENTIFY, an exhausted budget
// waits for reset_after (then is read again from GET /gateway/bot), and each
// max_concurrency bucket identifies at most once per interval.
type budget struct {
	fetch     func(context.Context) (*Info, error) // retries until it succeeds
	fetchOnce func(context.Context) (*Info, error) // one try
	interval  time.Duration
	timing    Timing
	log       *slog.Logger

	mu        sync.Mutex
	remaining int
	resetAt   time.Time
	maxConc   int
	last      map[int]time.Time // bucket -> time of its last IDENTIFY
	logged    bool              // the current exhaustion was logged
}

func (b *budget) set(l discordgo.SessionInformation) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.remaining = l.Remaining
	if l.Total == 0 { // no session_start_limit in the answer: nothing to count
		b.remaining = 1 << 30
	}
	b.resetAt = time.Now().Add(time.Duration(l.ResetAfter) * time.Millisecond)
	b.maxConc = max(l.MaxConcurrency, 1)
	if b.remaining > 0 {
		b.logged = false
	}
}

// wait returns once an IDENTIFY would not exceed the budget (without taking
// it), or with ctx's error or ErrTokenRejected.
func (b *budget) wait(ctx context.Context) error {
	for {
		b.mu.Lock()
		if b.remaining > 0 {
			b.mu.Unlock()
			return nil
		}
		wait := time.Until(b.resetAt)
		if wait <= 0 {
			b.mu.Unlock()
			info, err := b.fetch(ctx)
			if err != nil || info == nil {
				if err == nil {
					err = ctx.Err()
				}
				return err
			}
			b.set(info.SessionStartLimit)
			b.mu.Lock()
			if b.remaining <= 0 && time.Until(b.resetAt) <= 0 { // a budget that says "none, reset now": do not spin
				b.resetAt = time.Now().Add(b.timing.MinBackoff)
			}
			b.mu.Unlock()
			continue
		}
		if !b.logged {
			b.logged = true
			b.log.Warn("Discord's identify budget (session_start_limit) is used up; waiting for it to reset before connecting",
				"wait", wait.Round(time.Millisecond))
		}
		b.mu.Unlock()
		if !sleep(ctx, wait) {
			return ctx.Err()
		}
	}
}

// refresh reads the budget again from GET /gateway/bot. The local count
// does not see the IDENTIFYs of other processes running other shard_ids with
// the same token, so a shard reads it before identifying again. A failure
// other than a rejected token keeps the local count.
func (b *budget) refresh(ctx context.Context) error {
	info, err := b.fetchOnce(ctx)
	if errors.Is(err, ErrTokenRejected) {
		return err
	}
	if err == nil && info != nil {
		b.set(info.SessionStartLimit)
	}
	return ctx.Err()
}

// take waits for the budget and for shard id's bucket, then spends one
// IDENTIFY.
func (b *budget) take(ctx context.Context, id int) error {
	for {
		if err := b.wait(ctx); err != nil {
			return err
		}
		b.mu.Lock()
		if b.remaining <= 0 {
			b.mu.Unlock()
			continue
		}
		bucket := id % b.maxConc
		if next := b.last[bucket].Add(b.interval); time.Now().Before(next) {
			b.mu.Unlock()
			if !sleep(ctx, time.Until(next)) {
				return ctx.Err()
			}
			continue
		}
		b.remaining--
		b.last[bucket] = time.Now()
		b.mu.Unlock()
		return nil
	}
}

// sleep waits d or until ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
