package query

// table is a read-only string → id hash table with open addressing,
// faster than a map for the short tokens of the hot path: an inline
// FNV-1a hash and one length check before the comparison.
type table struct {
	mask  uint32
	slots []int32  // index into keys, -1 for empty
	keys  []string // the id of keys[i] is ids[i]
	ids   []int32
}

// newTable builds the table of m.
func newTable(m map[string]int32) *table {
	size := uint32(8)
	for size < uint32(4*len(m)) {
		size *= 2
	}
	t := &table{mask: size - 1, slots: make([]int32, size)}
	for i := range t.slots {
		t.slots[i] = -1
	}
	for k, id := range m {
		h := hash([]byte(k)) & t.mask
		for t.slots[h] >= 0 {
			h = (h + 1) & t.mask
		}
		t.slots[h] = int32(len(t.keys))
		t.keys = append(t.keys, k)
		t.ids = append(t.ids, id)
	}
	return t
}

// get returns the id of tok.
func (t *table) get(tok []byte) (int32, bool) {
	for h := hash(tok) & t.mask; ; h = (h + 1) & t.mask {
		i := t.slots[h]
		if i < 0 {
			return -1, false
		}
		if k := t.keys[i]; len(k) == len(tok) && k == string(tok) {
			return t.ids[i], true
		}
	}
}

// hash is 32-bit FNV-1a.
func hash(b []byte) uint32 {
	h := uint32(2166136261)
	for _, c := range b {
		h ^= uint32(c)
		h *= 16777619
	}
	return h
}
