package query

import (
	"encoding/binary"
	mbits "math/bits"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// Set evaluates many queries (one per alert route) against an item: the
// item is tokenised once; each token's first eight bytes, folded, are one
// word, which is its key in the dictionary of the queries' tokens and,
// with one multiply, its hash (most tokens are turned away by a bitset of
// the hashes); a token found is its own term (renumber), a bit; phrases of
// two tokens are found from the previous token, prefixes by their first
// three bytes; and only the queries that need a present term are
// evaluated, a walk over those bits. An item with no term of any query
// ends after the scan. At ingest the Set's memory is cold for every item
// (the database work in between evicts it), so what a match reads is kept
// in few, small arrays. A Set is immutable and safe for concurrent use.
type Set struct {
	n     int     // queries
	exprs []*node // while NewSet runs: flat has them
	// flat holds every query as its nodes in preorder, each with the size
	// of its subtree, so that evaluation walks one array; start[q] is
	// where query q begins, -1 for a nil query.
	flat  []flatNode
	start []int32
	dict  map[string]int32 // token → token id, for every token of every term, while NewSet runs
	tab   *table           // dict, for the hot path
	terms []termInfo       // distinct terms
	// The multi-token terms that start with token x are
	// phrases[phraseOff[x]:phraseOff[x+1]]. pairs has bit pairHash(x, y)
	// set for the first two tokens x, y of each: a bitset of a few lines
	// that stays in cache, and turns away most pairs of the item's tokens.
	phraseOff []int32
	phrases   []phraseEnt
	pairs     []uint64
	pairShift uint32
	phrasesN  int          // multi-token terms
	longPhr   bool         // some phrase has more than two tokens
	needSeq   bool         // some phrase is long or ends in a prefix: keep the item's token ids
	prefixes  []int32      // the prefix terms
	prePhr    []int32      // the prefix terms that end a phrase ("air ra*")
	pre       *prefixIndex // the prefix terms of one token
	// routesOf[term] lists the queries that need the term: a query can
	// only match an item that has one of the terms need returns for it
	// (Parse refuses a query that only excludes), so only the queries of
	// the present terms are evaluated. It is kept as routes[routesOff[t]:
	// routesOff[t+1]], in two arrays that a match touches little of.
	routesOff []int32
	routes    []int32
	routed    []uint64 // bit t set when some query needs term t
	always    []int32  // the nil queries, which match everything
	pool      sync.Pool
}

// phraseEnt is a multi-token term, under its first token.
type phraseEnt struct {
	second int32 // its second token
	term   int32
	long   bool // more than two tokens
}

// termInfo is one distinct term of the set. Term x, for x below the
// number of tokens, is token x alone (see renumber).
type termInfo struct {
	toks   []int32
	last   string // the last token, for a prefix
	prefix bool
}

// node is an Expr compiled against the set's terms.
type node struct {
	op   Op
	term int32
	kids []*node
}

// scratch is the per-item state of a match, reused through Set.pool.
type scratch struct {
	buf     []byte
	seq     []int32  // token ids of the item, -1 unknown, -2 between title and text (when needSeq)
	prev    int32    // the id of the item's previous token, -1 for none
	present []uint64 // bitset by term
	hit     []int32  // the terms present, each once: what present has set
	cand    []uint64 // bitset of the candidate queries (zero between matches)
}

// mark records that term t is present.
func (sc *scratch) mark(t int32) {
	if w, b := &sc.present[t/64], uint64(1)<<(t%64); *w&b == 0 {
		*w |= b
		sc.hit = append(sc.hit, t)
	}
}

// has reports whether term t is present.
func (sc *scratch) has(t int32) bool { return sc.present[t/64]&(1<<(t%64)) != 0 }

// NewSet compiles exprs; Match returns indices into exprs. A nil Expr
// matches every item (a route without a query).
func NewSet(exprs []*Expr) *Set {
	s := &Set{dict: map[string]int32{}}
	termIdx := map[string]int32{}
	for i, e := range exprs {
		n := s.compile(e, termIdx)
		s.exprs = append(s.exprs, n)
		if n == nil {
			s.always = append(s.always, int32(i))
		}
	}
	s.renumber()
	routesOf := make([][]int32, len(s.terms))
	for i, n := range s.exprs {
		s.index(routesOf, int32(i), n)
		if n == nil {
			s.start = append(s.start, -1)
			continue
		}
		s.start = append(s.start, int32(len(s.flat)))
		s.flatten(n)
	}
	s.routesOff = make([]int32, len(routesOf)+1)
	s.routed = make([]uint64, (len(routesOf)+63)/64)
	for t, qs := range routesOf {
		s.routes = append(s.routes, qs...)
		s.routesOff[t+1] = int32(len(s.routes))
		if len(qs) > 0 {
			s.routed[t/64] |= 1 << (t % 64)
		}
	}
	s.tab = newTable(s.dict)
	byFirst := make([][]phraseEnt, len(s.dict))
	for i, t := range s.terms {
		switch {
		case t.prefix:
			s.prefixes = append(s.prefixes, int32(i))
			if len(t.toks) > 0 {
				s.prePhr = append(s.prePhr, int32(i))
			}
		case len(t.toks) == 1:
		default:
			f := t.toks[0]
			byFirst[f] = append(byFirst[f], phraseEnt{second: t.toks[1], term: int32(i), long: len(t.toks) > 2})
			s.phrasesN++
			s.longPhr = s.longPhr || len(t.toks) > 2
		}
	}
	s.phraseOff = make([]int32, len(byFirst)+1)
	bits, shift := uint32(64), uint32(32-6) // about 16 bits per phrase
	for bits < uint32(16*s.phrasesN) {
		bits, shift = bits*2, shift-1
	}
	s.pairs, s.pairShift = make([]uint64, bits/64), shift
	for x, es := range byFirst {
		s.phrases = append(s.phrases, es...)
		s.phraseOff[x+1] = int32(len(s.phrases))
		for _, e := range es {
			b := pairHash(int32(x), e.second) >> shift
			s.pairs[b/64] |= 1 << (b % 64)
		}
	}
	s.needSeq = s.longPhr || len(s.prePhr) > 0
	s.pre = newPrefixIndex(s.terms)
	// What a match does not read is dropped: a Set lives as long as its
	// routes, and the garbage collector would walk it in every cycle.
	s.n, s.exprs, s.dict = len(s.exprs), nil, nil
	return s
}

// renumber makes term x, for each token x, the single-token term of token
// x, so that a token found in an item is its term at once. A token that
// is no term by itself (one of a phrase only) gets a term as well, which
// no query needs: marking it present evaluates nothing. The other terms
// (phrases and prefixes) follow, and the nodes are renumbered.
func (s *Set) renumber() {
	perm := make([]int32, len(s.terms))
	terms := make([]termInfo, len(s.dict), len(s.dict)+len(s.terms))
	ids := make([]int32, len(s.dict)) // one array for the toks of all
	for tok, id := range s.dict {
		ids[id] = id
		terms[id] = termInfo{toks: ids[id : id+1 : id+1], last: tok}
	}
	for i, t := range s.terms {
		if !t.prefix && len(t.toks) == 1 {
			perm[i] = t.toks[0]
			continue
		}
		perm[i] = int32(len(terms))
		terms = append(terms, t)
	}
	s.terms = terms
	var walk func(n *node)
	walk = func(n *node) {
		if n == nil {
			return
		}
		if n.op == OpTerm {
			n.term = perm[n.term]
		}
		for _, k := range n.kids {
			walk(k)
		}
	}
	for _, n := range s.exprs {
		walk(n)
	}
}

// index records query i under the terms of need(n) in routesOf, once each.
func (s *Set) index(routesOf [][]int32, i int32, n *node) {
	if n == nil {
		return
	}
	for _, t := range s.need(n) {
		if l := routesOf[t]; len(l) == 0 || l[len(l)-1] != i {
			routesOf[t] = append(l, i)
		}
	}
}

// need returns terms of which at least one is present in every item n
// matches: a term itself; every operand's for an OR; for an AND, those of
// one operand outside a NOT (Parse makes sure there is one): the fewest,
// avoiding prefixes, which are present in many items, and between as
// many, the one whose shortest word is the longest, since short words
// are the common ones (a query "київ privarnabo" is looked at for the
// items with privarnabo). Any choice gives the same matches; a better one
// evaluates fewer queries per item.
func (s *Set) need(n *node) []int32 {
	switch n.op {
	case OpTerm:
		return []int32{n.term}
	case OpOr:
		var out []int32
		for _, k := range n.kids {
			out = append(out, s.need(k)...)
		}
		return out
	case OpAnd:
		var best []int32
		bestCost := -1
		for _, k := range n.kids {
			if k.op == OpNot {
				continue
			}
			ts := s.need(k)
			cost, shortest := len(ts), maxTermLen
			for _, t := range ts {
				if s.terms[t].prefix {
					cost += 100
				}
				shortest = min(shortest, s.termLen(t))
			}
			cost = cost*(maxTermLen+1) - shortest
			if bestCost < 0 || cost < bestCost {
				best, bestCost = ts, cost
			}
		}
		return best
	}
	return nil // a NOT alone: refused by Parse
}

// maxTermLen caps termLen.
const maxTermLen = 32

// termLen is how long term t is in letters, for need: a phrase counts as
// the longest, being rarer than any of its words.
func (s *Set) termLen(t int32) int {
	ti := &s.terms[t]
	if len(ti.toks) > 1 || ti.prefix && len(ti.toks) > 0 {
		return maxTermLen
	}
	return min(utf8.RuneCountInString(ti.last), maxTermLen)
}

func (s *Set) compile(e *Expr, termIdx map[string]int32) *node {
	if e == nil {
		return nil
	}
	if e.Op != OpTerm {
		n := &node{op: e.Op}
		for _, k := range e.Kids {
			n.kids = append(n.kids, s.compile(k, termIdx))
		}
		return n
	}
	key := strings.Join(e.Tokens, " ")
	if e.Prefix {
		key += "*"
	}
	if i, ok := termIdx[key]; ok {
		return &node{op: OpTerm, term: i}
	}
	t := termInfo{prefix: e.Prefix, last: e.Tokens[len(e.Tokens)-1]}
	toks := e.Tokens
	if e.Prefix {
		toks = toks[:len(toks)-1] // the last token is matched by prefix
	}
	for _, tok := range toks {
		id, ok := s.dict[tok]
		if !ok {
			id = int32(len(s.dict))
			s.dict[tok] = id
		}
		t.toks = append(t.toks, id)
	}
	i := int32(len(s.terms))
	s.terms = append(s.terms, t)
	termIdx[key] = i
	return &node{op: OpTerm, term: i}
}

// Match appends to dst the indices of the queries that title and text
// match, in increasing order, and returns it.
func (s *Set) Match(dst []int, title, text string) []int {
	sc, _ := s.pool.Get().(*scratch)
	if sc == nil {
		sc = &scratch{}
	}
	s.scan(sc, title, text)
	dst = s.eval(dst, sc)
	sc.reset()
	s.pool.Put(sc)
	return dst
}

// eval appends to dst the queries that the terms marked in sc satisfy.
func (s *Set) eval(dst []int, sc *scratch) []int {
	if len(sc.hit) == 0 && len(s.always) == 0 {
		return dst // no term of any query in the item: the usual case
	}
	if n := (s.n + 63) / 64; len(sc.cand) < n {
		sc.cand = make([]uint64, n)
	}
	cand := sc.cand
	for _, q := range s.always {
		cand[q/64] |= 1 << (q % 64)
	}
	for _, t := range sc.hit {
		if s.routed[t/64]&(1<<(t%64)) == 0 {
			continue // most words of an item that are in the dictionary
		}
		for _, q := range s.routes[s.routesOff[t]:s.routesOff[t+1]] {
			cand[q/64] |= 1 << (q % 64)
		}
	}
	// in order, without sorting: the set bits of the bitset
	for w, bits := range cand[:(s.n+63)/64] {
		if bits == 0 {
			continue
		}
		cand[w] = 0
		for ; bits != 0; bits &= bits - 1 {
			q := int32(w*64 + mbits.TrailingZeros64(bits))
			if at := s.start[q]; at < 0 || evalFlat(s.flat, at, sc.present) {
				dst = append(dst, int(q))
			}
		}
	}
	return dst
}

// reset clears what a match left in sc.
func (sc *scratch) reset() {
	for _, t := range sc.hit {
		sc.present[t/64] = 0
	}
	sc.hit = sc.hit[:0]
}

// scan tokenises the item and marks the terms present in it.
func (s *Set) scan(sc *scratch, title, text string) {
	sc.seq = sc.seq[:0]
	if n := (len(s.terms) + 63) / 64; len(sc.present) < n {
		sc.present = make([]uint64, n)
	}
	sc.prev = -1
	s.scanText(sc, title)
	if s.needSeq {
		sc.seq = append(sc.seq, -2) // a phrase does not run from the title into the text
	}
	sc.prev = -1
	s.scanText(sc, text)
	if s.needSeq {
		s.matchPhrases(sc, title, text)
	}
}

// scanText looks up each token of str, as EachToken cuts and folds it
// (TestScanAgreesWithTokens); an ASCII token of up to eight bytes is
// neither copied nor folded byte by byte (see token).
func (s *Set) scanText(sc *scratch, str string) {
	buf := sc.buf[:0]
	for i := 0; i < len(str); {
		c := str[i]
		if c < utf8.RuneSelf {
			if byteClass[c] == sep {
				if len(buf) > 0 {
					s.tokenBuf(sc, buf)
					buf = buf[:0]
				}
				i++
				continue
			}
			// a run of ASCII letters and digits
			j, cls := i+1, byteClass[c]
			for j < len(str) {
				k := byteClass[str[j]]
				if k&(sep|high) != 0 {
					break
				}
				cls |= k
				j++
			}
			if len(buf) == 0 && (j == len(str) || str[j] < utf8.RuneSelf) {
				// the whole token, ASCII. Its first eight bytes, folded
				// and packed, are one load: folding an ASCII letter or
				// digit sets its bit 0x20. Its bytes are folded (in buf)
				// only when they are read: past eight (see token).
				n := j - i
				var k uint64
				if i+8 <= len(str) {
					k = binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(str[i:]), 8))
				} else {
					k = packString(str[i:min(j, i+8)])
				}
				k |= 0x2020202020202020
				if n < 8 {
					k &= 1<<(8*n) - 1
				}
				tok := unsafe.Slice(unsafe.StringData(str[i:j]), n)
				h := hashPacked(k)
				if n > 8 {
					if cls&up != 0 {
						for k := i; k < j; k++ {
							buf = append(buf, str[k]|lowerBit[str[k]])
						}
						tok = buf
					}
					h = hash(tok)
				}
				s.token(sc, tok, h, k)
				buf = buf[:0]
			} else {
				for k := i; k < j; k++ {
					buf = append(buf, str[k]|lowerBit[str[k]])
				}
				if j == len(str) || str[j] < utf8.RuneSelf {
					s.tokenBuf(sc, buf)
					buf = buf[:0]
				}
			}
			i = j
			continue
		}
		if (c == 0xD0 || c == 0xD1) && i+1 < len(str) && str[i+1]&0xC0 == 0x80 {
			// U+0400..U+045F as in EachToken
			if r := rune(c&0x1F)<<6 | rune(str[i+1]&0x3F); r <= 0x45F {
				r = foldCyrillic(r)
				buf = append(buf, 0xC0|byte(r>>6), 0x80|byte(r&0x3F))
				i += 2
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(str[i:])
		i += size
		switch {
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			buf = utf8.AppendRune(buf, foldRune(r))
		case unicode.Is(unicode.Mn, r):
			// a combining mark: part of the token, dropped like a diacritic
		default:
			if len(buf) > 0 {
				s.tokenBuf(sc, buf)
				buf = buf[:0]
			}
		}
	}
	if len(buf) > 0 {
		s.tokenBuf(sc, buf)
	}
	sc.buf = buf[:0]
}

// foldASCII[c] is ASCII letter or digit c lower-cased, 0 for any other
// byte: one lookup per byte in the hot loop of scanText.
var foldASCII = func() (f [256]byte) {
	for c := 0; c < utf8.RuneSelf; c++ {
		if byteClass[c]&(lower|up) != 0 {
			f[c] = byte(c) | asciiLower[c]
		}
	}
	return
}()

// lowerBit[c] is the bit that lower-cases an ASCII letter c.
var lowerBit = func() (low [256]byte) {
	copy(low[:], asciiLower[:])
	return
}()

// tokenBuf is token for a token of buf, hashed and packed here.
func (s *Set) tokenBuf(sc *scratch, buf []byte) {
	s.token(sc, buf, hash(buf), first8(buf))
}

// first8 is the first eight bytes of tok packed (as pack packs them).
func first8(tok []byte) uint64 {
	if len(tok) >= 8 {
		return binary.LittleEndian.Uint64(tok)
	}
	return pack(tok)
}

// token marks the terms that the item's token tok (with hash h, and k
// its first eight bytes folded and packed) makes present. Only the length
// of a token of up to eight bytes is read, not its bytes, which k has:
// those of a longer token must be folded.
func (s *Set) token(sc *scratch, tok []byte, h uint32, k uint64) {
	id := int32(-1)
	if t := s.tab; t.maybe(h) { // most tokens are in no query
		kt := k // the table's key: 0 for a token of more than eight bytes
		if len(tok) > 8 {
			kt = 0
		}
		if id = t.find(tok, h, kt); id >= 0 {
			sc.mark(id) // its term (renumber)
		}
	}
	if x := s.pre; len(tok) >= 3 && x.has(lead3(k)) {
		s.matchLead(sc, tok, k, lead3(k))
	}
	if x := s.pre; x.two && len(tok) >= 2 && x.has(lead2(k)) {
		s.matchLead(sc, tok, k, lead2(k))
	}
	if s.phrasesN > 0 {
		// a phrase of two tokens ends here? (longer ones: matchPhrases)
		if p := sc.prev; p >= 0 && id >= 0 {
			if b := pairHash(p, id) >> s.pairShift; s.pairs[b/64]&(1<<(b%64)) != 0 {
				s.pair(sc, p, id)
			}
		}
		sc.prev = id
	}
	if s.needSeq {
		sc.seq = append(sc.seq, id)
	}
}

// pair marks the phrases of two tokens, first and second.
func (s *Set) pair(sc *scratch, first, second int32) {
	for _, e := range s.phrases[s.phraseOff[first]:s.phraseOff[first+1]] {
		if e.second == second && !e.long {
			sc.mark(e.term)
		}
	}
}

// matchPhrases marks the phrases of more than two tokens, and those that
// end in a prefix, present in the item's token ids (token marks the others
// as it goes).
func (s *Set) matchPhrases(sc *scratch, title, text string) {
	seq := sc.seq
	if !s.longPhr {
		seq = nil // only prefix phrases
	}
	for i, id := range seq[:max(len(seq)-1, 0)] {
		next := seq[i+1]
		if id < 0 || next < 0 {
			continue
		}
		if b := pairHash(id, next) >> s.pairShift; s.pairs[b/64]&(1<<(b%64)) == 0 {
			continue
		}
		for _, e := range s.phrases[s.phraseOff[id]:s.phraseOff[id+1]] {
			if e.long && e.second == next && !sc.has(e.term) && hasAt(seq, i, s.terms[e.term].toks) {
				sc.mark(e.term)
			}
		}
	}
	// a phrase ending in a prefix ("air ra*"): rare, checked on the tokens
	var toks []string
	for _, p := range s.prePhr {
		pt := &s.terms[p]
		if sc.has(p) {
			continue
		}
		if toks == nil {
			toks = append(Tokens(title), "")
			toks = append(toks, Tokens(text)...)
		}
		for i := 0; i+len(pt.toks) < len(toks) && !sc.has(p); i++ {
			if sc.seq[i] >= 0 && hasAt(sc.seq, i, pt.toks) && strings.HasPrefix(toks[i+len(pt.toks)], pt.last) {
				sc.mark(p)
			}
		}
	}
}

// pairHash is the hash of two token ids, whose top bits are used.
func pairHash(a, b int32) uint32 {
	return uint32((uint64(uint32(a))<<32 | uint64(uint32(b))) * 0x9E3779B97F4A7C15 >> 32)
}

// hasAt reports whether seq has toks starting at i.
func hasAt(seq []int32, i int, toks []int32) bool {
	if i+len(toks) > len(seq) {
		return false
	}
	for k, t := range toks {
		if seq[i+k] != t {
			return false
		}
	}
	return true
}

// flatNode is a node of Set.flat, in 8 bytes: a candidate query's nodes
// are a cache line or two.
type flatNode struct {
	term int32  // for a term
	sz   uint32 // the nodes in the subtree, itself included, <<2 | the Op
}

func (n flatNode) op() Op      { return Op(n.sz & 3) }
func (n flatNode) size() int32 { return int32(n.sz >> 2) }

// flatten appends n's subtree to s.flat in preorder.
func (s *Set) flatten(n *node) {
	at := len(s.flat)
	s.flat = append(s.flat, flatNode{term: n.term})
	for _, k := range n.kids {
		s.flatten(k)
	}
	s.flat[at].sz = uint32(len(s.flat)-at)<<2 | uint32(n.op)
}

// evalFlat evaluates the subtree of flat at i; the operands of an AND or
// an OR that are terms are looked at without a call.
func evalFlat(flat []flatNode, i int32, present []uint64) bool {
	n := flat[i]
	switch n.op() {
	case OpTerm:
		return present[n.term/64]&(1<<(n.term%64)) != 0
	case OpNot:
		return !evalFlat(flat, i+1, present)
	}
	// an OR is decided by its first true operand, an AND by its first
	// false one
	or := n.op() == OpOr
	for c, end := i+1, i+n.size(); c < end; {
		k := flat[c]
		var v bool
		if k.op() == OpTerm {
			v = present[k.term/64]&(1<<(k.term%64)) != 0
		} else {
			v = evalFlat(flat, c, present)
		}
		if v == or {
			return or
		}
		c += k.size()
	}
	return !or
}

// Match reports whether an item with this title and text matches e. To
// evaluate many queries against one item, use a Set.
func (e *Expr) Match(title, text string) bool {
	return len(NewSet([]*Expr{e}).Match(nil, title, text)) == 1
}
