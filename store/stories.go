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
		AND i.story_id IS NULL`, feedID, jsonList(keys))
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

// selByURL is the query of StoriesByURL, by urlKey. The test that
// canon_key is not NULL lets SQLite use the partial index items_canon;
// without it every call scans the table.
const selByURL = `SELECT canon_key, min(story_id) FROM items
	WHERE canon_key IS NOT NULL AND canon_key IN (SELECT value FROM json_each(?)) AND story_id IS NOT NULL
	GROUP BY canon_key`

// urlKey is the items.canon_key of a canonical URL: its 64-bit FNV-1a
// hash, which never changes (stored keys must match later ones).
func urlKey(canon string) int64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(canon); i++ {
		h ^= uint64(canon[i])
		h *= 1099511628211
	}
	return int64(h)
}

// canonKey is the canon_key value of a canonical URL: nil for none.
func canonKey(canon string) any {
	if canon == "" {
		return nil
	}
	return urlKey(canon)
}

// storiesByURL runs selByURL through q.
func storiesByURL(ctx context.Context, q stmtRunner, canon []string) (map[string]int64, error) {
	out := make(map[string]int64)
	if len(canon) == 0 {
		return out, nil
	}
	byKey := make(map[int64][]string, len(canon))
	keys := make([]int64, 0, len(canon))
	for _, u := range canon {
		if u == "" {
			continue
		}
		k := urlKey(u)
		if _, ok := byKey[k]; !ok {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], u)
	}
	rows, err := q.QueryContext(ctx, jsonList(keys))
	if err != nil {
		return nil, fmt.Errorf("store: stories by url: %w", formatError(err))
	}
	defer rows.Close()
	for rows.Next() {
		var k, id int64
		if err := rows.Scan(&k, &id); err != nil {
			return nil, fmt.Errorf("store: stories by url: %w", err)
		}
		for _, u := range byKey[k] {
			out[u] = id
		}
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
	rows, err := db.r.QueryContext(ctx, `SELECT `+candCols+`, coalesce(i.story_id, 0) FROM items i
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
	// Finding the oldest item without a story reads the rows (story_id is
	// not in items_ts), and when all have one, every row: first compare
	// the counts, which two indexes give without the rows.
	err := db.r.QueryRowContext(ctx, `SELECT CASE
		WHEN (SELECT count(*) FROM items) = (SELECT count(*) FROM items WHERE story_id IS NOT NULL) THEN NULL
		ELSE (SELECT min(ts) FROM items WHERE story_id IS NULL) END`).Scan(&ts)
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
// meanwhile keeps it, and one deleted meanwhile is skipped, as is one whose
// named story is gone (the next load assigns it); the stories joined get
// their row or a newer last_seen.
func (db *DB) SaveStoryItems(ctx context.Context, as []newswatch.StoryAssignment) ([]int64, error) {
	var ids []int64
	keys := make([]int64, 0, len(as))
	for _, a := range as {
		if a.CanonURL != "" {
			keys = append(keys, urlKey(a.CanonURL))
		}
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		// Under the writer lock, so that no build of the filter (in a
		// save) comes between adding the keys and writing them.
		db.urls.add(keys...) // before they are written: a failure only makes false positives
		var err error
		ids, err = saveStoryItems(ctx, tx, as)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: save story items: %w", formatError(err))
	}
	return ids, nil
}

// saveStoryItems is SaveStoryItems in tx.
func saveStoryItems(ctx context.Context, tx *sql.Tx, as []newswatch.StoryAssignment) ([]int64, error) {
	sw, err := decidedStories(ctx, tx, nil, as, storyFloors{})
	if err != nil || len(as) == 0 {
		return sw.ids, err
	}
	var keep []int
	for k := range as {
		if !sw.gone[k] {
			keep = append(keep, k)
		}
	}
	if err := setStoryOf(ctx, tx, as, sw.ids, keep); err != nil {
		return nil, err
	}
	if sw.top > 0 {
		// An item that got its story meanwhile does not take the new id,
		// which the caller has all the same: it is used up.
		if _, err := tx.ExecContext(ctx, `UPDATE story_id_floor SET id = max(id, ?)`, sw.top); err != nil {
			return nil, err
		}
	}
	return sw.ids, sw.write(ctx, tx, nil)
}

// storyFloors are the next new story's id (selNextStory) and the reset
// floor: the highest story id when ResetStories last ran (id_floors
// 'story_reset'). A story named by id at or below it is gone (a decider
// still holding it from before the reset); one above it is not, even
// with no item left (its one item's feed was removed): the item that
// joins it carries it on. version is the writer's PRAGMA data_version as
// they were read, for the URL filter (urlFilter.mayHave): a save reads
// them in its write transaction, in which no other connection commits,
// so it holds for the whole save, and the filter needs no statement of
// its own.
type storyFloors struct{ next, reset, version int64 }

// selStoryFloors reads storyFloors.
const selStoryFloors = `SELECT (` + selNextStory + `), (SELECT id FROM id_floors WHERE name = 'story_reset'),
	(SELECT data_version FROM pragma_data_version())`

// storyWrites is what a batch of assignments writes: each one's story id,
// the assignments whose story is gone (ResetStories deleted it since it
// was named), the stories that items joined, and the highest new story id
// (0: none).
//
// A story has a row in stories once a route records it in story_alerts
// (ensureStories: it alerted the story, or holds it back for min_sources
// or its cap), and keeps its title and first item whatever happens to its
// items; a database from before kept rows of stories a second item joined. Until then its items are all there is of it (Stories and
// Story read its first item, by id, and its newest), and a save whose
// items start stories or join them writes no row.
type storyWrites struct {
	ids    []int64
	gone   map[int]bool
	joined []joinedStory
	top    int64
}

// joinedStory is a story from before the batch that an item joined, with
// the item's time.
type joinedStory struct{ story, ts int64 }

// decidedStories gives each assignment its story id: the story named, a
// new one above every story's and deleted story's id, or the story of the
// earlier assignment it joins. A named story that ResetStories deleted is
// noted as gone, and its item is left without a story, for the next load.
// floors are the store's (zero: read them).
func decidedStories(ctx context.Context, tx *sql.Tx, cache *storyStmts, as []newswatch.StoryAssignment, floors storyFloors) (storyWrites, error) {
	sw := storyWrites{ids: make([]int64, len(as))}
	if len(as) == 0 {
		return sw, nil
	}
	if floors.next == 0 {
		if err := cache.stmt(ctx, tx, selStoryFloors).QueryRowContext(ctx).Scan(&floors.next, &floors.reset, &floors.version); err != nil {
			return sw, err
		}
	}
	for i, a := range as {
		switch {
		case a.StoryID > 0:
			sw.ids[i] = a.StoryID
			if a.StoryID <= floors.reset {
				if sw.gone == nil {
					sw.gone = make(map[int]bool)
				}
				sw.gone[i] = true
				continue
			}
			sw.joined = append(sw.joined, joinedStory{story: a.StoryID, ts: ms(a.Time)})
		case a.Join >= 0 && a.Join < i:
			sw.ids[i] = sw.ids[a.Join]
			if as[a.Join].StoryID > 0 { // joined through an item that joined a stored story
				sw.joined = append(sw.joined, joinedStory{story: sw.ids[i], ts: ms(a.Time)})
			}
		default:
			sw.ids[i] = floors.next
			sw.top = floors.next
			floors.next++
		}
	}
	return sw, nil
}

// write moves the last_seen of the joined stories that have a row up to
// the newest item that joined them: one statement, which finds no row for
// most.
func (sw *storyWrites) write(ctx context.Context, tx *sql.Tx, cache *storyStmts) error {
	if len(sw.joined) == 0 {
		return nil
	}
	newest := make(map[int64]int64, len(sw.joined))
	for _, j := range sw.joined {
		if ts, ok := newest[j.story]; !ok || j.ts > ts {
			newest[j.story] = j.ts
		}
	}
	rows := make([][2]int64, 0, len(newest))
	for _, j := range sw.joined {
		if ts, ok := newest[j.story]; ok {
			rows = append(rows, [2]int64{j.story, ts})
			delete(newest, j.story)
		}
	}
	_, err := cache.stmt(ctx, tx, updStoryLastSeen).ExecContext(ctx, jsonList(rows))
	return err
}

// ensureStories gives each of ids that has items and no row in stories
// its row, from its first item.
func ensureStories(ctx context.Context, tx *sql.Tx, cache *storyStmts, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := cache.stmt(ctx, tx, insStoryRows).ExecContext(ctx, jsonList(ids))
	return err
}

// setStoryOf gives the stored items of as[k] for k in keep that have no
// story the story of their assignment (ids[k]) and its canonical URL's
// key, and their mentions the same story.
func setStoryOf(ctx context.Context, tx *sql.Tx, as []newswatch.StoryAssignment, ids []int64, keep []int) error {
	if len(keep) == 0 {
		return nil
	}
	rows := make([][]any, len(keep))
	items := make([]int64, len(keep))
	for i, k := range keep {
		rows[i] = []any{as[k].ItemID, ids[k], canonKey(as[k].CanonURL)}
		items[i] = as[k].ItemID
	}
	if err := insertValues(ctx, tx, updStoryOf, rows); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, updMentionStories, jsonList(items))
	return err
}

// ResetStories forgets every story, for a backfill that starts over (after
// the line or the canonical URL rules changed). The stories that follow get
// new ids: messages already posted name the old ones.
func (db *DB) ResetStories(ctx context.Context) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		// Raising the floor at once spares the delete trigger a write per
		// story.
		for _, q := range []string{
			`UPDATE story_id_floor SET id = max(id, coalesce((SELECT max(id) FROM stories), 0),
				coalesce((SELECT max(story_id) FROM items WHERE story_id IS NOT NULL), 0))`,
			// Deciders still holding the deleted stories name ids up to
			// here: storyFloors.
			`UPDATE id_floors SET id = (SELECT id FROM story_id_floor) WHERE name = 'story_reset'`,
			`UPDATE items SET story_id = NULL, canon_key = NULL WHERE story_id IS NOT NULL`,
			`UPDATE mentions SET story_id = NULL WHERE story_id IS NOT NULL`,
			`DELETE FROM stories`,
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: reset stories: %w", formatError(err))
	}
	return nil
}

// valuesInsert is an INSERT (or UPDATE ... FROM) of rows of n bound
// columns: head, then "(?, ...), (?, ...)", then tail.
type valuesInsert struct {
	head string
	n    int
	tail string
}

func (v valuesInsert) sql(rows int) string {
	one := "(?" + strings.Repeat(", ?", v.n-1) + ")"
	return v.head + one + strings.Repeat(", "+one, rows-1) + v.tail
}

// updStoryOf sets the story of items that have none.
var updStoryOf = valuesInsert{`UPDATE items SET story_id = v.column2, canon_key = v.column3 FROM (VALUES `, 3, `) v
	WHERE items.id = v.column1 AND items.story_id IS NULL`}

// updMentionStories gives the mentions of the items in a JSON list their
// item's story.
const updMentionStories = `UPDATE mentions SET story_id = i.story_id FROM items i
	WHERE i.id = mentions.item_id AND mentions.item_id IN (SELECT value FROM json_each(?))
	AND mentions.story_id IS NOT i.story_id`

// valuesRows is how many rows insertValues binds per statement (SQLite
// allows 32,766 parameters).
const valuesRows = 500

// The other statements of the save path's story writes.
const (
	// selNextStory is the id of the next new story: above every story's
	// row, every item's story (most stories have no row) and every
	// deleted story's (story_id_floor, raised by deletes of stories and
	// items).
	selNextStory = `SELECT max(coalesce((SELECT max(id) FROM stories), 0),
		coalesce((SELECT max(id) FROM story_id_floor), 0),
		coalesce((SELECT max(story_id) FROM items WHERE story_id IS NOT NULL), 0)) + 1`
	// insStoryRows takes a JSON list of story ids and gives each that has
	// items and no row its row: the title and time of its first item by
	// id (the one that started it), the time of its newest as last_seen.
	// The "WHERE true" keeps SQLite from reading ON CONFLICT as the join's.
	insStoryRows = `INSERT INTO stories (id, first_item_id, title, first_seen, last_seen)
		SELECT j.value, i.id, i.title, i.ts,
			(SELECT max(l.ts) FROM items l WHERE l.story_id = j.value AND l.story_id IS NOT NULL)
		FROM json_each(?) j
		JOIN items i ON i.id = (SELECT min(f.id) FROM items f WHERE f.story_id = j.value AND f.story_id IS NOT NULL)
		WHERE true
		ON CONFLICT (id) DO NOTHING`
	// updStoryLastSeen takes a JSON list of [story, time] pairs and moves
	// the last_seen of those stories that have a row up to the time.
	updStoryLastSeen = `UPDATE stories SET last_seen = j.value->>1 FROM json_each(?) j
		WHERE stories.id = j.value->>0 AND stories.last_seen < j.value->>1`
)

// storyStmts are the story statements prepared once for the save path:
// SQLite parses a statement with subqueries for longer than it takes to
// run it on a feed's save of a few items.
type storyStmts struct {
	other map[string]*sql.Stmt // selStoryFloors, selByURL, insStoryRows, updStoryLastSeen
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
	c := &storyStmts{other: map[string]*sql.Stmt{}}
	for _, q := range []string{selStoryFloors, selByURL, insStoryRows, updStoryLastSeen} {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			c.close()
			return nil, err
		}
		c.other[q] = st
	}
	return c, nil
}

func (c *storyStmts) close() {
	for _, st := range c.other {
		st.Close()
	}
}

// insertValues runs v over rows, valuesRows rows per statement.
func insertValues(ctx context.Context, tx *sql.Tx, v valuesInsert, rows [][]any) error {
	for len(rows) > 0 {
		k := min(len(rows), valuesRows)
		args := make([]any, 0, k*v.n)
		for _, r := range rows[:k] {
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, v.sql(k), args...); err != nil {
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
			WHERE s.last_seen < ? AND NOT EXISTS (SELECT 1 FROM items i WHERE i.story_id = s.id AND i.story_id IS NOT NULL) LIMIT ?)`,
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
