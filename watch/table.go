package watch

import (
	"cmp"
	"math/bits"
	"slices"
)

// table maps a 64-bit key to a list of int32. It is an open-addressing hash
// table with a bit filter in front, so that most words of a text cost one
// load from a small array.
type table struct {
	filter []uint64
	fshift uint
	slots  []slot
	mask   uint64
	ids    []int32 // the values, grouped by key
}

type slot struct {
	key uint64 // 0: empty
	off uint32
	n   uint32
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
	root bool // an edge from the trie's root
}

// buildTable builds a table from key–value pairs with nonzero keys; the
// values of a key are stored in increasing order, without repeats.
func buildTable(es []edge) table {
	slices.SortFunc(es, func(a, b edge) int { return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.id, b.id)) })
	keys := 0
	for i := range es {
		if i == 0 || es[i].key != es[i-1].key {
			keys++
		}
	}
	size := 16
	for size < 2*keys {
		size *= 2
	}
	fbits := 1 << 12
	for fbits < 16*keys && fbits < 1<<23 {
		fbits *= 2
	}
	t := table{
		filter: make([]uint64, fbits/64),
		fshift: uint(64 - bits.TrailingZeros(uint(fbits))),
		slots:  make([]slot, size),
		mask:   uint64(size - 1),
		ids:    make([]int32, 0, len(es)),
	}
	for i := 0; i < len(es); {
		k := es[i].key
		off := len(t.ids)
		for ; i < len(es) && es[i].key == k; i++ {
			if len(t.ids) == off || t.ids[len(t.ids)-1] != es[i].id {
				t.ids = append(t.ids, es[i].id)
			}
		}
		h := mix(k)
		t.filter[(h>>t.fshift)/64] |= 1 << ((h >> t.fshift) % 64)
		j := h & t.mask
		for t.slots[j].key != 0 {
			j = (j + 1) & t.mask
		}
		t.slots[j] = slot{key: k, off: uint32(off), n: uint32(len(t.ids) - off)}
	}
	return t
}

func nonzero(k uint64) uint64 {
	if k == 0 {
		return 1
	}
	return k
}

// mayHave reports whether k (a nonzero key) may be in the table: false
// means it is not.
func (t *table) mayHave(k uint64) bool {
	h := mix(k) >> t.fshift
	return t.filter[h/64]&(1<<(h%64)) != 0
}

// get returns the list stored under k (a nonzero key).
func (t *table) get(k uint64) []int32 {
	h := mix(k)
	if t.filter[(h>>t.fshift)/64]&(1<<((h>>t.fshift)%64)) == 0 {
		return nil
	}
	for j := h & t.mask; ; j = (j + 1) & t.mask {
		s := &t.slots[j]
		if s.key == k {
			return t.ids[s.off : s.off+s.n]
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
	n := 64
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
