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
func (db *DB) MentionStories(ctx context.Context, q newswatch.MentionQuery) ([]newswatch.StoryMentionHit, error) {
	ids, until, err := db.mentionWatchIDs(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("store: mention stories: %w", err)
	}
	limit, offset := clampLimit(q.Limit), max(q.Offset, 0)
	cond, vargs := visibleFeedIn("m.feed_id", q.GuildID)
	cond2, vargs2 := visibleFeedIn("m2.feed_id", q.GuildID)
	// first: no selected mention of the same story (or item) sorts before m.
	first := `NOT EXISTS (SELECT 1 FROM mentions m2 WHERE m2.item_id IN (
			SELECT s2.item_id FROM story_items s1 JOIN story_items s2 ON s2.story_id = s1.story_id WHERE s1.item_id = m.item_id
			UNION ALL SELECT m.item_id)
		AND m2.watch_id IN (SELECT value FROM json_each(?)) AND m2.ts >= ? AND m2.ts <= ?` + cond2 + `
		AND (m2.ts > m.ts OR (m2.ts = m.ts AND (m2.feed_id > m.feed_id OR (m2.feed_id = m.feed_id AND m2.id > m.id)))))`
	firstArgs := append([]any{jsonList(ids), ms(q.Since), ms(until)}, vargs2...)
	var parts []string
	var args []any
	if len(ids) > maxUnionWatches {
		parts = []string{`SELECT m.id, m.ts, m.feed_id FROM mentions m
			WHERE m.watch_id IN (SELECT value FROM json_each(?)) AND m.ts >= ? AND m.ts <= ?` + cond + ` AND ` + first}
		args = append(append(append(args, jsonList(ids), ms(q.Since), ms(until)), vargs...), firstArgs...)
	} else {
		// One index range per watch, read newest first and stopped after
		// offset+limit entries, as Mentions does.
		for _, id := range ids {
			parts = append(parts, `SELECT * FROM (SELECT m.id, m.ts, m.feed_id FROM mentions m
				WHERE m.watch_id = ? AND m.ts >= ? AND m.ts <= ?`+cond+` AND `+first+`
				ORDER BY m.ts DESC, m.feed_id DESC, m.id DESC LIMIT ?)`)
			args = append(append(append(args, id, ms(q.Since), ms(until)), vargs...), firstArgs...)
			args = append(args, offset+limit)
		}
	}
	args = append(args, limit, offset)
	rows, err := db.r.QueryContext(ctx, `SELECT m.watch_id, w.name, w.kind, m.start, m."end", m.text, `+itemCols+`
		FROM (`+strings.Join(parts, " UNION ALL ")+` ORDER BY ts DESC, feed_id DESC, id DESC LIMIT ? OFFSET ?) page
		JOIN mentions m ON m.id = page.id JOIN watches w ON w.id = m.watch_id
		JOIN items i ON i.id = m.item_id JOIN feeds f ON f.id = i.feed_id
		ORDER BY page.ts DESC, page.feed_id DESC, page.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: mention stories: %w", formatError(err))
	}
	var hits []newswatch.StoryHit
	var out []newswatch.StoryMentionHit
	for rows.Next() {
		var h newswatch.StoryMentionHit
		var kind string
		m := &h.Mention
		it, err := scanItemAfter(rows, &m.WatchID, &m.Entity, &kind, &m.Start, &m.End, &m.Text)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: mention stories: %w", err)
		}
		m.Kind, h.Item = newswatch.Kind(kind), it
		h.Snippet = newswatch.Snippet(it.MatchText(), []newswatch.Mention{*m}, snippetRunes)
		out = append(out, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: mention stories: %w", formatError(err))
	}
	itemIDs := make([]int64, len(out))
	for i, h := range out {
		itemIDs[i] = h.Item.ID
	}
	storyOf, err := db.storiesOf(ctx, itemIDs)
	if err != nil {
		return nil, fmt.Errorf("store: mention stories: %w", formatError(err))
	}
	for _, h := range out {
		hits = append(hits, newswatch.StoryHit{StoryID: storyOf[h.Item.ID]})
	}
	if err := db.countHits(ctx, q.GuildID, hits); err != nil {
		return nil, fmt.Errorf("store: mention stories: %w", formatError(err))
	}
	for i := range out {
		out[i].StoryID, out[i].ItemCount, out[i].SourceCount = hits[i].StoryID, hits[i].ItemCount, hits[i].SourceCount
	}
	return out, nil
}
