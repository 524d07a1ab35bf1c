package newswatch

import "time"

// Story is one article or wire copy however many feeds carry it: the items
// whose canonical URL is the same, or whose text is a near-duplicate within
// the story window (see package stories for the line drawn).
type Story struct {
	ID          int64
	Title       string    // the first item's title
	FirstSeen   time.Time // the first item's Time()
	LastSeen    time.Time // the newest item's Time()
	ItemCount   int
	SourceCount int // distinct feeds
	Items       []StoryItem
}

// StoryItem is an item as a story lists it.
type StoryItem struct {
	ItemID    int64
	FeedID    int64
	FeedTitle string
	Title     string
	Link      string
	Published time.Time // Item.Time(): published, else fetched
}

// StoryQuery asks for stories whose newest item is at or after Since.
type StoryQuery struct {
	GuildID string // "" for every feed; else the guild's visible feeds only
	Since   time.Time
	Limit   int // stories, newest first; <= 0 means all
	// Items caps the items listed per story (0: all).
	Items int
}

// StoryHit is the one entry per story of a search or a latest list: the
// best (or newest) item of the story and how many sources carry it.
type StoryHit struct {
	Item        Item
	StoryID     int64   // 0 when the item has no story yet
	ItemCount   int     // items of the story visible to the guild (at least 1)
	SourceCount int     // distinct feeds among them
	Snippet     string  // search: as SearchHit.Snippet
	Rank        float64 // search: the best item's SearchHit.Rank
}

// StoryCandidate is a stored item as story assignment reads it.
type StoryCandidate struct {
	ItemID  int64
	FeedID  int64
	Key     string
	Title   string
	Text    string
	Link    string
	Time    time.Time
	StoryID int64 // 0 when not yet assigned

	// Prepared, when not nil, is what the story decider computed ahead
	// from Title, Text and Link (store.StoryPreparer); its type is the
	// decider's own.
	Prepared any
}

// StoryAssignment records which story an item joins and why.
type StoryAssignment struct {
	ItemID   int64
	FeedID   int64
	Title    string    // the item's title: a new story's title
	Time     time.Time // the item's Time()
	CanonURL string    // CanonicalURL of its link, "" when none
	How      string    // StoryNew, StoryURL or StoryText

	// StoryID is the story joined; when 0, Join is the index of an earlier
	// assignment in the same batch whose story this one joins, or -1 for a
	// new story.
	StoryID int64
	Join    int
}

// How an item came to its story.
const (
	StoryNew  = "new"  // first item of its story
	StoryURL  = "url"  // same canonical URL as an item of the story
	StoryText = "text" // near-duplicate text of an item of the story
)

// StoryAlso is a story's alert in one route with the items of the story
// that joined since the alert was last shown: the deliverer edits the
// alert to add them ("Also reported by"), or, on the console, prints them
// as "also:" lines.
type StoryAlso struct {
	StoryID int64
	Route   Route
	Title   string // the story's title
	// Alert is the story's alert in the route (Item, Mentions and Feed
	// filled in), from which its message body is made again for an edit.
	Alert Alert
	// Message is the Discord message that carries the alert (zero on the
	// console): an edit replaces its body. Its Payload is not kept once
	// sent.
	Message AlertMessage
	Shown   []StoryItem // items the alert lists already, oldest first
	Pending []StoryItem // items to add, oldest first
	// PendingIDs are the item ids read as pending, including items pruned
	// since (not in Pending); they are the ones marked shown.
	PendingIDs []int64
}

// StoryMentionHit is the one entry per story of a mention list counted by
// stories: the story's newest mention and how many sources carry it.
type StoryMentionHit struct {
	MentionHit
	StoryID     int64 // 0 when the item has no story yet
	ItemCount   int   // items of the story visible to the guild (at least 1)
	SourceCount int   // distinct feeds among them
}

// MentionTotals counts the mentions of a MentionQuery three ways.
type MentionTotals struct {
	Mentions int
	Items    int // distinct items
	Stories  int // distinct stories; an item without a story counts as one
}

// StoryStats counts stories as Stats counts items, in one scope. An item
// without a story yet counts as a story of its own.
type StoryStats struct {
	Stories     int
	MultiSource int // stories carried by two or more visible feeds
}
