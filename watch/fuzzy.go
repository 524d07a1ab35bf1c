package watch

import (
	"github.com/newswatch/newswatch"
)

// Typo tolerance (a watch's Fuzzy): a text word matches a one-word name of
// the watch, or one of its case forms, when it is one edit away from it —
// one letter left out, added, changed, or two neighbours swapped — the name
// has at least fuzzyMinRunes letters, and the first letter is not the one
// edited. Only one-word names are so matched (an actor's surname alone is
// one, with auto_aliases). The matcher finds candidates by deletion
// neighbourhoods: each form of a name is indexed under its hash and the
// hashes of it less one letter (not the first); a text word of at least
// fuzzyMinRunes-1 letters is looked up under its own hash and those of it
// less one letter, and each candidate is checked letter by letter.

// fuzzyMinRunes is the fewest letters a name needs for typo tolerance.
const fuzzyMinRunes = 7

// fuzzyForm is one indexed form of a fuzzy name.
type fuzzyForm struct {
	runes   []rune // the folded form
	stem    int    // the edit must fall within runes[1:stem]: a case ending is never edited
	hash    uint64 // its hash, without the capital salt
	cyr     bool   // a Cyrillic word: the text word's capital salts the key
	capital bool   // the name is written with a capital: so must the text word be
}

// buildFuzzy indexes the one-word names of fuzzy watches.
func (m *Matcher) buildFuzzy(ws []newswatch.Watch) {
	var es []edge
	for pi := range m.patterns {
		p := &m.patterns[pi]
		if p.exclude || p.caseSensitive || len(p.words) != 1 || !ws[p.watch].Fuzzy {
			continue
		}
		w := &p.words[0]
		folded := []rune(w.norm)
		if len(folded) < fuzzyMinRunes {
			continue
		}
		add := func(f []rune, stem int) {
			id := int32(len(m.fuzzyForms))
			m.fuzzyMaxRunes = max(m.fuzzyMaxRunes, len(f))
			m.fuzzyForms = append(m.fuzzyForms, fuzzyForm{runes: f, stem: stem, hash: hashRunes(f), cyr: isCyrillic(f[0]), capital: w.capital})
			var d deletions
			d.reset(f)
			es = append(es, edge{key: nonzero(d.whole), id: id})
			for i := 1; i < len(f); i++ {
				es = append(es, edge{key: nonzero(d.without(i)), id: id})
			}
		}
		if !isCyrillic(folded[0]) {
			add(folded, len(folded)+1) // a letter may be added at the end
			continue
		}
		eachCaseForm(folded, ws[p.watch].Kind, false, func(stem []rune, ending string) {
			add(append(append([]rune(nil), stem...), []rune(ending)...), len(stem))
		})
	}
	if len(es) > 0 {
		m.fuzzy = buildTable(es, nil)
	}
}

// The deletion neighbourhood is hashed with a polynomial hash, Σ (r+1)·P^i
// mod 2^64, so that the hashes of a word less each of its letters cost
// O(1) each: less letter i, it is pre(i) + (whole − pre(i+1)) / P, where
// dividing by the odd P is multiplying by its inverse mod 2^64.
const polyP = 0x9e3779b97f4a7c15

var polyPinv = func() uint64 {
	x := uint64(polyP) // Newton's iteration doubles the correct low bits
	for range 6 {
		x *= 2 - polyP*x
	}
	return x
}()

// deletions holds the prefix hashes of one word.
type deletions struct {
	pre   []uint64 // pre[i]: the hash of the first i runes
	whole uint64
}

func (d *deletions) reset(rs []rune) {
	d.pre = d.pre[:0]
	var h, pw uint64 = 0, 1
	for _, r := range rs {
		d.pre = append(d.pre, h)
		h += (uint64(r) + 1) * pw
		pw *= polyP
	}
	d.pre = append(d.pre, h)
	d.whole = h
}

// without returns the hash of the word less its i-th rune.
func (d *deletions) without(i int) uint64 {
	return d.pre[i] + (d.whole-d.pre[i+1])*polyPinv
}

// fuzzyWord adds the candidates of the fuzzy names that the text word t is
// one edit away from.
func (st *matchState) fuzzyWord(t *token) {
	rs := st.runes[:0]
	for _, r := range st.text[t.start:t.end] {
		if !isIgnorable(r) {
			rs = append(rs, foldRune(r))
		}
	}
	st.runes = rs
	if len(rs) < fuzzyMinRunes-1 || len(rs) > 64 {
		return
	}
	st.fzSeen = st.fzSeen[:0]
	st.del.reset(rs)
	st.fuzzyLookup(t, rs, st.del.whole)
	for i := 1; i < len(rs); i++ {
		st.fuzzyLookup(t, rs, st.del.without(i))
	}
}

func (st *matchState) fuzzyLookup(t *token, rs []rune, h uint64) {
	m := st.m
	sl := m.fuzzy.find(nonzero(h))
	if sl == nil {
		return
	}
	for i := range m.fuzzy.count(sl) {
		id := m.fuzzy.id(sl, i)
		if containsID(st.fzSeen, id) {
			continue
		}
		st.fzSeen = append(st.fzSeen, id)
		f := &m.fuzzyForms[id]
		if at := editAt(f.runes, rs); at < 1 || at >= f.stem {
			continue
		}
		key := f.hash
		if f.cyr {
			if t.capital {
				key ^= capitalSalt
			} else if f.capital {
				continue
			}
		}
		root := m.edges.findRoot(edgeKey(0, key, 0))
		if root == nil {
			continue
		}
		for j := range m.edges.count(root) {
			n := &m.nodes[m.edges.id(root, j)]
			for _, pid := range m.outs[n.outOff : n.outOff+n.outN] {
				p := &m.patterns[pid]
				if p.exclude || p.caseSensitive || len(p.words) != 1 || !m.fuzzyWatch[p.watch] {
					continue
				}
				st.cands = append(st.cands, candidate{watch: p.watch, start: t.start, end: t.end})
			}
		}
	}
}

func containsID(ids []int32, id int32) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// editAt returns where the single edit that turns name into word falls in
// name — a deletion, insertion, substitution or swap of neighbours — or -1
// when they are equal or further apart.
func editAt(name, word []rune) int {
	i := 0
	for i < len(name) && i < len(word) && name[i] == word[i] {
		i++
	}
	switch len(name) - len(word) {
	case 0:
		switch {
		case i == len(name):
			return -1 // equal
		case string(name[i+1:]) == string(word[i+1:]):
			return i // substitution
		case i+1 < len(name) && name[i] == word[i+1] && name[i+1] == word[i] && string(name[i+2:]) == string(word[i+2:]):
			return i // swap
		}
	case 1:
		if string(name[i+1:]) == string(word[i:]) {
			return i // a letter of the name left out
		}
	case -1:
		if string(name[i:]) == string(word[i+1:]) {
			return i // a letter added
		}
	}
	return -1
}
