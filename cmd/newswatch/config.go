package main

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/bot"
	"github.com/newswatch/newswatch/feeds"
	"github.com/newswatch/newswatch/watch"
)

// Config is the whole configuration of newswatch. A missing file means all
// defaults; every key is optional.
type Config struct {
	Storage StorageConfig `toml:"storage"`
	Seeds   SeedsConfig   `toml:"seeds"`
	HTTP    HTTPConfig    `toml:"http"`
	Feeds   FeedsConfig   `toml:"feeds"`
	Discord DiscordConfig `toml:"discord"`
	Log     LogConfig     `toml:"log"`
	Signals SignalsConfig `toml:"signals"`
	Feed    []FeedEntry   `toml:"feed"`
	Watch   []watch.Entry `toml:"watch"`
	Route   []RouteEntry  `toml:"route"`

	// Token is read from the DISCORD_TOKEN environment variable only.
	Token string `toml:"-"`
}

// StorageConfig is the [storage] table.
type StorageConfig struct {
	Path      string   `toml:"path"`
	Retention Duration `toml:"retention"`
}

// SeedsConfig is the [seeds] table.
type SeedsConfig struct {
	Dir              string   `toml:"dir"`
	DefaultWatchlist bool     `toml:"default_watchlist"`
	RescanInterval   Duration `toml:"rescan_interval"`
}

// SignalsConfig is the [signals] table: spike alerts and daily digests
// (signals_run.go).
type SignalsConfig struct {
	// Interval is how often run looks for spikes and due digests.
	Interval Duration `toml:"interval"`
}

// HTTPConfig is the [http] table.
type HTTPConfig struct {
	Listen string `toml:"listen"`
}

// LogConfig is the [log] table.
type LogConfig struct {
	Level  string `toml:"level"`  // debug | info | warn | error
	Format string `toml:"format"` // text | json
}

// FeedsConfig is the [feeds] table.
type FeedsConfig struct {
	Timeout              Duration `toml:"timeout"`
	BodyLimit            Size     `toml:"body_limit"`
	MaxRedirects         int      `toml:"max_redirects"`
	UserAgent            string   `toml:"user_agent"`
	AllowPrivateNetworks bool     `toml:"allow_private_networks"`
	Allow                []string `toml:"allow"`
	Concurrency          int      `toml:"concurrency"`
	PerHost              int      `toml:"per_host"`
	MinInterval          Duration `toml:"min_interval"`
	MaxInterval          Duration `toml:"max_interval"`
	FailAfter            int      `toml:"fail_after"`
	MaxItemAge           Duration `toml:"max_item_age"`
}

// FeedEntry is one [[feed]] table: a global feed declared in config.
type FeedEntry struct {
	URL      string   `toml:"url"`
	Title    string   `toml:"title"`
	Interval Duration `toml:"interval"`
}

// DiscordConfig is the [discord] table.
type DiscordConfig struct {
	ApplicationID      string   `toml:"application_id"`
	GuildIDs           []string `toml:"guild_ids"`
	AdminRoleID        string   `toml:"admin_role_id"`
	APIBase            string   `toml:"api_base"`
	MaxFeedsPerGuild   int      `toml:"max_feeds_per_guild"`
	MaxWatchesPerGuild int      `toml:"max_watches_per_guild"`
	MaxRoutesPerGuild  int      `toml:"max_routes_per_guild"`
	SummaryAfter       int      `toml:"summary_after"`
	Shards             int      `toml:"shards"`    // 0: as many as Discord recommends
	ShardIDs           []int    `toml:"shard_ids"` // the shards this process runs; empty: all
}

// DefaultConfig returns the configuration used when no file is given. The
// feeds' and the bot's defaults are those of their packages; the per-guild
// caps are this program's (the bot has none by default).
func DefaultConfig() Config {
	f := feeds.DefaultConfig()
	return Config{
		Storage: StorageConfig{Path: "data/newswatch.db"},
		Seeds:   SeedsConfig{Dir: "seeds", DefaultWatchlist: true, RescanInterval: Duration(10 * time.Second)},
		HTTP:    HTTPConfig{Listen: "127.0.0.1:9464"},
		Log:     LogConfig{Level: "info", Format: "text"},
		Signals: SignalsConfig{Interval: Duration(5 * time.Minute)},
		Feeds: FeedsConfig{
			Timeout: Duration(f.Timeout), BodyLimit: Size(f.BodyLimit), MaxRedirects: f.MaxRedirects,
			Concurrency: f.Concurrency, PerHost: f.PerHost, MinInterval: Duration(f.MinInterval),
			MaxInterval: Duration(f.MaxInterval), FailAfter: f.FailAfter, MaxItemAge: Duration(f.MaxItemAge),
		},
		Discord: DiscordConfig{
			APIBase: bot.DefaultAPIBase, MaxFeedsPerGuild: 50, MaxWatchesPerGuild: 200,
			MaxRoutesPerGuild: 25, SummaryAfter: bot.DefaultSummaryAfter,
		},
	}
}

var envRef = regexp.MustCompile(`\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// expandEnv replaces ${VAR} with the variable's value and $$ with $. An
// unset variable is an error, so a typo does not silently become "".
func expandEnv(data []byte, getenv func(string) string) ([]byte, error) {
	var missing []string
	out := envRef.ReplaceAllFunc(data, func(m []byte) []byte {
		if string(m) == "$$" {
			return []byte("$")
		}
		name := string(m[2 : len(m)-1])
		v := getenv(name)
		if v == "" {
			missing = append(missing, name)
		}
		return []byte(v)
	})
	if len(missing) > 0 {
		return nil, fmt.Errorf("environment variable %s is not set (referenced as ${%s})", missing[0], missing[0])
	}
	return out, nil
}

// ParseConfig reads a configuration from TOML text after expanding ${VAR},
// rejecting unknown keys and bad values with the key's name.
func ParseConfig(data []byte, getenv func(string) string) (Config, error) {
	cfg := DefaultConfig()
	data, err := expandEnv(data, getenv)
	if err != nil {
		return cfg, err
	}
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&cfg)
	if err != nil {
		return cfg, fmt.Errorf("parse: %w", err)
	}
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		key := undecoded[0].String()
		if key == "discord.token" || key == "token" {
			return cfg, errors.New("discord.token: the token is read from the DISCORD_TOKEN environment variable only; remove it from the file")
		}
		return cfg, fmt.Errorf("unknown key %q", key)
	}
	cfg.Token = strings.TrimSpace(getenv("DISCORD_TOKEN"))
	return cfg, cfg.Validate()
}

// LoadConfig reads the file at path, or returns the defaults when path is ""
// and no newswatch.toml exists in the working directory.
func LoadConfig(path string, getenv func(string) string) (Config, error) {
	if path == "" {
		if _, err := os.Stat("newswatch.toml"); err != nil {
			cfg := DefaultConfig()
			cfg.Token = strings.TrimSpace(getenv("DISCORD_TOKEN"))
			return cfg, cfg.Validate()
		}
		path = "newswatch.toml"
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	cfg, err := ParseConfig(data, getenv)
	if err != nil {
		return cfg, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

// Validate checks every value, naming the key of the first bad one.
func (c *Config) Validate() error {
	checks := []struct {
		ok  bool
		key string
		msg string
	}{
		{c.Storage.Path != "", "storage.path", "must not be empty"},
		{c.Storage.Retention >= 0, "storage.retention", "must not be negative"},
		{c.Seeds.RescanInterval >= Duration(time.Second), "seeds.rescan_interval", "must be at least 1s"},
		{c.Signals.Interval >= Duration(10*time.Second) && c.Signals.Interval <= Duration(time.Hour), "signals.interval", "must be between 10s and 1h"},
		{c.Feeds.Timeout >= Duration(time.Second) && c.Feeds.Timeout <= Duration(5*time.Minute), "feeds.timeout", "must be between 1s and 5m"},
		{c.Feeds.BodyLimit >= 1024 && c.Feeds.BodyLimit <= 1<<30, "feeds.body_limit", "must be between 1KiB and 1GiB"},
		{c.Feeds.MaxRedirects >= 0 && c.Feeds.MaxRedirects <= 20, "feeds.max_redirects", "must be between 0 and 20"},
		{c.Feeds.Concurrency >= 1 && c.Feeds.Concurrency <= 256, "feeds.concurrency", "must be between 1 and 256"},
		{c.Feeds.PerHost >= 1 && c.Feeds.PerHost <= 64, "feeds.per_host", "must be between 1 and 64"},
		{c.Feeds.MinInterval >= Duration(10*time.Second), "feeds.min_interval", "must be at least 10s"},
		{c.Feeds.MaxInterval >= c.Feeds.MinInterval, "feeds.max_interval", "must not be below feeds.min_interval"},
		{c.Feeds.FailAfter >= 1, "feeds.fail_after", "must be at least 1"},
		{c.Feeds.MaxItemAge > 0, "feeds.max_item_age", "must be positive"},
		{c.Discord.MaxFeedsPerGuild >= 0, "discord.max_feeds_per_guild", "must not be negative"},
		{c.Discord.MaxWatchesPerGuild >= 0, "discord.max_watches_per_guild", "must not be negative"},
		{c.Discord.MaxRoutesPerGuild >= 0, "discord.max_routes_per_guild", "must not be negative"},
		{c.Discord.SummaryAfter >= 1, "discord.summary_after", "must be at least 1"},
		{isSnowflake(c.Discord.ApplicationID, true), "discord.application_id", "must be a Discord id (digits)"},
		{isSnowflake(c.Discord.AdminRoleID, true), "discord.admin_role_id", "must be a Discord id (digits)"},
	}
	for _, ch := range checks {
		if !ch.ok {
			return fmt.Errorf("%s %s", ch.key, ch.msg)
		}
	}
	if _, err := parseLevel(c.Log.Level); err != nil {
		return fmt.Errorf("log.level: %w", err)
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		return fmt.Errorf("log.format must be \"text\" or \"json\", got %q", c.Log.Format)
	}
	for i, g := range c.Discord.GuildIDs {
		if !isSnowflake(g, false) {
			return fmt.Errorf("discord.guild_ids[%d] must be a Discord id (digits), got %q", i, g)
		}
	}
	if err := checkShards(c.Discord.Shards, c.Discord.ShardIDs); err != nil {
		return err
	}
	if c.Token != "" && c.Discord.ApplicationID == "" {
		return errors.New("discord.application_id is required when DISCORD_TOKEN is set")
	}
	if _, err := newswatch.ValidateFeedURL(c.Discord.APIBase); err != nil {
		return fmt.Errorf("discord.api_base: %s", newswatch.ErrorMessage(err))
	}
	if c.HTTP.Listen != "" {
		if _, err := netip.ParseAddrPort(c.HTTP.Listen); err != nil && !strings.HasPrefix(c.HTTP.Listen, "localhost:") {
			return fmt.Errorf("http.listen must be host:port with an IP address (or empty to disable), got %q", c.HTTP.Listen)
		}
	}
	for i, a := range c.Feeds.Allow {
		if strings.TrimSpace(a) == "" {
			return fmt.Errorf("feeds.allow[%d] is empty", i)
		}
		if err := feeds.CheckAllow(a); err != nil {
			return fmt.Errorf("feeds.allow[%d]: %w", i, err)
		}
	}
	for i, f := range c.Feed {
		if _, err := newswatch.ValidateFeedURL(f.URL); err != nil {
			return fmt.Errorf("feed[%d].url: %s", i, newswatch.ErrorMessage(err))
		}
		if f.Interval != 0 && f.Interval < c.Feeds.MinInterval {
			return fmt.Errorf("feed[%d].interval must be 0 (adaptive) or at least feeds.min_interval", i)
		}
	}
	for i, w := range c.Watch {
		ww := w.Watch()
		if err := ww.Validate(); err != nil {
			return fmt.Errorf("watch[%d]: %s", i, newswatch.ErrorMessage(err))
		}
	}
	for i, r := range c.Route {
		if err := r.validate(); err != nil {
			return fmt.Errorf("route[%d] (%s): %w", i, r.name(), err)
		}
	}
	return nil
}

func isSnowflake(s string, emptyOK bool) bool {
	if s == "" {
		return emptyOK
	}
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

// Duration is a time.Duration written as "90s", "15m", "24h" or "30d".
type Duration time.Duration

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "" || s == "0" {
		*d = 0
		return nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseFloat(days, 64)
		if err != nil || n < 0 || n > 36500 {
			return fmt.Errorf("invalid duration %q (use e.g. 90s, 15m, 24h or 30d)", s)
		}
		*d = Duration(time.Duration(n * float64(24*time.Hour)))
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("invalid duration %q (use e.g. 90s, 15m, 24h or 30d)", s)
	}
	*d = Duration(v)
	return nil
}

// Size is a byte count written as a number or with KiB, MiB or GiB.
type Size int64

// UnmarshalText implements encoding.TextUnmarshaler.
func (z *Size) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		n      int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"B", 1}} {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = strings.TrimSpace(v), u.n
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return fmt.Errorf("invalid size %q (use e.g. 15MiB)", string(b))
	}
	*z = Size(n * mult)
	return nil
}

// checkShards validates [discord] shards and shard_ids.
func checkShards(n int, ids []int) error {
	if n < 0 {
		return errors.New("discord.shards must not be negative (0: as many as Discord recommends)")
	}
	if len(ids) > 0 && n == 0 {
		return errors.New("discord.shard_ids needs a fixed discord.shards (the total over every process)")
	}
	seen := map[int]bool{}
	for i, id := range ids {
		if id < 0 || id >= n {
			return fmt.Errorf("discord.shard_ids[%d] = %d must be between 0 and discord.shards-1 (%d)", i, id, n-1)
		}
		if seen[id] {
			return fmt.Errorf("discord.shard_ids lists shard %d twice", id)
		}
		seen[id] = true
	}
	return nil
}
