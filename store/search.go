package store

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newswatch/newswatch"
)

// Search limits.
const (
	maxSearchRunes = 300 // longest query a person may type
	maxSearchTerms = 16  // words and phrases in one query

	// searchCandidates bounds the matches that are ranked: bm25 is computed
	// for the most recently stored searchCandidates matches only (the full
	// text index streams matches newest rowid first, cheaply), so a query
	// for a very common word costs the same as one for a rarer word. The
	// trade-off: an older item that would rank higher than all of those is
	// not found unless the query is made more specific. Pages beyond it are
	// empty.
	searchCandidates = 2000
)

// searchTerm is one word or phrase of a query.
type searchTerm struct {
	text   string // folded, without quotes
	prefix bool   // trailing * on a word
	not    bool   // leading - on a word
	or     bool   // the OR operator, not a term
}

// hasTokenRune reports whether s has a rune the unicode61 tokenizer keeps:
// a letter or a number (marks only count inside words).
func hasTokenRune(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) >= 0
}

// splitQuery splits what a person typed into words, quoted phrases and OR
// operators. An unbalanced quote is ignored.
func splitQuery(q string) []searchTerm {
	var out []searchTerm
	for len(q) > 0 {
		q = strings.TrimLeftFunc(q, unicode.IsSpace)
		if q == "" {
			break
		}
		if q[0] == '"' {
			if end := strings.IndexByte(q[1:], '"'); end >= 0 {
				out = append(out, searchTerm{text: q[1 : 1+end]})
				q = q[end+2:]
				continue
			}
			q = q[1:] // unbalanced: drop the quote, read the rest as words
			continue
		}
		end := strings.IndexFunc(q, func(r rune) bool { return unicode.IsSpace(r) || r == '"' })
		if end < 0 {
			end = len(q)
		}
		word := q[:end]
		q = q[end:]
		t := searchTerm{text: word}
		switch {
		case word == "OR":
			t.or = true
		case strings.HasPrefix(word, "-") && len(word) > 1:
			t.not, t.text = true, word[1:]
		}
		if !t.or && strings.HasSuffix(t.text, "*") {
			body := strings.TrimRight(t.text, "*")
			t.text, t.prefix = body, utf8.RuneCountInString(strings.TrimFunc(body, func(r rune) bool {
				return !unicode.IsLetter(r) && !unicode.IsNumber(r)
			})) >= 2
		}
		out = append(out, t)
	}
	return out
}

// ftsQuery builds the FTS5 query for what a person typed: each word and
// each phrase in balanced double quotes becomes an FTS5 string (so no
// operator, column filter or special character of FTS5 syntax reaches the
// engine), all of them required. A word ending in * (two letters or more
// before it) matches as a prefix; a word starting with - excludes; an
// upper-case OR between words makes either side enough. Words with no
// letter or digit are ignored. It fails with EINVALID when nothing
// searchable remains or the query is too long.
func ftsQuery(q string) (string, error) {
	// FTS5 reads the query as a C string: a NUL would end it mid-quote.
	q = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(q, " "))
	if utf8.RuneCountInString(q) > maxSearchRunes {
		return "", newswatch.Errorf(newswatch.EINVALID, "The search is too long: at most %d characters.", maxSearchRunes)
	}
	var groups [][]string // OR of ANDs
	var cur, nots []string
	terms := 0
	for _, t := range splitQuery(fold(q)) {
		if t.or {
			if len(cur) > 0 {
				groups, cur = append(groups, cur), nil
			}
			continue
		}
		if !hasTokenRune(t.text) {
			continue
		}
		if terms++; terms > maxSearchTerms {
			return "", newswatch.Errorf(newswatch.EINVALID, "The search has too many words: at most %d.", maxSearchTerms)
		}
		s := `"` + strings.ReplaceAll(t.text, `"`, `""`) + `"`
		if t.prefix {
			s += "*"
		}
		if t.not {
			nots = append(nots, s)
		} else {
			cur = append(cur, s)
		}
	}
	if len(cur) > 0 {
		groups = append(groups, cur)
	}
	if len(groups) == 0 {
		if len(nots) > 0 {
			return "", newswatch.Errorf(newswatch.EINVALID, "Search for at least one word that is not excluded with -.")
		}
		return "", newswatch.Errorf(newswatch.EINVALID, "Type at least one word (letters or digits) to search for.")
	}
	parts := make([]string, len(groups))
	for i, g := range groups {
		parts[i] = "(" + strings.Join(g, " ") + ")"
	}
	expr := strings.Join(parts, " OR ")
	if len(nots) > 0 {
		expr = "(" + expr + ") NOT " + strings.Join(nots, " NOT ")
	}
	return expr, nil
}

// Search finds the items visible to q.GuildID (and of q.FeedID when not 0)
// matching q.Query, best first: bm25 over title (weighted 3) and text, then
// the newest item time. Rank is the negated bm25 score: higher is better.
// Only the most recent matches are ranked (see searchCandidates).
func (db *DB) Search(ctx context.Context, q newswatch.SearchQuery) ([]newswatch.SearchHit, error) {
	expr, err := ftsQuery(q.Query)
	if err != nil {
		return nil, err
	}
	limit := clampLimit(q.Limit)
	offset := max(q.Offset, 0)
	if offset >= searchCandidates {
		return nil, nil
	}
	where := "items_fts MATCH ?"
	args := []any{expr}
	join := ""
	if q.GuildID != newswatch.GlobalScope || q.FeedID != 0 {
		join = " JOIN items ci ON ci.id = items_fts.rowid"
		if q.GuildID != newswatch.GlobalScope {
			where += " AND ci.feed_id IN (SELECT feed_id FROM feed_subscriptions WHERE guild_id IN ('', ?))"
			args = append(args, q.GuildID)
		}
		if q.FeedID != 0 {
			where += " AND ci.feed_id = ?"
			args = append(args, q.FeedID)
		}
	}
	args = append(args, searchCandidates, limit, offset)
	rows, err := db.r.QueryContext(ctx, `SELECT `+itemCols+`, c.score FROM (
			SELECT items_fts.rowid AS id, bm25(items_fts, 3.0, 1.0) AS score FROM items_fts`+join+`
			WHERE `+where+` ORDER BY items_fts.rowid DESC LIMIT ?
		) c JOIN items i ON i.id = c.id JOIN feeds f ON f.id = i.feed_id
		ORDER BY c.score, i.ts DESC, i.id DESC LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: search: %w", formatError(err))
	}
	var hits []newswatch.SearchHit
	for rows.Next() {
		var h newswatch.SearchHit
		var score float64
		if h.Item, err = scanItem(rows, &score); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: search: %w", err)
		}
		h.Rank = -score
		hits = append(hits, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: search: %w", formatError(err))
	}
	if err := db.snippets(ctx, expr, hits); err != nil {
		return nil, fmt.Errorf("store: search snippets: %w", formatError(err))
	}
	return hits, nil
}

// snippets fills in the FTS5 snippets of hits, computed for these rows only.
func (db *DB) snippets(ctx context.Context, expr string, hits []newswatch.SearchHit) error {
	if len(hits) == 0 {
		return nil
	}
	ids := make([]int64, len(hits))
	at := make(map[int64]int, len(hits))
	for i, h := range hits {
		ids[i], at[h.Item.ID] = h.Item.ID, i
	}
	rows, err := db.r.QueryContext(ctx, `SELECT rowid, snippet(items_fts, -1, ?, ?, '…', 24) FROM items_fts
		WHERE items_fts MATCH ? AND rowid IN (SELECT value FROM json_each(?))`,
		newswatch.HighlightStart, newswatch.HighlightEnd, expr, jsonList(ids))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var snip string
		if err := rows.Scan(&id, &snip); err != nil {
			return err
		}
		if i, ok := at[id]; ok {
			hits[i].Snippet = snip
		}
	}
	return rows.Err()
}

// Latest returns the newest items (by Time()) visible to q.GuildID, of
// q.FeedID when not 0.
func (db *DB) Latest(ctx context.Context, q newswatch.LatestQuery) ([]newswatch.Item, error) {
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
	args = append(args, clampLimit(q.Limit), max(q.Offset, 0))
	rows, err := db.r.QueryContext(ctx, `SELECT `+itemCols+` FROM items i JOIN feeds f ON f.id = i.feed_id
		WHERE `+where+` ORDER BY i.ts DESC, i.id DESC LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: latest: %w", formatError(err))
	}
	defer rows.Close()
	var out []newswatch.Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, fmt.Errorf("store: latest: %w", err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: latest: %w", formatError(err))
	}
	return out, nil
}
