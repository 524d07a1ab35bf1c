package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/newswatch/newswatch"
)

// StoryDecider decides the stories of the items a save stores for the first
// time, inside the save's transaction, so that an item and its story are
// written together (stories.Assigner is one).
type StoryDecider interface {
	// DecideStories returns the assignment of each of cands (the new items
	// of one feed, with their ids), or none to leave them without a story
	// for now. byURL answers StoriesByURL from the transaction. written,
	// if not nil, is called once inside the transaction with the story id
	// of each assignment once they are written (nil: writing failed).
	// after, if not nil, is called once after the transaction ended,
	// telling whether it committed.
	DecideStories(ctx context.Context, cands []newswatch.StoryCandidate,
		byURL func([]string) (map[string]int64, error)) (as []newswatch.StoryAssignment,
		written func(ids []int64), after func(committed bool), err error)
}

// storyHook wraps the decider SetStoryDecider installs, with the story
// inserts prepared for it (nil when preparing failed: inserts are then
// parsed per batch).
type storyHook struct {
	d     StoryDecider
	stmts *storyStmts
}

// SetStoryDecider makes every later SaveItems give its new items their
// story in the same transaction (nil: no story on save).
func (db *DB) SetStoryDecider(d StoryDecider) {
	if d == nil {
		db.stories.Store(nil)
		return
	}
	stmts, _ := prepareStoryStmts(context.Background(), db.w) // optional: a speed-up only
	db.stories.Store(&storyHook{d: d, stmts: stmts})
}

// StoryPreparer is implemented by a StoryDecider that computes part of
// each decision ahead and without its lock (stories.Assigner does: the
// text's signature). DB.PrepareStories calls it ahead of a save (feeds.Ingest
// does, after matching); a save calls it for the new items that arrive
// without it on a goroutine of its own while it writes them. DecideStories
// gets the candidates with Prepared set.
type StoryPreparer interface {
	PrepareStory(c *newswatch.StoryCandidate)
}

// storyPend collects a save's new items for the story decider.
type storyPend struct {
	d     StoryDecider
	stmts *storyStmts
	urls  *urlFilter
	cands []newswatch.StoryCandidate
	slots []rowSlot     // where each of cands waits in the saver's buffers
	n     int           // cands given their item by add
	ready chan struct{} // closed when PrepareStory has seen every cand
	after func(committed bool)

	// Once decided: the assignments, what they write, and the decider's
	// written, until it is called.
	as      []newswatch.StoryAssignment
	sw      storyWrites
	written func(ids []int64)

	storyOf map[int64]int64 // item -> story, once written
	fresh   map[int64]bool  // stories this save started
}

// newStoryPend returns the collector of one save, nil when no decider is
// set.
func (db *DB) newStoryPend() *storyPend {
	h := db.stories.Load()
	if h == nil {
		return nil
	}
	return &storyPend{d: h.d, stmts: h.stmts, urls: &db.urls}
}

// start notes the items the save is about to insert (in the order it will
// add them) and, when the decider prepares, prepares them meanwhile.
func (p *storyPend) start(feedID int64, batch []newswatch.IngestItem, known map[string]stored, tomb map[string]bool) {
	if p == nil {
		return
	}
	items := newItems(batch, known, tomb)
	if len(items) == 0 {
		return
	}
	p.cands = make([]newswatch.StoryCandidate, len(items))
	var todo []int // cands that arrived unprepared
	for i, in := range items {
		it := &in.Item
		p.cands[i] = newswatch.StoryCandidate{FeedID: feedID, Key: it.Key, Title: it.Title, Text: it.Text, Link: it.Link,
			Prepared: in.Story}
		if in.Story == nil {
			todo = append(todo, i)
		}
	}
	pr, ok := p.d.(StoryPreparer)
	if !ok || len(todo) == 0 {
		return
	}
	p.ready = make(chan struct{})
	cands := p.cands
	go func() {
		defer close(p.ready)
		for _, i := range todo {
			pr.PrepareStory(&cands[i])
		}
	}()
}

// PrepareStories computes ahead what the story decider needs of the text
// of each of items that has no Story yet (StoryPreparer), outside any
// transaction: a caller that matches items before saving them
// (feeds.Ingest) calls it there, so that the work is not done while the
// save holds the store's one writer, and the save only looks it up. It
// does nothing when no decider is set or the decider does not prepare.
func (db *DB) PrepareStories(items []newswatch.IngestItem) {
	h := db.stories.Load()
	if h == nil {
		return
	}
	pr, ok := h.d.(StoryPreparer)
	if !ok {
		return
	}
	for i := range items {
		in := &items[i]
		if in.Story != nil {
			continue
		}
		c := newswatch.StoryCandidate{Title: in.Item.Title, Text: in.Item.Text, Link: in.Item.Link}
		pr.PrepareStory(&c)
		in.Story = c.Prepared
	}
}

// newItems returns the items of a batch that saveBatch will insert, in
// order: the first of each key that is neither stored nor tombstoned.
func newItems(items []newswatch.IngestItem, known map[string]stored, tomb map[string]bool) []*newswatch.IngestItem {
	var out []*newswatch.IngestItem
	seen := make(map[string]bool)
	for i := range items {
		k := items[i].Item.Key
		if _, ok := known[k]; ok || tomb[k] || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, &items[i])
	}
	return out
}

// rowSlot is where a new item's rows wait in the saver's buffers (as of
// flush generation gen): the index in items.args of its story_id value
// (canon_key follows), and the range of ments.args holding its mentions'
// rows, from the story_id value of the first (one every insMentions.cols).
type rowSlot struct {
	gen, item, mFrom, mTo int
}

// add notes a newly inserted item and where its rows wait.
func (p *storyPend) add(id, feedID int64, it *newswatch.Item, slot rowSlot) {
	if p == nil {
		return
	}
	p.slots = append(p.slots[:p.n], slot)
	if p.n < len(p.cands) && p.cands[p.n].Key == it.Key && p.cands[p.n].FeedID == feedID {
		p.cands[p.n].ItemID, p.cands[p.n].Time = id, it.Time()
		p.n++
		return
	}
	// Not announced by start: decided without preparing.
	p.wait()
	p.cands = append(p.cands[:p.n], newswatch.StoryCandidate{ItemID: id, FeedID: feedID, Key: it.Key, Title: it.Title,
		Text: it.Text, Link: it.Link, Time: it.Time()})
	p.n++
}

// wait waits for the preparing goroutine, if any.
func (p *storyPend) wait() {
	if p.ready != nil {
		<-p.ready
		p.ready = nil
	}
}

// decide asks the decider for the stories of the save's new items and
// gives each its story id (floors as read with the next item id; zero to
// read them); the item rows still to be written then carry it (patch), and
// finish writes the rest.
func (p *storyPend) decide(ctx context.Context, tx *sql.Tx, floors storyFloors) error {
	if p == nil {
		return nil
	}
	p.wait()
	p.cands, p.slots = p.cands[:p.n], p.slots[:p.n]
	if len(p.cands) == 0 {
		return nil
	}
	if floors.next == 0 {
		if err := p.stmts.stmt(ctx, tx, selStoryFloors).QueryRowContext(ctx).Scan(&floors.next, &floors.reset, &floors.version); err != nil {
			return fmt.Errorf("decide stories: %w", err)
		}
	}
	as, written, after, err := p.d.DecideStories(ctx, p.cands, func(canon []string) (map[string]int64, error) {
		maybe, err := p.urls.mayHave(ctx, tx, floors.version, canon)
		if err != nil {
			return nil, fmt.Errorf("store: stories by url: %w", formatError(err))
		}
		return storiesByURL(ctx, p.stmts.stmt(ctx, tx, selByURL), maybe)
	})
	p.after, p.written = after, written
	if err != nil {
		return fmt.Errorf("decide stories: %w", err)
	}
	if p.sw, err = decidedStories(ctx, tx, p.stmts, as, floors); err != nil {
		return fmt.Errorf("decide stories: %w", err)
	}
	p.as = as
	p.storyOf, p.fresh = make(map[int64]int64, len(as)), make(map[int64]bool)
	keys := make([]int64, 0, len(as))
	for i, a := range as {
		if p.sw.gone[i] {
			continue
		}
		if a.CanonURL != "" {
			keys = append(keys, urlKey(a.CanonURL))
		}
		p.storyOf[a.ItemID] = p.sw.ids[i]
		if a.StoryID == 0 {
			p.fresh[p.sw.ids[i]] = true
		}
	}
	// Added before they are written: if the save then fails, they only
	// make false positives.
	p.urls.add(keys...)
	return nil
}

// patch writes the decided story ids and canonical URL keys into the rows
// of items and ments that are still waiting (flush generation gen), and
// returns the assignments of the items already written, whose rows finish
// updates.
func (p *storyPend) patch(items, ments *rowBuf, gen int) []int {
	if p == nil || len(p.as) == 0 {
		return nil
	}
	at := make(map[int64]int, len(p.cands))
	for i, c := range p.cands {
		at[c.ItemID] = i
	}
	var flushed []int
	for k, a := range p.as {
		i, ok := at[a.ItemID]
		if !ok || p.sw.gone[k] {
			continue
		}
		sl := p.slots[i]
		if sl.gen != gen {
			flushed = append(flushed, k)
			continue
		}
		sid := p.sw.ids[k]
		items.args[sl.item], items.args[sl.item+1] = sid, canonKey(a.CanonURL)
		for j := sl.mFrom; j < sl.mTo; j += insMentions.cols {
			ments.args[j] = sid
		}
	}
	return flushed
}

// finish writes the rest of the decided stories once the save's items are
// in: the story of the items flushed before their story was known, and the
// rows and last_seen of the stories joined (storyWrites.write). An item
// whose joined story is gone (stories --rebuild) is left without one, for
// the next load.
func (p *storyPend) finish(ctx context.Context, tx *sql.Tx, flushed []int) error {
	if p == nil || len(p.as) == 0 {
		p.tell(nil, true)
		return nil
	}
	err := setStoryOf(ctx, tx, p.as, p.sw.ids, flushed)
	if err == nil {
		err = p.sw.write(ctx, tx, p.stmts)
	}
	if err != nil {
		p.storyOf, p.fresh = nil, nil
		p.tell(nil, false)
		return fmt.Errorf("write stories: %w", err)
	}
	p.tell(p.sw.ids, true)
	return nil
}

// tell calls the decider's written once: with the story ids, or nil when
// writing failed.
func (p *storyPend) tell(ids []int64, ok bool) {
	if p == nil || p.written == nil {
		return
	}
	w := p.written
	p.written = nil
	if !ok {
		ids = nil
	}
	w(ids)
}

// done tells the decider how the transaction ended (and, if the save
// failed between deciding and writing, that nothing was written).
func (p *storyPend) done(err error) {
	if p == nil {
		return
	}
	p.tell(nil, false)
	if p.after != nil {
		p.after(err == nil)
	}
}

// CreateEditMessage stores a pending message of kind 'edit' in route r's
// channel: payload (as for AlertMessage) is to replace the body of Discord
// message editOf. It carries no alerts; the deliverer PATCHes the message
// and marks the row sent like a post (MarkAlertMessageSent).
func (db *DB) CreateEditMessage(ctx context.Context, r newswatch.Route, editOf string, payload []byte, now time.Time) (newswatch.AlertMessage, error) {
	if editOf == "" {
		return newswatch.AlertMessage{}, newswatch.Errorf(newswatch.EINVALID, "An edit needs the message it edits.")
	}
	var m newswatch.AlertMessage
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		m, err = createEditMessage(ctx, tx, r, editOf, payload, now)
		return err
	})
	if err != nil {
		return newswatch.AlertMessage{}, fmt.Errorf("store: create edit message: %w", formatError(err))
	}
	return m, nil
}

func createEditMessage(ctx context.Context, tx *sql.Tx, r newswatch.Route, editOf string, payload []byte, now time.Time) (newswatch.AlertMessage, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO messages (route_id, channel_id, payload, created_at, kind, edit_of)
		VALUES (?, ?, ?, ?, 'edit', ?)`, r.ID, r.ChannelID, string(payload), ms64(now), editOf)
	if err != nil {
		return newswatch.AlertMessage{}, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return newswatch.AlertMessage{}, err
	}
	if _, err = tx.ExecContext(ctx, `UPDATE messages SET nonce = ? WHERE id = ?`, newswatch.MessageNonce(id), id); err != nil {
		return newswatch.AlertMessage{}, err
	}
	return newswatch.AlertMessage{ID: id, Route: r, Payload: payload, State: newswatch.MessagePending,
		CreatedAt: fromMS(ms64(now)), EditOf: editOf}, nil
}
