package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/newswatch/newswatch"
)

// storyScanPage is how many items ScanStoryCandidates reads per page.
const storyScanPage = 1000

const candCols = `i.id, i.feed_id, i.key, i.title, i.text, i.link, i.ts`

func scanCandidate(rows *sql.Rows, extra ...any) (newswatch.StoryCandidate, error) {
	var c newswatch.StoryCandidate
	var ts int64
	if err := rows.Scan(append([]any{&c.ItemID, &c.FeedID, &c.Key, &c.Title, &c.Text, &c.Link, &ts}, extra...)...); err != nil {
		return c, err
	}
	c.Time = fromMS(ts)
	return c, nil
}

// UnassignedItems returns the id of each of keys of feedID whose item has
// no story yet: the new items of a save. An item updated under its key
// keeps its row and so its story.
func (db *DB) UnassignedItems(ctx context.Context, feedID int64, keys []string) (map[string]int64, error) {
	out := make(map[string]int64, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	rows, err := db.r.QueryContext(ctx, `SELECT i.key, i.id FROM items i
		WHERE i.feed_id = ? AND i.key IN (SELECT value FROM json_each(?))
		AND NOT EXISTS (SELECT 1 FROM story_items s WHERE s.item_id = i.id)`, feedID, jsonList(keys))
	if err != nil {
		return nil, fmt.Errorf("store: unassigned items of feed %d: %w", feedID, formatError(err))
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var id int64
		if err := rows.Scan(&k, &id); err != nil {
			return nil, fmt.Errorf("store: unassigned items of feed %d: %w", feedID, err)
		}
		out[k] = id
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unassigned items of feed %d: %w", feedID, formatError(err))
	}
	return out, nil
}

// StoriesByURL returns, for each of canon that an item of a story carries,
// the oldest such story.
func (db *DB) StoriesByURL(ctx context.Context, canon []string) (map[string]int64, error) {
	return storiesByURL(ctx, parsed{q: db.r, query: selByURL}, canon)
}

// selByURL is the query of StoriesByURL. The test that canon_url is not
// empty lets SQLite use the partial index story_items_canon; without it
// every call scans the table.
const selByURL = `SELECT canon_url, min(story_id) FROM story_items
	WHERE canon_url <> '' AND canon_url IN (SELECT value FROM json_each(?)) GROUP BY canon_url`

// storiesByURL runs selByURL through q.
func storiesByURL(ctx context.Context, q stmtRunner, canon []string) (map[string]int64, error) {
	out := make(map[string]int64)
	if len(canon) == 0 {
		return out, nil
	}
	rows, err := q.QueryContext(ctx, jsonList(canon))
	if err != nil {
		return nil, fmt.Errorf("store: stories by url: %w", formatError(err))
	}
	defer rows.Close()
	for rows.Next() {
		var u string
		var id int64
		if err := rows.Scan(&u, &id); err != nil {
			return nil, fmt.Errorf("store: stories by url: %w", err)
		}
		out[u] = id
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: stories by url: %w", formatError(err))
	}
	return out, nil
}

// ScanStoryCandidates calls fn with every item whose time is at or after
// since, with its story (0 if none), in pages of storyScanPage in (time,
// id) order. Each page is read in its own statement, so fn may write.
func (db *DB) ScanStoryCandidates(ctx context.Context, since time.Time, fn func([]newswatch.StoryCandidate) error) error {
	lastTS, lastID := ms(since), int64(-1)
	for {
		page, err := db.storyPage(ctx, lastTS, lastID)
		if err != nil {
			return fmt.Errorf("store: scan stories: %w", formatError(err))
		}
		if len(page) == 0 {
			return nil
		}
		if err := fn(page); err != nil {
			return err
		}
		last := page[len(page)-1]
		lastTS, lastID = ms(last.Time), last.ItemID
	}
}

func (db *DB) storyPage(ctx context.Context, ts, id int64) ([]newswatch.StoryCandidate, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+candCols+`, coalesce(s.story_id, 0) FROM items i
		LEFT JOIN story_items s ON s.item_id = i.id
		WHERE i.ts > ?1 OR (i.ts = ?1 AND i.id > ?2)
		ORDER BY i.ts, i.id LIMIT ?3`, ts, id, storyScanPage)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []newswatch.StoryCandidate
	for rows.Next() {
		var story int64
		c, err := scanCandidate(rows, &story)
		if err != nil {
			return nil, err
		}
		c.StoryID = story
		out = append(out, c)
	}
	return out, rows.Err()
}

// NewestItemTime returns the time (Item.Time) of the newest stored item,
// or the zero time when there is none.
func (db *DB) NewestItemTime(ctx context.Context) (time.Time, error) {
	var ts sql.NullInt64
	if err := db.r.QueryRowContext(ctx, `SELECT max(ts) FROM items`).Scan(&ts); err != nil {
		return time.Time{}, fmt.Errorf("store: newest item: %w", formatError(err))
	}
	if !ts.Valid {
		return time.Time{}, nil
	}
	return fromMS(ts.Int64), nil
}

// OldestUnassigned returns the time of the oldest item without a story.
func (db *DB) OldestUnassigned(ctx context.Context) (time.Time, bool, error) {
	var ts sql.NullInt64
	err := db.r.QueryRowContext(ctx, `SELECT min(i.ts) FROM items i
		WHERE NOT EXISTS (SELECT 1 FROM story_items s WHERE s.item_id = i.id)`).Scan(&ts)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: oldest item without a story: %w", formatError(err))
	}
	if !ts.Valid {
		return time.Time{}, false, nil
	}
	return time.UnixMilli(ts.Int64).UTC(), true, nil
}

// SaveStoryItems records story assignments in one transaction and returns
// the story of each: the one named, a new story (Join < 0), or the story of
// an earlier assignment of the batch (Join). An item that got a story
// meanwhile keeps it, and one deleted meanwhile is skipped; the stories'
// counts and last_seen are brought up to date.
func (db *DB) SaveStoryItems(ctx context.Context, as []newswatch.StoryAssignment) ([]int64, error) {
	var ids []int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		ids, err = saveStoryItems(ctx, tx, nil, as)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: save story items: %w", formatError(err))
	}
	return ids, nil
}

// saveStoryItems is SaveStoryItems in tx, with the prepared inserts of
// cache (nil: none). With a cache it is the save path's: the items are
// the save's own new ones.
func saveStoryItems(ctx context.Context, tx *sql.Tx, cache *storyStmts, as []newswatch.StoryAssignment) ([]int64, error) {
	ids := make([]int64, len(as))
	if len(as) == 0 {
		return ids, nil
	}
	err := func() error {
		var next int64
		if err := cache.stmt(ctx, tx, selNextStory).QueryRowContext(ctx).Scan(&next); err != nil {
			return err
		}
		var newRows, itemRows [][]any
		var joined []int64
		now := ms(time.Now())
		for i, a := range as {
			switch {
			case a.StoryID > 0:
				ids[i] = a.StoryID
				joined = append(joined, ids[i])
			case a.Join >= 0 && a.Join < i:
				ids[i] = ids[a.Join]
				joined = append(joined, ids[i])
			default:
				ids[i] = next
				next++
				newRows = append(newRows, []any{ids[i], a.ItemID, a.Title, ms(a.Time), a.FeedID})
			}
			how := a.How
			if how == "" {
				how = newswatch.StoryNew
			}
			itemRows = append(itemRows, []any{a.ItemID, ids[i], a.FeedID, ms(a.Time), a.CanonURL, how, nil})
		}
		// A new story starts with its first item's counts; only the
		// stories that items joined are counted again.
		stories, storyItems := insStories, insStoryItems
		if cache != nil {
			stories, storyItems = insStoriesSave, insStoryItemsSave
		}
		if err := insertValues(ctx, tx, cache, stories, newRows); err != nil {
			return err
		}
		for _, r := range itemRows {
			r[6] = now
		}
		if err := insertValues(ctx, tx, cache, storyItems, itemRows); err != nil {
			return err
		}
		if len(joined) == 0 {
			return nil
		}
		_, err := cache.stmt(ctx, tx, updJoined).ExecContext(ctx, jsonList(joined))
		return err
	}()
	return ids, err
}

// ResetStories forgets every story, for a backfill that starts over (after
// the line or the canonical URL rules changed). The stories that follow get
// new ids: messages already posted name the old ones.
func (db *DB) ResetStories(ctx context.Context) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		// Raising the floor at once spares the delete trigger a write per
		// story.
		if _, err := tx.ExecContext(ctx, `UPDATE story_id_floor
			SET id = max(id, coalesce((SELECT max(id) FROM stories), 0))`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM story_items`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM stories`)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: reset stories: %w", formatError(err))
	}
	return nil
}

// valuesInsert is an INSERT of rows of n bound columns: head, then
// "(?, ...), (?, ...)", then tail.
type valuesInsert struct {
	head string
	n    int
	tail string
}

func (v valuesInsert) sql(rows int) string {
	one := "(?" + strings.Repeat(", ?", v.n-1) + ")"
	return v.head + one + strings.Repeat(", "+one, rows-1) + v.tail
}

var (
	insStories = valuesInsert{`INSERT INTO stories (id, first_item_id, title, first_seen, last_seen, item_count, source_count)
		SELECT column1, column2, column3, column4, column4, 1, 1 FROM (VALUES `, 5, `) v
		WHERE EXISTS (SELECT 1 FROM items WHERE id = v.column2)`}
	insStoryItems = valuesInsert{`INSERT INTO story_items (item_id, story_id, feed_id, ts, canon_url, how, joined_at)
		SELECT column1, column2, column3, column4, column5, column6, column7 FROM (VALUES `, 7, `) v
		WHERE EXISTS (SELECT 1 FROM items WHERE id = v.column1)
		AND EXISTS (SELECT 1 FROM stories WHERE id = v.column2)
		ON CONFLICT (item_id) DO NOTHING`}

	// The save path's forms: its items were inserted by its own
	// transaction, so they need not be looked for (foreign keys still
	// check them); a story joined may be gone (stories --rebuild), and
	// that row is then left for the next load to assign.
	insStoriesSave = valuesInsert{`INSERT INTO stories (id, first_item_id, title, first_seen, last_seen, item_count, source_count)
		SELECT column1, column2, column3, column4, column4, 1, 1 FROM (VALUES `, 5, `)`}
	insStoryItemsSave = valuesInsert{`INSERT INTO story_items (item_id, story_id, feed_id, ts, canon_url, how, joined_at)
		SELECT column1, column2, column3, column4, column5, column6, column7 FROM (VALUES `, 7, `) v
		WHERE EXISTS (SELECT 1 FROM stories WHERE id = v.column2)`}
)

// valuesRows is how many rows insertValues binds per statement when it
// has no prepared ones (SQLite allows 32,766 parameters).
const valuesRows = 500

// cachedRows are the row counts of the prepared inserts of storyStmts,
// largest first; every count is a sum of them.
// Powers of two: a feed's save of 20 new items runs two statements per
// table (16 + 4), a batch of 500 six.
var cachedRows = []int{256, 128, 64, 32, 16, 8, 4, 2, 1}

// The other statements of the save path's story writes.
const (
	// selNextStory is the id of the next new story: above every story's
	// and every deleted story's (story_id_floor).
	selNextStory = `SELECT max(coalesce((SELECT max(id) FROM stories), 0),
		coalesce((SELECT max(id) FROM story_id_floor), 0)) + 1`
	// updJoined brings the counts and last_seen of the stories in a JSON
	// list up to date.
	// One pass over each story's items gives the three.
	updJoined = `UPDATE stories SET (item_count, source_count, last_seen) =
		(SELECT count(*), count(DISTINCT s.feed_id), max(stories.last_seen, coalesce(max(s.ts), 0))
		FROM story_items s WHERE s.story_id = stories.id)
		WHERE id IN (SELECT DISTINCT value FROM json_each(?))`
)

// storyStmts are the story statements prepared once for the save path:
// SQLite parses a statement of hundreds of rows, or one with subqueries,
// for longer than it takes to run it, and a feed's save writes a few
// rows.
type storyStmts struct {
	stmts map[*valuesInsert]map[int]*sql.Stmt
	other map[string]*sql.Stmt // selNextStory, updJoined, selByURL
}

// stmt returns query in tx: prepared when c has it, else parsed anew.
func (c *storyStmts) stmt(ctx context.Context, tx *sql.Tx, query string) stmtRunner {
	if c != nil {
		if st := c.other[query]; st != nil {
			return tx.StmtContext(ctx, st)
		}
	}
	return parsed{q: tx, query: query}
}

// stmtRunner is a *sql.Stmt, or a query to parse (parsed).
type stmtRunner interface {
	ExecContext(ctx context.Context, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, args ...any) *sql.Row
}

// parsed runs query on q, parsing it each time.
type parsed struct {
	q     querier
	query string
}

func (p parsed) ExecContext(ctx context.Context, args ...any) (sql.Result, error) {
	return p.q.ExecContext(ctx, p.query, args...)
}

func (p parsed) QueryContext(ctx context.Context, args ...any) (*sql.Rows, error) {
	return p.q.QueryContext(ctx, p.query, args...)
}

func (p parsed) QueryRowContext(ctx context.Context, args ...any) *sql.Row {
	return p.q.QueryRowContext(ctx, p.query, args...)
}

// prepareStoryStmts prepares the statements on db's writer; it must not
// run inside a transaction (the writer has one connection).
func prepareStoryStmts(ctx context.Context, db *sql.DB) (*storyStmts, error) {
	c := &storyStmts{stmts: map[*valuesInsert]map[int]*sql.Stmt{}, other: map[string]*sql.Stmt{}}
	for _, q := range []string{selNextStory, updJoined, selByURL} {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			c.close()
			return nil, err
		}
		c.other[q] = st
	}
	for _, v := range []*valuesInsert{&insStoriesSave, &insStoryItemsSave} {
		c.stmts[v] = map[int]*sql.Stmt{}
		for _, k := range cachedRows {
			st, err := db.PrepareContext(ctx, v.sql(k))
			if err != nil {
				c.close()
				return nil, err
			}
			c.stmts[v][k] = st
		}
	}
	return c, nil
}

func (c *storyStmts) close() {
	for _, m := range c.stmts {
		for _, st := range m {
			st.Close()
		}
	}
	for _, st := range c.other {
		st.Close()
	}
}

// insertValues runs v over rows: through cache's prepared statements when
// there is a cache, else valuesRows rows per statement. Bound parameters
// cost SQLite less than reading the same rows out of a JSON array with ->>.
func insertValues(ctx context.Context, tx *sql.Tx, cache *storyStmts, v valuesInsert, rows [][]any) error {
	var prepared map[int]*sql.Stmt
	if cache != nil {
		for key, m := range cache.stmts {
			if *key == v {
				prepared = m
			}
		}
	}
	for len(rows) > 0 {
		k := min(len(rows), valuesRows)
		if prepared != nil {
			for _, c := range cachedRows {
				if c <= len(rows) {
					k = c
					break
				}
			}
		}
		args := make([]any, 0, k*v.n)
		for _, r := range rows[:k] {
			args = append(args, r...)
		}
		var err error
		if st := prepared[k]; st != nil {
			txst := tx.StmtContext(ctx, st)
			_, err = txst.ExecContext(ctx, args...)
			txst.Close()
		} else {
			_, err = tx.ExecContext(ctx, v.sql(k), args...)
		}
		if err != nil {
			return err
		}
		rows = rows[k:]
	}
	return nil
}

// PruneStories deletes the stories last seen before before that have no
// item left (retention pruned them all), with their alerts' rows, in
// batches, and returns how many it deleted: the story tables stay as
// bounded as the items.
func (db *DB) PruneStories(ctx context.Context, before time.Time) (int, error) {
	const batch = 1000
	total := 0
	for {
		res, err := db.w.ExecContext(ctx, `DELETE FROM stories WHERE id IN (SELECT s.id FROM stories s
			WHERE s.last_seen < ? AND NOT EXISTS (SELECT 1 FROM story_items si WHERE si.story_id = s.id) LIMIT ?)`,
			ms(before), batch)
		if err != nil {
			return total, fmt.Errorf("store: prune stories: %w", formatError(err))
		}
		n, _ := res.RowsAffected()
		total += int(n)
		if n < batch {
			return total, nil
		}
	}
}
