package newswatch

import (
	"strconv"
	"time"
)

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

	// The route's rule (issue 13). The zero value of each field is the
	// default: every visible watch, every item, one alert per story.
	Watches    []string // canonical names of the watches it alerts for; empty: every one the guild sees
	Query      string   // an item must match this search query (package query); "": every item
	MinSources int      // with stories on, alert once a story has this many sources (0 or 1: at once)
	PerItem    bool     // stories off: every item of a story alerts on its own
	Quiet      bool     // no per-item alerts: only spikes and the digest, when those are on
	Spikes     bool     // spike alerts of its watches go here
	CapPerHour int      // at most this many alerts per watch per hour, then one summary (0: no cap)
	Digest     bool     // a daily digest is posted here at DigestHour UTC
	DigestHour int      // 0-23, with Digest

	// Config reports a route a [[route]] table of the configuration
	// declares: it is changed only there (the store refuses edits from
	// Discord and the CLI), and removed when it leaves the file.
	Config bool
	// Locale is the Discord locale of the route's guild (e.g. "uk",
	// "en-US") recorded when it was last set from Discord; "" when unknown.
	// Spike alerts and digests are written in its language.
	Locale string
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
	StoryID   int64     // AlertMention: the item's story (0: none yet), for /story
	Feed      Feed      // AlertFeedFailing
	Nonce     string    // stable for the row (at most 25 characters)
	Attempts  int
	CreatedAt time.Time
	Message   int64 // the AlertMessage that carries it; 0 while it has none
	// Held, when not nil, makes the alert a cap summary (issue 13): the
	// alerts of one watch over the route's CapPerHour in one hour, as one
	// message. Item and Mentions are those of the first held item.
	Held *HeldAlerts
}

// HeldAlerts are the alerts a route's cap held back for one watch in one
// UTC hour.
type HeldAlerts struct {
	Watch string    // the watch's canonical name
	Hour  time.Time // the start of the hour, UTC
	Count int       // how many items were held back
	Items []Item    // the first of them (at most MaxHeldShown), oldest first
}

// WatchMute is a watch muted in a guild's alert routes (issue 13).
type WatchMute struct {
	Watch string    // canonical name
	Until time.Time // UTC
}

// MaxHeldShown is how many held items a cap summary lists by title.
const MaxHeldShown = 10

// MessageState tells whether an AlertMessage was posted.
type MessageState string

// The states of an AlertMessage.
const (
	MessagePending MessageState = "pending" // not known to be posted
	MessageSent    MessageState = "sent"    // Discord confirmed it, or it was found in the channel
)

// AlertMessage is one Discord message carrying one or more alerts (a single
// alert or a summary). It is stored before it is posted and its alerts never
// change afterwards, so every attempt posts the same body with the same
// nonce, and it is marked sent together with its alerts.
type AlertMessage struct {
	ID        int64
	Route     Route
	Payload   []byte  // the message body as JSON, without nonce and marker
	AlertIDs  []int64 // the outbox rows it carries, by id
	State     MessageState
	DiscordID string // the Discord message id once sent
	Attempts  int    // failed attempts so far
	CreatedAt time.Time
	// EditOf, when not "", makes the message an edit: Payload replaces the
	// body of the Discord message with this id in Route's channel, and the
	// message carries no alerts (see store.CreateEditMessage).
	EditOf string
}

// MessageNonce is the Discord nonce of AlertMessage id: stable across
// retries and restarts, at most 25 characters, and distinct from the
// per-alert nonces of earlier versions ("nw" and hex).
func MessageNonce(id int64) string {
	return "nwm" + strconv.FormatInt(id, 10)
}
