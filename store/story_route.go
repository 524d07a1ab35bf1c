package store

import (
	"encoding/json"
	"errors"
	"math"
	"slices"

	"github.com/newswatch/newswatch"
)

// Alerts per story (issue 12). A save first collects the alerts its items
// would raise (pendAlert), then decides their stories, then writes: a
// route with stories on (!Route.PerItem) gets one alert per story.
//
//   - The first item of a story that the route wants alerts as before, and
//     story_alerts(story, route) records its outbox row and the watches it
//     named.
//   - A later item of the story writes no outbox row: it is appended to the
//     row's pending_also, and the deliverer edits the story's alert to add
//     it ("Also reported by", at most one edit per minute; DueStoryAlso).
//     Items of the story that name no watch are listed too: they are the
//     same article from another source.
//   - A later item that names a watch the route takes and the story's
//     alerts there had not named alerts with a new message (and the row
//     remembers the name). Not an edit: Discord notifies no one of an
//     edited message and pings no role in it, so a name that was not in the
//     alert before would go unseen in an edit.
//   - With MinSources > 1 the route alerts only once the story has that many
//     distinct feeds: until then the row waits (outbox_id 0) and
//     pending_also collects the story's items; the alert names the first
//     of them the route wanted, and the others follow as "also".
//   - When the route's hourly cap holds the story's alert back, the story
//     is in the hour's summary once: the row keeps outbox_id heldByCap, and
//     later copies neither alert nor join the summary again (a watched name
//     the story had not named still alerts, under the cap as ever).
//
// A route with PerItem, and an item without a story (no decider, or the
// decider skipped it), alert per item as they always did.

// pendAlert is an item whose alerts a save writes once stories are
// decided: its mentions name watchIDs; before, for an update, holds the
// watches it named already. alert is false for an item that raises no
// alert but may join a story's "also" list.
type pendAlert struct {
	it               *newswatch.Item // as stored under itemID (route queries read it)
	itemID, revision int64
	watchIDs         []int64
	before           map[int64]bool
	alert            bool
}

// queueAlert notes an item whose alerts are written by writeAlerts.
func (s *saver) queueAlert(p pendAlert) {
	if len(s.routes) == 0 {
		return
	}
	s.pend = append(s.pend, p)
}

// heldByCap is the outbox_id of a story_alerts row whose alert the route's
// hourly cap held back for the hour's summary: no message to edit, and
// nothing more to post for the story's copies. DueStoryAlso finds no
// outbox row for it.
const heldByCap = -1

// storyAlert is a story_alerts row as a save changes it.
type storyAlert struct {
	story, route int64
	outbox       int64   // 0: waiting for min_sources; heldByCap: in a cap summary
	pending      []int64 // items to add to the alert
	shown        []int64 // items the alert shows (read only here)
	watches      []int64 // watches the story's alerts in the route named
	dirty        bool
}

func (a *storyAlert) has(item int64) bool {
	return slices.Contains(a.pending, item) || slices.Contains(a.shown, item)
}

// storyRoutes is a save's view of its stories' alerts.
type storyRoutes struct {
	rows    map[[2]int64]*storyAlert
	byStory map[int64][]int64  // story → the routes of its rows
	sources map[sourcesKey]int // distinct feeds per story that a guild sees, read on demand
}

// put adds row a.
func (sr *storyRoutes) put(a *storyAlert) {
	sr.rows[[2]int64{a.story, a.route}] = a
	sr.byStory[a.story] = append(sr.byStory[a.story], a.route)
}

// writeAlerts writes the queued alerts, per story where the route wants
// stories (see the top of this file).
func (s *saver) writeAlerts() error {
	if len(s.pend) == 0 {
		return nil
	}
	// Stories matter only to a route with stories on; when every route
	// alerts per item, no story is read.
	storyOf := map[int64]int64{}
	sr := &storyRoutes{rows: map[[2]int64]*storyAlert{}, sources: map[sourcesKey]int{}}
	if slices.ContainsFunc(s.routes, func(r newswatch.Route) bool { return !r.PerItem }) {
		var err error
		if storyOf, err = s.storiesOf(); err != nil {
			return err
		}
		if sr, err = s.loadStoryAlerts(storyOf); err != nil {
			return err
		}
	}
	for i := range s.pend {
		p := &s.pend[i]
		story := storyOf[p.itemID]
		var rows []int64
		if story != 0 {
			rows = sr.byStory[story]
		}
		// Only the routes the item may concern: the others want none of
		// its watches and have no row of its story (routeCands).
		for _, j := range s.routeCands(p, rows) {
			r := &s.routes[j] // not a copy per route and item
			w, err := s.wanted(r, p)
			if err != nil {
				return err
			}
			if r.PerItem || story == 0 {
				if len(w) > 0 {
					if _, err := s.alertRow(r, p.itemID, p.revision, w); err != nil {
						return err
					}
				}
				continue
			}
			if err := s.storyAlert(sr, story, r, p, w); err != nil {
				return err
			}
		}
	}
	if err := s.flushOutbox(); err != nil {
		return err
	}
	return s.saveStoryAlerts(sr)
}

// storyAlert writes what item p of story brings route r, which wants w of
// its watches.
func (s *saver) storyAlert(sr *storyRoutes, story int64, r *newswatch.Route, p *pendAlert, w []int64) error {
	key := [2]int64{story, r.ID}
	a := sr.rows[key]
	if a == nil {
		if len(w) == 0 {
			return nil // the route has no alert for this story to add to
		}
		a = &storyAlert{story: story, route: r.ID, watches: w, dirty: true}
		sr.put(a)
		earlier, err := s.storyItems(story, p.itemID, r.GuildID)
		if err != nil {
			return err
		}
		a.pending = earlier
		if r.MinSources <= 1 {
			a.outbox, err = s.alertRow(r, p.itemID, p.revision, w)
			if err == nil && a.outbox == 0 {
				a.outbox, a.pending = heldByCap, nil
			}
			return err
		}
		a.pending = append([]int64{p.itemID}, earlier...)
		return s.storyReady(sr, a, r)
	}
	fresh := false
	for _, wid := range w {
		if !slices.Contains(a.watches, wid) {
			a.watches, fresh = append(a.watches, wid), true
		}
	}
	if fresh {
		a.dirty = true
	}
	if a.outbox == 0 {
		if !a.has(p.itemID) {
			a.pending, a.dirty = append(a.pending, p.itemID), true
		}
		return s.storyReady(sr, a, r)
	}
	if fresh {
		_, err := s.alertRow(r, p.itemID, p.revision, w)
		return err
	}
	if a.outbox == heldByCap {
		return nil // the summary has the story already
	}
	// An update is the same source again, already listed or alerted.
	if p.revision == 1 && !a.has(p.itemID) {
		a.pending, a.dirty = append(a.pending, p.itemID), true
	}
	return nil
}

// storyReady alerts a waiting story once it has r.MinSources feeds that
// r's guild sees: the first pending item that still exists and that the
// guild sees is the alert, the rest become "also".
func (s *saver) storyReady(sr *storyRoutes, a *storyAlert, r *newswatch.Route) error {
	key := sourcesKey{a.story, r.GuildID}
	n, ok := sr.sources[key]
	if !ok {
		if err := s.tx.QueryRowContext(s.ctx, `SELECT count(DISTINCT si.feed_id) FROM items si WHERE si.story_id = ? AND si.story_id IS NOT NULL
			AND EXISTS (SELECT 1 FROM feed_subscriptions fs WHERE fs.feed_id = si.feed_id AND fs.guild_id IN ('', ?))`,
			a.story, r.GuildID).Scan(&n); err != nil {
			return err
		}
		sr.sources[key] = n
	}
	if n < r.MinSources || len(a.pending) == 0 {
		return nil
	}
	// The rule may have changed since the story began to wait: a quiet
	// route, or watches now muted or out of the route's filter, alert
	// nothing.
	ws := s.stillWanted(r, a.watches)
	if len(ws) == 0 {
		return nil
	}
	rev := map[int64]int64{}
	rows, err := s.tx.QueryContext(s.ctx, `SELECT i.id, i.revision FROM items i WHERE i.id IN (SELECT value FROM json_each(?))
		AND EXISTS (SELECT 1 FROM feed_subscriptions fs WHERE fs.feed_id = i.feed_id AND fs.guild_id IN ('', ?))`,
		jsonList(a.pending), r.GuildID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, v int64
		if err := rows.Scan(&id, &v); err != nil {
			rows.Close()
			return err
		}
		rev[id] = v
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// Items deleted or in feeds the guild no longer follows drop out.
	a.pending = slices.DeleteFunc(a.pending, func(id int64) bool { _, ok := rev[id]; return !ok })
	a.dirty = true
	if len(a.pending) == 0 {
		return nil
	}
	first := a.pending[0]
	id, err := s.alertRow(r, first, rev[first], ws)
	if err != nil {
		return err
	}
	if id == 0 {
		a.outbox, a.pending = heldByCap, nil
		return nil
	}
	a.outbox, a.pending = id, a.pending[1:]
	return nil
}

// stillWanted returns those of watches that route r's rule lets through
// now (ruleCands without the query, which needs the item's text).
func (s *saver) stillWanted(r *newswatch.Route, watches []int64) []int64 {
	if r.Quiet {
		return nil
	}
	var out []int64
	for _, w := range watches {
		info, ok := s.watches[w]
		if !ok || (info.guild != newswatch.GlobalScope && info.guild != r.GuildID) || (r.Kind != "" && r.Kind != info.kind) ||
			(len(r.Watches) > 0 && !s.rules.set.inWatchFilter(r, w)) || s.isMuted(r.GuildID, w) {
			continue
		}
		out = append(out, w)
	}
	return out
}

// sourcesKey is a story as a guild sees it.
type sourcesKey struct {
	story int64
	guild string
}

// alertRow writes the outbox row of an item's alert at revision in route
// r for watches w, unless r's hourly cap holds it back for the hour's
// summary (admit): then it returns 0, and a story's row is marked
// heldByCap.
func (s *saver) alertRow(r *newswatch.Route, itemID, revision int64, w []int64) (int64, error) {
	ok, err := s.admit(r, itemID, revision, w)
	if err != nil || !ok {
		return 0, err
	}
	return s.outbox(itemID, revision, r.ID)
}

// outbox writes the outbox row of an item's alert at revision in route
// routeID and returns its id (that of the row already there, if any).
func (s *saver) outbox(itemID, revision, routeID int64) (int64, error) {
	if s.firstNew != 0 && itemID >= s.firstNew {
		return s.queueOutbox(itemID, revision, routeID)
	}
	if s.insOut == nil {
		st, err := s.tx.PrepareContext(s.ctx, `INSERT INTO outbox (id, kind, item_id, route_id, revision, nonce, created_at)
			VALUES (?, 'mention', ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`)
		if err != nil {
			return 0, err
		}
		s.insOut = st
	}
	// An explicit id: SQLite's own choice could be one a queued row has.
	id, err := s.newOutID()
	if err != nil {
		return 0, err
	}
	res, err := s.insOut.ExecContext(s.ctx, id, itemID, routeID, revision, nonce("m", itemID, routeID, revision), ms(s.now))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	if n == 1 {
		s.res.Alerts++
		return id, nil
	}
	err = s.tx.QueryRowContext(s.ctx, `SELECT id FROM outbox WHERE item_id = ? AND route_id = ? AND revision = ?`,
		itemID, routeID, revision).Scan(&id)
	return id, err
}

// queueOutbox queues the outbox row of the alert of an item new in this
// save and returns the id it will have.
func (s *saver) queueOutbox(itemID, revision, routeID int64) (int64, error) {
	key := [3]int64{itemID, routeID, revision}
	if id, ok := s.outKeys[key]; ok {
		return id, nil // ON CONFLICT DO NOTHING, as for an updated item
	}
	id, err := s.newOutID()
	if err != nil {
		return 0, err
	}
	s.queuedKey(itemID, routeID, revision, id)
	s.outs.add(id, itemID, routeID, revision, nonce("m", itemID, routeID, revision), ms(s.now))
	s.res.Alerts++
	return id, nil
}

// queuedKey records that the save wrote or queued row id for item, route
// and revision: the outbox holds one row per key (outbox_mention_once).
func (s *saver) queuedKey(itemID, routeID, revision, id int64) {
	if s.outKeys == nil {
		s.outKeys = make(map[[3]int64]int64)
	}
	s.outKeys[[3]int64{itemID, routeID, revision}] = id
}

// newOutID returns the id of the next outbox row the save writes. The
// save holds the write lock, so max(id)+1 stays free until it commits;
// every row the save writes, queued or not, takes its id from here.
func (s *saver) newOutID() (int64, error) {
	if s.nextOut == 0 {
		var max int64
		if err := s.tx.QueryRowContext(s.ctx, `SELECT `+maxOutboxID).Scan(&max); err != nil {
			return 0, err
		}
		if max == math.MaxInt64 {
			return 0, errors.New("outbox ids exhausted")
		}
		s.nextOut = max + 1
	}
	id := s.nextOut
	s.nextOut++
	return id, nil
}

// maxOutboxID is an SQL expression: the highest outbox id ever given,
// deleted rows' included (id_floors), so that no id names two rows. Every
// insert into outbox takes its id above it.
const maxOutboxID = `max(coalesce((SELECT max(id) FROM outbox), 0), (SELECT id FROM id_floors WHERE name = 'outbox'))`

// flushOutbox writes the queued outbox rows.
func (s *saver) flushOutbox() error {
	_, err := s.writeRows(insOutbox, &s.outs)
	clear(s.outKeys)
	return err
}

// storiesOf returns the story of each queued item that has one: the new
// ones from the save's decisions, the updated ones from the store.
func (s *saver) storiesOf() (map[int64]int64, error) {
	out := make(map[int64]int64, len(s.pend))
	if s.story != nil {
		for id, st := range s.story.storyOf {
			out[id] = st
		}
	}
	var ask []int64
	for _, p := range s.pend {
		if _, ok := out[p.itemID]; !ok && p.revision > 1 {
			ask = append(ask, p.itemID)
		}
	}
	if len(ask) == 0 {
		return out, nil
	}
	rows, err := s.tx.QueryContext(s.ctx, `SELECT id, story_id FROM items
		WHERE id IN (SELECT value FROM json_each(?)) AND story_id IS NOT NULL`, jsonList(ask))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var item, story int64
		if err := rows.Scan(&item, &story); err != nil {
			return nil, err
		}
		out[item] = story
	}
	return out, rows.Err()
}

// loadStoryAlerts reads the story_alerts rows of the queued items'
// stories.
func (s *saver) loadStoryAlerts(storyOf map[int64]int64) (*storyRoutes, error) {
	sr := &storyRoutes{rows: map[[2]int64]*storyAlert{}, byStory: map[int64][]int64{}, sources: map[sourcesKey]int{}}
	var ids []int64
	seen := map[int64]bool{}
	for _, p := range s.pend {
		if st := storyOf[p.itemID]; st != 0 && !seen[st] {
			seen[st] = true
			ids = append(ids, st)
		}
	}
	if len(ids) == 0 {
		return sr, nil
	}
	rows, err := s.tx.QueryContext(s.ctx, `SELECT story_id, route_id, outbox_id, pending_also, shown_also, watches
		FROM story_alerts WHERE story_id IN (SELECT value FROM json_each(?))`, jsonList(ids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		a := &storyAlert{}
		var pending, shown, watches string
		if err := rows.Scan(&a.story, &a.route, &a.outbox, &pending, &shown, &watches); err != nil {
			return nil, err
		}
		// Written by saveStoryAlerts and the edit pass from []int64.
		_ = json.Unmarshal([]byte(pending), &a.pending)
		_ = json.Unmarshal([]byte(shown), &a.shown)
		_ = json.Unmarshal([]byte(watches), &a.watches)
		sr.put(a)
	}
	return sr, rows.Err()
}

// storyItems returns the items of story other than item that guild sees,
// oldest first: the "also" of a route's first alert for a story that
// began without it.
func (s *saver) storyItems(story, item int64, guild string) ([]int64, error) {
	if s.story != nil && s.story.fresh[story] {
		// Started by this save: its earlier items are in storyOf.
		var out []int64
		for _, p := range s.pend {
			if p.itemID != item && s.story.storyOf[p.itemID] == story {
				out = append(out, p.itemID)
			}
			if p.itemID == item {
				break
			}
		}
		return out, nil
	}
	rows, err := s.tx.QueryContext(s.ctx, `SELECT si.id FROM items si WHERE si.story_id = ? AND si.story_id IS NOT NULL AND si.id <> ?
		AND EXISTS (SELECT 1 FROM feed_subscriptions fs WHERE fs.feed_id = si.feed_id AND fs.guild_id IN ('', ?))
		ORDER BY si.ts, si.id`, story, item, guild)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// saveStoryAlerts writes the rows the save changed, first giving their
// stories a row (a story has none until a route records it in
// story_alerts).
func (s *saver) saveStoryAlerts(sr *storyRoutes) error {
	var stories []int64
	for _, a := range sr.rows {
		if a.dirty && !slices.Contains(stories, a.story) {
			stories = append(stories, a.story)
		}
	}
	if err := ensureStories(s.ctx, s.tx, s.storyStmts(), stories); err != nil {
		return err
	}
	for _, a := range sr.rows {
		if !a.dirty {
			continue
		}
		if _, err := s.tx.ExecContext(s.ctx, `INSERT INTO story_alerts (story_id, route_id, outbox_id, pending_also, watches)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (story_id, route_id) DO UPDATE SET
			outbox_id = excluded.outbox_id, pending_also = excluded.pending_also, watches = excluded.watches`,
			a.story, a.route, a.outbox, jsonList(a.pending), jsonList(a.watches)); err != nil {
			return err
		}
	}
	return nil
}
