package stories

import "slices"

// Boilerplate: sentences at the edges of a feed's items that recur in its
// other items. An item is noted in its feed's history before its story is
// decided, together with the rest of its batch, so that a feed's first poll
// already reveals its boilerplate.
const (
	histItems     = 10 // a feed's recent items remembered
	edgeSentences = 3  // sentences at each end of a body that are checked
	boilerMin     = 3  // recent items (this one included) that carry a boilerplate sentence
)

// feedHist remembers the distinct edge sentences of a feed's last
// histItems items in fixed arrays (at most sixty hashes), and which of them
// are boilerplate now: those that at least boilerMin of the items carry.
// It keeps the latter as a short list, updated as items come and go, so
// that the common case, a feed without boilerplate, costs one comparison
// to check, and nothing is allocated or hashed per item.
type feedHist struct {
	items  [histItems]int64
	n      [histItems]uint8
	hashes [histItems][2 * edgeSentences]uint32
	boil   [histItems * 2 * edgeSentences / boilerMin]uint32
	nboil  int
	pos    int
	last   int64 // time of the newest item, unix ms
}

// boilerplate reports whether a sentence is the feed's boilerplate.
func (h *feedHist) boilerplate(hash uint32) bool {
	for _, x := range h.boil[:h.nboil] {
		if x == hash {
			return true
		}
	}
	return false
}

// carriers returns how many remembered items carry a sentence.
func (h *feedHist) carriers(hash uint32) int {
	c := 0
	for i := range h.hashes {
		for _, x := range h.hashes[i][:h.n[i]] {
			if x == hash {
				c++
				break
			}
		}
	}
	return c
}

// has reports whether an item is remembered.
func (h *feedHist) has(item int64) bool {
	for _, it := range h.items {
		if it == item && item != 0 {
			return true
		}
	}
	return false
}

// note remembers the edge sentences of an item, forgetting the oldest.
func (h *feedHist) note(item int64, sents []sentence, ts int64) {
	h.last = max(h.last, ts)
	// Forget the oldest item, and the boilerplate it leaves too rare.
	old := h.hashes[h.pos]
	oldN := h.n[h.pos]
	h.n[h.pos], h.items[h.pos] = 0, 0
	for k := 0; k < h.nboil; {
		if x := h.boil[k]; slices.Contains(old[:oldN], x) && h.carriers(x) < boilerMin {
			h.nboil--
			h.boil[k] = h.boil[h.nboil]
			continue
		}
		k++
	}
	// The others' sentences in a 256-bit filter: most of the new item's
	// are in no other, and that settles them.
	var seen [4]uint64
	for i := range h.hashes {
		for _, x := range h.hashes[i][:h.n[i]] {
			seen[x>>6&3] |= 1 << (x & 63)
		}
	}
	hs := &h.hashes[h.pos]
	n := 0
	for i, st := range sents {
		if !isEdge(i, len(sents)) || slices.Contains(hs[:n], st.hash) {
			continue
		}
		x := st.hash
		hs[n] = x
		n++
		if seen[x>>6&3]&(1<<(x&63)) != 0 && !h.boilerplate(x) && 1+h.carriers(x) >= boilerMin {
			h.boil[h.nboil] = x
			h.nboil++
		}
	}
	h.items[h.pos], h.n[h.pos] = item, uint8(n)
	h.pos = (h.pos + 1) % histItems
}
