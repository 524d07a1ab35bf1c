package stories

import (
	"slices"
	"time"
	"unsafe"

	"github.com/newswatch/newswatch"
)

// DefaultWindow is how far apart in time two near-duplicate texts may be
// and still be one story.
const DefaultWindow = 72 * time.Hour

// Line is where near-duplicate texts become one story; see doc.go.
type Line struct {
	Containment float64 // C = |A∩B|/min(|A|,|B|) at or above which two texts are one story
	MinShared   int     // shingles the two must share at least
}

// DefaultLine is the line tuned on the development set (testdata): there,
// copies have C ≥ 0.33 and share ≥ 23 shingles, independent texts C ≤ 0.23.
var DefaultLine = Line{Containment: 0.27, MinShared: 12}

// maxPosting caps a posting list: a shingle shared by that many items in
// one window is a stock phrase or boilerplate nobody removed, and comparing
// with all of them would cost more than it finds.
const maxPosting = 64

// Postings. posts maps a sampled shingle to the entry that carries it
// (the oldest, if several), by the low 31 bits of its seq, with postMore
// set when others carry it too; more gives the list of those others,
// oldest first, in lists. Most shingles are carried by one item in a
// window: an 8-byte slot and no list. A window holds far fewer than 2^31
// entries, so the low bits and the window's base give back the seq
// (seqOf).
const (
	postMore = 1 << 31
	postMask = postMore - 1
)

// storyRef is a story as the index knows it; id is 0 until the story is
// stored.
type storyRef struct{ id int64 }

// entry is one item in the window: only what deciding reads (its item
// and feed are not).
type entry struct {
	seq   uint64
	ts    int64    // unix ms
	set   []uint32 // sorted distinct shingle hashes
	canon string
	story *storyRef
}

// Doc is what the index needs of an item.
type Doc struct {
	ItemID int64
	FeedID int64
	Title  string
	Text   string
	Link   string
	Time   time.Time

	canon    string // CanonicalURL(Link), when hasCanon
	hasCanon bool
	pre      *prepared // computed ahead (PrepareStory), or nil
}

// Index holds the items of the last window with their signatures, the
// canonical URLs they carry and each feed's recent boilerplate. It is not
// safe for concurrent use; Assigner serialises it.
type Index struct {
	window time.Duration
	line   Line

	entries []*entry // in insertion order, about time order
	earr    []*entry // the whole array entries is in (see push)
	base    uint64   // seq of entries[0]
	next    uint64
	posts   postTable         // sampled shingle -> first entry (see postMore)
	more    map[uint32]uint32 // sampled shingle -> its later entries' list in lists
	lists   postLists
	urls    map[string]*entry
	feeds   map[int64]*feedHist
	newest  int64 // the newest item time seen, unix ms

	// scratch, reused between items
	words []uint64
	sents []sentence
	keys  []uint32
	sh    shingler
	count map[uint64]int
	split map[int64][]sentence // bodies cut by note, waiting for prepare
	chunk []entry              // entries newEntry has yet to hand out
	dec   decideScratch
	refs  []*storyRef // the stories decide returns, until they are applied
}

// NewIndex returns an empty index with the given window (0: DefaultWindow)
// and line.
func NewIndex(window time.Duration, line Line) *Index {
	if window <= 0 {
		window = DefaultWindow
	}
	return &Index{window: window, line: line, more: make(map[uint32]uint32), count: make(map[uint64]int), split: make(map[int64][]sentence),
		urls: make(map[string]*entry, 1024), feeds: make(map[int64]*feedHist)}
}

// Len returns the number of items in the window.
func (x *Index) Len() int { return len(x.entries) }

// decision is what assign found for an item.
type decision struct {
	story *storyRef // nil: a new story
	how   string
	score float64 // C of the best text match
	canon string
}

// assign decides the story of d (joining a story in the window by URL, then
// by text) and adds d to the index under it; a new story gets a fresh
// storyRef. byURL, if not nil, is asked for stories out of the window with
// the same canonical URL.
func (x *Index) assign(d Doc, byURL func(canon string) *storyRef) decision {
	x.note(d)
	e := x.prepare(d)
	dec := decision{canon: e.canon, how: newswatch.StoryNew}
	if e.canon != "" {
		if o, ok := x.urls[e.canon]; ok {
			dec.story, dec.how = o.story, newswatch.StoryURL
		} else if byURL != nil {
			if s := byURL(e.canon); s != nil {
				dec.story, dec.how = s, newswatch.StoryURL
			}
		}
	}
	keys := x.sample(e)
	if dec.story == nil && len(e.set) > 0 {
		if o, j := x.best(e, keys); o != nil {
			dec.story, dec.how, dec.score = o.story, newswatch.StoryText, j
		}
	}
	if dec.story == nil {
		dec.story = &storyRef{}
	}
	e.story = dec.story
	x.insert(e, keys)
	return dec
}

// add puts an item whose story is already known into the index.
func (x *Index) add(d Doc, s *storyRef) {
	x.note(d)
	e := x.prepare(d)
	e.story = s
	x.insert(e, x.sample(e))
}

// prepare computes an entry's canonical URL and signature, leaving out
// its feed's boilerplate.
func (x *Index) prepare(d Doc) *entry {
	if d.pre != nil {
		d.canon, d.hasCanon = d.pre.canon, true
	}
	if !d.hasCanon {
		d.canon = newswatch.CanonicalURL(d.Link)
	}
	e := x.newEntry()
	*e = entry{ts: d.Time.UnixMilli(), canon: d.canon}
	h := x.feeds[d.FeedID]
	if p := d.pre; p != nil {
		delete(x.split, d.ItemID)
		if !hasBoilerplate(p.sents, h) {
			e.set = p.set
			return e
		}
		x.sh.reset()
		shingleBody(&x.sh, p.sents, h)
		x.sh.add(p.title)
		e.set = x.sh.finish()
		return e
	}
	body := x.sentences(d)
	x.sh.reset()
	shingleBody(&x.sh, body, h)
	// The title is its own stream: a new headline changes only its own
	// shingles.
	var tw []uint64
	tw, _ = splitSentences(d.Title, x.words[len(x.words):], nil)
	x.sh.add(tw)
	e.set = x.sh.finish()
	return e
}

// entryChunk is how many entries newEntry allocates at once: as many as
// fill 8 KB, a size the allocator has a class for.
const entryChunk = 8192 / int(unsafe.Sizeof(entry{}))

// newEntry returns a zero entry. Entries are allocated by the chunk, one
// allocation for every entryChunk items: the window forgets them in the
// order it takes them, so a chunk outlives its last entry by little.
func (x *Index) newEntry() *entry {
	if len(x.chunk) == 0 {
		x.chunk = make([]entry, entryChunk)
	}
	e := &x.chunk[0]
	x.chunk = x.chunk[1:]
	return e
}

// isEdge reports whether sentence i of n is where boilerplate sits.
func isEdge(i, n int) bool { return i < edgeSentences || i >= n-edgeSentences }

// best returns the item in the window that shares the most of e's text,
// if it is on the same-story side of the line, with its C. Candidates are
// the items sharing a sampled shingle with e; each is verified exactly.
func (x *Index) best(e *entry, keys []uint32) (*entry, float64) {
	clear(x.count)
	for _, h := range keys {
		v, ok := x.posts.get(h)
		if !ok {
			continue
		}
		if seq, ok := x.seqOf(v); ok {
			x.count[seq]++
		}
		if v&postMore == 0 {
			continue
		}
		for _, lo := range x.lists.list(x.more[h]) {
			if seq, ok := x.seqOf(lo); ok {
				x.count[seq]++
			}
		}
	}
	var best *entry
	bestC := 0.0
	win := x.window.Milliseconds()
	for seq := range x.count {
		o := x.entries[seq-x.base]
		if d := o.ts - e.ts; d > win || -d > win {
			continue
		}
		inter := intersect(e.set, o.set)
		c := float64(inter) / float64(min(len(e.set), len(o.set)))
		if inter < x.line.MinShared || c < x.line.Containment {
			continue
		}
		if best == nil || c > bestC || c == bestC && o.seq < best.seq {
			best, bestC = o, c
		}
	}
	return best, bestC
}

// sample returns the sampled shingles of e (in scratch space) and starts
// loading their postings' slots: the loads of a tight loop overlap, where
// those of the look-up loops wait on each other's branches.
func (x *Index) sample(e *entry) []uint32 {
	x.keys = sampleSet(x.keys, e.set)
	x.posts.touch(x.keys)
	return x.keys
}

// sampleSet returns the sampled hashes of set in buf. It writes every hash
// and advances past the sampled ones only: a branch on a hash's sample bits
// would be mispredicted once in four.
func sampleSet(buf, set []uint32) []uint32 {
	buf = slices.Grow(buf[:0], len(set))[:len(set)]
	n := 0
	for _, h := range set {
		buf[n] = h
		n += int(((h>>7)%sampleMod - 1) >> 31) // 1 when sampled(h)
	}
	return buf[:n]
}

// insert adds e, whose sampled shingles are keys, to the window.
func (x *Index) insert(e *entry, keys []uint32) {
	x.newest = max(x.newest, e.ts)
	e.seq = x.next
	x.next++
	if len(x.entries) == 0 {
		x.base = e.seq
	}
	x.push(e)
	if e.canon != "" {
		x.urls[e.canon] = e
	}
	lo := uint32(e.seq) & postMask
	for _, h := range keys {
		v, ok := x.posts.ref(h)
		if !ok {
			*v = lo
			continue
		}
		off, ok := x.more[h]
		switch {
		case !ok:
			x.more[h] = x.lists.start(lo)
		case len(x.lists.list(off)) < maxPosting-1:
			if nw := x.lists.push(off, lo); nw != off {
				x.more[h] = nw
			}
		default:
			continue
		}
		*v |= postMore
	}
}

// push appends e to entries. Pruning leaves dead slots before entries in
// its array; when entries fills the array and those are a quarter of it or
// more, the live ones move back to its start instead of the whole moving to
// a new array, so that a window that is full does not allocate.
func (x *Index) push(e *entry) {
	if n := len(x.entries); n == cap(x.entries) {
		if dead := cap(x.earr) - n; dead > 0 && dead >= cap(x.earr)/4 {
			copy(x.earr, x.entries)
			clear(x.earr[n:]) // the moved entries' old slots
			x.entries = x.earr[:n]
		} else {
			x.entries = slices.Grow(x.entries, 1)
			x.earr = x.entries[:cap(x.entries)]
		}
	}
	x.entries = append(x.entries, e)
}

// note records d's edge sentences in its feed's history; prepare leaves out
// those the feed's recent items (d included) carry at least boilerMin times.
// Call it for every item of a batch before deciding any of them.
func (x *Index) note(d Doc) {
	h := x.feeds[d.FeedID]
	if h == nil {
		h = new(feedHist)
		x.feeds[d.FeedID] = h
	}
	if h.has(d.ItemID) {
		return
	}
	if _, ok := x.split[d.ItemID]; ok && d.ItemID != 0 {
		// Noted with its batch and waiting for prepare; a feed's batch
		// longer than its history has pushed it out of the ring, and
		// noting it again would count its sentences twice.
		return
	}
	if d.pre != nil {
		h.note(d.ItemID, d.pre.sents, d.Time.UnixMilli())
		if d.ItemID != 0 {
			x.split[d.ItemID] = nil // noted: see above
		}
		return
	}
	_, sents := splitSentences(d.Text, make([]uint64, 0, len(d.Text)/6+8), nil)
	h.note(d.ItemID, sents, d.Time.UnixMilli())
	if d.ItemID != 0 {
		x.split[d.ItemID] = sents // for prepare, which comes next
	}
}

// sentences returns d's body cut into sentences: noted ones from note,
// others cut now into the index's scratch space.
func (x *Index) sentences(d Doc) []sentence {
	if s, ok := x.split[d.ItemID]; ok && d.ItemID != 0 {
		delete(x.split, d.ItemID)
		return s
	}
	x.words, x.sents = x.words[:0], x.sents[:0]
	x.words, x.sents = splitSentences(d.Text, x.words, x.sents)
	return x.sents
}

// Newest returns the time of the newest item the index has seen.
func (x *Index) Newest() time.Time {
	if x.newest == 0 {
		return time.Time{}
	}
	return time.UnixMilli(x.newest).UTC()
}

// Prune forgets the items older than before and the boilerplate of feeds
// that have been silent since.
func (x *Index) Prune(before time.Time) {
	lim := before.UnixMilli()
	n := 0
	for n < len(x.entries) && x.entries[n].ts < lim {
		e := x.entries[n]
		x.remove(e)
		*e = entry{} // its chunk may live on: let go of its set
		n++
	}
	if n == 0 {
		return
	}
	clear(x.entries[:n])
	x.entries = x.entries[n:]
	x.base += uint64(n)
	if len(x.entries) == 0 {
		x.base = x.next
	}
	for id, h := range x.feeds {
		if h.last < lim {
			delete(x.feeds, id)
		}
	}
}

func (x *Index) remove(e *entry) {
	if e.canon != "" && x.urls[e.canon] == e {
		delete(x.urls, e.canon)
	}
	x.keys = sampleSet(x.keys, e.set)
	for _, h := range x.keys {
		x.unpost(h, uint32(e.seq)&postMask)
	}
}

// seqOf returns the seq of the window entry whose seq has low bits v
// (postMore ignored), if it is in the window.
func (x *Index) seqOf(v uint32) (uint64, bool) {
	off := (v - uint32(x.base)) & postMask
	if int(off) >= len(x.entries) {
		return 0, false
	}
	return x.base + uint64(off), true
}

// unpost removes the entry with low seq bits lo from shingle h's postings.
func (x *Index) unpost(h, lo uint32) {
	v, ok := x.posts.get(h)
	if !ok {
		return
	}
	if v&postMore == 0 {
		if v&postMask == lo {
			x.posts.del(h)
		}
		return
	}
	off := x.more[h]
	l := x.lists.list(off)
	i := 0
	if v&postMask == lo {
		v = l[0] | postMore // the next carrier is first now
	} else if i = slices.Index(l, lo); i < 0 {
		return
	}
	if x.lists.removeAt(off, i) == 0 {
		delete(x.more, h)
		v &= postMask
	}
	x.posts.set(h, v)
}
