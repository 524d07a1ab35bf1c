package stories

// postTable maps a sampled shingle hash to its posting word (see postMore):
// an open-addressed table with linear probing in one flat array, so that a
// look-up costs one cache miss where a Go map costs two or three (its
// directory, its table, then its group's control word and slot). A window
// of 50,000 items holds about two million postings, far beyond any cache,
// and looking them up and inserting them was most of a decision's cost.
//
// A slot is empty when its key is 0; the key 0 itself lives beside the
// array. Deletion shifts the following run back instead of leaving a
// tombstone, so a look-up never walks past dead slots. The table grows by
// half when it is 13/16 full and its size need not be a power of two: the
// slot is the high half of the product of the mixed key and the size, so
// the load stays between 0.54 and 0.81 and the memory per posting about
// that of a Go map.
type postTable struct {
	slots []postSlot
	n     int // keys in slots (the key 0 not counted)
	zero  uint32
	hasZ  bool
	sink  uint32 // what touch read, kept so that the reads are not dropped
}

type postSlot struct{ k, v uint32 }

// home returns the first slot probed for k.
func (t *postTable) home(k uint32) int {
	return int(uint64(k*0x9e3779b1) * uint64(len(t.slots)) >> 32)
}

// len returns the number of keys.
func (t *postTable) len() int {
	if t.hasZ {
		return t.n + 1
	}
	return t.n
}

// get returns the value of k.
func (t *postTable) get(k uint32) (uint32, bool) {
	if k == 0 {
		return t.zero, t.hasZ
	}
	s := t.slots
	if len(s) == 0 {
		return 0, false
	}
	i := t.home(k)
	for {
		switch s[i].k {
		case k:
			return s[i].v, true
		case 0:
			return 0, false
		}
		if i++; i == len(s) {
			i = 0
		}
	}
}

// set sets the value of k.
func (t *postTable) set(k, v uint32) {
	p, _ := t.ref(k)
	*p = v
}

// ref returns a pointer to the value of k, valid until the next change
// to the table, and whether k was there; if not, it adds k with the value 0.
func (t *postTable) ref(k uint32) (*uint32, bool) {
	if k == 0 {
		ok := t.hasZ
		t.hasZ = true
		if !ok {
			t.zero = 0
		}
		return &t.zero, ok
	}
	if (t.n+1)*16 > len(t.slots)*13 {
		t.grow()
	}
	s := t.slots
	i := t.home(k)
	for {
		switch s[i].k {
		case k:
			return &s[i].v, true
		case 0:
			s[i].k = k
			t.n++
			return &s[i].v, false
		}
		if i++; i == len(s) {
			i = 0
		}
	}
}

// touch reads the first slot of each of keys, so that the look-ups that
// follow find them in the cache.
func (t *postTable) touch(keys []uint32) {
	s := t.slots
	if len(s) == 0 {
		return
	}
	var sum uint32
	for _, k := range keys {
		sum += s[t.home(k)].k
	}
	t.sink = sum
}

// minPostSlots is a table's first size (512 KB, the postings of about
// 1,200 items): an index filling from empty (the first start, a rebuild)
// skips the many small growths, each a pass over the table.
const minPostSlots = 1 << 16

func (t *postTable) grow() {
	old := t.slots
	t.slots = make([]postSlot, max(minPostSlots, len(old)*3/2))
	s := t.slots
	for _, o := range old {
		if o.k == 0 {
			continue
		}
		i := t.home(o.k)
		for s[i].k != 0 {
			if i++; i == len(s) {
				i = 0
			}
		}
		s[i] = o
	}
}

// del removes k.
func (t *postTable) del(k uint32) {
	if k == 0 {
		t.zero, t.hasZ = 0, false
		return
	}
	s := t.slots
	if len(s) == 0 {
		return
	}
	i := t.home(k)
	for s[i].k != k {
		if s[i].k == 0 {
			return
		}
		if i++; i == len(s) {
			i = 0
		}
	}
	t.n--
	// Shift back each following key of the run that may sit at i: one
	// whose home is not cyclically in (i, j].
	for j := i; ; {
		if j++; j == len(s) {
			j = 0
		}
		if s[j].k == 0 {
			break
		}
		h := t.home(s[j].k)
		if i <= j && (h <= i || h > j) || i > j && h <= i && h > j {
			s[i] = s[j]
			i = j
		}
	}
	s[i] = postSlot{}
}
