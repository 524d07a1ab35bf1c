package bot

import (
	"context"
	"time"

	"github.com/newswatch/newswatch"
)

// Store is everything the bot needs from the database (*store.DB satisfies
// it): the small interfaces of its parts, composed.
type Store interface {
	Queries
	StoryQueries
	WatchStore
	FeedStore
	RouteStore
	MuteStore
	Outbox
	TrendStore // trend.go
}

// MuteStore keeps a guild's muted watches (/watch mute and unmute).
type MuteStore interface {
	MuteWatch(ctx context.Context, guildID, name string, until, now time.Time) (newswatch.Watch, error)
	UnmuteWatch(ctx context.Context, guildID, name string) (newswatch.Watch, error)
	Mutes(ctx context.Context, guildID string, now time.Time) ([]newswatch.WatchMute, error)
}

// Queries answer the read-only commands (/search, /latest, /mentions,
// /stats).
type Queries interface {
	Search(ctx context.Context, q newswatch.SearchQuery) ([]newswatch.SearchHit, error)
	Latest(ctx context.Context, q newswatch.LatestQuery) ([]newswatch.Item, error)
	Mentions(ctx context.Context, q newswatch.MentionQuery) ([]newswatch.MentionHit, error)
	Stats(ctx context.Context, guildID string) (newswatch.Stats, error)
}

// WatchStore keeps a guild's watches (/watch and its autocompletion).
type WatchStore interface {
	Watches(ctx context.Context, guildID string) ([]newswatch.Watch, error)
	WatchByName(ctx context.Context, guildID, name string) (newswatch.Watch, error)
	PutWatch(ctx context.Context, w newswatch.Watch, maxPerGuild int) (newswatch.Watch, bool, error)
	RemoveWatch(ctx context.Context, guildID, name string) error
}

// FeedStore keeps a guild's feed subscriptions (/feed, its autocompletion
// and the feed filters of the queries).
type FeedStore interface {
	AddFeed(ctx context.Context, guildID, url string, interval time.Duration, maxPerGuild int) (newswatch.Feed, error)
	RemoveFeed(ctx context.Context, guildID string, feedID int64) error
	FeedByURL(ctx context.Context, url string) (newswatch.Feed, error)
	ListFeeds(ctx context.Context, guildID string) ([]newswatch.Feed, error)
	RetryFeed(ctx context.Context, guildID string, feedID int64, now time.Time) error
}

// RouteStore keeps a guild's alert routes (/alerts); delivery disables a
// route whose channel Discord refuses for good.
type RouteStore interface {
	SetRoute(ctx context.Context, r newswatch.Route, maxPerGuild int) (newswatch.Route, error)
	RemoveRoute(ctx context.Context, guildID, channelID string) error
	Routes(ctx context.Context, guildID string) ([]newswatch.Route, error)
	DisableRoute(ctx context.Context, routeID int64, reason string) error
}
