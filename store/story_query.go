package store

import (
	"context"
	"fmt"

	"github.com/newswatch/newswatch"
)

// Stories returns the stories with an item at or after q.Since that
// q.GuildID can see, the newest first (by first_seen), at most q.Limit of
// them (all when q.Limit <= 0), each with its visible items oldest first; a
// story none of whose items the guild sees is left out.
func (db *DB) Stories(ctx context.Context, q newswatch.StoryQuery) ([]newswatch.Story, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	vis, vargs := visibleFeed("si.feed_id", q.GuildID)
	args := append([]any{ms(q.Since), ms(q.Since)}, vargs...)
	args = append(args, limit)
	rows, err := db.r.QueryContext(ctx, `SELECT s.id, s.title, s.first_seen, s.last_seen FROM stories s
		WHERE s.last_seen >= ? AND EXISTS (SELECT 1 FROM story_items si WHERE si.story_id = s.id AND si.ts >= ? AND `+vis+`)
		ORDER BY s.first_seen DESC, s.id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: stories: %w", formatError(err))
	}
	var out []newswatch.Story
	for rows.Next() {
		var s newswatch.Story
		var first, last int64
		if err := rows.Scan(&s.ID, &s.Title, &first, &last); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: stories: %w", err)
		}
		s.FirstSeen, s.LastSeen = fromMS(first), fromMS(last)
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: stories: %w", formatError(err))
	}
	if err := db.storyItems(ctx, q.GuildID, out, q.Items); err != nil {
		return nil, fmt.Errorf("store: stories: %w", formatError(err))
	}
	return out, nil
}

// Story returns one story with the items q.GuildID can see, or ENOTFOUND
// when it has none the guild sees.
func (db *DB) Story(ctx context.Context, guildID string, id int64) (newswatch.Story, error) {
	var s newswatch.Story
	var first, last int64
	err := db.r.QueryRowContext(ctx, `SELECT id, title, first_seen, last_seen FROM stories WHERE id = ?`, id).
		Scan(&s.ID, &s.Title, &first, &last)
	if errNoRows(err) {
		return s, newswatch.Errorf(newswatch.ENOTFOUND, "There is no story %d.", id)
	}
	if err != nil {
		return s, fmt.Errorf("store: story %d: %w", id, formatError(err))
	}
	s.FirstSeen, s.LastSeen = fromMS(first), fromMS(last)
	list := []newswatch.Story{s}
	if err := db.storyItems(ctx, guildID, list, 0); err != nil {
		return s, fmt.Errorf("store: story %d: %w", id, formatError(err))
	}
	if len(list[0].Items) == 0 {
		return s, newswatch.Errorf(newswatch.ENOTFOUND, "There is no story %d.", id)
	}
	return list[0], nil
}

// storyItems fills in the visible items of each story (at most max each
// when max > 0) and counts them.
func (db *DB) storyItems(ctx context.Context, guildID string, stories []newswatch.Story, max int) error {
	if len(stories) == 0 {
		return nil
	}
	at := make(map[int64]int, len(stories))
	ids := make([]int64, len(stories))
	for i, s := range stories {
		at[s.ID], ids[i] = i, s.ID
	}
	vis, vargs := visibleFeed("si.feed_id", guildID)
	rows, err := db.r.QueryContext(ctx, `SELECT si.story_id, i.id, i.feed_id, f.title, i.title, i.link, i.ts
		FROM story_items si JOIN items i ON i.id = si.item_id JOIN feeds f ON f.id = i.feed_id
		WHERE si.story_id IN (SELECT value FROM json_each(?)) AND `+vis+`
		ORDER BY si.story_id, si.ts, si.item_id`, append([]any{jsonList(ids)}, vargs...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	feeds := make(map[int64]map[int64]bool)
	for rows.Next() {
		var sid, ts int64
		var it newswatch.StoryItem
		if err := rows.Scan(&sid, &it.ItemID, &it.FeedID, &it.FeedTitle, &it.Title, &it.Link, &ts); err != nil {
			return err
		}
		it.Published = fromMS(ts)
		s := &stories[at[sid]]
		s.ItemCount++
		if feeds[sid] == nil {
			feeds[sid] = make(map[int64]bool)
		}
		if !feeds[sid][it.FeedID] {
			feeds[sid][it.FeedID] = true
			s.SourceCount++
		}
		if max <= 0 || len(s.Items) < max {
			s.Items = append(s.Items, it)
		}
	}
	return rows.Err()
}

// CollapseStories turns a ranked list of items (search hits, the latest
// items) into one entry per story, in the order of each story's first
// appearance in the list, with the story's item and source counts as
// guildID sees them. Items without a story are entries of their own.
// Search and latest can fetch a few times their limit, collapse, and cut.
func (db *DB) CollapseStories(ctx context.Context, guildID string, items []newswatch.Item) ([]newswatch.StoryHit, error) {
	if len(items) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	storyOf := make(map[int64]int64, len(items))
	rows, err := db.r.QueryContext(ctx, `SELECT item_id, story_id FROM story_items
		WHERE item_id IN (SELECT value FROM json_each(?))`, jsonList(ids))
	if err != nil {
		return nil, fmt.Errorf("store: collapse stories: %w", formatError(err))
	}
	var sids []int64
	for rows.Next() {
		var iid, sid int64
		if err := rows.Scan(&iid, &sid); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: collapse stories: %w", err)
		}
		storyOf[iid] = sid
		sids = append(sids, sid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: collapse stories: %w", formatError(err))
	}
	counts, err := db.storyCounts(ctx, guildID, sids)
	if err != nil {
		return nil, fmt.Errorf("store: collapse stories: %w", formatError(err))
	}
	var out []newswatch.StoryHit
	seen := make(map[int64]bool)
	for _, it := range items {
		sid := storyOf[it.ID]
		if sid != 0 {
			if seen[sid] {
				continue
			}
			seen[sid] = true
		}
		h := newswatch.StoryHit{Item: it, StoryID: sid, ItemCount: 1, SourceCount: 1}
		if c, ok := counts[sid]; ok && sid != 0 {
			h.ItemCount, h.SourceCount = max(c[0], 1), max(c[1], 1)
		}
		out = append(out, h)
	}
	return out, nil
}

// storyCounts returns the visible item and source counts of stories.
func (db *DB) storyCounts(ctx context.Context, guildID string, sids []int64) (map[int64][2]int, error) {
	out := make(map[int64][2]int)
	if len(sids) == 0 {
		return out, nil
	}
	vis, vargs := visibleFeed("si.feed_id", guildID)
	rows, err := db.r.QueryContext(ctx, `SELECT si.story_id, count(*), count(DISTINCT si.feed_id) FROM story_items si
		WHERE si.story_id IN (SELECT value FROM json_each(?)) AND `+vis+` GROUP BY si.story_id`,
		append([]any{jsonList(sids)}, vargs...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var sid int64
		var c [2]int
		if err := rows.Scan(&sid, &c[0], &c[1]); err != nil {
			return nil, err
		}
		out[sid] = c
	}
	return out, rows.Err()
}

// LatestStories returns the newest stories visible to q.GuildID as one
// entry per story: the story's newest item, with its counts. It reads the
// latest items in pages until it has q.Limit stories.
func (db *DB) LatestStories(ctx context.Context, q newswatch.LatestQuery) ([]newswatch.StoryHit, error) {
	limit := clampLimit(q.Limit)
	var out []newswatch.StoryHit
	seen := make(map[int64]bool)
	const page = 100
	for off := 0; len(out) < limit; off += page {
		items, err := db.Latest(ctx, newswatch.LatestQuery{GuildID: q.GuildID, FeedID: q.FeedID, Limit: page, Offset: off})
		if err != nil {
			return nil, err
		}
		hits, err := db.CollapseStories(ctx, q.GuildID, items)
		if err != nil {
			return nil, err
		}
		for _, h := range hits {
			if h.StoryID != 0 && seen[h.StoryID] {
				continue
			}
			seen[h.StoryID] = true
			out = append(out, h)
			if len(out) == limit {
				break
			}
		}
		if len(items) < page {
			break
		}
	}
	return out, nil
}
