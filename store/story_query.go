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
	args = append(args, ms(q.Since))
	args = append(args, vargs...)
	args = append(args, limit)
	// A story that no route alerted has no row (storyWrites): its first
	// item by id is its title and first_seen, its newest its last_seen.
	rows, err := db.r.QueryContext(ctx, `SELECT id, title, first_seen, last_seen FROM (
			SELECT s.id, s.title, s.first_seen, s.last_seen FROM stories s
			WHERE s.last_seen >= ? AND EXISTS (SELECT 1 FROM items si WHERE si.story_id = s.id AND si.story_id IS NOT NULL AND si.ts >= ? AND `+vis+`)
			UNION ALL
			SELECT g.story_id, f.title, f.ts, (SELECT max(l.ts) FROM items l WHERE l.story_id = g.story_id AND l.story_id IS NOT NULL)
			FROM (SELECT DISTINCT si.story_id AS story_id FROM items si INDEXED BY items_ts
				WHERE si.ts >= ? AND si.story_id IS NOT NULL AND `+vis+`
				AND NOT EXISTS (SELECT 1 FROM stories s WHERE s.id = si.story_id)) g
			JOIN items f ON f.id = (SELECT min(m.id) FROM items m WHERE m.story_id = g.story_id AND m.story_id IS NOT NULL))
		ORDER BY first_seen DESC, id DESC LIMIT ?`, args...)
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
	// A story that no route alerted has no row (storyWrites): its first
	// item by id is its title and first_seen, its newest its last_seen.
	err := db.r.QueryRowContext(ctx, `SELECT id, title, first_seen, last_seen FROM stories WHERE id = ?1
		UNION ALL
		SELECT * FROM (SELECT story_id, title, ts,
				(SELECT max(l.ts) FROM items l WHERE l.story_id = ?1 AND l.story_id IS NOT NULL)
			FROM items WHERE story_id = ?1 AND story_id IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM stories WHERE id = ?1) ORDER BY id LIMIT 1)`, id).
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
	vis, vargs := visibleFeed("i.feed_id", guildID)
	rows, err := db.r.QueryContext(ctx, `SELECT i.story_id, i.id, i.feed_id, f.title, i.title, i.link, i.ts
		FROM items i JOIN feeds f ON f.id = i.feed_id
		WHERE i.story_id IS NOT NULL AND i.story_id IN (SELECT value FROM json_each(?)) AND `+vis+`
		ORDER BY i.story_id, i.ts, i.id`, append([]any{jsonList(ids)}, vargs...)...)
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
func (db *DB) CollapseStories(ctx context.Context, guildID string, items []newswatch.Item) ([]newswatch.StoryHit, error) {
	if len(items) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	storyOf, err := db.storiesOf(ctx, ids)
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
		out = append(out, newswatch.StoryHit{Item: it, StoryID: sid})
	}
	if err := db.countHits(ctx, guildID, out); err != nil {
		return nil, fmt.Errorf("store: collapse stories: %w", formatError(err))
	}
	return out, nil
}

// storiesOf maps the items of ids that have a story to it.
func (db *DB) storiesOf(ctx context.Context, ids []int64) (map[int64]int64, error) {
	out := make(map[int64]int64, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := db.r.QueryContext(ctx, `SELECT id, story_id FROM items
		WHERE id IN (SELECT value FROM json_each(?)) AND story_id IS NOT NULL`, jsonList(ids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var iid, sid int64
		if err := rows.Scan(&iid, &sid); err != nil {
			return nil, err
		}
		out[iid] = sid
	}
	return out, rows.Err()
}

// countHits fills in the visible item and source counts of each entry (1
// and 1 for an item without a story).
func (db *DB) countHits(ctx context.Context, guildID string, hits []newswatch.StoryHit) error {
	var sids []int64
	for _, h := range hits {
		if h.StoryID != 0 {
			sids = append(sids, h.StoryID)
		}
	}
	counts, err := db.storyCounts(ctx, guildID, sids)
	if err != nil {
		return err
	}
	for i := range hits {
		h := &hits[i]
		h.ItemCount, h.SourceCount = 1, 1
		if c, ok := counts[h.StoryID]; ok && h.StoryID != 0 {
			h.ItemCount, h.SourceCount = max(c[0], 1), max(c[1], 1)
		}
	}
	return nil
}

// storyCounts returns the visible item and source counts of stories.
func (db *DB) storyCounts(ctx context.Context, guildID string, sids []int64) (map[int64][2]int, error) {
	out := make(map[int64][2]int)
	if len(sids) == 0 {
		return out, nil
	}
	vis, vargs := visibleFeed("si.feed_id", guildID)
	rows, err := db.r.QueryContext(ctx, `SELECT si.story_id, count(*), count(DISTINCT si.feed_id) FROM items si
		WHERE si.story_id IS NOT NULL AND si.story_id IN (SELECT value FROM json_each(?)) AND `+vis+` GROUP BY si.story_id`,
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

// SearchStories is Search with one entry per story: the story's best-ranked
// matching item, with its snippet and the story's counts as q.GuildID sees
// them. Stories are ranked by their best item. q.Offset and q.Limit count
// entries, and every ranked candidate is collapsed before the page is cut,
// so no story appears on two pages and none is split between them.
func (db *DB) SearchStories(ctx context.Context, q newswatch.SearchQuery) ([]newswatch.StoryHit, error) {
	storyOf := make(map[int64]int64)
	ps, cands, err := db.ranked(ctx, q, storyOf)
	if err != nil || len(cands) == 0 {
		return nil, err
	}
	entries := cands[:0:0]
	seen := make(map[int64]bool, len(cands))
	for _, c := range cands {
		if sid := storyOf[c.id]; sid != 0 {
			if seen[sid] {
				continue
			}
			seen[sid] = true
		}
		entries = append(entries, c)
	}
	limit, offset := clampLimit(q.Limit), max(q.Offset, 0)
	if offset >= len(entries) {
		return nil, nil
	}
	entries = entries[offset:min(len(entries), offset+limit)]
	hits, err := db.hits(ctx, entries)
	if err != nil {
		return nil, fmt.Errorf("store: search stories: %w", formatError(err))
	}
	if err := db.snippets(ctx, ps.expr, hits); err != nil {
		return nil, fmt.Errorf("store: search snippets: %w", formatError(err))
	}
	out := make([]newswatch.StoryHit, len(hits))
	for i, h := range hits {
		out[i] = newswatch.StoryHit{Item: h.Item, StoryID: storyOf[h.Item.ID], Snippet: h.Snippet, Rank: h.Rank}
	}
	if err := db.countHits(ctx, q.GuildID, out); err != nil {
		return nil, fmt.Errorf("store: search stories: %w", formatError(err))
	}
	return out, nil
}

// LatestStories is Latest with one entry per story: the story's newest item
// visible to q.GuildID (of q.FeedID when not 0), placed where that item is,
// with the story's counts. An item is an entry when no item of its story
// comes before it in the list's order (time, then id, newest first), so the
// entries are a fixed set that q.Offset and q.Limit page through: a story
// never appears twice, whatever the page size.
//
// It reads the latest items from the top in growing batches (each one the
// plan Latest uses, resumed after the last item read) until it has
// q.Offset+q.Limit entries: a page costs about what a page of Latest costs
// plus one story lookup per item read, and deeper pages read more. Doing
// the "first of its story" test in SQL instead makes SQLite evaluate it for
// every visible item before sorting them (seconds for a guild on a million
// items).
func (db *DB) LatestStories(ctx context.Context, q newswatch.LatestQuery) ([]newswatch.StoryHit, error) {
	limit, offset := clampLimit(q.Limit), max(q.Offset, 0)
	want := offset + limit
	var page []latestRow
	seen := make(map[int64]bool)
	entries := 0
	var cur latestRow
	for batch := 2*want + 20; ; batch = min(2*batch, 5000) {
		rows, err := db.latestAfter(ctx, q, cur, batch)
		if err != nil {
			return nil, fmt.Errorf("store: latest stories: %w", formatError(err))
		}
		for _, r := range rows {
			if r.story != 0 {
				if seen[r.story] {
					continue
				}
				seen[r.story] = true
			}
			if entries++; entries > offset {
				page = append(page, r)
			}
			if entries == want {
				break
			}
		}
		if entries >= want || len(rows) < batch {
			break
		}
		cur = rows[len(rows)-1]
	}
	// Only the page's items are read in full.
	cands := make([]candidate, len(page))
	for i, r := range page {
		cands[i].id = r.id
	}
	hits, err := db.hits(ctx, cands)
	if err != nil {
		return nil, fmt.Errorf("store: latest stories: %w", formatError(err))
	}
	storyOf := make(map[int64]int64, len(page))
	for _, r := range page {
		storyOf[r.id] = r.story
	}
	out := make([]newswatch.StoryHit, len(hits))
	for i, h := range hits {
		out[i] = newswatch.StoryHit{Item: h.Item, StoryID: storyOf[h.Item.ID]}
	}
	if err := db.countHits(ctx, q.GuildID, out); err != nil {
		return nil, fmt.Errorf("store: latest stories: %w", formatError(err))
	}
	return out, nil
}

// latestRow is an item as LatestStories reads the list: its place in the
// order and its story (0 when none). The zero value is the cursor before
// the newest item.
type latestRow struct {
	ts, id, story int64
}

// latestAfter returns up to limit items that Latest would list after the
// item cur (from the newest when cur is zero), without their content: the
// (feed_id, ts, id) or (ts, id) index and a story lookup each only.
func (db *DB) latestAfter(ctx context.Context, q newswatch.LatestQuery, cur latestRow, limit int) ([]latestRow, error) {
	where := "1"
	var args []any
	if q.GuildID != newswatch.GlobalScope {
		where += " AND i.feed_id IN (SELECT feed_id FROM feed_subscriptions WHERE guild_id IN ('', ?))"
		args = append(args, q.GuildID)
	}
	if q.FeedID != 0 {
		where += " AND i.feed_id = ?"
		args = append(args, q.FeedID)
	}
	if cur.id != 0 {
		where += " AND (i.ts < ? OR (i.ts = ? AND i.id < ?))"
		args = append(args, cur.ts, cur.ts, cur.id)
	}
	// The story lookup reads the page's rows, not those of the guild's
	// items before they are sorted (the index on ts has no story).
	rows, err := db.r.QueryContext(ctx, `SELECT c.ts, c.id, coalesce(si.story_id, 0) FROM (
			SELECT i.ts, i.id FROM items i WHERE `+where+` ORDER BY i.ts DESC, i.id DESC LIMIT ?
		) c JOIN items si ON si.id = c.id ORDER BY c.ts DESC, c.id DESC`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []latestRow
	for rows.Next() {
		var r latestRow
		if err := rows.Scan(&r.ts, &r.id, &r.story); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
