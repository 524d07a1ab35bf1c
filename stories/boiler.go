package stories

// Boilerplate: a feed's recurring sentences at the edges of its items.
const (
	histItems     = 10 // a feed's recent stories remembered
	edgeSentences = 3  // sentences at each end of a body that are checked
	boilerMin     = 2  // earlier stories that must carry a sentence
)

// feedHist remembers the edge sentences of a feed's last histItems stories.
type feedHist struct {
	ring   [histItems]histEntry
	pos    int
	counts map[uint32]uint8
	last   int64 // time of the newest item, unix ms
}

type histEntry struct {
	story  *storyRef
	hashes []uint32
}

// boilerplate reports whether a sentence is the feed's boilerplate: carried
// by at least boilerMin of its recent stories, so that this item is at
// least the third.
func (h *feedHist) boilerplate(hash uint32) bool { return h.counts[hash] >= boilerMin }

// record remembers the edge sentences of an item of story s. A second item
// of a story already remembered adds nothing: a story updated three times
// must not turn its own sentences into boilerplate.
func (h *feedHist) record(s *storyRef, sents []sentence, ts int64) {
	h.last = max(h.last, ts)
	for _, e := range h.ring {
		if e.story == s && s != nil {
			return
		}
	}
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
	*old = histEntry{story: s, hashes: hashes}
	h.pos = (h.pos + 1) % histItems
}
