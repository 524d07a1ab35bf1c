package newswatch

import "time"

// Queries take a GuildID. A guild sees the items of global feeds and of the
// feeds it subscribes to, and the global watches and its own. GlobalScope
// ("") is the operator's view through the CLI: everything.

// SearchQuery is a full-text search.
type SearchQuery struct {
	GuildID string
	Query   string // as typed by a person; never passed raw to FTS5
	FeedID  int64  // 0 for every feed
	Limit   int
	Offset  int
}

// SearchHit is one search result, best first.
type SearchHit struct {
	Item    Item
	Snippet string // with HighlightStart/HighlightEnd around the matched terms
	Rank    float64
}

// LatestQuery asks for the newest items.
type LatestQuery struct {
	GuildID string
	FeedID  int64 // 0 for every feed
	Limit   int
	Offset  int
}

// MentionQuery asks for the mentions of one entity in a time range.
type MentionQuery struct {
	GuildID string
	Entity  string // canonical name or alias of a visible watch, any case
	Since   time.Time
	Until   time.Time // zero for now
	Limit   int
	Offset  int
}

// MentionHit is a mention with the item it is in, newest first.
type MentionHit struct {
	Mention Mention
	Item    Item
	Snippet string // around the mention, with highlight markers
}

// DayCount is how many mentions an entity had on one UTC day.
type DayCount struct {
	Entity string
	Day    string // YYYY-MM-DD
	Count  int
}

// EntityCount is how many mentions an entity has in all.
type EntityCount struct {
	Entity string
	Kind   Kind
	Count  int
}

// Stats summarises the store for one scope.
type Stats struct {
	Items         int
	Feeds         int
	FailingFeeds  int
	Watches       int
	Mentions      int
	Routes        int
	PendingAlerts int
	SentAlerts    int
	OldestItem    time.Time
	NewestItem    time.Time
	TopEntities   []EntityCount // most mentioned first, at most 10
}
