package watch

import (
	"cmp"
	"math/bits"
	"slices"
)

// table maps a 64-bit key to a list of int32. It is an open-addressing hash
// table whose slots hold a key's only value themselves, with a summary of
// it, so that finding a key and what it leads to mostly costs one cache
// miss; a bit filter sits in front of the keys that are mostly looked up
// in vain.
type table struct {
	filter []uint64
	fshift uint
	slots  []slot
	mask   uint64
	ids    []int32 // for keys with several values: their count, then them
}

// slot holds a key and its values: the value off itself, summarised by
// info >= 0 or not (infoNone), or with info == infoMany the count
// ids[off] and the values after it.
type slot struct {
	key  uint64 // 0: empty
	off  uint32
	info int32
}

const (
	infoNone = -1 // one value, with no summary
	infoMany = -2 // several values, in ids
)

// count returns how many values slot s holds.
func (t *table) count(s *slot) int32 {
	if s.info != infoMany {
		return 1
	}
	return t.ids[s.off]
}

// id returns the i-th value of slot s.
func (t *table) id(s *slot, i int32) int32 {
	if s.info != infoMany {
		return int32(s.off)
	}
	return t.ids[s.off+1+uint32(i)]
}

// mix spreads a hash's bits; FNV's low bits are weak for short words.
func mix(k uint64) uint64 {
	k ^= k >> 33
	k *= 0xff51afd7ed558ccd
	k ^= k >> 33
	return k
}

// edge is one entry to be put in a table: a key and one of its values.
type edge struct {
	key  uint64
	id   int32
	root bool // not in the filter: an edge from the trie's root, see find
}

// buildTable builds a table from key–value pairs with nonzero keys; the
// values of a key are stored in increasing order, without repeats. The
// summary of a key's only value is summary(value) (infoNone if summary is
// nil).
func buildTable(es []edge, summary func(int32) int32) table {
	slices.SortFunc(es, func(a, b edge) int { return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.id, b.id)) })
	keys, filtered := 0, 0
	for i := range es {
		if i == 0 || es[i].key != es[i-1].key {
			keys++
			if !es[i].root {
				filtered++
			}
		}
	}
	// Up to three keys in four slots: four slots share a cache line, so
	// most probes past the first slot cost nothing, and the smaller table
	// stays in cache better (a name's first word costs a miss here).
	size := 16
	for size*3 < 4*keys {
		size *= 2
	}
	fbits := 1 << 12
	for fbits < 16*filtered && fbits < 1<<23 {
		fbits *= 2
	}
	t := table{
		filter: make([]uint64, fbits/64),
		fshift: uint(64 - bits.TrailingZeros(uint(fbits))),
		slots:  make([]slot, size),
		mask:   uint64(size - 1),
	}
	var vals []int32
	for i := 0; i < len(es); {
		k, root := es[i].key, es[i].root
		vals = vals[:0]
		for ; i < len(es) && es[i].key == k; i++ {
			if len(vals) == 0 || vals[len(vals)-1] != es[i].id {
				vals = append(vals, es[i].id)
			}
		}
		h := mix(k)
		if !root {
			t.filter[(h>>t.fshift)/64] |= 1 << ((h >> t.fshift) % 64)
		}
		j := h & t.mask
		for t.slots[j].key != 0 {
			j = (j + 1) & t.mask
		}
		s := slot{key: k, off: uint32(vals[0]), info: infoNone}
		if len(vals) > 1 {
			s.off, s.info = uint32(len(t.ids)), infoMany
			t.ids = append(t.ids, int32(len(vals)))
			t.ids = append(t.ids, vals...)
		} else if summary != nil {
			s.info = summary(vals[0])
		}
		t.slots[j] = s
	}
	return t
}

func nonzero(k uint64) uint64 {
	if k == 0 {
		return 1
	}
	return k
}

// find returns the slot of k (a nonzero key not put in with root set), or
// nil if there is none.
func (t *table) find(k uint64) *slot {
	h := mix(k)
	if t.filter[(h>>t.fshift)/64]&(1<<((h>>t.fshift)%64)) == 0 {
		return nil
	}
	return t.probe(k, h)
}

// findRoot returns the slot of k (a nonzero key), or nil, without asking
// the filter: Match asks its bloom filter of root keys before.
func (t *table) findRoot(k uint64) *slot {
	if len(t.slots) == 0 {
		return nil
	}
	return t.probe(k, mix(k))
}

func (t *table) probe(k, h uint64) *slot {
	for j := h & t.mask; ; j = (j + 1) & t.mask {
		s := &t.slots[j]
		if s.key == k {
			return s
		}
		if s.key == 0 {
			return nil
		}
	}
}

// edgeKey is the key of the trie edge from node parent over a word with hash
// word after a gap whose punctuation hashes to gap (0 for none).
func edgeKey(parent int32, word, gap uint64) uint64 {
	return nonzero(word ^ uint64(parent)*0x9e3779b97f4a7c15 ^ gap*0xc2b2ae3d27d4eb4f)
}

// bloom is a filter of keys that sets two bits of one 64-bit word for each
// key, so that asking costs one load. Match asks it for every word of a
// text: false means that no name starts with the word.
type bloom struct {
	words []uint64
	shift uint
}

// newBloom returns a filter of keys, with about 32 bits a key (fewer for
// more than a million keys), which lets through about one word in 300
// that starts no name.
func newBloom(keys []uint64) bloom {
	n := 1 << 12 // at least 64 words, so that shift is below 64
	for n < 32*len(keys) && n < 1<<26 {
		n *= 2
	}
	b := bloom{words: make([]uint64, n/64), shift: uint(64 - bits.TrailingZeros(uint(n/64)))}
	for _, k := range keys {
		h := mix(k)
		b.words[h>>b.shift] |= 1<<(h&63) | 1<<((h>>6)&63)
	}
	return b
}

// mayHave reports whether k may be in the filter: false means it is not.
func (b *bloom) mayHave(k uint64) bool {
	h := mix(k)
	m := uint64(1)<<(h&63) | uint64(1)<<((h>>6)&63)
	return b.words[h>>b.shift]&m == m
}
