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

	// searchCandidates bounds the matches that are ranked: only the most
	// recently stored searchCandidates matches (the full-text index streams
	// matches newest rowid first, cheaply) are scored, so a query for a very
	// common word costs about the same as one for a rarer word. The
	// trade-off: an older item that would rank higher than all of those is
	// not found unless the query is made more specific. Pages beyond it are
	// empty.
	searchCandidates = 1000
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
	ps, err := parseSearch(q)
	return ps.expr, err
}

// parsedSearch is a query ready for FTS5 and for ranking.
type parsedSearch struct {
	expr    string         // the FTS5 query
	phrases []rankedPhrase // the words and phrases that score (not the excluded ones)
}

// parseSearch does the work of ftsQuery and also returns the phrases to rank by.
func parseSearch(q string) (parsedSearch, error) {
	var ps parsedSearch
	// FTS5 reads the query as a C string: a NUL would end it mid-quote.
	q = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(q, " "))
	if utf8.RuneCountInString(q) > maxSearchRunes {
		return ps, newswatch.Errorf(newswatch.EINVALID, "The search is too long: at most %d characters.", maxSearchRunes)
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
			return ps, newswatch.Errorf(newswatch.EINVALID, "The search has too many words: at most %d.", maxSearchTerms)
		}
		s := `"` + strings.ReplaceAll(t.text, `"`, `""`) + `"`
		if t.prefix {
			s += "*"
		}
		if t.not {
			nots = append(nots, s)
		} else {
			cur = append(cur, s)
			ps.phrases = append(ps.phrases, rankedPhrase{tokens: tokenize(t.text), prefix: t.prefix})
		}
	}
	if len(cur) > 0 {
		groups = append(groups, cur)
	}
	if len(groups) == 0 {
		if len(nots) > 0 {
			return ps, newswatch.Errorf(newswatch.EINVALID, "Search for at least one word that is not excluded with -.")
		}
		return ps, newswatch.Errorf(newswatch.EINVALID, "Type at least one word (letters or digits) to search for.")
	}
	parts := make([]string, len(groups))
	for i, g := range groups {
		parts[i] = "(" + strings.Join(g, " ") + ")"
	}
	expr := strings.Join(parts, " OR ")
	if len(nots) > 0 {
		expr = "(" + expr + ") NOT " + strings.Join(nots, " NOT ")
	}
	ps.expr = expr
	return ps, nil
}

// Search finds the items visible to q.GuildID (and of q.FeedID when not 0)
// matching q.Query, best first by BM25 over title (weight 3) and text, then
// by the newest item time. Rank is the BM25 score: higher is better.
//
// FTS5's own bm25() counts, for every query, all the documents of each
// phrase over the whole index to weigh it, which for common words on a
// million items takes 40 to 150 ms whatever the LIMIT. So the store ranks
// in Go instead, with the same formula (see rank.go): the full-text index
// only yields the most recent searchCandidates matches (cheap, newest rowid
// first), and the document frequencies are estimated from a bounded scan.
func (db *DB) Search(ctx context.Context, q newswatch.SearchQuery) ([]newswatch.SearchHit, error) {
	ps, cands, err := db.ranked(ctx, q, nil)
	if err != nil || len(cands) == 0 {
		return nil, err
	}
	limit, offset := clampLimit(q.Limit), max(q.Offset, 0)
	if offset >= len(cands) {
		return nil, nil
	}
	cands = cands[offset:min(len(cands), offset+limit)]
	hits, err := db.hits(ctx, cands)
	if err != nil {
		return nil, fmt.Errorf("store: search: %w", formatError(err))
	}
	if err := db.snippets(ctx, ps.expr, hits); err != nil {
		return nil, fmt.Errorf("store: search snippets: %w", formatError(err))
	}
	return hits, nil
}

// ranked parses q and returns its candidates best first (none when
// q.Offset is past what can be ranked). When storyOf is not nil, it maps
// the candidates that have a story to it.
func (db *DB) ranked(ctx context.Context, q newswatch.SearchQuery, storyOf map[int64]int64) (parsedSearch, []candidate, error) {
	ps, err := parseSearch(q.Query)
	if err != nil {
		return ps, nil, err
	}
	if max(q.Offset, 0) >= searchCandidates {
		return ps, nil, nil
	}
	cands, err := db.candidates(ctx, ps.expr, q.GuildID, q.FeedID, storyOf)
	if err != nil {
		return ps, nil, fmt.Errorf("store: search: %w", formatError(err))
	}
	if len(cands) == 0 {
		return ps, nil, nil
	}
	st, err := db.collectionStats(ctx, ps.phrases)
	if err != nil {
		return ps, nil, fmt.Errorf("store: search: %w", formatError(err))
	}
	rankCandidates(cands, ps.phrases, st)
	return ps, cands, nil
}

// candidates returns the most recent searchCandidates matches of expr
// visible to guildID (of feedID when not 0) with their text; when storyOf
// is not nil, it also maps those that have a story to it (read in the same
// statement, cheaper than a lookup of the ids afterwards).
func (db *DB) candidates(ctx context.Context, expr, guildID string, feedID int64, storyOf map[int64]int64) ([]candidate, error) {
	where := "items_fts MATCH ?"
	args := []any{expr}
	join := ""
	if guildID != newswatch.GlobalScope || feedID != 0 {
		join = " JOIN items ci ON ci.id = items_fts.rowid"
		if guildID != newswatch.GlobalScope {
			where += " AND ci.feed_id IN (SELECT feed_id FROM feed_subscriptions WHERE guild_id IN ('', ?))"
			args = append(args, guildID)
		}
		if feedID != 0 {
			where += " AND ci.feed_id = ?"
			args = append(args, feedID)
		}
	}
	args = append(args, searchCandidates)
	story := "0"
	if storyOf != nil {
		story = "coalesce(i.story_id, 0)"
	}
	rows, err := db.r.QueryContext(ctx, `SELECT i.id, i.ts, i.title, i.text, `+story+` FROM (
			SELECT items_fts.rowid AS id FROM items_fts`+join+`
			WHERE `+where+` ORDER BY items_fts.rowid DESC LIMIT ?
		) c JOIN items i ON i.id = c.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []candidate
	for rows.Next() {
		var c candidate
		var sid int64
		if err := rows.Scan(&c.id, &c.ts, &c.title, &c.text, &sid); err != nil {
			return nil, err
		}
		if sid != 0 {
			storyOf[c.id] = sid
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// hits reads the items of the ranked candidates, in order.
func (db *DB) hits(ctx context.Context, cands []candidate) ([]newswatch.SearchHit, error) {
	ids := make([]int64, len(cands))
	for i, c := range cands {
		ids[i] = c.id
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+itemCols+` FROM items i JOIN feeds f ON f.id = i.feed_id
		WHERE i.id IN (SELECT value FROM json_each(?))`, jsonList(ids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := make(map[int64]newswatch.Item, len(cands))
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		byID[it.ID] = it
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	hits := make([]newswatch.SearchHit, 0, len(cands))
	for _, c := range cands {
		if it, ok := byID[c.id]; ok { // an item deleted meanwhile is left out
			hits = append(hits, newswatch.SearchHit{Item: it, Rank: c.score})
		}
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
