package store

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

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
		h.Snippet = snippetAround(it.MatchText(), m.Start, m.End, m.Text)
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: mentions: %w", formatError(err))
	}
	return out, nil
}

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

// Snippet window, in bytes on each side of a mention.
const snippetSide = 120

// snippetAround returns the sentence (at most snippetSide bytes on each
// side) around text[start:end] with the mention between highlight markers
// and line breaks flattened. Offsets that do not fit text are looked up by
// the mention's own text; failing that, the start of text is returned.
func snippetAround(text string, start, end int, mention string) string {
	if start < 0 || end < start || end > len(text) || start < len(text) && !utf8.RuneStart(text[start]) ||
		end < len(text) && !utf8.RuneStart(text[end]) {
		start, end = -1, -1
		if mention != "" {
			if i := strings.Index(text, mention); i >= 0 {
				start, end = i, i+len(mention)
			}
		}
		if start < 0 {
			return flatten(cut(text, 0, min(len(text), 2*snippetSide)))
		}
	}
	from := max(0, start-snippetSide)
	if i := strings.LastIndexAny(text[from:start], ".!?\n"); i >= 0 {
		from += i + 1
	} else if from > 0 {
		if i := strings.IndexByte(text[from:start], ' '); i >= 0 {
			from += i + 1
		}
	}
	to := min(len(text), end+snippetSide)
	if i := strings.IndexAny(text[end:to], ".!?\n"); i >= 0 {
		to = end + i + 1
	} else if to < len(text) {
		if i := strings.LastIndexByte(text[end:to], ' '); i >= 0 {
			to = end + i
		}
	}
	s := cut(text, from, start) + newswatch.HighlightStart + text[start:end] + newswatch.HighlightEnd + cut(text, end, to)
	s = strings.TrimSpace(flatten(s))
	if from > 0 && !strings.ContainsAny(text[from-1:from], ".!?\n") {
		s = "…" + s
	}
	if to < len(text) && !strings.ContainsAny(text[to-1:to], ".!?\n") {
		s += "…"
	}
	return s
}

// cut returns text[from:to] moved inward to rune boundaries.
func cut(text string, from, to int) string {
	for from < to && !utf8.RuneStart(text[from]) {
		from++
	}
	for to > from && to < len(text) && !utf8.RuneStart(text[to]) {
		to--
	}
	return text[from:to]
}

// flatten replaces runs of line breaks with one space.
func flatten(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(strings.NewReplacer("\r", " ", "\n", " ").Replace(s)), " ")
}

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
