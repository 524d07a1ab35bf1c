package stories

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/newswatch/newswatch"
)

// Store is what the Assigner needs of the store; *store.DB has it.
type Store interface {
	// UnassignedItems returns the id of each of keys of feedID whose item
	// has no story yet.
	UnassignedItems(ctx context.Context, feedID int64, keys []string) (map[string]int64, error)
	// StoriesByURL returns the story of each canonical URL that has one.
	StoriesByURL(ctx context.Context, canon []string) (map[string]int64, error)
	// ScanStoryCandidates calls fn with the items whose Time is at or after
	// since, assigned or not, in pages in (time, id) order.
	ScanStoryCandidates(ctx context.Context, since time.Time, fn func([]newswatch.StoryCandidate) error) error
	// NewestItemTime returns the time of the newest stored item (zero when
	// there is none).
	NewestItemTime(ctx context.Context) (time.Time, error)
	// OldestUnassigned returns the time of the oldest item without a story.
	OldestUnassigned(ctx context.Context) (t time.Time, ok bool, err error)
	// SaveStoryItems records the assignments in one transaction and returns
	// the story of each.
	SaveStoryItems(ctx context.Context, as []newswatch.StoryAssignment) ([]int64, error)
}

// Assigner gives each newly stored item its story. It keeps one Index of
// the window, built from the store on first use, and serialises every
// decision and its write so that two feeds saved at once cannot both start
// the same story.
type Assigner struct {
	st     Store
	window time.Duration
	line   Line
	now    func() time.Time

	mu     sync.Mutex
	x      *Index                     // nil until loaded, and after a failed write
	sorted []newswatch.StoryCandidate // DecideStories' batch in time order, when it is not already
	stale  atomic.Bool                // a save went by without deciding: reload
	loads  atomic.Int64
}

// NewAssigner returns an Assigner over st with the given window (0:
// DefaultWindow) and DefaultLine.
func NewAssigner(st Store, window time.Duration) *Assigner {
	if window <= 0 {
		window = DefaultWindow
	}
	return &Assigner{st: st, window: window, line: DefaultLine, now: time.Now}
}

// Result counts what Assign or Backfill did.
type Result struct {
	New    int // items that started a story
	ByURL  int // items that joined a story by canonical URL
	ByText int // items that joined a story as near-duplicate text
	Known  int // items (read by a backfill) that already had a story
}

func (r *Result) add(how string) {
	switch how {
	case newswatch.StoryURL:
		r.ByURL++
	case newswatch.StoryText:
		r.ByText++
	default:
		r.New++
	}
}

// Assign gives a story to each of items (just saved in feedID, with their
// keys set) that has none yet: the new ones; an updated item keeps its
// story. The texts come from items, so the store is only asked for ids.
// Call it after SaveItems with the batch it saved.
func (a *Assigner) Assign(ctx context.Context, feedID int64, items []newswatch.Item) (Result, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var res Result
	if a.x == nil {
		// Loading assigns every item without a story, these included.
		r, err := a.load(ctx)
		if err != nil {
			return Result{}, err
		}
		res = r
		res.Known = 0
	}
	keys := make([]string, len(items))
	for i := range items {
		keys[i] = items[i].Key
	}
	ids, err := a.st.UnassignedItems(ctx, feedID, keys)
	if err != nil || len(ids) == 0 {
		return res, err
	}
	cands := make([]newswatch.StoryCandidate, 0, len(ids))
	for i := range items {
		it := &items[i]
		id, ok := ids[it.Key]
		if !ok {
			continue
		}
		delete(ids, it.Key) // a key twice in a batch is one item
		cands = append(cands, newswatch.StoryCandidate{ItemID: id, FeedID: feedID, Key: it.Key, Title: it.Title,
			Text: it.Text, Link: it.Link, Time: it.Time()})
	}
	slices.SortStableFunc(cands, byTime)
	a.x.Prune(a.horizon(a.x))
	if err := a.process(ctx, a.x, cands, false, &res); err != nil {
		a.x = nil // the index has items the store does not: rebuild
		return res, err
	}
	return res, nil
}

// Load builds the index from the store: the items of the last window, and
// assigns a story to every item without one (reaching back as far as the
// oldest of them). Assign loads on first use; call Load at start to pay
// that cost before the first poll.
func (a *Assigner) Load(ctx context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	_, err := a.load(ctx)
	return err
}

// horizon is the time before which x forgets items: a window before the
// newest item it has seen, or before now if that is earlier (an item dated
// in the future must not empty the window). Pruning by the newest item
// rather than the clock keeps the window of an import of old articles.
func (a *Assigner) horizon(x *Index) time.Time {
	return minTime(x.Newest(), a.now()).Add(-a.window)
}

func minTime(a, b time.Time) time.Time {
	if a.IsZero() || b.Before(a) {
		return b
	}
	return a
}

func (a *Assigner) load(ctx context.Context) (Result, error) {
	a.loads.Add(1)
	now := a.now()
	newest, err := a.st.NewestItemTime(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("stories: load: %w", err)
	}
	since := minTime(newest, now).Add(-a.window)
	old, ok, err := a.st.OldestUnassigned(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("stories: load: %w", err)
	}
	if ok && old.Before(since) {
		since = old.Add(-a.window)
	}
	x, res, err := a.pass(ctx, since, nil)
	if err != nil {
		return res, fmt.Errorf("stories: load: %w", err)
	}
	x.Prune(a.horizon(x))
	a.x = x
	return res, nil
}

// Backfill reads every stored item in time order and gives a story to each
// that has none, as if they had arrived in that order; the index it builds
// becomes the live one. progress, if not nil, is called after each page.
func (a *Assigner) Backfill(ctx context.Context, progress func(Result)) (Result, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	x, res, err := a.pass(ctx, time.Time{}, progress)
	if err != nil {
		a.x = nil
		return res, fmt.Errorf("stories: backfill: %w", err)
	}
	x.Prune(a.horizon(x))
	a.x = x
	return res, nil
}

// pass streams the items from since into a fresh index, assigning the
// unassigned ones.
func (a *Assigner) pass(ctx context.Context, since time.Time, progress func(Result)) (*Index, Result, error) {
	x := NewIndex(a.window, a.line)
	refs := make(map[int64]*storyRef)
	var res Result
	err := a.st.ScanStoryCandidates(ctx, since, func(page []newswatch.StoryCandidate) error {
		var todo []newswatch.StoryCandidate
		for _, c := range page {
			x.note(doc(c))
		}
		for _, c := range page {
			if c.StoryID == 0 {
				todo = append(todo, c)
				continue
			}
			// Items already assigned go in as they are; unassigned ones
			// before them in the page are decided first, in order.
			if err := a.process(ctx, x, todo, true, &res); err != nil {
				return err
			}
			todo = todo[:0]
			x.Prune(c.Time.Add(-a.window))
			r := refs[c.StoryID]
			if r == nil {
				r = &storyRef{id: c.StoryID}
				refs[c.StoryID] = r
			}
			x.add(doc(c), r)
			res.Known++
		}
		if err := a.process(ctx, x, todo, true, &res); err != nil {
			return err
		}
		if progress != nil {
			progress(res)
		}
		return nil
	})
	return x, res, err
}

// byTime orders candidates by time.
func byTime(a, b newswatch.StoryCandidate) int { return a.Time.Compare(b.Time) }

func doc(c newswatch.StoryCandidate) Doc {
	pre, _ := c.Prepared.(*prepared)
	return Doc{ItemID: c.ItemID, FeedID: c.FeedID, Title: c.Title, Text: c.Text, Link: c.Link, Time: c.Time, pre: pre}
}

// process decides and records the stories of unassigned items, in order.
// stream prunes the index by each item's time (a backfill); otherwise the
// caller pruned it by the clock.
func (a *Assigner) process(ctx context.Context, x *Index, cands []newswatch.StoryCandidate, stream bool, res *Result) error {
	if len(cands) == 0 {
		return nil
	}
	as, refs, err := a.decide(x, cands, stream, func(u []string) (map[string]int64, error) { return a.st.StoriesByURL(ctx, u) })
	if err != nil {
		return err
	}
	ids, err := a.st.SaveStoryItems(ctx, as)
	if err != nil {
		return err
	}
	apply(refs, ids)
	for i := range as {
		res.add(as[i].How)
	}
	return nil
}

// apply gives the new stories of a decided batch the ids the store gave
// them.
func apply(refs []*storyRef, ids []int64) {
	for i, r := range refs {
		if r.id == 0 {
			r.id = ids[i]
		}
	}
}

// decide decides the stories of cands, in order, adding them to x, and
// returns their assignments and story references (whose id is 0 for a
// story still to be stored). byURL asks the store for stories out of the
// window by canonical URL. The references are x's scratch space: they are
// valid until x decides again, which the caller's lock on x prevents until
// it has applied them.
func (a *Assigner) decide(x *Index, cands []newswatch.StoryCandidate, stream bool,
	byURL func([]string) (map[string]int64, error)) ([]newswatch.StoryAssignment, []*storyRef, error) {
	sc := &x.dec
	defer sc.reset()
	if sc.first == nil {
		sc.first = make(map[*storyRef]int)
	}
	// Canonical URLs not in the window may belong to an older story.
	canon := slices.Grow(sc.canon[:0], len(cands))[:len(cands)]
	sc.canon = canon
	ask := sc.ask[:0]
	for i, c := range cands {
		u := ""
		if p, ok := c.Prepared.(*prepared); ok {
			u = p.canon
		} else {
			u = newswatch.CanonicalURL(c.Link)
		}
		canon[i] = u
		if u != "" {
			if _, ok := x.urls[u]; !ok {
				ask = append(ask, u)
			}
		}
	}
	sc.ask = ask
	old := map[string]*storyRef{}
	if len(ask) > 0 {
		ids, err := byURL(ask)
		if err != nil {
			return nil, nil, err
		}
		for u, id := range ids {
			old[u] = &storyRef{id: id}
		}
	}
	lookup := func(u string) *storyRef { return old[u] }
	for _, c := range cands {
		x.note(doc(c))
	}
	as := make([]newswatch.StoryAssignment, len(cands))
	refs := slices.Grow(x.refs[:0], len(cands))[:len(cands)]
	x.refs = refs
	first := sc.first // new story -> its first item in cands
	for i, c := range cands {
		if stream {
			x.Prune(c.Time.Add(-a.window))
		}
		dc := doc(c)
		dc.canon, dc.hasCanon = canon[i], true
		d := x.assign(dc, lookup)
		refs[i] = d.story
		as[i] = newswatch.StoryAssignment{ItemID: c.ItemID, FeedID: c.FeedID, Title: c.Title, Time: c.Time,
			CanonURL: d.canon, How: d.how, StoryID: d.story.id, Join: -1}
		if d.story.id == 0 {
			if k, ok := first[d.story]; ok {
				as[i].Join = k
			} else {
				first[d.story] = i
			}
		}
	}
	return as, refs, nil
}

// decideScratch is the space decide reuses between batches (each Index has
// one: an Index is used under one lock).
type decideScratch struct {
	canon []string          // the canonical URL of each candidate
	ask   []string          // those not in the window
	first map[*storyRef]int // a story new in the batch -> its first item
}

// reset forgets a batch's URLs and stories.
func (sc *decideScratch) reset() {
	clear(sc.canon)
	clear(sc.ask)
	clear(sc.first)
}

// DecideStories decides the stories of new items inside the store's save
// transaction (store.StoryDecider): the save writes them with the items, so
// no item is stored without its story and no second transaction is paid.
//
// The Assigner stays locked from the decision until the assignments are
// written (still inside the transaction, which holds the store's one
// writer, so the next save cannot decide before them); if the transaction
// then does not commit, the index, which has items the store does not, is
// dropped and rebuilt. The lock is only tried: Assign, Load and Backfill
// hold it while they wait for the writer, which this save holds, so
// waiting here could deadlock. A save that finds the lock held, or the
// index not yet loaded, decides nothing; the index is then loaded after
// the transaction, and loading assigns every item still without a story.
func (a *Assigner) DecideStories(ctx context.Context, cands []newswatch.StoryCandidate,
	byURL func([]string) (map[string]int64, error)) ([]newswatch.StoryAssignment, func([]int64), func(bool), error) {
	if !a.mu.TryLock() {
		a.stale.Store(true)
		return nil, nil, nil, nil
	}
	if a.stale.Swap(false) {
		a.x = nil // items were saved past this index
	}
	if a.x == nil {
		a.mu.Unlock()
		return nil, nil, func(committed bool) {
			if !committed {
				return
			}
			a.mu.Lock()
			defer a.mu.Unlock()
			if a.x == nil {
				a.load(context.WithoutCancel(ctx)) // an error leaves x nil: the next save tries again
			}
		}, nil
	}
	// A batch already in time order is decided as it is; another is
	// sorted in a copy (the caller's order is the store's), in a buffer
	// the lock keeps for the decision.
	sorted := cands
	if !slices.IsSortedFunc(cands, byTime) {
		a.sorted = append(a.sorted[:0], cands...)
		sorted = a.sorted
		slices.SortStableFunc(sorted, byTime)
	}
	a.x.Prune(a.horizon(a.x))
	as, refs, err := a.decide(a.x, sorted, false, byURL)
	clear(a.sorted) // the candidates' texts are not kept past the decision
	if err != nil {
		a.x = nil
		a.mu.Unlock()
		return nil, nil, nil, err
	}
	written := func(ids []int64) {
		defer a.mu.Unlock()
		if len(ids) != len(refs) {
			a.x = nil
			return
		}
		apply(refs, ids)
	}
	after := func(committed bool) {
		if !committed {
			a.mu.Lock()
			a.x = nil
			a.mu.Unlock()
		}
	}
	return as, written, after, nil
}
