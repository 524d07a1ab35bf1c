package watch

import (
	"cmp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/newswatch/newswatch"
)

// maxGap is the longest run of bytes between two words of a name.
const maxGap = 1024

// Matcher finds the mentions of a compiled watchlist in texts. It is
// immutable and safe for concurrent use.
type Matcher struct {
	watches []watchInfo
	rank    []int32 // by watch index: its place in the order of mentions, by name, then ID
	// Typo tolerance, see fuzzy.go: the deletion index of fuzzy names.
	fuzzy      table
	fuzzyForms []fuzzyForm
	fuzzyWatch []bool // by watch index
	// The most runes of a fuzzy form: a longer word is more than one edit away.
	fuzzyMaxRunes int
	patterns      []pattern
	edges         table // edgeKey(node, word hash, gap hash) → child nodes
	roots         bloom // the keys of the edges from the root: a name's first word
	shortRoots    bloom // the short keys of those first words that have one, see shortword.go
	// The edges from the root over first words with a short key, also in
	// edges: a small table that mostly stays in cache, where the first
	// look-up of a name's first word goes.
	shortEdges table
	nodes      []node  // node 0 is the root
	outs       []int32 // patterns ending at a node, see node
}

// node is a node of the trie of patterns, whose edges are words. The
// first pattern that ends at it is described in the node too, so that a
// match of a name mostly costs one load of its node.
type node struct {
	outOff, outN  uint32 // the patterns outs[outOff:outOff+outN] end here
	watch         int32  // the first one's watch, if outN > 0
	exclude       bool   // the first one is an exclusion
	caseSensitive bool   // the first one is case-sensitive
	kids          bool
}

type watchInfo struct {
	id   int64
	name string
	kind newswatch.Kind
}

// pattern is one alias or exclusion phrase of a watch.
type pattern struct {
	watch         int32
	exclude       bool
	caseSensitive bool
	words         []patWord
}

// patWord is one word of a pattern.
type patWord struct {
	keys []uint64 // hashes a text word may have: the folded word, its stems
	gap  string   // punctuation required before this word, besides spaces and hyphens
	orig string   // the word as written, for case-sensitive watches
	norm string   // the folded word

	folded  []rune // a Cyrillic word while it is compiled, for caseForms
	capital bool   // a Cyrillic word written with a capital
}

// Compile checks the watches and compiles them into a Matcher. Errors are
// *newswatch.Error that name the watch: EINVALID for a bad watch, ECONFLICT
// for an alias shared by two watches that one guild sees together (two
// watches of one guild, or a guild watch and a global one).
func Compile(ws []newswatch.Watch) (*Matcher, error) {
	m := &Matcher{watches: make([]watchInfo, len(ws))}
	owners := map[string][]int{} // normalised alias → watches that have it
	forms := map[formKey][]uint64{}
	for i := range ws {
		w := &ws[i]
		if err := w.Validate(); err != nil {
			return nil, err
		}
		m.watches[i] = watchInfo{id: w.ID, name: w.Name, kind: w.Kind}
		seen := map[string]bool{}
		for _, name := range w.Names() {
			p, norm, err := compilePattern(w, name, forms)
			if err != nil {
				return nil, err
			}
			if seen[norm] {
				continue
			}
			seen[norm] = true
			for _, j := range owners[norm] {
				o := &ws[j]
				if o.GuildID == w.GuildID || o.GuildID == newswatch.GlobalScope || w.GuildID == newswatch.GlobalScope {
					return nil, newswatch.Errorf(newswatch.ECONFLICT,
						"Watch %q and watch %q both have the name %q.", strings.TrimSpace(o.Name), strings.TrimSpace(w.Name), name)
				}
			}
			owners[norm] = append(owners[norm], i)
			p.watch = int32(i)
			m.patterns = append(m.patterns, p)
		}
		for _, phrase := range w.Exclude {
			p, _, err := compilePattern(w, phrase, forms)
			if err != nil {
				return nil, err
			}
			p.watch, p.exclude = int32(i), true
			m.patterns = append(m.patterns, p)
		}
	}
	// Added aliases come after every watch's own names, which win: an added
	// alias that another watch in sight already has is left out, silently.
	added := expandAll(ws)
	for i := range ws {
		w := &ws[i]
		for _, a := range added[i] {
			p, norm, err := compilePattern(w, a.Text, forms)
			if err != nil || owned(ws, owners[norm], w) {
				continue
			}
			owners[norm] = append(owners[norm], i)
			p.watch = int32(i)
			m.patterns = append(m.patterns, p)
		}
	}
	m.rankWatches()
	m.buildTrie()
	m.fuzzyWatch = make([]bool, len(ws))
	for i := range ws {
		m.fuzzyWatch[i] = ws[i].Fuzzy
	}
	m.buildFuzzy(ws)
	return m, nil
}

// rankWatches sets the rank of each watch in the order of mentions at one
// offset: by name, then ID. Watches equal in both share a rank.
func (m *Matcher) rankWatches() {
	order := make([]int32, len(m.watches))
	for i := range order {
		order[i] = int32(i)
	}
	byName := func(a, b int32) int {
		x, y := &m.watches[a], &m.watches[b]
		return cmp.Or(cmp.Compare(x.name, y.name), cmp.Compare(x.id, y.id))
	}
	slices.SortFunc(order, byName)
	m.rank = make([]int32, len(m.watches))
	for i, w := range order {
		if i > 0 && byName(order[i-1], w) == 0 {
			m.rank[w] = m.rank[order[i-1]]
		} else {
			m.rank[w] = int32(i)
		}
	}
}

// expandAll returns Expand of each watch, working on the watches with
// auto_aliases in parallel, one goroutine a CPU.
func expandAll(ws []newswatch.Watch) [][]AddedAlias {
	out := make([][]AddedAlias, len(ws))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(ws)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(ws) {
					return
				}
				out[i] = Expand(ws[i])
			}
		})
	}
	wg.Wait()
	return out
}

// owned reports whether any of the watches ws[ids] is w or one that a
// guild sees together with w.
func owned(ws []newswatch.Watch, ids []int, w *newswatch.Watch) bool {
	for _, j := range ids {
		o := &ws[j]
		if o == w || o.GuildID == w.GuildID || o.GuildID == newswatch.GlobalScope || w.GuildID == newswatch.GlobalScope {
			return true
		}
	}
	return false
}

// buildTrie builds the trie of the patterns. A node is one sequence of
// folded words and gaps; an edge is stored under each hash the word may
// have in a text (the word, its Cyrillic case forms).
func (m *Matcher) buildTrie() {
	m.nodes = []node{{}}
	nkeys, nwords := 0, 0
	for pi := range m.patterns {
		for j := range m.patterns[pi].words {
			nkeys += len(m.patterns[pi].words[j].keys)
			nwords++
		}
	}
	// A child is one word after its parent: the same keys (the word's
	// forms, which depend on its capital and its watch's kind) after the
	// same gap. Identity rests on a 64-bit hash, as for words.
	child := make(map[uint64]int32, nwords)
	edges := make([]edge, 0, nkeys)
	var shorts []uint64
	shortEdge := map[uint64]bool{}
	m.nodes = slices.Grow(m.nodes, nwords)
	ends := make([]int32, len(m.patterns)) // the node each pattern ends at
	for pi := range m.patterns {
		cur := int32(0)
		for j := range m.patterns[pi].words {
			w := &m.patterns[pi].words[j]
			var kh uint64
			for _, k := range w.keys {
				kh += mix(k)
			}
			id := mix(kh ^ uint64(cur)*0x9e3779b97f4a7c15 ^ gapHash(w.gap)*0xc2b2ae3d27d4eb4f)
			c, ok := child[id]
			if !ok {
				c = int32(len(m.nodes))
				child[id] = c
				m.nodes = append(m.nodes, node{})
				m.nodes[cur].kids = true
				g := gapHash(w.gap)
				for _, k := range w.keys {
					edges = append(edges, edge{key: edgeKey(cur, k, g), id: c, root: cur == 0})
				}
				if cur == 0 {
					if k, ok := rootShortKey(w); ok {
						shorts = append(shorts, k)
						shortEdge[edgeKey(0, w.keys[0], g)] = true
					}
				}
			}
			cur = c
		}
		ends[pi] = cur
	}
	// outs holds each node's patterns together, in pattern order.
	for _, n := range ends {
		m.nodes[n].outN++
	}
	off := uint32(0)
	for i := range m.nodes {
		m.nodes[i].outOff = off
		off += m.nodes[i].outN
		m.nodes[i].outN = 0
	}
	m.outs = make([]int32, len(ends))
	for pi, n := range ends {
		nd := &m.nodes[n]
		if nd.outN == 0 {
			p := &m.patterns[pi]
			nd.watch, nd.exclude, nd.caseSensitive = p.watch, p.exclude, p.caseSensitive
		}
		m.outs[nd.outOff+nd.outN] = int32(pi)
		nd.outN++
	}
	var roots []uint64
	var short []edge
	for _, e := range edges {
		if e.root {
			roots = append(roots, e.key)
			if shortEdge[e.key] {
				short = append(short, e)
			}
		}
	}
	m.roots = newBloom(roots)
	m.shortRoots = newBloom(shorts)
	m.shortEdges = buildTable(short, m.summary)
	m.edges = buildTable(edges, m.summary)
}

// rootShortKey returns the short key of a pattern's first word w, and
// false if it has none. Its key is the hash of the folded word less the
// characters that texts skip inside a word (soft hyphens, joiners).
func rootShortKey(w *patWord) (uint64, bool) {
	if len(w.keys) != 1 {
		return 0, false
	}
	var lo, hi uint64
	h := uint64(fnvOffset)
	n := 0
	for _, r := range w.norm {
		if isIgnorable(r) {
			continue
		}
		if r >= utf8.RuneSelf || wordByte[r] != byte(r) || r == 0 || n == maxShort {
			return 0, false
		}
		if n < 8 {
			lo |= uint64(r) << (8 * n)
		} else {
			hi |= uint64(r) << (8 * (n - 8))
		}
		h = (h ^ uint64(r)) * fnvPrime
		n++
	}
	if n == 0 || h != w.keys[0] {
		return 0, false
	}
	return shortKey(lo, hi), true
}

// A node's summary, kept in the slots of the edges to it, tells all that
// Match needs of a node with at most one pattern ending at it, which is
// not case-sensitive: whether one does, its watch and whether it is an
// exclusion, and whether the node has children.
const (
	sumKids    = 1 << 0
	sumExclude = 1 << 1
	sumOut     = 1 << 2
	sumShift   = 3
)

// summary returns the summary of node c, or infoNone.
func (m *Matcher) summary(c int32) int32 {
	n := &m.nodes[c]
	if n.outN > 1 || n.outN == 1 && n.caseSensitive || len(m.watches) >= 1<<(31-sumShift) {
		return infoNone
	}
	var s int32
	if n.kids {
		s |= sumKids
	}
	if n.outN == 1 {
		s |= sumOut | n.watch<<sumShift
		if n.exclude {
			s |= sumExclude
		}
	}
	return s
}

// gapHash hashes the punctuation of a gap; 0 for none.
func gapHash(punct string) uint64 {
	if punct == "" {
		return 0
	}
	h := uint64(fnvOffset)
	for _, r := range punct {
		h = (h ^ uint64(r)) * fnvPrime
	}
	return nonzero(h)
}

// compilePattern splits a name or exclusion phrase into words the way texts
// are split, and returns it with its normalised form.
// formKey identifies the keys of a Cyrillic name word: the same word in
// many names (a surname alone and in the full name, a respelling) is
// declined once a Compile.
type formKey struct {
	norm            string
	kind            newswatch.Kind
	inName, capital bool
}

func compilePattern(w *newswatch.Watch, s string, forms map[formKey][]uint64) (pattern, string, error) {
	p := pattern{caseSensitive: w.CaseSensitive}
	var norm strings.Builder
	var t token
	prevEnd := -1
	for i := 0; nextWord(s, i, 0, &t); i = t.end {
		word := s[t.start:t.end]
		folded := foldWord(word)
		pw := patWord{orig: word, norm: string(folded)}
		if prevEnd >= 0 {
			pw.gap = gapPunct(s[prevEnd:t.start])
			norm.WriteString(" " + pw.gap)
		}
		norm.WriteString(string(folded))
		pw.keys = []uint64{t.key}
		if t.cyr {
			pw.folded = folded
			r, _ := utf8.DecodeRuneInString(word)
			pw.capital = unicode.IsUpper(r)
		}
		p.words = append(p.words, pw)
		prevEnd = t.end
	}
	if len(p.words) == 0 {
		return p, "", newswatch.Errorf(newswatch.EINVALID,
			"Watch %q: %q has no letters or digits to match.", strings.TrimSpace(w.Name), s)
	}
	for j := range p.words {
		pw := &p.words[j]
		if pw.folded == nil {
			continue
		}
		fk := formKey{pw.norm, w.Kind, len(p.words) > 1, pw.capital}
		if ks, ok := forms[fk]; ok {
			pw.keys, pw.folded = ks, nil
			continue
		}
		ks := make([]uint64, 0, 32)
		eachCaseForm(pw.folded, w.Kind, len(p.words) > 1, func(stem []rune, ending string) {
			k := hashRunes(stem)
			for _, r := range ending {
				k = (k ^ uint64(r)) * fnvPrime
			}
			// A name word written in lower case matches either way.
			if !containsKey(ks, k^capitalSalt) {
				ks = append(ks, k^capitalSalt)
			}
			if !pw.capital && !containsKey(ks, k) {
				ks = append(ks, k)
			}
		})
		ks = slices.Clip(ks)
		forms[fk] = ks
		pw.keys, pw.folded = ks, nil
	}
	return p, norm.String(), nil
}

func containsKey(ks []uint64, k uint64) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// foldWord returns the folded runes of a word.
func foldWord(word string) []rune {
	rs := make([]rune, 0, len(word))
	for _, r := range word {
		rs = append(rs, foldRune(r))
	}
	return rs
}

// isHyphen reports whether r joins the words of a name like a space does.
func isHyphen(r rune) bool {
	return r == '-' || r == '\u2010' || r == '\u2011' || r == '\u00ad'
}

// gapPunct returns the punctuation between two words, leaving out spaces
// and hyphens and folding apostrophes.
func gapPunct(gap string) string {
	var b strings.Builder
	for _, r := range gap {
		switch {
		case unicode.IsSpace(r) || isHyphen(r) || unicode.Is(unicode.Cf, r):
		case isApos(r):
			b.WriteByte('\'')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// textGap returns the gap hash of the bytes between two words of a text,
// and false if they are too many (more than maxGap bytes) to separate the
// words of a name.
func textGap(gap string) (uint64, bool) {
	if gap == " " {
		return 0, true
	}
	if len(gap) > maxGap {
		return 0, false
	}
	h := uint64(fnvOffset)
	punct := false
	for _, r := range gap {
		switch {
		case r == ' ', isHyphen(r), unicode.IsSpace(r), unicode.Is(unicode.Cf, r):
		default:
			if isApos(r) {
				r = '\''
			}
			h = (h ^ uint64(r)) * fnvPrime
			punct = true
		}
	}
	if !punct {
		return 0, true
	}
	return nonzero(h), true
}

// gapMatches reports whether the bytes between two words of a text hold
// exactly the punctuation want, besides spaces and hyphens.
func gapMatches(gap, want string) bool {
	if len(gap) > maxGap {
		return false
	}
	for _, r := range gap {
		switch {
		case r == ' ', isHyphen(r), unicode.IsSpace(r), unicode.Is(unicode.Cf, r):
		default:
			if isApos(r) {
				r = '\''
			}
			if want == "" {
				return false
			}
			w, size := utf8.DecodeRuneInString(want)
			if w != r {
				return false
			}
			want = want[size:]
		}
	}
	return want == ""
}
