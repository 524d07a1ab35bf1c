package query

import (
	"encoding/binary"
	"math/bits"
)

// table is the read-only token → id hash table of a Set's dictionary, with
// open addressing, faster than a map for the short tokens of the hot path:
// the hash is computed while the token is folded (see Set.scanText), a
// bitset keyed by other bits of it turns most tokens of an item (in no
// query) away before the table is touched, and a slot keeps the hash and a
// key of up to 8 bytes itself, so most hits are one load.
type table struct {
	mask  uint32
	slots []slot
	keys  []string // by id: ids are 0..len(keys)-1
	// bloom has bit h>>bloomShift set for the hash h of every key.
	bloom      []uint64
	bloomShift uint32
}

type slot struct {
	h  uint32
	id int32  // -1 for empty
	k  uint64 // the key, packed (pack), if it has up to 8 bytes; else 0
}

// pack is tok's bytes in a word, for a token of up to 8 bytes (no token
// has a zero byte, so the length is implied), else 0.
func pack(tok []byte) uint64 {
	if len(tok) > 8 {
		return 0
	}
	var k uint64
	for i := len(tok) - 1; i >= 0; i-- {
		k = k<<8 | uint64(tok[i])
	}
	return k
}

// newTable builds the table of m, whose ids are 0..len(m)-1.
func newTable(m map[string]int32) *table {
	size := uint32(8)
	for size < uint32(2*len(m)) { // at most half full
		size *= 2
	}
	t := &table{mask: size - 1, slots: make([]slot, size), keys: make([]string, len(m))}
	for i := range t.slots {
		t.slots[i].id = -1
	}
	// about 8 bits per key: one key in 8 or fewer bits set
	bits, shift := uint32(64), uint32(32-6)
	for bits < uint32(8*len(m)) {
		bits, shift = bits*2, shift-1
	}
	t.bloom, t.bloomShift = make([]uint64, bits/64), shift
	for k, id := range m {
		h := hash([]byte(k))
		t.keys[id] = k
		t.bloom[h>>shift/64] |= 1 << (h >> shift % 64)
		i := h & t.mask
		for t.slots[i].id >= 0 {
			i = (i + 1) & t.mask
		}
		t.slots[i] = slot{h, id, pack([]byte(k))}
	}
	return t
}

// maybe reports whether the table may have a key of hash h.
func (t *table) maybe(h uint32) bool {
	b := h >> t.bloomShift
	return t.bloom[b/64]&(1<<(b%64)) != 0
}

// find returns the id of tok, whose hash is h and packed key k (pack),
// or -1, past the bitset (maybe).
func (t *table) find(tok []byte, h uint32, k uint64) int32 {
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		sl := &t.slots[i]
		if sl.id < 0 {
			return -1
		}
		if sl.h == h && sl.k == k && (k != 0 || t.keys[sl.id] == string(tok)) {
			return sl.id
		}
	}
}

// hash is the hash of a token: its bytes in words of eight (the last one
// packed, as pack packs it), each mixed into the state with a 128-bit
// multiply. A token of up to eight bytes is one multiply, hashPacked of
// its packed bytes, which scanText has at hand as it folds them: there is
// no multiply per byte.
func hash(b []byte) uint32 {
	var h uint64
	for len(b) > 8 {
		h = mix(h ^ binary.LittleEndian.Uint64(b))
		b = b[8:]
	}
	return uint32(mix(h ^ pack(b)))
}

// packString is pack of a string of up to eight bytes.
func packString(s string) uint64 {
	var k uint64
	for i := len(s) - 1; i >= 0; i-- {
		k = k<<8 | uint64(s[i])
	}
	return k
}

// hashPacked is hash of a token of up to eight bytes packed into k.
func hashPacked(k uint64) uint32 { return uint32(mix(k)) }

// mix folds the high and the low half of x times the golden ratio: every
// bit of x moves the low 32 bits of the result.
func mix(x uint64) uint64 {
	hi, lo := bits.Mul64(x, 0x9E3779B97F4A7C15)
	return hi ^ lo
}
