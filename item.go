package newswatch

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// Item is one normalised news item: plain text, never HTML.
type Item struct {
	ID         int64
	FeedID     int64
	Key        string // stable key, unique per feed (see ItemKey)
	GUID       string
	Title      string
	Link       string
	Author     string
	Text       string // plain-text body
	Categories []string
	ImageURL   string
	Published  time.Time // zero when unknown
	Updated    time.Time // zero when unknown
	FetchedAt  time.Time

	FeedTitle string // filled in by the store when reading
}

// MatchText is the text that watches are matched against and that mention
// offsets index: the title, a blank line, then the body.
func (it *Item) MatchText() string {
	switch {
	case it.Text == "":
		return it.Title
	case it.Title == "":
		return it.Text
	}
	return it.Title + "\n\n" + it.Text
}

// ContentHash identifies the matchable content of an item; an item whose hash
// changed under the same key is updated and re-matched.
func (it *Item) ContentHash() string {
	h := sha256.New()
	for _, s := range []string{it.Title, it.Link, it.Text} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Time is the item's published time, or when it was fetched if unknown.
func (it *Item) Time() time.Time {
	if !it.Published.IsZero() {
		return it.Published
	}
	return it.FetchedAt
}

// ItemKey is the stable key of an item: its GUID, else its link, else
// "sha256:" and a hash of its title and text with case and white space
// folded, so that an item without either is known by what it says, not by
// where it stands in its feed, and a change of case or spacing alone does
// not make it new. The published date stays out: some feeds stamp every
// item with the time of the request. Making keys unique within one fetch
// (a GUID repeated, identical items) is the fetcher's job.
func ItemKey(guid, link, title, text string) string {
	if g := strings.TrimSpace(guid); g != "" {
		return g
	}
	if l := strings.TrimSpace(link); l != "" {
		return l
	}
	sum := sha256.Sum256([]byte(foldKeyText(title) + "\x00" + foldKeyText(text)))
	return "sha256:" + hex.EncodeToString(sum[:16])
}

// foldKeyText lower-cases s and collapses its runs of white space to one
// space, trimmed.
func foldKeyText(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// Known is what the store knows of one item key of a feed (the values of
// KnownKeys): the content hash of the stored item or, for a key whose item
// was pruned, a tombstone, so that the item is not stored again.
type Known struct {
	Hash      string // Item.ContentHash of the stored item; "" for a tombstone
	Tombstone bool   // the item was pruned
}

// Covers reports whether it needs no saving: its key is a tombstone, or it
// is stored with the same content.
func (k Known) Covers(it Item) bool { return k.Tombstone || k.Hash == it.ContentHash() }

// IngestItem is an item ready to store: its mentions (offsets into
// Item.MatchText) and whether new mentions may raise alerts.
type IngestItem struct {
	Item     Item
	Mentions []Mention
	Alert    bool // false for a feed's first poll, old items and rescans

	// Story, when not nil, is what the story decider computed ahead of
	// the save from the item's title, text and link (as in
	// StoryCandidate.Prepared; store.DB.PrepareStories fills it in). A
	// save computes it itself for a new item that arrives without it.
	Story any
}

// SaveResult counts what a batch save did.
type SaveResult struct {
	New        int // items stored for the first time
	Updated    int // items whose content changed under the same key
	Unchanged  int
	Tombstoned int // items skipped because they were pruned before
	Alerts     int // outbox rows written
}
