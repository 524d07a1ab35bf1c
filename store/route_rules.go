package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/query"
)

// Route rules at ingest (issue 13).
//
// On top of guild visibility and kind (routeWants), a route's rule decides
// which of an item's watches count for it, and whether the item alerts:
//
//   - Quiet: never; the route only hears spikes and its digest.
//   - Watches: only mentions of these watches count (canonical names,
//     case-insensitively; SetRoute refuses names its guild does not see).
//   - Mutes: a watch muted in the route's guild (watch_mutes.until > now)
//     does not count.
//   - Query: the item's title and text must match the route's query (the
//     language of /search, package query), evaluated in process with one
//     query.Set for all the routes of a save: the item is tokenised once
//     for every route, and there is no full-text round trip.
//   - CapPerHour: at most that many alerts per watch and UTC hour (capAdmit).
//
// A save reads none of this from the tables when nothing changed: the
// enabled routes, the watch infos, the watch ids of route filters, the
// mutes and the compiled queries are kept in the DB (rulesCache) under
// rules_version, a counter that triggers bump on every change to routes,
// watches or watch_mutes (migration 0015), whichever process makes it. A
// save reads that one row and reloads only when it moved, so a change
// applies to the next save of every process. The routes a feed's
// subscribers see, and their compiled queries, are kept per set of
// subscribers (routeSet).
//
// Each item visits only the routes it may concern (saver.routeCands): the
// routes without a query, those whose query the item matches (one
// query.Set match for all the routes), and those holding a story_alerts
// row of its story, in route id order. A route whose query does not match
// wants nothing of the item, so skipping it changes nothing, and with 1,000
// routes with queries an item costs what its matches cost.
//
// Caps are crash-safe through the outbox itself. route_caps counts, per
// route, watch and hour, the alerts written one by one; an item whose
// watches are all at the cap becomes no alert of its own but joins the
// hour's summary: the first such item writes an ordinary outbox row
// (kind mention, that item) with not_before at the end of the hour plus
// capGrace and records it as route_caps.summary_id; later ones are counted
// in route_caps.held_count, and the first ten listed in route_caps.held.
// All of this is written in the save's transaction. Once due, the deliverer groups the row into an AlertMessage like any alert;
// fillAlert loads the held items into Alert.Held, so the message's body
// (fixed when it is stored) lists them, and it is posted and marked sent
// exactly once by the messages machinery. The grace covers a save that
// began just before the hour ended and commits after: its item still makes
// the summary, since the summary cannot be grouped before the grace passes.
const capGrace = time.Minute

// ruleState is the per-save state of rule evaluation; the zero value is
// ready, and everything is loaded on first use.
type ruleState struct {
	set      *routeSet // the save's routes (loadRules)
	compiled *compiledRules
	mutes    map[muteKey]int64 // until, ms (rulesCache.mutes)

	// The item of the last call, and what is known of it: saver.alert
	// asks about one item for every route in turn. it is the item as
	// saved (its title and text are not read back), matched against the
	// queries of all the routes at once, when the first route with a
	// query asks.
	item, rev int64
	it        *newswatch.Item
	watches   []itemWatch
	matched   []bool // by index in compiled.ids, once matchedOK
	matchedOK bool
	hits      []int
	cand      []int64
	visit     []int // routeCands

	caps   map[int64]*capHour // by route id, for the save's hour
	pruned bool
}

// itemWatch is a watch the current item mentions.
type itemWatch struct {
	id     int64
	info   watchInfo
	before bool // mentioned by the item's earlier revision
}

type muteKey struct {
	guild string
	watch int64
}

// capHour is a route's cap state for one hour.
type capHour struct {
	alerts  map[int64]int   // by watch id
	summary map[int64]int64 // by watch id: the summary's outbox row
}

// ruleCands is the filter step of a save's alerts (saver.wanted): the
// watches of item it, stored as itemID at revision, which mentions
// watchIDs (on an update, only watches not in before count), for which
// route r's rule wants an alert: none for a quiet route; else, when the
// item matches its query, those its kind, guild, watch list and mutes let
// through. All of them, not the first: a story's alert remembers which
// names it carried (story_route.go). The cap is applied where an alert is
// written (admit). The result is valid until the next call.
func (s *saver) ruleCands(r *newswatch.Route, it *newswatch.Item, itemID, revision int64, watchIDs []int64, before map[int64]bool) ([]int64, error) {
	if r.Quiet {
		return nil, nil
	}
	rs := &s.rules
	s.setItem(it, itemID, revision, watchIDs, before)
	// The query first: its answer is known after the first route that
	// asks (one Set.Match for all the routes), and it turns most routes
	// away before the per-watch checks.
	if r.Query != "" && !s.queryMatches(r) {
		return nil, nil
	}
	cand := rs.cand[:0]
	for i := range rs.watches {
		w := &rs.watches[i]
		// routeWants, inlined: it takes the route by value, a copy per
		// route and watch of every item.
		if w.before || (w.info.guild != newswatch.GlobalScope && w.info.guild != r.GuildID) || (r.Kind != "" && r.Kind != w.info.kind) {
			continue
		}
		if len(r.Watches) > 0 && !rs.set.inWatchFilter(r, w.id) {
			continue
		}
		if len(rs.mutes) > 0 && s.isMuted(r.GuildID, w.id) {
			continue
		}
		cand = append(cand, w.id)
	}
	rs.cand = cand
	return cand, nil
}

// admit reports whether route r may post an alert of item itemID at
// revision for watches cand under its hourly cap; an alert over the cap
// joins the hour's summary here instead (capAdmit).
func (s *saver) admit(r *newswatch.Route, itemID, revision int64, cand []int64) (bool, error) {
	if r.CapPerHour <= 0 {
		return true, nil
	}
	return s.capAdmit(r, itemID, revision, cand)
}

// setItem makes item it, stored as itemID at revision, mentioning
// watchIDs, the current item of ruleCands and queryMatches, unless it is
// already.
func (s *saver) setItem(it *newswatch.Item, itemID, revision int64, watchIDs []int64, before map[int64]bool) {
	rs := &s.rules
	if rs.item == itemID && rs.rev == revision && rs.it == it {
		return
	}
	rs.item, rs.rev, rs.it, rs.matchedOK = itemID, revision, it, false
	rs.watches = rs.watches[:0]
	for _, wid := range watchIDs {
		rs.watches = append(rs.watches, itemWatch{id: wid, info: s.watches[wid], before: before[wid]})
	}
}

// isMuted reports whether watch wid is muted in guild at the save's time.
func (s *saver) isMuted(guild string, wid int64) bool {
	until, ok := s.rules.mutes[muteKey{guild, wid}]
	return ok && until > ms(s.now)
}

// queryMatches reports whether the current item (see ruleCands) matches
// r's query. The item is matched against every query of the save's routes
// once, on the first route that asks.
func (s *saver) queryMatches(r *newswatch.Route) bool {
	rs := &s.rules
	c := rs.compiled
	i := c.index(r.ID)
	if i < 0 || c.broken[i] {
		return false // a query SetRoute would refuse matches nothing
	}
	s.matchItem()
	return rs.matched[i]
}

// matchItem matches the current item against every query of the save's
// routes, once per item.
func (s *saver) matchItem() {
	rs := &s.rules
	if rs.matchedOK {
		return
	}
	c := rs.compiled
	if len(rs.matched) != len(c.ids) {
		rs.matched = make([]bool, len(c.ids))
	}
	clear(rs.matched)
	rs.hits = rs.hits[:0]
	if len(c.ids) > 0 {
		rs.hits = c.set.Match(rs.hits, rs.it.Title, rs.it.Text)
	}
	for _, h := range rs.hits {
		rs.matched[h] = true
	}
	rs.matchedOK = true
}

// routeCands returns the indices in s.routes of the routes that queued
// item p may concern, in order: if it may alert, the routes without a
// query and those whose query it matches; and the routes of storyRoutes
// (those with a story_alerts row of its story, which an item may join
// without alerting). The others want nothing of it (ruleCands), and have
// no story row to add it to. The result is valid until the next call.
func (s *saver) routeCands(p *pendAlert, storyRoutes []int64) []int {
	rs := &s.rules
	set := rs.set
	out := rs.visit[:0]
	if p.alert && len(p.watchIDs) > 0 {
		out = append(out, set.plain...)
		if len(rs.compiled.ids) > 0 {
			s.setItem(p.it, p.itemID, p.revision, p.watchIDs, p.before)
			s.matchItem()
			for _, h := range rs.hits {
				if !rs.compiled.broken[h] {
					out = append(out, set.qpos[h])
				}
			}
		}
	}
	for _, id := range storyRoutes {
		if i, ok := set.pos[id]; ok {
			out = append(out, i)
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	rs.visit = out
	return out
}

// rulesCache is what saves read of routes, watches and mutes, valid while
// rules_version.version is version (see the top of this file). It is not
// changed once stored in DB.rules, but for sets.
type rulesCache struct {
	version int64
	routes  []newswatch.Route // enabled, by id
	watches map[int64]watchInfo
	keys    map[string][]int64 // watch name_key → ids
	mutes   map[muteKey]int64  // until, ms

	mu   sync.Mutex
	sets map[string]*routeSet // by subscribers (setKey)
}

// routeSet is the routes of a rulesCache that a set of subscribers sees,
// with what evaluating their rules needs. It is not changed once built.
type routeSet struct {
	routes   []newswatch.Route
	pos      map[int64]int  // route id → index in routes
	plain    []int          // indices of the routes without a query, but quiet ones
	compiled *compiledRules // the queries of the routes that are not quiet
	qpos     []int          // index in compiled.ids → index in routes

	allow map[int64][]int64 // route id → the watch ids its filter names
	// allowDense is allow for the route ids up to maxDenseID, asked for
	// every route and watch of an item: a slice is cheaper than a map.
	allowDense [][]int64
}

// maxRouteSets bounds rulesCache.sets: one per distinct set of feed
// subscribers.
const maxRouteSets = 256

// loadRules sets the save's routes (those the feed's subscribers subs
// see), watches, mutes and compiled queries, from s.db's cache when
// rules_version has not moved since it was loaded.
func (s *saver) loadRules(subs []string) error {
	var v int64
	if err := s.tx.QueryRowContext(s.ctx, `SELECT version FROM rules_version WHERE id = 1`).Scan(&v); err != nil {
		return err
	}
	var c *rulesCache
	if s.db != nil {
		c = s.db.rules.Load()
	}
	if c == nil || c.version != v {
		var err error
		if c, err = loadRulesCache(s.ctx, s.tx, v); err != nil {
			return err
		}
		if s.db != nil {
			s.db.rules.Store(c)
		}
	}
	set, err := c.set(s.ctx, s.tx, subs)
	if err != nil {
		return err
	}
	s.routes, s.watches = set.routes, c.watches
	s.rules.set, s.rules.compiled, s.rules.mutes = set, set.compiled, c.mutes
	return nil
}

// loadRulesCache reads the rules' tables at rules_version version.
func loadRulesCache(ctx context.Context, tx *sql.Tx, version int64) (*rulesCache, error) {
	c := &rulesCache{version: version, watches: map[int64]watchInfo{}, keys: map[string][]int64{},
		mutes: map[muteKey]int64{}, sets: map[string]*routeSet{}}
	rows, err := tx.QueryContext(ctx, `SELECT `+routeCols+` FROM routes r WHERE r.disabled = 0 ORDER BY r.id`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		r, err := scanRoute(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		c.routes = append(c.routes, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, `SELECT id, guild_id, kind, name_key FROM watches`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var w watchInfo
		var key string
		if err := rows.Scan(&id, &w.guild, &w.kind, &key); err != nil {
			rows.Close()
			return nil, err
		}
		c.watches[id] = w
		c.keys[key] = append(c.keys[key], id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Every mute, expired or not: isMuted compares until with the time of
	// each save.
	rows, err = tx.QueryContext(ctx, `SELECT guild_id, watch_id, until FROM watch_mutes`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k muteKey
		var until int64
		if err := rows.Scan(&k.guild, &k.watch, &until); err != nil {
			return nil, err
		}
		c.mutes[k] = until
	}
	return c, rows.Err()
}

// set returns the routes subscribers subs (sorted, as subscribers returns
// them) see, building them on first use; tx is read for the tokens of the
// watches' names when compiling queries.
func (c *rulesCache) set(ctx context.Context, tx *sql.Tx, subs []string) (*routeSet, error) {
	key := strings.Join(subs, "\x00")
	if slices.Contains(subs, newswatch.GlobalScope) {
		key = "\x00all" // every route
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if set := c.sets[key]; set != nil {
		return set, nil
	}
	set := &routeSet{pos: map[int64]int{}, allow: map[int64][]int64{}}
	var loud []newswatch.Route // not quiet: the routes whose queries count
	for _, r := range c.routes {
		if key == "\x00all" || slices.Contains(subs, r.GuildID) {
			set.pos[r.ID] = len(set.routes)
			// A quiet route wants no item (ruleCands): it is a candidate
			// only through a story row it may hold from before.
			if r.Query == "" && !r.Quiet {
				set.plain = append(set.plain, len(set.routes))
			}
			if !r.Quiet {
				loud = append(loud, r)
			}
			set.routes = append(set.routes, r)
		}
	}
	set.compiled = compileRules(loud, func() (map[string]bool, error) { return watchTokens(ctx, tx) })
	set.qpos = make([]int, len(set.compiled.ids))
	for i, id := range set.compiled.ids {
		set.qpos[i] = set.pos[id]
	}
	for _, x := range set.routes {
		if len(x.Watches) == 0 {
			continue
		}
		allow := []int64{}
		for _, n := range x.Watches {
			allow = append(allow, c.keys[nameKey(n)]...)
		}
		if x.ID >= 0 && x.ID <= maxDenseID {
			for int64(len(set.allowDense)) <= x.ID {
				set.allowDense = append(set.allowDense, nil)
			}
			set.allowDense[x.ID] = allow
		} else {
			set.allow[x.ID] = allow
		}
	}
	if len(c.sets) >= maxRouteSets {
		clear(c.sets)
	}
	c.sets[key] = set
	return set, nil
}

// inWatchFilter reports whether watch wid is one of r.Watches.
func (set *routeSet) inWatchFilter(r *newswatch.Route, wid int64) bool {
	if r.ID >= 0 && r.ID < int64(len(set.allowDense)) {
		return slices.Contains(set.allowDense[r.ID], wid)
	}
	return slices.Contains(set.allow[r.ID], wid)
}

// compiledRules are the queries of a list of routes, compiled into one set.
type compiledRules struct {
	ids     []int64 // the routes with a query, in order
	queries []string
	byID    []int32       // route id → index in ids, -1 for none (ids up to maxDenseID)
	idx     map[int64]int // the same for larger ids
	broken  []bool        // the query does not parse
	set     *query.Set
}

// maxDenseID is the largest route id compiledRules.byID holds: route ids
// are small, and a slice is cheaper than a map when asked a thousand times
// per item.
const maxDenseID = 1 << 16

// index returns the index in c.ids of route id, -1 for none.
func (c *compiledRules) index(id int64) int {
	if id >= 0 && id < int64(len(c.byID)) {
		return int(c.byID[id])
	}
	if i, ok := c.idx[id]; ok {
		return i
	}
	return -1
}

// ruleCache keeps the compiled rules of recent route lists (see
// compileRules).
var ruleCache struct {
	sync.Mutex
	m map[uint64]*compiledRules
}

// ruleCacheSize bounds ruleCache: a route list per set of subscribing
// guilds, which the global feeds share.
const ruleCacheSize = 64

// compileRules returns the compiled queries of routes, from the cache
// when the same routes had the same queries before. names, called only
// when compiling, returns the tokens of the watches' names and aliases
// (see sinkNames).
func compileRules(routes []newswatch.Route, names func() (map[string]bool, error)) *compiledRules {
	h := fnv.New64a()
	var ids []int64
	var queries []string
	var buf []byte
	for _, r := range routes {
		if r.Query == "" {
			continue
		}
		ids, queries = append(ids, r.ID), append(queries, r.Query)
		buf = strconv.AppendInt(buf[:0], r.ID, 10)
		buf = append(append(buf, 0), r.Query...)
		h.Write(append(buf, 0))
	}
	key := h.Sum64()
	ruleCache.Lock()
	c := ruleCache.m[key]
	ruleCache.Unlock()
	if c != nil && slices.Equal(c.ids, ids) && slices.Equal(c.queries, queries) {
		return c
	}
	c = &compiledRules{ids: ids, queries: queries, idx: map[int64]int{}, broken: make([]bool, len(ids))}
	exprs := make([]*query.Expr, len(ids))
	var toks map[string]bool
	if len(ids) > 0 {
		toks, _ = names() // a speed-up only: without it nothing moves
	}
	for i, q := range queries {
		if id := ids[i]; id >= 0 && id <= maxDenseID {
			for int64(len(c.byID)) <= id {
				c.byID = append(c.byID, -1)
			}
			c.byID[id] = int32(i)
		} else {
			c.idx[id] = i
		}
		e, err := query.Parse(q)
		if err != nil {
			c.broken[i] = true
			continue
		}
		sinkNames(e, toks)
		exprs[i] = e
	}
	c.set = query.NewSet(exprs)
	ruleCache.Lock()
	if ruleCache.m == nil || len(ruleCache.m) >= ruleCacheSize {
		ruleCache.m = make(map[uint64]*compiledRules)
	}
	ruleCache.m[key] = c
	ruleCache.Unlock()
	return c
}

// capAdmit applies r's cap to an item mentioning the watches cand (those
// that count for r). If one of them is under the cap this hour, the item
// alerts on its own and counts against each of them. Otherwise it joins
// the summary of the first of them (see capGrace for how summaries work).
func (s *saver) capAdmit(r *newswatch.Route, itemID, revision int64, cand []int64) (bool, error) {
	hour := s.now.UTC().Truncate(time.Hour)
	h, err := s.capHour(r.ID, ms(hour))
	if err != nil {
		return false, err
	}
	under := slices.ContainsFunc(cand, func(w int64) bool { return h.alerts[w] < r.CapPerHour })
	if under {
		for _, w := range cand {
			if _, err := s.tx.ExecContext(s.ctx, `INSERT INTO route_caps (route_id, watch_id, hour, alerts) VALUES (?, ?, ?, 1)
				ON CONFLICT DO UPDATE SET alerts = alerts + 1`, r.ID, w, ms(hour)); err != nil {
				return false, err
			}
			h.alerts[w]++
		}
		return true, nil
	}
	w := cand[0]
	if id := h.summary[w]; id != 0 {
		// Only the first items are listed: a flood must not rewrite an
		// ever longer list.
		_, err := s.tx.ExecContext(s.ctx, `UPDATE route_caps SET held_count = held_count + 1,
			held = CASE WHEN json_array_length(held) < ? THEN json_insert(held, '$[#]', ?) ELSE held END
			WHERE route_id = ? AND watch_id = ? AND hour = ?`, newswatch.MaxHeldShown, itemID, r.ID, w, ms(hour))
		return false, err
	}
	id, err := s.newOutID() // not SQLite's choice: a queued row may have it
	if err != nil {
		return false, err
	}
	res, err := s.tx.ExecContext(s.ctx, `INSERT INTO outbox (id, kind, item_id, route_id, revision, nonce, created_at, not_before)
		VALUES (?, 'mention', ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		id, itemID, r.ID, revision, nonce("cap", itemID, r.ID, ms(hour)), ms(s.now), ms(hour.Add(time.Hour+capGrace)))
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err // the item already has its alert in r at this revision
	}
	s.queuedKey(itemID, r.ID, revision, id)
	if _, err := s.tx.ExecContext(s.ctx, `INSERT INTO route_caps (route_id, watch_id, hour, held_count, held, summary_id)
		VALUES (?1, ?2, ?3, 1, json_array(?4), ?5)
		ON CONFLICT DO UPDATE SET held_count = 1, held = json_array(?4), summary_id = ?5`, r.ID, w, ms(hour), itemID, id); err != nil {
		return false, err
	}
	h.summary[w] = id
	s.res.Alerts++
	return false, nil
}

// capHour loads route routeID's cap state for hour (ms), once per save.
// The first load of a save also drops the state of hours over two days
// old whose summary is gone or sent.
func (s *saver) capHour(routeID, hour int64) (*capHour, error) {
	rs := &s.rules
	if h := rs.caps[routeID]; h != nil {
		return h, nil
	}
	if !rs.pruned {
		rs.pruned = true
		if _, err := s.tx.ExecContext(s.ctx, `DELETE FROM route_caps WHERE hour < ? AND NOT EXISTS
			(SELECT 1 FROM outbox o WHERE o.id = route_caps.summary_id AND o.sent_at IS NULL)`, hour-2*24*3600*1000); err != nil {
			return nil, err
		}
	}
	h := &capHour{alerts: map[int64]int{}, summary: map[int64]int64{}}
	rows, err := s.tx.QueryContext(s.ctx, `SELECT watch_id, alerts, coalesce(summary_id, 0) FROM route_caps
		WHERE route_id = ? AND hour = ?`, routeID, hour)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var w, summary int64
		var n int
		if err := rows.Scan(&w, &n, &summary); err != nil {
			return nil, err
		}
		h.alerts[w], h.summary[w] = n, summary
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if rs.caps == nil {
		rs.caps = map[int64]*capHour{}
	}
	rs.caps[routeID] = h
	return h, nil
}

// fillHeld sets a.Held when alert a is a cap summary.
func fillHeld(ctx context.Context, q querier, a *newswatch.Alert) error {
	var name, held string
	var hour int64
	var count int
	err := q.QueryRowContext(ctx, `SELECT w.name, c.hour, c.held_count, c.held FROM route_caps c JOIN watches w ON w.id = c.watch_id
		WHERE c.summary_id = ?`, a.ID).Scan(&name, &hour, &count, &held)
	if errNoRows(err) {
		return nil
	}
	if err != nil {
		return err
	}
	var ids []int64
	if err := json.Unmarshal([]byte(held), &ids); err != nil {
		return err
	}
	h := &newswatch.HeldAlerts{Watch: name, Hour: fromMS(hour), Count: max(count, len(ids))}
	for _, id := range ids[:min(len(ids), newswatch.MaxHeldShown)] {
		it, err := itemByID(ctx, q, id)
		if newswatch.ErrorCode(err) == newswatch.ENOTFOUND {
			continue // pruned meanwhile
		}
		if err != nil {
			return err
		}
		h.Items = append(h.Items, it)
	}
	a.Held = h
	return nil
}

// sinkNames moves, in every AND of e, the operands made only of watch names
// (their tokens in names) after the others. It changes no match. A
// query.Set looks at a query only when an item has one of the terms of the
// first cheapest operand of each AND (see query's Set.need), and every
// item that reaches a rule mentions a watch: "(Kramatorsk OR Sloviansk)
// (shelling OR strike)" is then looked at for items with shelling or
// strike, not for all items about Kramatorsk.
func sinkNames(e *query.Expr, names map[string]bool) {
	if e == nil || len(names) == 0 {
		return
	}
	for _, k := range e.Kids {
		sinkNames(k, names)
	}
	if e.Op == query.OpAnd {
		slices.SortStableFunc(e.Kids, func(a, b *query.Expr) int {
			return boolInt(onlyNames(a, names)) - boolInt(onlyNames(b, names))
		})
	}
}

// onlyNames reports whether every term of e is a watch name.
func onlyNames(e *query.Expr, names map[string]bool) bool {
	if e.Op == query.OpTerm {
		for _, t := range e.Tokens {
			if !names[t] {
				return false
			}
		}
		return !e.Prefix
	}
	for _, k := range e.Kids {
		if !onlyNames(k, names) {
			return false
		}
	}
	return true
}

// watchTokens returns the query tokens of every watch's name and aliases.
func watchTokens(ctx context.Context, q querier) (map[string]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT name, aliases FROM watches`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var name, aliases string
		if err := rows.Scan(&name, &aliases); err != nil {
			return nil, err
		}
		var as []string
		_ = json.Unmarshal([]byte(aliases), &as) // written from a []string
		for _, n := range append(as, name) {
			for _, t := range query.Tokens(n) {
				out[t] = true
			}
		}
	}
	return out, rows.Err()
}
