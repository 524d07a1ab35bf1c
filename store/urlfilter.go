package store

import (
	"context"
	"database/sql"
	"math/bits"
	"sync"
)

// urlFilter is a Bloom filter of the canonical URL keys (items.canon_key)
// in the database, held for the save path: a save asks the store for the
// stories of its new items' canonical URLs that are not in the decider's
// window, and nearly all are new, so the filter answers "none" without a
// statement (issue 12: stories on must keep 90% of the ingest speed).
//
// It never forgets a key (a deleted item's key only makes a false
// positive, which the query then answers), so it must hold every key:
// it is built from items_canon on first use, every key a save of this
// DB writes is added, and when another connection has committed since
// (PRAGMA data_version: another process, such as `stories --rebuild`)
// it is built again. Its sets grow by doubling; past maxFilterKeys the
// filter is off until the next build and every save queries.
type urlFilter struct {
	mu      sync.Mutex
	built   bool
	off     bool  // too many keys: always query
	version int64 // data_version of the writer connection at the last check
	sets    []bloomSet
	n       int // keys added to the last set
}

// bloomSet is one Bloom filter of fixed size with bitsPerKey bits for
// each of its cap keys and bloomProbes probes.
type bloomSet struct {
	bits []uint64
	mask uint64
	cap  int
}

const (
	bitsPerKey    = 16      // with 4 probes: about 0.24% false positives at capacity
	bloomProbes   = 4       //
	minFilterKeys = 1 << 16 // the first set's capacity at least
)

// maxFilterKeys caps the filter's capacity: 32 MB; beyond, the save
// queries (a variable for the tests).
var maxFilterKeys = 16 << 20

func newBloomSet(keys int) bloomSet {
	n := max(uint64(keys)*bitsPerKey, 64)
	n = 1 << bits.Len64(n-1) // a power of two
	return bloomSet{bits: make([]uint64, n/64), mask: n - 1, cap: keys}
}

// probes returns the bit positions of key k (double hashing).
func probes(k int64) (h1, h2 uint64) {
	h1 = uint64(k)
	h2 = h1 ^ h1>>31
	h2 *= 0x9e3779b97f4a7c15
	return h1, h2 | 1
}

func (b *bloomSet) add(k int64) {
	h1, h2 := probes(k)
	for i := uint64(0); i < bloomProbes; i++ {
		p := (h1 + i*h2) & b.mask
		b.bits[p/64] |= 1 << (p % 64)
	}
}

func (b *bloomSet) has(k int64) bool {
	h1, h2 := probes(k)
	for i := uint64(0); i < bloomProbes; i++ {
		p := (h1 + i*h2) & b.mask
		if b.bits[p/64]&(1<<(p%64)) == 0 {
			return false
		}
	}
	return true
}

// addLocked adds k, opening a set of twice the capacity when the last one
// is full, or turning the filter off past maxFilterKeys.
func (f *urlFilter) addLocked(k int64) {
	if f.off {
		return
	}
	last := len(f.sets) - 1
	if last < 0 || f.n >= f.sets[last].cap {
		total := 0
		for _, s := range f.sets {
			total += s.cap
		}
		next := minFilterKeys
		if last >= 0 {
			next = 2 * f.sets[last].cap
		}
		if total+next > maxFilterKeys {
			f.off, f.sets = true, nil
			return
		}
		f.sets = append(f.sets, newBloomSet(next))
		f.n, last = 0, last+1
	}
	f.sets[last].add(k)
	f.n++
}

// add records keys a save of this DB wrote (or is about to).
func (f *urlFilter) add(keys ...int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.built {
		return // the build reads them from the table
	}
	for _, k := range keys {
		f.addLocked(k)
	}
}

// mayHave filters canon to the URLs whose key may be in the database,
// building the filter first if it is not built or another connection
// committed since; tx is the save's transaction on the writer connection,
// v the writer's PRAGMA data_version in it (storyFloors.version), which
// changes when another connection commits. When the filter is off, canon
// is returned as it is.
func (f *urlFilter) mayHave(ctx context.Context, tx *sql.Tx, v int64, canon []string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.built || v != f.version {
		if err := f.buildLocked(ctx, tx); err != nil {
			return nil, err
		}
		f.version = v
	}
	if f.off {
		return canon, nil
	}
	var out []string
	for _, u := range canon {
		if u == "" {
			continue
		}
		k := urlKey(u)
		for i := range f.sets {
			if f.sets[i].has(k) {
				out = append(out, u)
				break
			}
		}
	}
	return out, nil
}

// buildLocked reads every key in items into a new filter.
func (f *urlFilter) buildLocked(ctx context.Context, tx *sql.Tx) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM items WHERE canon_key IS NOT NULL`).Scan(&n); err != nil {
		return err
	}
	f.built, f.off, f.sets, f.n = true, false, nil, 0
	room := max(n+n/2, minFilterKeys)
	if room > maxFilterKeys {
		f.off = true
		return nil
	}
	f.sets = []bloomSet{newBloomSet(room)}
	rows, err := tx.QueryContext(ctx, `SELECT canon_key FROM items WHERE canon_key IS NOT NULL`)
	if err != nil {
		f.built = false
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k int64
		if err := rows.Scan(&k); err != nil {
			f.built = false
			return err
		}
		f.addLocked(k)
	}
	if err := rows.Err(); err != nil {
		f.built = false
		return err
	}
	return nil
}
