package stories

import (
	"math/rand"
	"slices"
	"testing"
)

// TestPostTable: the flat table agrees with a Go map through random
// inserts, updates and deletes over few and many keys (so runs wrap and
// deletes shift), the key 0 included.
func TestPostTable(t *testing.T) {
	rnd := rand.New(rand.NewSource(1))
	for _, keys := range []uint32{8, 300, 1 << 16, 1 << 31} {
		var tb postTable
		m := map[uint32]uint32{}
		for op := 0; op < 200_000; op++ {
			k := uint32(rnd.Int63n(int64(keys)))
			if rnd.Intn(50) == 0 {
				k = 0
			}
			switch rnd.Intn(4) {
			case 0:
				v := rnd.Uint32()
				p, ok := tb.ref(k)
				_, wok := m[k]
				if ok != wok || !ok && *p != 0 {
					t.Fatalf("keys %d op %d: ref(%d) found %v (value %d), want %v", keys, op, k, ok, *p, wok)
				}
				*p = v
				m[k] = v
			case 1, 2:
				v := rnd.Uint32()
				tb.set(k, v)
				m[k] = v
			default:
				tb.del(k)
				delete(m, k)
			}
			if op%1000 == 0 || keys < 1000 {
				probe := uint32(rnd.Int63n(int64(keys)))
				got, ok := tb.get(probe)
				want, wok := m[probe]
				if got != want || ok != wok {
					t.Fatalf("keys %d op %d: get(%d) = %d, %v; want %d, %v", keys, op, probe, got, ok, want, wok)
				}
			}
		}
		if tb.len() != len(m) {
			t.Fatalf("keys %d: len %d, want %d", keys, tb.len(), len(m))
		}
		for k, v := range m {
			if got, ok := tb.get(k); !ok || got != v {
				t.Fatalf("keys %d: get(%d) = %d, %v; want %d", keys, k, got, ok, v)
			}
		}
	}
}

// TestSampleSet: sampleSet keeps exactly the sampled hashes, in order.
func TestSampleSet(t *testing.T) {
	rnd := rand.New(rand.NewSource(5))
	var buf []uint32
	for n := 0; n < 300; n++ {
		set := make([]uint32, n)
		var want []uint32
		for i := range set {
			set[i] = rnd.Uint32()
			if sampled(set[i]) {
				want = append(want, set[i])
			}
		}
		buf = sampleSet(buf, set)
		if !slices.Equal(buf, want) {
			t.Fatalf("%d hashes: %v, want %v", n, buf, want)
		}
	}
}

// TestPostLists: the lists in one array agree with slices through random
// appends (up to a full list) and removals at the front and inside, and
// freed blocks are reused.
func TestPostLists(t *testing.T) {
	rnd := rand.New(rand.NewSource(2))
	var p postLists
	offs := map[int]uint32{}
	want := map[int][]uint32{}
	for op := 0; op < 200_000; op++ {
		k := rnd.Intn(200)
		off, ok := offs[k]
		switch {
		case !ok:
			v := rnd.Uint32()
			offs[k], want[k] = p.start(v), []uint32{v}
		case rnd.Intn(2) == 0 && len(want[k]) < maxPosting-1:
			v := rnd.Uint32()
			offs[k], want[k] = p.push(off, v), append(want[k], v)
		default:
			i := 0
			if rnd.Intn(2) == 0 {
				i = rnd.Intn(len(want[k]))
			}
			want[k] = slices.Delete(want[k], i, i+1)
			if left := p.removeAt(off, i); left != len(want[k]) {
				t.Fatalf("op %d: removeAt left %d, want %d", op, left, len(want[k]))
			}
			if len(want[k]) == 0 {
				delete(offs, k)
				delete(want, k)
			}
		}
		if op%97 == 0 {
			for k, off := range offs {
				if got := p.list(off); !slices.Equal(got, want[k]) {
					t.Fatalf("op %d: list %d = %v, want %v", op, k, got, want[k])
				}
			}
		}
	}
	// 200 lists of at most 63 values fit in 200 blocks of 64 words; with
	// the freed blocks reused the array stays within twice that (without,
	// this stream needs 57,086 words).
	if len(p.mem) > 2*200*64 {
		t.Errorf("%d words for 200 lists: freed blocks are not reused", len(p.mem))
	}
}
