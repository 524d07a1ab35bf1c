package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/newswatch/newswatch"
)

// mentionWatchIDs resolves q.Entity to the ids of the visible watches it
// names (as Mentions does) and returns the end of q's time range.
func (db *DB) mentionWatchIDs(ctx context.Context, q newswatch.MentionQuery) ([]int64, time.Time, error) {
	if strings.TrimSpace(q.Entity) == "" {
		return nil, time.Time{}, newswatch.Errorf(newswatch.EINVALID, "Name a watched city or actor.")
	}
	ws, err := visibleWatches(ctx, db.r, q.GuildID)
	if err != nil {
		return nil, time.Time{}, formatError(err)
	}
	found := findWatches(ws, q.Entity, q.GuildID)
	if len(found) == 0 {
		return nil, time.Time{}, newswatch.Errorf(newswatch.ENOTFOUND, "No watch is named %q.", q.Entity)
	}
	ids := make([]int64, len(found))
	for i, w := range found {
		ids[i] = w.ID
	}
	until := q.Until
	if until.IsZero() {
		until = time.Now()
	}
	return ids, until, nil
}

// MentionStories is Mentions with one entry per story: the newest mention
// (time, then feed, then id, as Mentions orders them) of each story among
// the mentions q selects, with the story's counts as q.GuildID sees them.
// An item without a story is a story of its own, so an item that mentions
// the entity twice is one entry. A mention is an entry when no selected
// mention of its story comes before it, so q.Offset and q.Limit count
// entries and pages never repeat or split a story.
//
// It reads Mentions' pages from the top until it has q.Offset+q.Limit
// entries (deeper pages read more). The same test in SQL, a NOT EXISTS over
// the story's other mentions, took seconds for a common name on a million
// items: SQLite scanned the watch's mentions for each candidate.
func (db *DB) MentionStories(ctx context.Context, q newswatch.MentionQuery) ([]newswatch.StoryMentionHit, error) {
	limit, offset := clampLimit(q.Limit), max(q.Offset, 0)
	want := offset + limit
	if q.Until.IsZero() {
		q.Until = time.Now() // one end for every page read
	}
	var out []newswatch.StoryMentionHit
	seen := make(map[int64]bool) // story ids, and -item id for an item without one
	entries := 0
	const batch = 100 // the most Mentions returns at once
	for off := 0; ; off += batch {
		rq := q
		rq.Limit, rq.Offset = batch, off
		page, err := db.Mentions(ctx, rq)
		if err != nil {
			return nil, err
		}
		ids := make([]int64, len(page))
		for i, h := range page {
			ids[i] = h.Item.ID
		}
		storyOf, err := db.storiesOf(ctx, ids)
		if err != nil {
			return nil, fmt.Errorf("store: mention stories: %w", formatError(err))
		}
		for _, h := range page {
			sid := storyOf[h.Item.ID]
			key := sid
			if sid == 0 {
				key = -h.Item.ID
			}
			if seen[key] {
				continue
			}
			seen[key] = true
			if entries++; entries > offset {
				out = append(out, newswatch.StoryMentionHit{MentionHit: h, StoryID: sid})
			}
			if entries == want {
				break
			}
		}
		if entries >= want || len(page) < batch {
			break
		}
	}
	hits := make([]newswatch.StoryHit, len(out))
	for i, h := range out {
		hits[i].StoryID = h.StoryID
	}
	if err := db.countHits(ctx, q.GuildID, hits); err != nil {
		return nil, fmt.Errorf("store: mention stories: %w", formatError(err))
	}
	for i := range out {
		out[i].ItemCount, out[i].SourceCount = hits[i].ItemCount, hits[i].SourceCount
	}
	return out, nil
}
