package newswatch

import "time"

// ConsoleChannel is the ChannelID of the global route that prints alerts to
// standard output when no Discord token is configured.
const ConsoleChannel = "console"

// Highlight markers bracket the matched words in snippets produced by the
// store and the watch package. Each presenter (Discord, console, JSON)
// replaces them with its own markup after escaping the text around them.
const (
	HighlightStart = "\x02"
	HighlightEnd   = "\x03"
)

// Route sends a guild's alerts to one channel.
type Route struct {
	ID             int64
	GuildID        string
	ChannelID      string
	Kind           Kind   // "" for every kind
	RoleID         string // role to ping; "" pings no one
	Disabled       bool
	DisabledReason string // plain words, e.g. "Discord answered 403 Missing Access"
	CreatedAt      time.Time
}

// AlertKind tells what an outbox row announces.
type AlertKind string

// The kinds of alerts.
const (
	AlertMention     AlertKind = "mention"      // an item mentions watched names
	AlertFeedFailing AlertKind = "feed_failing" // a subscribed feed was marked failing
)

// Alert is one row of the alert outbox: one message to one route.
type Alert struct {
	ID        int64
	Kind      AlertKind
	Route     Route
	Item      Item      // AlertMention
	Mentions  []Mention // AlertMention: the item's mentions this route cares about
	Feed      Feed      // AlertFeedFailing
	Nonce     string    // stable for the row (at most 25 characters)
	Attempts  int
	CreatedAt time.Time
}
