package stories

import (
	"math/bits"
	"slices"
	"sync"
)

// Shingling (see doc.go for the line it serves).
const (
	shingleWords = 5   // words per shingle
	maxBodyWords = 600 // body words shingled: the lead carries the identity
	sampleMod    = 4   // one shingle hash in sampleMod is indexed for candidates
)

// mix64 is the splitmix64 finaliser: a cheap, well-spread 64-bit hash.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// shingler collects the shingle hashes of one item.
type shingler struct {
	set []uint32
}

func (s *shingler) reset() { s.set = s.set[:0] }

// add adds the shingles of one word stream; a stream shorter than a shingle
// is one shingle.
func (s *shingler) add(words []uint64) {
	switch {
	case len(words) == 0:
	case len(words) < shingleWords:
		s.set = append(s.set, shingleHash(words))
	default:
		// shingleHash of each five words, unrolled and written out here,
		// where a call would cost as much as the hash. (The line below
		// stops the build if shingleWords is not five.)
		var _ = [1]struct{}{}[shingleWords-5]
		const k = 0x9e3779b97f4a7c15
		for i := 0; i+shingleWords <= len(words); i++ {
			ws := words[i : i+shingleWords : i+shingleWords]
			h := (bits.RotateLeft64(shingleWords, 23) ^ ws[0]) * k
			h = (bits.RotateLeft64(h, 23) ^ ws[1]) * k
			h = (bits.RotateLeft64(h, 23) ^ ws[2]) * k
			h = (bits.RotateLeft64(h, 23) ^ ws[3]) * k
			h = (bits.RotateLeft64(h, 23) ^ ws[4]) * k
			s.set = append(s.set, uint32(mix64(h)))
		}
	}
}

// finish returns the sorted, distinct shingle hashes as a new slice.
func (s *shingler) finish() []uint32 {
	sortSet(s.set)
	s.set = slices.Compact(s.set)
	return slices.Clone(s.set)
}

func shingleHash(ws []uint64) uint32 {
	h := uint64(len(ws))
	for _, w := range ws {
		h = bits.RotateLeft64(h, 23) ^ w
		h *= 0x9e3779b97f4a7c15
	}
	return uint32(mix64(h))
}

// sampled reports whether a shingle hash is one of the indexed sample. The
// sample is fixed by the hash, so two texts sharing a shingle agree on it.
func sampled(h uint32) bool { return (h>>7)%sampleMod == 0 }

// intersect returns |a∩b| of two sorted sets.
func intersect(a, b []uint32) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// sortScratch holds sort buffers between calls (items are prepared on
// several goroutines at once).
var sortScratch = sync.Pool{New: func() any { return new([]uint32) }}

// maxBucket is the largest bucket sortSet leaves to an insertion sort.
const maxBucket = 16

// sortSet sorts a shingle set. The hashes are uniform, so one pass that
// scatters them into about as many buckets as there are hashes, by their
// top bits, leaves each within a few places of its own, and an insertion
// sort finishes: for the few hundred shingles of an article, a quarter of
// the work of a four-pass radix sort. A set whose hashes crowd one bucket
// (which uniform hashes do not) is radix sorted; a set of fewer than 64 is
// sorted by comparison.
func sortSet(a []uint32) {
	n := len(a)
	if n < 64 {
		slices.Sort(a)
		return
	}
	if n >= 1<<14 {
		radixSort(a)
		return
	}
	k := bits.Len(uint(n)) // 2^(k-1) <= n < 2^k buckets
	shift := 32 - uint(k)
	bp := sortScratch.Get().(*[]uint32)
	if need := n + 1<<k; cap(*bp) < need {
		*bp = make([]uint32, need)
	}
	dst, count := (*bp)[:n], (*bp)[n:n+1<<k]
	clear(count)
	for _, v := range a {
		count[v>>shift]++
	}
	var sum, most uint32
	for i, c := range count {
		count[i] = sum
		sum += c
		most = max(most, c)
	}
	if most > maxBucket {
		sortScratch.Put(bp)
		radixSort(a)
		return
	}
	for _, v := range a {
		b := v >> shift
		dst[count[b]] = v
		count[b]++
	}
	for i := 1; i < n; i++ {
		v := dst[i]
		j := i
		for j > 0 && dst[j-1] > v {
			dst[j] = dst[j-1]
			j--
		}
		dst[j] = v
	}
	copy(a, dst)
	sortScratch.Put(bp)
}

// radixSort sorts a by four 8-bit digits.
func radixSort(a []uint32) {
	var count [4][256]uint32
	for _, v := range a {
		count[0][v&0xff]++
		count[1][v>>8&0xff]++
		count[2][v>>16&0xff]++
		count[3][v>>24]++
	}
	src, dst := a, make([]uint32, len(a))
	for d := range 4 {
		shift := 8 * uint(d)
		c := &count[d]
		if int(c[src[0]>>shift&0xff]) == len(a) {
			continue // every key has this digit
		}
		var sum uint32
		for i, n := range c {
			c[i] = sum
			sum += n
		}
		for _, v := range src {
			b := v >> shift & 0xff
			dst[c[b]] = v
			c[b]++
		}
		src, dst = dst, src
	}
	if &src[0] != &a[0] {
		copy(a, src)
	}
}
