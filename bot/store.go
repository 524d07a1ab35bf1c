package bot

import (
	"context"
	"time"

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
