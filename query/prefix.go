package query

// prefixIndex finds the prefix terms ("kram*") that a token of an item
// matches. A prefix has two bytes or more; the terms are grouped by lead:
// the first three bytes of the prefix, or the first two for a prefix of
// two bytes. A token looks up its own three-byte lead (and its two-byte
// one, when some prefix has two bytes). A bitset by a hash of the lead
// turns most tokens away with one load; a lead found leads to its terms,
// each compared with the token's first eight bytes in one word. The whole
// index is a few hundred bytes to a few KB, so it stays in cache between
// items.
type prefixIndex struct {
	filter []uint64 // bit leadHash(l)>>fshift set for every lead l
	fshift uint32
	slots  []uint32 // leads, open addressing; 0 for empty
	sshift uint32
	off    []int32 // the entries of slots[i] are ents[off[i]:off[i+1]]
	ents   []prefixEnt
	two    bool // some prefix has two bytes
}

// prefixEnt is a prefix term: it matches a token whose first eight bytes
// (packed, little-endian) masked with mask are k, and, for a prefix of
// more than eight bytes, that has all of last.
type prefixEnt struct {
	k, mask uint64
	term    int32
	long    bool
}

// lead3 is the lead of a prefix or a token of three bytes or more, whose
// first eight bytes packed are k: its first three bytes. No token has a
// zero byte, so a lead is never 0.
func lead3(k uint64) uint32 { return uint32(k) & 0xFFFFFF }

// lead2 is the lead of its first two bytes, which differs from every
// three-byte lead.
func lead2(k uint64) uint32 { return 1<<24 | uint32(k)&0xFFFF }

// leadHash is Fibonacci hashing: the top bits of the product matter.
func leadHash(l uint32) uint32 { return l * 2654435769 }

// newPrefixIndex indexes the prefix terms of terms (whose last is the
// prefix, of two bytes or more).
func newPrefixIndex(terms []termInfo) *prefixIndex {
	byLead := map[uint32][]prefixEnt{}
	var order []uint32
	x := &prefixIndex{}
	for i, t := range terms {
		if !t.prefix || len(t.toks) > 0 {
			continue // phrases ending in a prefix are matched on the sequence
		}
		p := t.last
		n := min(len(p), 8)
		e := prefixEnt{k: packString(p[:n]), mask: ^uint64(0) >> (64 - 8*n), term: int32(i), long: len(p) > 8}
		l := lead3(e.k)
		if len(p) == 2 {
			l, x.two = lead2(e.k), true
		}
		if _, ok := byLead[l]; !ok {
			order = append(order, l)
		}
		byLead[l] = append(byLead[l], e)
	}
	// filter: about 16 bits per lead
	bits, fshift := uint32(64), uint32(32-6)
	for bits < uint32(16*len(order)) {
		bits, fshift = bits*2, fshift-1
	}
	x.filter, x.fshift = make([]uint64, bits/64), fshift
	size, sshift := 4, uint32(30)
	for size < 2*len(order) {
		size, sshift = size*2, sshift-1
	}
	x.slots, x.sshift = make([]uint32, size), sshift
	ents := make([][]prefixEnt, size)
	for _, l := range order {
		h := leadHash(l)
		x.filter[h>>fshift/64] |= 1 << (h >> fshift % 64)
		i := int(h>>sshift) & (size - 1)
		for x.slots[i] != 0 {
			i = (i + 1) & (size - 1)
		}
		x.slots[i], ents[i] = l, byLead[l]
	}
	x.off = make([]int32, size+1)
	for i, es := range ents {
		x.ents = append(x.ents, es...)
		x.off[i+1] = int32(len(x.ents))
	}
	return x
}

// has reports whether lead l may have prefixes: false for most leads.
func (x *prefixIndex) has(l uint32) bool {
	b := leadHash(l) >> x.fshift
	return x.filter[b/64]&(1<<(b%64)) != 0
}

// matchLead marks the prefix terms of lead l that tok, whose first eight
// bytes folded and packed are k, has.
func (s *Set) matchLead(sc *scratch, tok []byte, k uint64, l uint32) {
	x := s.pre
	h := leadHash(l)
	mask := len(x.slots) - 1
	for i := int(h>>x.sshift) & mask; x.slots[i] != 0; i = (i + 1) & mask {
		if x.slots[i] != l {
			continue
		}
		for _, e := range x.ents[x.off[i]:x.off[i+1]] {
			if k&e.mask == e.k && (!e.long || hasPrefix(tok, s.terms[e.term].last)) {
				sc.mark(e.term)
			}
		}
		return
	}
}

// hasPrefix reports whether tok begins with p.
func hasPrefix(tok []byte, p string) bool {
	return len(tok) >= len(p) && string(tok[:len(p)]) == p
}
