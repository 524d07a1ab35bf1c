package watch

import (
	"cmp"
	"math/bits"
	"slices"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/newswatch/newswatch"
)

// candidate is a verified occurrence of a pattern before overlaps and
// exclusions are resolved.
type candidate struct {
	watch      int32
	rank       int32 // the watch's rank, set by resolve
	exclude    bool
	start, end int
}

// watchMark is resolve's state of one watch; gen tells whether it belongs
// to the current call.
type watchMark struct {
	gen     uint32
	last    int32 // the watch's last kept candidate, or -1
	exclEnd int   // where its exclusions read so far end
}

// matchState is the per-call state of Match.
type matchState struct {
	m      *Matcher
	text   string
	ahead  []token // ahead[0] is the word being tried, then the words after it
	cur    []int32 // trie nodes reached by the words so far
	next   []int32
	cands  []candidate
	runes  []rune  // fuzzyWord's folded word
	fzSeen []int32 // fuzzy forms tried for the word
	del    deletions
	marks  []watchMark // by watch, see resolve
	gen    uint32
	// resolve's marks when there are few candidates, and their watches
	few      [32]watchMark
	fewWatch [32]int32
}

// statePool keeps the buffers of finished Match calls for the next ones.
var statePool = sync.Pool{New: func() any { return new(matchState) }}

// Match returns the mentions of the watches in text, sorted by Start, then
// entity. Offsets index text's bytes. A nil Matcher matches nothing.
func (m *Matcher) Match(text string) []newswatch.Mention {
	if m == nil || len(m.patterns) == 0 {
		return nil
	}
	st := statePool.Get().(*matchState)
	st.m, st.text = m, text
	if len(m.fuzzyForms) > 0 {
		for i := 0; i < len(text); {
			i = st.word(i)
		}
	} else {
		st.scan()
	}
	var ms []newswatch.Mention
	if len(st.cands) > 0 {
		ms = st.resolve()
	}
	st.m, st.text, st.cands = nil, "", st.cands[:0]
	statePool.Put(st)
	return ms
}

// scan reads the text word by word and tries the words that may start a
// name. The common case is read here without a call: a separator, or a
// word of ASCII letters and digits ended by an ASCII separator that starts
// no name; st.word reads the others. A word of at most maxShort bytes is
// read eight bytes at a time and asked of the filter by its short key (see
// shortword.go); a longer one, or one near the end of the text, byte by
// byte, hashing as it goes.
func (st *matchState) scan() {
	text := st.text
	filter, shift := st.m.roots.words, st.m.roots.shift&63
	short, sshift := st.m.shortRoots.words, st.m.shortRoots.shift&63
	for i := 0; i < len(text); {
		b := wordByte[text[i]]
		if b == 0 {
			i++ // an ASCII separator
			continue
		}
		if b != 0xff {
			if i+16 <= len(text) {
				// The word's bytes are ASCII letters and digits up to the
				// first that is not, at n.
				word, lo := asciiWord(load64(text, i))
				var hi uint64
				n := 8
				if stop := ^word & highBits; stop != 0 {
					n = bits.TrailingZeros64(stop) >> 3
					lo &= 1<<(8*n) - 1
				} else {
					word, hi = asciiWord(load64(text, i+8))
					stop := ^word & highBits
					if stop == 0 {
						goto long // more than maxShort bytes
					}
					m := bits.TrailingZeros64(stop) >> 3
					hi &= 1<<(8*m) - 1
					n += m
				}
				if wordByte[text[i+n]] == 0xff {
					i = st.word(i) // an apostrophe or a non-ASCII byte follows
					continue
				}
				// bloom.mayHave, with the filter in registers
				k := mix(shortKey(lo, hi))
				want := uint64(1)<<(k&63) | uint64(1)<<((k>>6)&63)
				if short[k>>sshift]&want == want {
					h := uint64(fnvOffset)
					for _, c := range []byte(text[i : i+n]) {
						h = (h ^ uint64(wordByte[c])) * fnvPrime
					}
					st.runASCII(i, i+n, h)
				}
				i += n + 1 // and the separator after the word
				continue
			}
		long:
			start := i
			h := (fnvOffset ^ uint64(b)) * fnvPrime
			for i++; i < len(text); i++ {
				if b = wordByte[text[i]]; b == 0 || b == 0xff {
					break
				}
				h = (h ^ uint64(b)) * fnvPrime
			}
			// b is 0 after a separator, 0xff before anything else, and
			// the last letter's at the end of the text.
			if b != 0xff {
				// bloom.mayHave, with the filter in registers
				k := mix(nonzero(h))
				want := uint64(1)<<(k&63) | uint64(1)<<((k>>6)&63)
				if filter[k>>shift]&want != want {
					continue
				}
				st.runASCII(start, i, h)
				continue
			}
			i = start // a longer word, read by st.word
		} else if c := text[i]; c == 0xd0 || c == 0xd1 {
			i = st.cyrWord(i)
			continue
		}
		i = st.word(i)
	}
}

// cyrWord reads the word at text[i], which starts with the lead byte of a
// Cyrillic letter, and tries it, as st.word would; it returns where the
// word ends. A word of the letters U+0400–U+045F ended by an ASCII
// separator or the end of the text is read here, two bytes a letter with
// one table look-up (cyrPair); st.word reads any other.
func (st *matchState) cyrWord(i int) int {
	text := st.text
	start := i
	if i+1 >= len(text) {
		return st.word(i)
	}
	r := cyrPair[uint16(text[i])<<8|uint16(text[i+1])]
	if r == 0 {
		return st.word(i)
	}
	capital := text[i] == 0xd0 && text[i+1] < 0xb0 // А–Я and Ѐ–Џ, U+0400–U+042F
	h := (fnvOffset ^ uint64(r)) * fnvPrime
	for i += 2; i+1 < len(text); i += 2 {
		r = cyrPair[uint16(text[i])<<8|uint16(text[i+1])]
		if r == 0 {
			break
		}
		h = (h ^ uint64(r)) * fnvPrime
	}
	if i < len(text) && wordByte[text[i]] != 0 {
		return st.word(start) // not ended by an ASCII separator
	}
	if capital {
		h ^= capitalSalt
	}
	if st.m.roots.mayHave(nonzero(h)) {
		t := token{start: start, end: i, runes: (i - start) / 2, key: h, cyr: true, capital: capital}
		st.run(&t)
	}
	return i
}

// runASCII tries the word text[start:end] of ASCII letters and digits,
// with hash h.
func (st *matchState) runASCII(start, end int, h uint64) {
	t := token{start: start, end: end, runes: end - start, key: h}
	st.run(&t)
}

// word reads the word or separator at text[i], tries the word, and returns
// where it ends.
func (st *matchState) word(i int) int {
	m, text := st.m, st.text
	if c := text[i]; c < utf8.RuneSelf && asciiClass[c] != clWord {
		return i + 1 // a separator, or an apostrophe that starts no word
	} else if c >= utf8.RuneSelf {
		if size := wordStart(text, i); size > 0 {
			return i + size
		}
	}
	var t token
	scanWord(text, i, &t)
	if len(m.fuzzyForms) > 0 && t.runes >= fuzzyMinRunes-1 && t.runes <= m.fuzzyMaxRunes+1 {
		st.fuzzyWord(&t)
	}
	if t.poss != 0 || m.roots.mayHave(nonzero(t.key)) {
		st.run(&t)
	}
	return t.end
}

// run finds the patterns that start at the word t, walking the trie over t
// and the words after it.
func (st *matchState) run(t *token) {
	st.ahead = st.ahead[:0]
	st.next = st.next[:0]
	st.expand(0, t, 0)
	for j := 1; len(st.next) > 0; j++ {
		st.cur, st.next = st.next, st.cur[:0]
		w := st.wordAhead(j)
		if w == nil {
			return
		}
		g, ok := textGap(st.text[st.ahead[j-1].end:w.start])
		if !ok {
			return
		}
		for _, n := range st.cur {
			st.expand(n, w, g)
		}
	}
}

// expand follows the edges from node parent over the text word w (the
// word being tried is first). Nodes with children go to st.next.
func (st *matchState) expand(parent int32, w *token, gap uint64) {
	st.follow(parent, w, w.key, gap, w.end, false)
	if w.poss != 0 {
		st.follow(parent, w, w.poss, gap, w.possEnd, true)
	}
}

func (st *matchState) follow(parent int32, w *token, key, gap uint64, end int, last bool) {
	m := st.m
	var sl *slot
	tb := &m.edges
	if parent == 0 {
		k := edgeKey(0, key, gap)
		// The small table first: it holds the same slots for its keys.
		if sl = m.shortEdges.findRoot(k); sl != nil {
			tb = &m.shortEdges
		} else {
			sl = m.edges.findRoot(k)
		}
	} else {
		sl = m.edges.find(edgeKey(parent, key, gap))
	}
	if sl == nil {
		return
	}
	if len(st.ahead) == 0 {
		st.ahead = append(st.ahead, *w)
	}
	start := st.ahead[0].start
	if info := sl.info; info >= 0 {
		// The common case: what the node holds is in the slot.
		if info&sumOut != 0 {
			st.cands = append(st.cands, candidate{watch: info >> sumShift, exclude: info&sumExclude != 0, start: start, end: end})
		}
		if c := int32(sl.off); info&sumKids != 0 && !last && !slices.Contains(st.next, c) {
			st.next = append(st.next, c)
		}
		return
	}
	for i := range tb.count(sl) {
		c := tb.id(sl, i)
		n := &m.nodes[c]
		for k := range n.outN {
			watch, exclude, e := n.watch, n.exclude, end
			if k > 0 || n.caseSensitive {
				p := &m.patterns[m.outs[n.outOff+k]]
				watch, exclude = p.watch, p.exclude
				if p.caseSensitive {
					var ok bool
					if e, ok = st.verify(p); !ok {
						continue
					}
				}
			}
			st.cands = append(st.cands, candidate{watch: watch, exclude: exclude, start: start, end: e})
		}
		if n.kids && !last && !slices.Contains(st.next, c) {
			st.next = append(st.next, c)
		}
	}
}

// wordAhead returns the j-th word from the one being tried, or nil.
func (st *matchState) wordAhead(j int) *token {
	for len(st.ahead) <= j {
		var t token
		if !nextWord(st.text, st.ahead[len(st.ahead)-1].end, maxGap, &t) {
			return nil
		}
		st.ahead = append(st.ahead, t)
	}
	return &st.ahead[j]
}

// verify reports whether p matches at the word being tried, and where the
// match ends.
func (st *matchState) verify(p *pattern) (int, bool) {
	last := len(p.words) - 1
	end := 0
	for j := range p.words {
		w := &p.words[j]
		t := st.wordAhead(j)
		if t == nil {
			return 0, false
		}
		if j > 0 && !gapMatches(st.text[st.ahead[j-1].end:t.start], w.gap) {
			return 0, false
		}
		e, runes, ok := matchWord(w, t, j == last)
		if !ok {
			return 0, false
		}
		if p.caseSensitive && !sameCase(st.text[t.start:e], w.orig, runes) {
			return 0, false
		}
		end = e
	}
	return end, true
}

// matchWord reports whether the text word t may be the pattern word w, and
// if so where the match ends and how many runes of t it compared.
func matchWord(w *patWord, t *token, last bool) (end, runes int, ok bool) {
	for _, k := range w.keys {
		if k == t.key {
			return t.end, t.runes, true
		}
	}
	if last && t.poss != 0 {
		for _, k := range w.keys {
			if k == t.poss {
				return t.possEnd, t.possRunes, true
			}
		}
	}
	return 0, 0, false
}

// sameCase reports whether the first n runes of the text word and of the
// alias word agree in case, rune by rune (apostrophes aside).
func sameCase(text, alias string, n int) bool {
	for n > 0 && text != "" && alias != "" {
		a, as := utf8.DecodeRuneInString(text)
		b, bs := utf8.DecodeRuneInString(alias)
		if unicode.IsUpper(a) != unicode.IsUpper(b) || unicode.IsLower(a) != unicode.IsLower(b) {
			return false
		}
		text, alias = text[as:], alias[bs:]
		n--
	}
	return true
}

// resolve drops the candidates inside an exclusion of their watch, keeps the
// longest of overlapping candidates of one watch and returns the mentions.
// It reads the candidates once, in the order of their start, keeping the
// state of each watch in st.marks.
func (st *matchState) resolve() []newswatch.Mention {
	m, cs := st.m, st.cands
	for i := range cs {
		cs[i].rank = m.rank[cs[i].watch]
	}
	// Each watch's candidates come in the order resolution needs: by start,
	// exclusions first, the longest first.
	slices.SortFunc(cs, func(a, b candidate) int {
		if a.start != b.start {
			return cmp.Compare(a.start, b.start)
		}
		if a.exclude != b.exclude {
			if a.exclude {
				return -1
			}
			return 1
		}
		if a.end != b.end {
			return cmp.Compare(b.end, a.end)
		}
		return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(a.watch, b.watch))
	})
	kept := cs[:0]
	if len(cs) <= len(st.few) {
		// Few candidates: their watches' marks are found by a search of
		// the few, which stay in cache, not in the array by watch.
		n := 0
		for _, c := range cs {
			k := 0
			for k < n && st.fewWatch[k] != c.watch {
				k++
			}
			if k == n {
				st.fewWatch[k], st.few[k] = c.watch, watchMark{exclEnd: -1, last: -1}
				n++
			}
			kept = keep(kept, &st.few[k], c)
		}
	} else {
		if len(st.marks) < len(m.watches) {
			st.marks = make([]watchMark, len(m.watches))
			st.gen = 0
		}
		st.gen++
		if st.gen == 0 { // wrapped: no mark may look current
			clear(st.marks)
			st.gen = 1
		}
		for _, c := range cs {
			mk := &st.marks[c.watch]
			if mk.gen != st.gen {
				*mk = watchMark{gen: st.gen, exclEnd: -1, last: -1}
			}
			kept = keep(kept, mk, c)
		}
	}
	// Sorted as the mentions are to be, by Start, entity, watch ID and End,
	// the last three through the watches' rank; mostly they already are.
	byOffset := func(a, b candidate) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.rank, b.rank), cmp.Compare(a.end, b.end))
	}
	if !slices.IsSortedFunc(kept, byOffset) {
		slices.SortFunc(kept, byOffset)
	}
	ms := make([]newswatch.Mention, len(kept))
	for i, c := range kept {
		w := &m.watches[c.watch]
		ms[i] = newswatch.Mention{WatchID: w.id, Entity: w.name, Kind: w.kind, Start: c.start, End: c.end, Text: st.text[c.start:c.end]}
	}
	return ms
}

// keep resolves candidate c, the next in resolve's order, against the
// state mk of its watch, and returns kept with c added if it is kept.
func keep(kept []candidate, mk *watchMark, c candidate) []candidate {
	switch {
	case c.exclude:
		mk.exclEnd = max(mk.exclEnd, c.end)
	case c.end <= mk.exclEnd:
		// inside an exclusion
	case mk.last >= 0 && c.start < kept[mk.last].end:
		if l := &kept[mk.last]; c.end-c.start > l.end-l.start {
			*l = c
		}
	default:
		mk.last = int32(len(kept))
		kept = append(kept, c)
	}
	return kept
}

// Live holds the current Matcher so that the daemon can swap a recompiled
// watchlist in while pollers match. It is safe for concurrent use; the zero
// value holds no Matcher and matches nothing.
type Live struct {
	p atomic.Pointer[Matcher]
}

// Store makes m the current Matcher.
func (l *Live) Store(m *Matcher) { l.p.Store(m) }

// Load returns the current Matcher, or nil if none was stored.
func (l *Live) Load() *Matcher { return l.p.Load() }

// Match matches text against the current Matcher; no mentions when none
// was stored.
func (l *Live) Match(text string) []newswatch.Mention { return l.Load().Match(text) }
