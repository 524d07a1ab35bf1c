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

// feedHist remembers the edge sentences of a feed's last histItems items.
type feedHist struct {
	ring   [histItems]histEntry
	pos    int
	counts map[uint32]uint8
	last   int64 // time of the newest item, unix ms
}

type histEntry struct {
	item   int64
	hashes []uint32
}

// boilerplate reports whether a sentence is the feed's boilerplate.
func (h *feedHist) boilerplate(hash uint32) bool { return h.counts[hash] >= boilerMin }

// has reports whether an item is remembered.
func (h *feedHist) has(item int64) bool {
	for _, e := range h.ring {
		if e.item == item && item != 0 {
			return true
		}
	}
	return false
}

// note remembers the edge sentences of an item.
func (h *feedHist) note(item int64, sents []sentence, ts int64) {
	h.last = max(h.last, ts)
	old := &h.ring[h.pos]
	for _, x := range old.hashes {
		if h.counts[x]--; h.counts[x] == 0 {
			delete(h.counts, x)
		}
	}
	hashes := old.hashes[:0]
	for i, st := range sents {
		if !isEdge(i, len(sents)) {
			continue
		}
		dup := false
		for _, x := range hashes {
			dup = dup || x == st.hash
		}
		if !dup {
			hashes = append(hashes, st.hash)
			h.counts[st.hash]++
		}
	}
	*old = histEntry{item: item, hashes: hashes}
	h.pos = (h.pos + 1) % histItems
}
