package query

import (
	mbits "math/bits"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// Set evaluates many queries (one per alert route) against an item: the
// item is tokenised once, each token hashed as it is folded and looked up
// in the dictionary of the queries' tokens (most are turned away by a
// bitset of their hashes), the terms present are bits, and only the
// queries that need one of them are evaluated, a walk over those bits.
// An item with no term of any query ends after the scan. A Set is
// immutable and safe for concurrent use.
type Set struct {
	exprs []*node
	// flat holds every query as its nodes in preorder, each with the size
	// of its subtree, so that evaluation walks one array; start[q] is
	// where query q begins, -1 for a nil query.
	flat  []flatNode
	start []int32
	dict  map[string]int32 // token → token id, for every token of every term
	tab   *table           // dict, for the hot path
	terms []termInfo       // distinct terms
	// byFirst[tokenID] lists the multi-token terms that start with it.
	byFirst  [][]int32
	phrasesN int     // multi-token terms
	needSeq  bool    // some term is a phrase: keep the item's token ids
	single   []int32 // token id → its single-token term, or -1
	prefixes []int32 // the prefix terms
	// byLead[first two bytes] lists the prefix terms of one token, so a
	// token of the item is compared with the few that can match.
	byLead   map[uint16][]int32
	leadMask [256]uint64 // bit b2%64 of leadMask[b1]: byLead may have b1 b2
	// leadSlots, leadOff and leadTerms are byLead as a small hash table
	// for the hot path, when there are many prefixes: lead l is in slot i
	// (leadSlot), whose terms are leadTerms[leadOff[i]:leadOff[i+1]]. It
	// is a few KB, which stay in cache between items better than a map
	// or a slice by every lead.
	leadSlots []uint16 // 0 for empty: no token has a zero byte
	leadShift uint32
	leadOff   []int32
	leadTerms []int32
	// leadKeys and leadVals are byLead as two lists, searched in order
	// when leadOff is not built: cheaper than a map for a few leads.
	leadKeys []uint16
	leadVals [][]int32
	// routesOf[term] lists the queries that need the term: a query can
	// only match an item that has one of the terms need returns for it
	// (Parse refuses a query that only excludes), so only the queries of
	// the present terms are evaluated.
	routesOf [][]int32
	always   []int32 // the nil queries, which match everything
	pool     sync.Pool
}

// termInfo is one distinct term of the set.
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
	s := &Set{dict: map[string]int32{}, byLead: map[uint16][]int32{}}
	termIdx := map[string]int32{}
	for i, e := range exprs {
		n := s.compile(e, termIdx)
		s.exprs = append(s.exprs, n)
		if n == nil {
			s.always = append(s.always, int32(i))
		}
	}
	s.routesOf = make([][]int32, len(s.terms))
	for i, n := range s.exprs {
		s.index(int32(i), n)
		if n == nil {
			s.start = append(s.start, -1)
			continue
		}
		s.start = append(s.start, int32(len(s.flat)))
		s.flatten(n)
	}
	s.tab = newTable(s.dict)
	s.single = make([]int32, len(s.dict))
	s.byFirst = make([][]int32, len(s.dict))
	for i := range s.single {
		s.single[i] = -1
	}
	for i, t := range s.terms {
		switch {
		case t.prefix:
			s.prefixes = append(s.prefixes, int32(i))
			if len(t.toks) == 0 {
				l := lead(t.last)
				s.byLead[l] = append(s.byLead[l], int32(i))
				s.leadMask[t.last[0]] |= 1 << (t.last[1] % 64)
			}
		case len(t.toks) == 1:
			s.single[t.toks[0]] = int32(i)
		default:
			s.byFirst[t.toks[0]] = append(s.byFirst[t.toks[0]], int32(i))
			s.phrasesN++
		}
	}
	s.needSeq = s.phrasesN > 0 || s.hasPrefixPhrase()
	if len(s.prefixes) >= 16 { // worth 256 KB: a Set of many routes, not one query
		size, shift := 4, uint32(30)
		for size < 2*len(s.byLead) {
			size, shift = size*2, shift-1
		}
		s.leadSlots, s.leadShift = make([]uint16, size), shift
		terms := make([][]int32, size)
		for l, ts := range s.byLead {
			i := leadSlot(l, shift, size)
			for s.leadSlots[i] != 0 {
				i = (i + 1) & (size - 1)
			}
			s.leadSlots[i], terms[i] = l, ts
		}
		s.leadOff = make([]int32, size+1)
		for i, ts := range terms {
			s.leadTerms = append(s.leadTerms, ts...)
			s.leadOff[i+1] = int32(len(s.leadTerms))
		}
	} else {
		for l, terms := range s.byLead {
			s.leadKeys, s.leadVals = append(s.leadKeys, l), append(s.leadVals, terms)
		}
	}
	return s
}

// index records query i under the terms of need(n), once each.
func (s *Set) index(i int32, n *node) {
	if n == nil {
		return
	}
	for _, t := range s.need(n) {
		if l := s.routesOf[t]; len(l) == 0 || l[len(l)-1] != i {
			s.routesOf[t] = append(l, i)
		}
	}
}

// need returns terms of which at least one is present in every item n
// matches: a term itself; every operand's for an OR; for an AND, those of
// one operand outside a NOT (Parse makes sure there is one), the fewest,
// avoiding prefixes, which are present in many items.
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
			cost := len(ts)
			for _, t := range ts {
				if s.terms[t].prefix {
					cost += 100
				}
			}
			if bestCost < 0 || cost < bestCost {
				best, bestCost = ts, cost
			}
		}
		return best
	}
	return nil // a NOT alone: refused by Parse
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
	defer s.pool.Put(sc)
	s.scan(sc, title, text)
	defer sc.reset()
	if len(sc.hit) == 0 && len(s.always) == 0 {
		return dst // no term of any query in the item: the usual case
	}
	if n := (len(s.exprs) + 63) / 64; len(sc.cand) < n {
		sc.cand = make([]uint64, n)
	}
	cand := sc.cand
	for _, q := range s.always {
		cand[q/64] |= 1 << (q % 64)
	}
	for _, t := range sc.hit {
		for _, q := range s.routesOf[t] {
			cand[q/64] |= 1 << (q % 64)
		}
	}
	// in order, without sorting: the set bits of the bitset
	for w, bits := range cand[:(len(s.exprs)+63)/64] {
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
	s.scanText(sc, title)
	if s.needSeq {
		sc.seq = append(sc.seq, -2) // a phrase does not run from the title into the text
	}
	s.scanText(sc, text)
	if s.needSeq {
		s.phrases(sc, title, text)
	}
}

// scanText looks up each token of str, as eachToken cuts and folds it
// (TestScanAgreesWithTokens), with its hash computed as its ASCII bytes
// are folded, and without a call per token.
func (s *Set) scanText(sc *scratch, str string) {
	buf := sc.buf[:0]
	for i := 0; i < len(str); {
		c := str[i]
		if c < utf8.RuneSelf {
			if byteClass[c] == sep {
				if len(buf) > 0 {
					s.token(sc, buf, hash(buf))
					buf = buf[:0]
				}
				i++
				continue
			}
			// a run of ASCII letters and digits
			j, changed, h := i, byte(0), uint32(fnvOffset)
			for j < len(str) {
				b := str[j]
				f := foldASCII[b]
				if f == 0 {
					break
				}
				changed |= f ^ b
				h = (h ^ uint32(f)) * fnvPrime
				j++
			}
			cls := byte(0)
			if changed != 0 {
				cls = up
			}
			if len(buf) == 0 && (j == len(str) || str[j] < utf8.RuneSelf) {
				// the whole token, ASCII: hashed already
				if cls&up == 0 {
					s.token(sc, unsafe.Slice(unsafe.StringData(str[i:j]), j-i), h)
				} else {
					for k := i; k < j; k++ {
						buf = append(buf, str[k]|lowerBit[str[k]])
					}
					s.token(sc, buf, h)
					buf = buf[:0]
				}
			} else {
				for k := i; k < j; k++ {
					buf = append(buf, str[k]|lowerBit[str[k]])
				}
				if j == len(str) || str[j] < utf8.RuneSelf {
					s.token(sc, buf, hash(buf))
					buf = buf[:0]
				}
			}
			i = j
			continue
		}
		if (c == 0xD0 || c == 0xD1) && i+1 < len(str) && str[i+1]&0xC0 == 0x80 {
			// U+0400..U+045F as in eachToken
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
				s.token(sc, buf, hash(buf))
				buf = buf[:0]
			}
		}
	}
	if len(buf) > 0 {
		s.token(sc, buf, hash(buf))
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

// token marks the terms that the item's token tok (folded, with hash h)
// makes present.
func (s *Set) token(sc *scratch, tok []byte, h uint32) {
	id := s.tab.get(tok, h)
	if id >= 0 {
		if t := s.single[id]; t >= 0 {
			sc.mark(t)
		}
	}
	if len(tok) >= 2 && s.leadMask[tok[0]]&(1<<(tok[1]%64)) != 0 {
		l := int(tok[0])<<8 | int(tok[1])
		var terms []int32
		if s.leadOff != nil {
			size := len(s.leadSlots)
			for i := leadSlot(uint16(l), s.leadShift, size); s.leadSlots[i] != 0; i = (i + 1) & (size - 1) {
				if s.leadSlots[i] == uint16(l) {
					terms = s.leadTerms[s.leadOff[i]:s.leadOff[i+1]]
					break
				}
			}
		} else {
			for k, key := range s.leadKeys {
				if key == uint16(l) {
					terms = s.leadVals[k]
					break
				}
			}
		}
		for _, p := range terms {
			if pt := &s.terms[p]; len(tok) >= len(pt.last) && string(tok[:len(pt.last)]) == pt.last {
				sc.mark(p)
			}
		}
	}
	if s.needSeq {
		sc.seq = append(sc.seq, id)
	}
}

func (s *Set) hasPrefixPhrase() bool {
	for _, p := range s.prefixes {
		if len(s.terms[p].toks) > 0 {
			return true
		}
	}
	return false
}

// phrases marks the multi-token terms present in the item's token ids.
func (s *Set) phrases(sc *scratch, title, text string) {
	for i, id := range sc.seq {
		if id < 0 {
			continue
		}
		for _, t := range s.byFirst[id] {
			if !sc.has(t) && hasAt(sc.seq, i, s.terms[t].toks) {
				sc.mark(t)
			}
		}
	}
	// a phrase ending in a prefix ("air ra*"): rare, checked on the tokens
	for _, p := range s.prefixes {
		pt := &s.terms[p]
		if len(pt.toks) == 0 || sc.has(p) {
			continue
		}
		toks := append(Tokens(title), "")
		toks = append(toks, Tokens(text)...)
		for i := 0; i+len(pt.toks) < len(toks) && !sc.has(p); i++ {
			if sc.seq[i] >= 0 && hasAt(sc.seq, i, pt.toks) && strings.HasPrefix(toks[i+len(pt.toks)], pt.last) {
				sc.mark(p)
			}
		}
	}
}

// leadSlot is the first slot of lead l in Set.leadSlots (Fibonacci
// hashing: the top bits of a product).
func leadSlot(l uint16, shift uint32, size int) int {
	return int(uint32(l)*2654435769>>shift) & (size - 1)
}

// lead is the key of byLead: a prefix has two letters, so two bytes or more.
func lead(s string) uint16 { return uint16(s[0])<<8 | uint16(s[1]) }

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

// flatNode is a node of Set.flat.
type flatNode struct {
	op   Op
	kids int32 // operands, for AND, OR and NOT
	size int32 // nodes in the subtree, itself included
	term int32
}

// flatten appends n's subtree to s.flat in preorder.
func (s *Set) flatten(n *node) {
	at := len(s.flat)
	s.flat = append(s.flat, flatNode{op: n.op, kids: int32(len(n.kids)), term: n.term})
	for _, k := range n.kids {
		s.flatten(k)
	}
	s.flat[at].size = int32(len(s.flat) - at)
}

// evalFlat evaluates the subtree of flat at i.
func evalFlat(flat []flatNode, i int32, present []uint64) bool {
	n := flat[i]
	switch n.op {
	case OpTerm:
		return present[n.term/64]&(1<<(n.term%64)) != 0
	case OpNot:
		return !evalFlat(flat, i+1, present)
	case OpAnd:
		for k, c := int32(0), i+1; k < n.kids; k++ {
			if !evalFlat(flat, c, present) {
				return false
			}
			c += flat[c].size
		}
		return true
	}
	for k, c := int32(0), i+1; k < n.kids; k++ {
		if evalFlat(flat, c, present) {
			return true
		}
		c += flat[c].size
	}
	return false
}

// Match reports whether an item with this title and text matches e. To
// evaluate many queries against one item, use a Set.
func (e *Expr) Match(title, text string) bool {
	return len(NewSet([]*Expr{e}).Match(nil, title, text)) == 1
}
