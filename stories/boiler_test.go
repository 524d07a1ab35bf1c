package stories

import (
	"math/rand"
	"testing"
)

// TestFeedHist: a feed's history knows as boilerplate exactly the edge
// sentences that at least boilerMin of its last histItems items carry,
// as counted by a plain map, through a long random stream whose sentences
// come from a small pool (so that many recur), the same item noted twice
// included.
func TestFeedHist(t *testing.T) {
	rnd := rand.New(rand.NewSource(4))
	var h feedHist
	type noted struct{ hashes map[uint32]bool }
	var ring []noted
	for item := int64(1); item < 20000; item++ {
		n := rnd.Intn(12)
		sents := make([]sentence, n)
		pool := uint32(3 + rnd.Intn(40))
		for i := range sents {
			sents[i].hash = rnd.Uint32()%pool + uint32(rnd.Intn(2))<<31
		}
		h.note(item, sents, item)
		e := noted{map[uint32]bool{}}
		for i, s := range sents {
			if isEdge(i, n) {
				e.hashes[s.hash] = true
			}
		}
		ring = append(ring, e)
		if len(ring) > histItems {
			ring = ring[1:]
		}
		count := map[uint32]int{}
		for _, e := range ring {
			for x := range e.hashes {
				count[x]++
			}
		}
		boil := 0
		for x, c := range count {
			if got, want := h.boilerplate(x), c >= boilerMin; got != want {
				t.Fatalf("item %d: boilerplate(%d) = %v, carried by %d", item, x, got, c)
			}
			if c >= boilerMin {
				boil++
			}
		}
		if h.nboil != boil {
			t.Fatalf("item %d: %d boilerplate sentences, want %d", item, h.nboil, boil)
		}
	}
}
