package stories

import (
	"math/bits"
	"testing"
)

func exactSet(d Doc, k int, title bool) map[uint64]bool {
	var words []uint64
	var sents []sentence
	words, sents = splitSentences(d.Text, words, sents)
	set := map[uint64]bool{}
	add := func(ws []uint64) {
		if len(ws) < k {
			if len(ws) > 0 {
				set[hashWords(ws)] = true
			}
			return
		}
		for i := 0; i+k <= len(ws); i++ {
			set[hashWords(ws[i:i+k])] = true
		}
	}
	var all []uint64
	for _, s := range sents {
		all = append(all, s.words...)
	}
	add(all)
	if title {
		tw, _ := splitSentences(d.Title, nil, nil)
		add(tw)
	}
	return set
}

func hashWords(ws []uint64) uint64 {
	h := uint64(len(ws))
	for _, w := range ws {
		h = bits.RotateLeft64(h, 23) ^ w
		h *= 0x9e3779b97f4a7c15
	}
	return h
}

// TestTuneShingles prints, with -pairs, the exact J and C of the same-event pairs
// of the development set for shingle sizes 2 to 5, with and without titles:
// the figures the line was drawn from.
func TestTuneShingles(t *testing.T) {
	if !*showPairs {
		t.Skip()
	}
	items := loadDevset(t)
	docs := map[string]Doc{}
	for _, d := range devDocs(t, items) {
		docs[items[d.ItemID-1].ID] = d
	}
	for _, k := range []int{2, 3, 4, 5} {
		for _, title := range []bool{false, true} {
			minPosJ, minPosC, maxNegJ, maxNegC := 1.0, 1.0, 0.0, 0.0
			for i := range items {
				for j := i + 1; j < len(items); j++ {
					if items[i].Event != items[j].Event {
						continue
					}
					a, b := exactSet(docs[items[i].ID], k, title), exactSet(docs[items[j].ID], k, title)
					inter := 0
					for h := range a {
						if b[h] {
							inter++
						}
					}
					jac := float64(inter) / float64(len(a)+len(b)-inter)
					c := float64(inter) / float64(min(len(a), len(b)))
					if items[i].Story == items[j].Story {
						minPosJ, minPosC = min(minPosJ, jac), min(minPosC, c)
						t.Logf("k=%d title=%v + J=%.2f C=%.2f %s %s", k, title, jac, c, items[i].ID, items[j].ID)
					} else {
						maxNegJ, maxNegC = max(maxNegJ, jac), max(maxNegC, c)
						if c > 0.2 {
							t.Logf("k=%d title=%v - J=%.2f C=%.2f %s %s", k, title, jac, c, items[i].ID, items[j].ID)
						}
					}
				}
			}
			t.Logf("k=%d title=%v: pos min J %.2f C %.2f; neg max J %.2f C %.2f", k, title, minPosJ, minPosC, maxNegJ, maxNegC)
		}
	}
}
