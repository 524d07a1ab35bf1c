package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/newswatch/newswatch"
)

// visibleFeedIn restricts the feed id column col to the feeds guildID
// sees; it is empty for the global scope.
func visibleFeedIn(col, guildID string) (string, []any) {
	if guildID == newswatch.GlobalScope {
		return "", nil
	}
	return " AND " + col + " IN (SELECT feed_id FROM feed_subscriptions WHERE guild_id IN ('', ?))", []any{guildID}
}

// Mentions returns the mentions of the visible watches named q.Entity (by
// name or alias, any case) in the items q.GuildID sees whose time is within
// [q.Since, q.Until] (zero Until: now), newest first, each with a snippet
// around it. ENOTFOUND when the entity names no visible watch.
func (db *DB) Mentions(ctx context.Context, q newswatch.MentionQuery) ([]newswatch.MentionHit, error) {
	if strings.TrimSpace(q.Entity) == "" {
		return nil, newswatch.Errorf(newswatch.EINVALID, "Name a watched city or actor.")
	}
	ws, err := visibleWatches(ctx, db.r, q.GuildID)
	if err != nil {
		return nil, fmt.Errorf("store: mentions: %w", formatError(err))
	}
	found := findWatches(ws, q.Entity, q.GuildID)
	if len(found) == 0 {
		return nil, newswatch.Errorf(newswatch.ENOTFOUND, "No watch is named %q.", q.Entity)
	}
	ids := make([]int64, len(found))
	for i, w := range found {
		ids[i] = w.ID
	}
	until := q.Until
	if until.IsZero() {
		until = time.Now()
	}
	// The page of mention ids comes from the (watch_id, ts, feed_id) index
	// alone, read newest first for each watch (so ties on ts go by feed,
	// then id); only the page's rows are joined to their items.
	limit, offset := clampLimit(q.Limit), max(q.Offset, 0)
	cond, vargs := visibleFeedIn("feed_id", q.GuildID)
	var parts []string
	var args []any
	if len(ids) > maxUnionWatches {
		// Many guilds' watches share the name (the operator's view): one
		// scan of them all, as SQLite caps the terms of a compound SELECT.
		parts = []string{`SELECT id, ts, feed_id FROM mentions
			WHERE watch_id IN (SELECT value FROM json_each(?)) AND ts >= ? AND ts <= ?` + cond}
		args = append(append(args, jsonList(ids), ms(q.Since), ms(until)), vargs...)
		ids = nil
	}
	for _, id := range ids {
		parts = append(parts, `SELECT * FROM (SELECT id, ts, feed_id FROM mentions
			WHERE watch_id = ? AND ts >= ? AND ts <= ?`+cond+`
			ORDER BY ts DESC, feed_id DESC, id DESC LIMIT ?)`)
		args = append(args, id, ms(q.Since), ms(until))
		args = append(args, vargs...)
		args = append(args, offset+limit)
	}
	args = append(args, limit, offset)
	rows, err := db.r.QueryContext(ctx, `SELECT m.watch_id, w.name, w.kind, m.start, m."end", m.text, `+itemCols+`
		FROM (`+strings.Join(parts, " UNION ALL ")+` ORDER BY ts DESC, feed_id DESC, id DESC LIMIT ? OFFSET ?) page
		JOIN mentions m ON m.id = page.id JOIN watches w ON w.id = m.watch_id
		JOIN items i ON i.id = m.item_id JOIN feeds f ON f.id = i.feed_id
		ORDER BY page.ts DESC, page.feed_id DESC, page.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: mentions: %w", formatError(err))
	}
	defer rows.Close()
	var out []newswatch.MentionHit
	for rows.Next() {
		var h newswatch.MentionHit
		var kind string
		m := &h.Mention
		it, err := scanItemAfter(rows, &m.WatchID, &m.Entity, &kind, &m.Start, &m.End, &m.Text)
		if err != nil {
			return nil, fmt.Errorf("store: mentions: %w", err)
		}
		m.Kind, h.Item = newswatch.Kind(kind), it
		h.Snippet = newswatch.Snippet(it.MatchText(), []newswatch.Mention{*m}, snippetRunes)
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: mentions: %w", formatError(err))
	}
	return out, nil
}

// maxUnionWatches is the most watches Mentions reads one index range each
// for; SQLite allows at most 500 terms in a compound SELECT.
const maxUnionWatches = 64

// scanItemAfter scans the columns before before itemCols, then the item.
func scanItemAfter(row scanner, before ...any) (newswatch.Item, error) {
	return scanItem(prefixed{row, before})
}

// prefixed is a scanner whose first destinations are fixed.
type prefixed struct {
	row    scanner
	before []any
}

func (p prefixed) Scan(dest ...any) error { return p.row.Scan(append(p.before, dest...)...) }

// snippetRunes is the longest mention snippet, in runes.
const snippetRunes = 240

// MentionCounts counts the mentions per entity (watch name) and UTC day of
// the watches guildID sees, in the items it sees, whose time is within
// [since, until], by entity then day.
func (db *DB) MentionCounts(ctx context.Context, guildID string, since, until time.Time) ([]newswatch.DayCount, error) {
	if until.IsZero() {
		until = time.Now()
	}
	// Watches first (CROSS JOIN fixes the order): each one's mentions in
	// the time range are then a range of the (watch_id, ts, feed_id) index.
	cond, vargs := visibleFeedIn("m.feed_id", guildID)
	args := append([]any{guildID, guildID, ms(since), ms(until)}, vargs...)
	rows, err := db.r.QueryContext(ctx, `SELECT w.name, strftime('%Y-%m-%d', m.ts / 1000, 'unixepoch') AS day, count(*)
		FROM watches w CROSS JOIN mentions m ON m.watch_id = w.id
		WHERE (? = '' OR w.guild_id IN ('', ?)) AND m.ts >= ? AND m.ts <= ?`+cond+`
		GROUP BY w.name, day ORDER BY w.name, day`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: mention counts: %w", formatError(err))
	}
	defer rows.Close()
	var out []newswatch.DayCount
	for rows.Next() {
		var d newswatch.DayCount
		if err := rows.Scan(&d.Entity, &d.Day, &d.Count); err != nil {
			return nil, fmt.Errorf("store: mention counts: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: mention counts: %w", formatError(err))
	}
	return out, nil
}

// CountMentions counts what Mentions would list for q (ignoring its limit
// and offset): the mentions, the distinct items they are in, and the
// distinct stories of those items (an item without a story counts as one).
func (db *DB) CountMentions(ctx context.Context, q newswatch.MentionQuery) (newswatch.MentionTotals, error) {
	var t newswatch.MentionTotals
	ids, until, err := db.mentionWatchIDs(ctx, q)
	if err != nil {
		return t, fmt.Errorf("store: count mentions: %w", err)
	}
	cond, vargs := visibleFeedIn("m.feed_id", q.GuildID)
	args := append([]any{jsonList(ids), ms(q.Since), ms(until)}, vargs...)
	err = db.r.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT m.item_id), count(DISTINCT coalesce(m.story_id, -m.item_id))
		FROM mentions m
		WHERE m.watch_id IN (SELECT value FROM json_each(?)) AND m.ts >= ? AND m.ts <= ?`+cond, args...).
		Scan(&t.Mentions, &t.Items, &t.Stories)
	if err != nil {
		return t, fmt.Errorf("store: count mentions: %w", formatError(err))
	}
	return t, nil
}

// MentionStoryCounts is MentionCounts counting, per entity and UTC day, the
// distinct stories (an item without a story counts as one) that mention
// the entity rather than the mentions.
func (db *DB) MentionStoryCounts(ctx context.Context, guildID string, since, until time.Time) ([]newswatch.DayCount, error) {
	if until.IsZero() {
		until = time.Now()
	}
	cond, vargs := visibleFeedIn("m.feed_id", guildID)
	args := append([]any{guildID, guildID, ms(since), ms(until)}, vargs...)
	rows, err := db.r.QueryContext(ctx, `SELECT w.name, strftime('%Y-%m-%d', m.ts / 1000, 'unixepoch') AS day,
			count(DISTINCT coalesce(m.story_id, -m.item_id))
		FROM watches w CROSS JOIN mentions m ON m.watch_id = w.id
		WHERE (? = '' OR w.guild_id IN ('', ?)) AND m.ts >= ? AND m.ts <= ?`+cond+`
		GROUP BY w.name, day ORDER BY w.name, day`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: mention story counts: %w", formatError(err))
	}
	defer rows.Close()
	var out []newswatch.DayCount
	for rows.Next() {
		var d newswatch.DayCount
		if err := rows.Scan(&d.Entity, &d.Day, &d.Count); err != nil {
			return nil, fmt.Errorf("store: mention story counts: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: mention story counts: %w", formatError(err))
	}
	return out, nil
}
