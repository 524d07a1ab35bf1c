package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/newswatch/newswatch"
)

// watchInfo is what alert targeting needs to know of a watch.
type watchInfo struct {
	guild string
	kind  newswatch.Kind
}

// saver holds the state of one SaveItems transaction.
type saver struct {
	db      *DB // nil: no rules cache (loadRules)
	ctx     context.Context
	tx      *sql.Tx
	ins     *saveStmts // nil: statements are parsed per batch
	feedID  int64
	now     time.Time
	routes  []newswatch.Route // enabled routes that may get alerts for this feed
	watches map[int64]watchInfo
	res     newswatch.SaveResult

	// New rows wait here and are written with multi-row INSERTs (see
	// flushRows) before anything reads them: the items first, then their
	// mentions, whose foreign keys need the items.
	items, ments rowBuf
	gen          int // flushes of items and ments so far (rowSlot)
	// nextID is the id of the next new item, 0 until read. The save holds
	// the write lock, so max(id)+1, the rowid SQLite itself would choose,
	// stays free until it commits.
	nextID int64
	// floors are the next new story's id and the reset floor, read with
	// nextID when stories are on.
	floors storyFloors

	// New items wait here and are added to the full-text index in one
	// statement at the end of the batch (see flushFTS): they have the ids
	// from ftsFrom up to nextID-1.
	ftsFrom  int64
	pendFold []int64 // those of them with text to fold

	story *storyPend  // new items for the story decider (story_alerts.go)
	pend  []pendAlert // alerts written once stories are decided (story_route.go)
	rules ruleState   // route rule evaluation (route_rules.go)
	// The alert rows of new items wait in outs and are written with
	// multi-row INSERTs at the end of writeAlerts (flushOutbox): no row of
	// an item new in this save can be in the outbox yet, so their ids can
	// be chosen in Go (newOutID, from nextOut, 0 until read), like the
	// items'. outKeys finds a row already queued for the same item, route
	// and revision. firstNew is the id of the save's first new item.
	outs     rowBuf
	nextOut  int64
	outKeys  map[[3]int64]int64
	firstNew int64
	// insOut writes one outbox row of an updated item, prepared on first
	// use.
	insOut *sql.Stmt
}

// rowBuf is the waiting rows of one table, their values in column order.
type rowBuf struct {
	args []any
	rows int
}

// stored is the state of a key already in the batch's feed.
type stored struct {
	id       int64
	hash     string
	revision int64
	story    sql.NullInt64 // its story, if it has one
}

// saveBatch stores a batch of items of feedID in one transaction. A
// tombstoned key is skipped; a new key is inserted with its index entry,
// mentions and, if Alert, outbox rows; a known key with the same content hash
// writes nothing; a changed one is updated, its mentions replaced, and, if
// Alert, outbox rows are written only for the routes that now get a watch
// they did not get before. Mentions of watches that no longer exist are
// dropped. Outbox rows are written after the new items' stories are
// decided: a route with stories on gets one per story (story_route.go).
//
// Route R (guild g, kind k, enabled) gets a row for an item of feed F if F
// has a subscription by "" or g and a mention's watch has guild "" or g and
// (k == "" or the watch's kind is k).
func (db *DB) saveBatch(ctx context.Context, feedID int64, items []newswatch.IngestItem) (newswatch.SaveResult, error) {
	var res newswatch.SaveResult
	if len(items) == 0 {
		return res, nil
	}
	story := db.newStoryPend()
	err := db.tx(ctx, func(tx *sql.Tx) error {
		s := &saver{db: db, ctx: ctx, tx: tx, ins: db.ins, feedID: feedID, now: time.Now(), story: story}
		if err := s.prepare(); err != nil {
			return err
		}
		defer s.close()
		keys := make([]string, len(items))
		hashes := make([]string, len(items))
		for i := range items {
			it := &items[i].Item
			if it.Key == "" {
				it.Key = newswatch.ItemKey(it.GUID, it.Link, it.Title, it.Text)
			}
			keys[i] = it.Key
			hashes[i] = it.ContentHash()
		}
		known, tomb, err := s.lookup(keys)
		if err != nil {
			return err
		}
		s.story.start(feedID, items, known, tomb)
		for i := range items {
			in := &items[i]
			if tomb[in.Item.Key] {
				s.res.Tombstoned++
				continue
			}
			old, ok := known[in.Item.Key]
			switch {
			case !ok:
				id, slot, err := s.insert(in, hashes[i])
				if err != nil {
					return err
				}
				known[in.Item.Key] = stored{id: id, hash: hashes[i], revision: 1}
				s.story.add(id, feedID, &in.Item, slot)
			case old.hash == hashes[i]:
				s.res.Unchanged++
			default:
				if err := s.update(old, in, hashes[i]); err != nil {
					return err
				}
				known[in.Item.Key] = stored{id: old.id, hash: hashes[i], revision: old.revision + 1, story: old.story}
			}
		}
		// The stories are decided before the items are written, so that
		// the items' own INSERT carries them.
		if err := s.story.decide(ctx, tx, s.floors); err != nil {
			return err
		}
		flushed := s.story.patch(&s.items, &s.ments, s.gen)
		if err := s.flushRows(); err != nil {
			return err
		}
		if err := s.story.finish(ctx, tx, flushed); err != nil {
			return err
		}
		if err := s.writeAlerts(); err != nil {
			return err
		}
		if err := s.flushFTS(); err != nil {
			return err
		}
		if s.res.New > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE feeds SET item_count = item_count + ? WHERE id = ?`, s.res.New, feedID); err != nil {
				return err
			}
		}
		res = s.res
		return nil
	})
	story.done(err)
	if err != nil {
		return newswatch.SaveResult{}, fmt.Errorf("store: save items of feed %d: %w", feedID, formatError(err))
	}
	return res, nil
}

// prepare loads the feed's targeting state.
func (s *saver) prepare() error {
	ctx, tx := s.ctx, s.tx
	if _, err := feedByID(ctx, tx, s.feedID); err != nil {
		return err
	}
	subs, err := subscribers(ctx, tx, s.feedID)
	if err != nil {
		return err
	}
	return s.loadRules(subs)
}

// flushFTS adds the waiting new items to the full-text index. Text with ё
// goes through the same fold as in the index triggers (foldSQL), so that a
// later 'delete' removes exactly these entries. Which items have any is
// known in Go (pendFold), so SQLite folds only those and scans no text for
// ё itself.
func (s *saver) flushFTS() error {
	if s.nextID == 0 || s.ftsFrom == s.nextID || s.db != nil && s.db.noIndex {
		return nil
	}
	title, text := "title", "text"
	args := []any{s.ftsFrom, s.nextID - 1}
	if len(s.pendFold) > 0 {
		title = "CASE WHEN id IN (SELECT value FROM json_each(?3)) THEN " + foldFunc + "(title) ELSE title END"
		text = "CASE WHEN id IN (SELECT value FROM json_each(?3)) THEN " + foldFunc + "(text) ELSE text END"
		args = append(args, jsonList(s.pendFold))
	}
	_, err := s.tx.ExecContext(s.ctx, `INSERT INTO items_fts (rowid, title, text)
		SELECT id, `+title+`, `+text+` FROM items WHERE id BETWEEN ?1 AND ?2`, args...)
	s.ftsFrom, s.pendFold = s.nextID, s.pendFold[:0]
	return err
}

// newID returns the id for the next new item.
func (s *saver) newID() (int64, error) {
	if s.nextID == 0 {
		// With stories on, the next story's id comes with it: one
		// statement, not two, for the save of a few items.
		var max int64
		var row *sql.Row
		switch {
		case s.ins != nil:
			row = s.tx.StmtContext(s.ctx, s.ins.next[s.story != nil]).QueryRowContext(s.ctx)
		case s.story != nil:
			row = s.tx.QueryRowContext(s.ctx, selNextIDsStories)
		default:
			row = s.tx.QueryRowContext(s.ctx, selNextIDs)
		}
		if err := row.Scan(&max, &s.floors.next, &s.floors.reset, &s.floors.version); err != nil {
			return 0, err
		}
		if max == math.MaxInt64 {
			// SQLite would pick a free rowid at random; this never happens
			// in practice (ids grow by one per item).
			return 0, errors.New("item ids exhausted")
		}
		s.nextID, s.ftsFrom, s.firstNew = max+1, max+1, max+1
	}
	id := s.nextID
	s.nextID++
	return id, nil
}

// lookup returns the stored state and the tombstones of keys.
func (s *saver) lookup(keys []string) (map[string]stored, map[string]bool, error) {
	known := make(map[string]stored, len(keys))
	tomb := make(map[string]bool)
	rows, err := s.tx.QueryContext(s.ctx, `
		SELECT key, id, content_hash, revision, story_id, 0 FROM items WHERE feed_id = ?1 AND key IN (SELECT value FROM json_each(?2))
		UNION ALL
		SELECT key, 0, '', 0, NULL, 1 FROM tombstones WHERE feed_id = ?1 AND key IN (SELECT value FROM json_each(?2))`,
		s.feedID, jsonList(keys))
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var st stored
		var isTomb bool
		if err := rows.Scan(&k, &st.id, &st.hash, &st.revision, &st.story, &isTomb); err != nil {
			return nil, nil, err
		}
		if isTomb {
			tomb[k] = true
		} else {
			known[k] = st
		}
	}
	return known, tomb, rows.Err()
}

// insert queues a new item with its mentions and alerts and returns its
// id and where its rows wait: their story is decided later (storyPend),
// before they are written.
func (s *saver) insert(in *newswatch.IngestItem, hash string) (int64, rowSlot, error) {
	it := &in.Item
	if it.FetchedAt.IsZero() {
		it.FetchedAt = s.now
	}
	id, err := s.newID()
	if err != nil {
		return 0, rowSlot{}, err
	}
	s.items.add(id, s.feedID, it.Key, it.GUID, it.Title, it.Link, it.Author, it.Text,
		jsonList(it.Categories), it.ImageURL, ms(it.Published), ms(it.Updated), ms(it.FetchedAt), ms(it.Time()),
		hash, nil, nil)
	slot := rowSlot{gen: s.gen, item: len(s.items.args) - 2, mFrom: len(s.ments.args) + insMentions.cols - 1}
	s.res.New++
	if needsFold(it.Title) || needsFold(it.Text) {
		s.pendFold = append(s.pendFold, id)
	}
	watchIDs := s.mentions(id, in, nil)
	slot.mTo = len(s.ments.args)
	s.queueAlert(pendAlert{it: &in.Item, itemID: id, revision: 1, watchIDs: watchIDs, alert: in.Alert})
	return id, slot, nil
}

// update rewrites a changed item, replaces its mentions and alerts the
// routes that gain a watch.
func (s *saver) update(old stored, in *newswatch.IngestItem, hash string) error {
	it := &in.Item
	if it.FetchedAt.IsZero() {
		it.FetchedAt = s.now
	}
	// The rows and index entry of an earlier copy of this key in the batch
	// must land before the update trigger replaces it.
	if err := s.flushRows(); err != nil {
		return err
	}
	if err := s.flushFTS(); err != nil {
		return err
	}
	var before map[int64]bool
	if in.Alert {
		rows, err := s.tx.QueryContext(s.ctx, `SELECT DISTINCT watch_id FROM mentions WHERE item_id = ?`, old.id)
		if err != nil {
			return err
		}
		before = make(map[int64]bool)
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			before[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	rev := old.revision + 1
	if _, err := s.tx.ExecContext(s.ctx, `UPDATE items SET guid = ?, title = ?, link = ?, author = ?, text = ?,
		categories = ?, image_url = ?, published = ?, updated = ?, fetched_at = ?, ts = ?, content_hash = ?,
		revision = ? WHERE id = ?`,
		it.GUID, it.Title, it.Link, it.Author, it.Text, jsonList(it.Categories), it.ImageURL,
		ms(it.Published), ms(it.Updated), ms(it.FetchedAt), ms(it.Time()), hash, rev, old.id); err != nil {
		return err
	}
	if _, err := s.tx.ExecContext(s.ctx, `DELETE FROM mentions WHERE item_id = ?`, old.id); err != nil {
		return err
	}
	s.res.Updated++
	var story any
	if old.story.Valid {
		story = old.story.Int64
		// An alerted story's row keeps its newest item's time.
		if _, err := s.storyStmts().stmt(s.ctx, s.tx, updStoryLastSeen).ExecContext(s.ctx,
			jsonList([][2]int64{{old.story.Int64, ms(it.Time())}})); err != nil {
			return err
		}
	}
	watchIDs := s.mentions(old.id, in, story)
	if in.Alert {
		s.queueAlert(pendAlert{it: it, itemID: old.id, revision: rev, watchIDs: watchIDs, before: before, alert: true})
	}
	return nil
}

// mentions queues the mentions of item id (of story story, nil: none or
// not yet decided) whose watch exists and returns the distinct watch ids.
func (s *saver) mentions(id int64, in *newswatch.IngestItem, story any) []int64 {
	var ids []int64
	ts := ms(in.Item.Time())
	for _, m := range in.Mentions {
		if _, ok := s.watches[m.WatchID]; !ok {
			continue
		}
		s.ments.add(id, m.WatchID, m.Start, m.End, m.Text, ts, s.feedID, story)
		if !slices.Contains(ids, m.WatchID) {
			ids = append(ids, m.WatchID)
		}
	}
	return ids
}

// wanted returns the watches of p that route r alerts for: the watches
// its rule lets through (ruleCands: kind, guild, its watch list, mutes, its
// query) that p did not name before. This is the route's filter, in one
// place; writeAlerts (story_route.go) then writes an outbox row per item or
// per story, each through admit (the route's hourly cap).
func (s *saver) wanted(r *newswatch.Route, p *pendAlert) ([]int64, error) {
	if !p.alert || len(p.watchIDs) == 0 {
		return nil, nil
	}
	w, err := s.ruleCands(r, p.it, p.itemID, p.revision, p.watchIDs, p.before)
	if len(w) == 0 {
		return nil, err
	}
	return slices.Clone(w), err // ruleCands reuses its slice; story rows keep theirs
}

// close closes the statements the save prepared.
func (s *saver) close() {
	if s.insOut != nil {
		s.insOut.Close()
	}
}

// storyStmts returns the prepared story statements of the save's decider,
// nil when it has none (storyStmts.stmt then parses them).
func (s *saver) storyStmts() *storyStmts {
	if s.story == nil {
		return nil
	}
	return s.story.stmts
}
