package stories

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
// histItems items in fixed arrays: at most sixty hashes, which a scan reads
// faster than a map looks one up, with nothing to allocate per item.
type feedHist struct {
	items  [histItems]int64
	n      [histItems]uint8
	hashes [histItems][2 * edgeSentences]uint32
	pos    int
	last   int64 // time of the newest item, unix ms
}

// boilerplate reports whether a sentence is the feed's boilerplate: whether
// at least boilerMin of the remembered items carry it.
func (h *feedHist) boilerplate(hash uint32) bool {
	c := 0
	for i := range h.hashes {
		for _, x := range h.hashes[i][:h.n[i]] {
			if x == hash {
				if c++; c >= boilerMin {
					return true
				}
				break
			}
		}
	}
	return false
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

// note remembers the edge sentences of an item.
func (h *feedHist) note(item int64, sents []sentence, ts int64) {
	h.last = max(h.last, ts)
	hs := &h.hashes[h.pos]
	n := 0
	for i, st := range sents {
		if !isEdge(i, len(sents)) {
			continue
		}
		dup := false
		for _, x := range hs[:n] {
			dup = dup || x == st.hash
		}
		if !dup {
			hs[n] = st.hash
			n++
		}
	}
	h.items[h.pos], h.n[h.pos] = item, uint8(n)
	h.pos = (h.pos + 1) % histItems
}
