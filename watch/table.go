package watch

import "math/bits"

// table maps a word hash to the patterns whose first word may have it. It is
// an open-addressing hash table with a bit filter in front, so that most
// words of a text cost one load from a small array.
type table struct {
	filter []uint64
	fshift uint
	slots  []slot
	mask   uint64
	ids    []int32 // pattern indexes, grouped by key
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

func buildTable(ps []pattern) table {
	byKey := map[uint64][]int32{}
	var order []uint64
	for i := range ps {
		for _, k := range ps[i].words[0].keys {
			k = nonzero(k)
			if byKey[k] == nil {
				order = append(order, k)
			}
			byKey[k] = append(byKey[k], int32(i))
		}
	}
	size := 16
	for size < 2*len(order) {
		size *= 2
	}
	fbits := 1 << 12
	for fbits < 16*len(order) && fbits < 1<<23 {
		fbits *= 2
	}
	t := table{
		filter: make([]uint64, fbits/64),
		fshift: uint(64 - bits.TrailingZeros(uint(fbits))),
		slots:  make([]slot, size),
		mask:   uint64(size - 1),
	}
	for _, k := range order {
		h := mix(k)
		t.filter[(h>>t.fshift)/64] |= 1 << ((h >> t.fshift) % 64)
		j := h & t.mask
		for t.slots[j].key != 0 {
			j = (j + 1) & t.mask
		}
		t.slots[j] = slot{key: k, off: uint32(len(t.ids)), n: uint32(len(byKey[k]))}
		t.ids = append(t.ids, byKey[k]...)
	}
	return t
}

func nonzero(k uint64) uint64 {
	if k == 0 {
		return 1
	}
	return k
}

// get returns the patterns whose first word may hash to k.
func (t *table) get(k uint64) []int32 {
	k = nonzero(k)
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
