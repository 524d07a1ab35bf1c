package bot

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/newswatch/newswatch/bot/gateway"
)

// Defaults that cmd/newswatch shows in its own configuration.
const (
	DefaultAPIBase      = "https://discord.com" // Discord's REST API
	DefaultSummaryAfter = 5                     // Config.SummaryAfter
)

// Config configures the bot. Zero values take the defaults of
// Config.withDefaults; Validate reports what is wrong.
type Config struct {
	Token       string   // bot token, with or without the "Bot " prefix; never logged
	AppID       string   // application id; "" takes the bot user's id
	GuildIDs    []string // register the commands in these guilds; none: globally
	AdminRoleID string   // members with this role may use admin commands
	APIBase     string   // default "https://discord.com"; another base for a REST proxy or a fake

	MaxFeedsPerGuild   int // 0: no cap
	MaxWatchesPerGuild int // 0: no cap
	MaxRoutesPerGuild  int // 0: no cap

	SummaryAfter      int           // more pending alerts than this for one channel in one pass: one summary message (default 5)
	DeliveryInterval  time.Duration // how often the outbox is polled (default 250ms)
	MaxRetries        int           // retries of one REST request on 429/5xx/timeouts before deferring (default 3)
	MessagesPerSecond float64       // client-side cap on alert messages (default 45; Discord's global limit is 50/s)
	RequestTimeout    time.Duration // per REST request (default 15s)
	DeferAfter        time.Duration // answer "thinking…" if a command takes longer (default 2s)
	BatchSize         int           // alerts read per delivery pass (default 500)

	Shards   int            // gateway shards; 0: as many as Discord recommends (GET /gateway/bot)
	ShardIDs []int          // the shards this process runs; empty: all (needs Shards > 0)
	Gateway  gateway.Timing // reconnect backoff and gateway waits; zero: Discord's (tests shorten them)

	// Clock is the clock of the story edits' once-a-minute limit
	// (story_also.go); nil: time.Now. Tests set their own.
	Clock func() time.Time
}

func (c Config) withDefaults() Config {
	if c.APIBase == "" {
		c.APIBase = DefaultAPIBase
	}
	if c.SummaryAfter == 0 {
		c.SummaryAfter = DefaultSummaryAfter
	}
	if c.DeliveryInterval == 0 {
		c.DeliveryInterval = 250 * time.Millisecond
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = 3
	}
	if c.MessagesPerSecond == 0 {
		c.MessagesPerSecond = 45
	}
	if c.RequestTimeout == 0 {
		c.RequestTimeout = 15 * time.Second
	}
	if c.DeferAfter == 0 {
		c.DeferAfter = 2 * time.Second
	}
	if c.BatchSize == 0 {
		c.BatchSize = 500
	}
	return c
}

// Validate reports the first problem of the configuration (after defaults).
func (c Config) Validate() error {
	c = c.withDefaults()
	tok := strings.TrimSpace(strings.TrimPrefix(c.Token, "Bot "))
	switch {
	case tok == "":
		return errors.New("bot: the Discord token is empty")
	case strings.ContainsAny(tok, " \t\r\n"):
		return errors.New("bot: the Discord token contains white space")
	case strings.Trim(c.AppID, "0123456789") != "":
		return fmt.Errorf("bot: the application id %q is not a Discord id", c.AppID)
	case c.AdminRoleID != "" && strings.Trim(c.AdminRoleID, "0123456789") != "":
		return fmt.Errorf("bot: the admin role id %q is not a Discord id", c.AdminRoleID)
	case c.MaxFeedsPerGuild < 0 || c.MaxWatchesPerGuild < 0 || c.MaxRoutesPerGuild < 0:
		return errors.New("bot: per-guild caps must not be negative")
	case c.SummaryAfter < 1:
		return errors.New("bot: summary_after must be at least 1")
	case c.DeliveryInterval < 10*time.Millisecond:
		return errors.New("bot: the delivery interval must be at least 10ms")
	case c.MaxRetries < 0 || c.MaxRetries > 20:
		return errors.New("bot: max retries must be between 0 and 20")
	case c.MessagesPerSecond < 0:
		return errors.New("bot: messages per second must not be negative")
	case c.DeferAfter < 0 || c.DeferAfter > 2500*time.Millisecond:
		return errors.New("bot: defer_after must be at most 2.5s: Discord drops an interaction not answered within 3s")
	case c.RequestTimeout < time.Second:
		return errors.New("bot: the request timeout must be at least 1s")
	case c.BatchSize < 1:
		return errors.New("bot: the batch size must be at least 1")
	}
	if err := gateway.CheckShards(c.Shards, c.ShardIDs); err != nil {
		return fmt.Errorf("bot: %w", err)
	}
	for _, g := range c.GuildIDs {
		if g == "" || strings.Trim(g, "0123456789") != "" {
			return fmt.Errorf("bot: guild id %q is not a Discord id", g)
		}
	}
	u, err := url.Parse(c.APIBase)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("bot: the API base %q is not an http(s) URL", c.APIBase)
	}
	return nil
}
