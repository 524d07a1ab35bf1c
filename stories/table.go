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

// postLists holds the later entries of each shingle carried by several
// (Index.more maps the shingle to its list's offset here): blocks in one
// flat array of uint32, where a Go map of slices cost a slice header in the
// map and an allocation for each list and each growth, and made the map
// one the garbage collector scans. Nothing here is a pointer.
//
// A block of class c is 2<<c words: a header (the length, and the class
// in bits 8 and up) and up to (2<<c)-1 values. A list moves to the next
// class when it is full; a block freed when its list empties is reused by
// the next list of its class. Most lists hold one entry: two words.
type postLists struct {
	mem  []uint32
	free [listClasses][]uint32 // offsets of free blocks, by class
}

// listClasses is the number of block sizes: the largest holds
// maxPosting-1 values.
const listClasses = 6

// The largest block holds a full list (the line stops the build if not).
var _ = [1]struct{}{}[2<<(listClasses-1)-1-(maxPosting-1)]

var zeroBlock [2 << (listClasses - 1)]uint32

// start returns the offset of a new list holding v.
func (p *postLists) start(v uint32) uint32 {
	off := p.alloc(0)
	p.mem[off] = 1
	p.mem[off+1] = v
	return off
}

// alloc returns the offset of a block of class c, its words unset.
func (p *postLists) alloc(c int) uint32 {
	if f := p.free[c]; len(f) > 0 {
		off := f[len(f)-1]
		p.free[c] = f[:len(f)-1]
		return off
	}
	off := len(p.mem)
	if uint64(off)+2<<c > 1<<32 {
		panic("stories: posting lists past 16 GB")
	}
	p.mem = append(p.mem, zeroBlock[:2<<c]...)
	return uint32(off)
}

// list returns the values of the list at off, valid until the next change.
func (p *postLists) list(off uint32) []uint32 {
	n := p.mem[off] & 0xff
	return p.mem[off+1 : off+1+n : off+1+n]
}

// push appends v to the list at off and returns the list's offset, which
// changes when it outgrows its block. The list must hold fewer than
// maxPosting-1 values.
func (p *postLists) push(off, v uint32) uint32 {
	h := p.mem[off]
	n, c := h&0xff, int(h>>8)
	if n == 2<<c-1 {
		nw := p.alloc(c + 1)
		copy(p.mem[nw+1:], p.mem[off+1:off+1+n])
		p.release(off)
		off, c = nw, c+1
	}
	p.mem[off+1+n] = v
	p.mem[off] = (n + 1) | uint32(c)<<8
	return off
}

// removeAt removes the i'th value of the list at off, keeping the order of
// the others, and returns how many are left; a list left empty is freed.
func (p *postLists) removeAt(off uint32, i int) int {
	h := p.mem[off]
	n := int(h & 0xff)
	l := p.mem[off+1 : off+1+uint32(n)]
	copy(l[i:], l[i+1:])
	n--
	if n == 0 {
		p.release(off)
		return 0
	}
	p.mem[off] = uint32(n) | h&^0xff
	return n
}

// release frees the block at off.
func (p *postLists) release(off uint32) {
	c := p.mem[off] >> 8
	p.free[c] = append(p.free[c], off)
}
