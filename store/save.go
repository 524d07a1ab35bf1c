package store

import (
	"context"
	"database/sql"
	"fmt"
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
	feedID  int64
	now     time.Time
	routes  []newswatch.Route // enabled routes that may get alerts for this feed
	watches map[int64]watchInfo
	res     newswatch.SaveResult

	// Rows are inserted through statements prepared once per transaction,
	// one row per execution: cheaper than one statement over a JSON list,
	// which SQLite re-parses for every column of every row, and a one-row
	// INSERT needs no statement journal.
	insItem, insMent, insOut *sql.Stmt

	// New items wait here and are added to the full-text index in one
	// statement at the end of the batch (see flushFTS).
	pendFTS  []int64 // new items to add to the full-text index
	pendFold []int64 // those of them with text to fold

	story *storyPend  // new items for the story decider (story_alerts.go)
	pend  []pendAlert // alerts written once stories are decided (story_route.go)
	rules ruleState   // route rule evaluation (route_rules.go)
}

// stored is the state of a key already in the batch's feed.
type stored struct {
	id       int64
	hash     string
	revision int64
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
		s := &saver{db: db, ctx: ctx, tx: tx, feedID: feedID, now: time.Now(), story: story}
		if err := s.prepare(); err != nil {
			return err
		}
		defer s.close()
		keys := make([]string, len(items))
		for i := range items {
			if items[i].Item.Key == "" {
				it := &items[i].Item
				it.Key = newswatch.ItemKey(it.GUID, it.Link, it.Title, it.Text)
			}
			keys[i] = items[i].Item.Key
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
				id, err := s.insert(in)
				if err != nil {
					return err
				}
				known[in.Item.Key] = stored{id: id, hash: in.Item.ContentHash(), revision: 1}
				s.story.add(id, feedID, &in.Item)
			case old.hash == in.Item.ContentHash():
				s.res.Unchanged++
			default:
				if err := s.update(old, in); err != nil {
					return err
				}
				known[in.Item.Key] = stored{id: old.id, hash: in.Item.ContentHash(), revision: old.revision + 1}
			}
		}
		if err := s.story.write(ctx, tx); err != nil {
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

// prepare loads the feed's targeting state and prepares the statements.
func (s *saver) prepare() error {
	ctx, tx := s.ctx, s.tx
	if _, err := feedByID(ctx, tx, s.feedID); err != nil {
		return err
	}
	subs, err := subscribers(ctx, tx, s.feedID)
	if err != nil {
		return err
	}
	if err := s.loadRules(subs); err != nil {
		return err
	}
	if s.insItem, err = tx.PrepareContext(ctx, `INSERT INTO items (feed_id, key, guid, title, link, author, text,
		categories, image_url, published, updated, fetched_at, ts, content_hash, revision)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`); err != nil {
		return err
	}
	if s.insMent, err = tx.PrepareContext(ctx, `INSERT INTO mentions (item_id, watch_id, start, "end", text, ts, feed_id)
		VALUES (?, ?, ?, ?, ?, ?, ?)`); err != nil {
		return err
	}
	if s.insOut, err = tx.PrepareContext(ctx, `INSERT INTO outbox (kind, item_id, route_id, revision, nonce, created_at)
		VALUES ('mention', ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`); err != nil {
		return err
	}
	return nil
}

// flushFTS adds the waiting new items to the full-text index. Text with ё
// goes through the same fold as in the index triggers (foldSQL), so that a
// later 'delete' removes exactly these entries. Which items have any is
// known in Go (pendFold), so SQLite folds only those and scans no text for
// ё itself.
func (s *saver) flushFTS() error {
	if len(s.pendFTS) == 0 {
		return nil
	}
	title, text := "title", "text"
	args := []any{jsonList(s.pendFTS)}
	if len(s.pendFold) > 0 {
		title = "CASE WHEN id IN (SELECT value FROM json_each(?2)) THEN " + foldFunc + "(title) ELSE title END"
		text = "CASE WHEN id IN (SELECT value FROM json_each(?2)) THEN " + foldFunc + "(text) ELSE text END"
		args = append(args, jsonList(s.pendFold))
	}
	_, err := s.tx.ExecContext(s.ctx, `INSERT INTO items_fts (rowid, title, text)
		SELECT id, `+title+`, `+text+` FROM items WHERE id IN (SELECT value FROM json_each(?1))`, args...)
	s.pendFTS, s.pendFold = s.pendFTS[:0], s.pendFold[:0]
	return err
}

func (s *saver) close() {
	for _, st := range []*sql.Stmt{s.insItem, s.insMent, s.insOut} {
		if st != nil {
			st.Close()
		}
	}
}

// lookup returns the stored state and the tombstones of keys.
func (s *saver) lookup(keys []string) (map[string]stored, map[string]bool, error) {
	known := make(map[string]stored, len(keys))
	tomb := make(map[string]bool)
	rows, err := s.tx.QueryContext(s.ctx, `
		SELECT key, id, content_hash, revision, 0 FROM items WHERE feed_id = ?1 AND key IN (SELECT value FROM json_each(?2))
		UNION ALL
		SELECT key, 0, '', 0, 1 FROM tombstones WHERE feed_id = ?1 AND key IN (SELECT value FROM json_each(?2))`,
		s.feedID, jsonList(keys))
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var st stored
		var isTomb bool
		if err := rows.Scan(&k, &st.id, &st.hash, &st.revision, &isTomb); err != nil {
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

// insert stores a new item with its mentions and alerts and returns its id.
func (s *saver) insert(in *newswatch.IngestItem) (int64, error) {
	it := &in.Item
	if it.FetchedAt.IsZero() {
		it.FetchedAt = s.now
	}
	res, err := s.insItem.ExecContext(s.ctx, s.feedID, it.Key, it.GUID, it.Title, it.Link, it.Author, it.Text,
		jsonList(it.Categories), it.ImageURL, ms(it.Published), ms(it.Updated), ms(it.FetchedAt), ms(it.Time()),
		it.ContentHash())
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	s.res.New++
	s.pendFTS = append(s.pendFTS, id)
	if needsFold(it.Title) || needsFold(it.Text) {
		s.pendFold = append(s.pendFold, id)
	}
	watchIDs, err := s.mentions(id, in)
	if err != nil {
		return 0, err
	}
	s.queueAlert(pendAlert{it: &in.Item, itemID: id, revision: 1, watchIDs: watchIDs, alert: in.Alert})
	return id, nil
}

// update rewrites a changed item, replaces its mentions and alerts the
// routes that gain a watch.
func (s *saver) update(old stored, in *newswatch.IngestItem) error {
	it := &in.Item
	if it.FetchedAt.IsZero() {
		it.FetchedAt = s.now
	}
	// The index entry of an earlier copy of this key in the batch must land
	// before the update trigger replaces it.
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
		ms(it.Published), ms(it.Updated), ms(it.FetchedAt), ms(it.Time()), it.ContentHash(), rev, old.id); err != nil {
		return err
	}
	if _, err := s.tx.ExecContext(s.ctx, `DELETE FROM mentions WHERE item_id = ?`, old.id); err != nil {
		return err
	}
	s.res.Updated++
	watchIDs, err := s.mentions(old.id, in)
	if err != nil {
		return err
	}
	if in.Alert {
		s.queueAlert(pendAlert{it: it, itemID: old.id, revision: rev, watchIDs: watchIDs, before: before, alert: true})
	}
	return nil
}

// mentions stores the mentions of item id whose watch exists and returns
// the distinct watch ids.
func (s *saver) mentions(id int64, in *newswatch.IngestItem) ([]int64, error) {
	var ids []int64
	seen := make(map[int64]bool)
	ts := ms(in.Item.Time())
	for _, m := range in.Mentions {
		if _, ok := s.watches[m.WatchID]; !ok {
			continue
		}
		if _, err := s.insMent.ExecContext(s.ctx, id, m.WatchID, m.Start, m.End, m.Text, ts, s.feedID); err != nil {
			return nil, err
		}
		if !seen[m.WatchID] {
			seen[m.WatchID] = true
			ids = append(ids, m.WatchID)
		}
	}
	return ids, nil
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
