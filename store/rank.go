package store

import (
	"context"
	"math"
	"slices"
	"strings"

	"github.com/newswatch/newswatch/query"
)

// BM25 parameters, as FTS5's bm25() has them, and the column weights.
const (
	bm25K1      = 1.2
	bm25B       = 0.75
	titleWeight = 3.0
	textWeight  = 1.0

	// dfScan bounds the matches counted to estimate a word's document
	// frequency; beyond it the frequency is extrapolated from the span of
	// rowids the scan covered.
	dfScan = 5000
)

// rankedPhrase is a word or quoted phrase of a query, as tokens.
type rankedPhrase struct {
	tokens []string
	prefix bool // the last token matches as a prefix
}

// candidate is a matching item being ranked.
type candidate struct {
	id          int64
	ts          int64
	title, text string
	score       float64
}

// tokenize splits s into tokens the way FTS5's unicode61 tokenizer with
// remove_diacritics 2 does, closely enough for ranking: runs of letters,
// digits and combining marks, lower-cased, ё folded to е, diacritics of
// Latin letters removed (Cyrillic й and ї are kept, as unicode61 keeps
// them). It is the tokeniser of route queries (package query), so that
// a route's query and /search read a text alike.
func tokenize(s string) []string { return query.Tokens(s) }

// phraseMatcher marks the tokens of a text that can match a position of a
// query phrase: each phrase token is a slot (at most 64), and a text token
// gets the bit of every slot it matches.
type phraseMatcher struct {
	exact    map[string]uint64
	prefixes []prefixSlot
	slots    [][]uint64 // per phrase, the bit of each of its tokens
	buf      []byte
}

type prefixSlot struct {
	prefix string
	bit    uint64
}

func newPhraseMatcher(phrases []rankedPhrase) *phraseMatcher {
	m := &phraseMatcher{exact: make(map[string]uint64)}
	slot := 0
	for _, p := range phrases {
		var bits []uint64
		for j, tok := range p.tokens {
			if slot == 64 {
				bits = nil // too many words: this phrase does not score
				break
			}
			bit := uint64(1) << slot
			slot++
			if p.prefix && j == len(p.tokens)-1 {
				m.prefixes = append(m.prefixes, prefixSlot{tok, bit})
			} else {
				m.exact[tok] |= bit
			}
			bits = append(bits, bit)
		}
		m.slots = append(m.slots, bits)
	}
	return m
}

// marks appends to dst the slot bits of each token of s.
func (m *phraseMatcher) marks(s string, dst []uint64) []uint64 {
	m.buf = query.EachToken(s, m.buf, func(tok []byte) {
		bits := m.exact[string(tok)]
		for _, p := range m.prefixes {
			if len(tok) >= len(p.prefix) && string(tok[:len(p.prefix)]) == p.prefix {
				bits |= p.bit
			}
		}
		dst = append(dst, bits)
	})
	return dst
}

// count returns how many times phrase i occurs in marked tokens.
func (m *phraseMatcher) count(marks []uint64, i int) int {
	bits := m.slots[i]
	if len(bits) == 0 {
		return 0
	}
	n := 0
	for start := 0; start+len(bits) <= len(marks); start++ {
		ok := true
		for j, b := range bits {
			if marks[start+j]&b == 0 {
				ok = false
				break
			}
		}
		if ok {
			n++
		}
	}
	return n
}

// rankStats are the collection statistics BM25 needs.
type rankStats struct {
	docs  float64   // rows in the full-text index
	avgdl float64   // their average length in tokens
	df    []float64 // estimated documents containing each phrase
}

// averages reads the row count and the average row length from the FTS5
// averages record (rowid 1 of items_fts_data: varints of the row count and
// of the total tokens of each column).
func (db *DB) averages(ctx context.Context) (docs, avgdl float64, err error) {
	var rec []byte
	err = db.r.QueryRowContext(ctx, `SELECT block FROM items_fts_data WHERE id = 1`).Scan(&rec)
	if errNoRows(err) || err == nil && len(rec) == 0 {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, err
	}
	n, rest := fts5Varint(rec)
	var total uint64
	for len(rest) > 0 {
		var v uint64
		v, rest = fts5Varint(rest)
		total += v
	}
	if n == 0 {
		return 0, 0, nil
	}
	return float64(n), float64(total) / float64(n), nil
}

// fts5Varint decodes an SQLite varint (big-endian groups of 7 bits, the
// ninth byte whole) from the front of b.
func fts5Varint(b []byte) (uint64, []byte) {
	var v uint64
	for i := 0; i < len(b); i++ {
		if i == 8 {
			return v<<8 | uint64(b[i]), b[i+1:]
		}
		v = v<<7 | uint64(b[i]&0x7f)
		if b[i] < 0x80 {
			return v, b[i+1:]
		}
	}
	return v, nil
}

// phraseScanLimit is the document frequency of a phrase's rarest word below
// which the phrase's own matches are counted (bounded by that word's
// matches, so cheap); above it a phrase's frequency is taken to be its
// rarest word's.
const phraseScanLimit = 20000

// collectionStats reads the row count and average length and estimates,
// for each phrase, how many documents contain it: by counting its matches
// newest first up to dfScan and extrapolating over the rowid span when there
// are more. For a phrase of several words whose rarest word is in more than
// phraseScanLimit documents, counting would read those words' every
// occurrence, so the rarest word's frequency stands in (an upper bound).
func (db *DB) collectionStats(ctx context.Context, phrases []rankedPhrase) (rankStats, error) {
	var st rankStats
	var err error
	if st.docs, st.avgdl, err = db.averages(ctx); err != nil {
		return st, err
	}
	var maxID int64
	if err := db.r.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM items`).Scan(&maxID); err != nil {
		return st, err
	}
	cache := make(map[string]float64)
	count := func(q string) (float64, error) {
		if v, ok := cache[q]; ok {
			return v, nil
		}
		var n, minID int64
		err := db.r.QueryRowContext(ctx, `SELECT count(*), coalesce(min(rowid), 0) FROM
			(SELECT rowid FROM items_fts WHERE items_fts MATCH ? ORDER BY rowid DESC LIMIT ?)`, q, dfScan).Scan(&n, &minID)
		if err != nil {
			return 0, err
		}
		v := float64(n)
		if n >= dfScan && minID > 0 && maxID >= minID {
			v = float64(n) * float64(maxID) / float64(maxID-minID+1)
		}
		cache[q] = v
		return v, nil
	}
	quote := func(toks []string, prefix bool) string {
		q := `"` + strings.ReplaceAll(strings.Join(toks, " "), `"`, `""`) + `"`
		if prefix {
			q += "*"
		}
		return q
	}
	for _, p := range phrases {
		df := 0.0
		if len(p.tokens) > 0 {
			df = math.Inf(1)
			for i, tok := range p.tokens {
				v, err := count(quote([]string{tok}, p.prefix && i == len(p.tokens)-1))
				if err != nil {
					return st, err
				}
				df = min(df, v)
			}
			if len(p.tokens) > 1 && df <= phraseScanLimit {
				if df, err = count(quote(p.tokens, p.prefix)); err != nil {
					return st, err
				}
			}
		}
		st.df = append(st.df, df)
	}
	return st, nil
}

// rankCandidates scores cands with BM25 as FTS5's bm25(3.0, 1.0) computes
// it (IDF clamped to 1e-6) and sorts them best first, then newest, then by
// id.
func rankCandidates(cands []candidate, phrases []rankedPhrase, st rankStats) {
	m := newPhraseMatcher(phrases)
	type tf struct {
		title, text []float64
		length      float64
	}
	tfs := make([]tf, len(cands))
	total := 0.0
	var marks []uint64
	for i, c := range cands {
		t := tf{title: make([]float64, len(phrases)), text: make([]float64, len(phrases))}
		marks = m.marks(c.title, marks[:0])
		t.length += float64(len(marks))
		for j := range phrases {
			t.title[j] = float64(m.count(marks, j))
		}
		marks = m.marks(c.text, marks[:0])
		t.length += float64(len(marks))
		for j := range phrases {
			t.text[j] = float64(m.count(marks, j))
		}
		tfs[i] = t
		total += t.length
	}
	avgdl := st.avgdl
	if avgdl <= 0 {
		avgdl = max(total/float64(len(cands)), 1)
	}
	idf := make([]float64, len(phrases))
	for i := range phrases {
		n := min(st.df[i], st.docs)
		idf[i] = math.Log((st.docs - n + 0.5) / (n + 0.5))
		if idf[i] <= 0 {
			idf[i] = 1e-6
		}
	}
	for i := range cands {
		t := tfs[i]
		score := 0.0
		for j := range phrases {
			f := titleWeight*t.title[j] + textWeight*t.text[j]
			score += idf[j] * f * (bm25K1 + 1) / (f + bm25K1*(1-bm25B+bm25B*t.length/avgdl))
		}
		cands[i].score = score
	}
	slices.SortStableFunc(cands, func(a, b candidate) int {
		switch {
		case a.score != b.score:
			if a.score > b.score {
				return -1
			}
			return 1
		case a.ts != b.ts:
			if a.ts > b.ts {
				return -1
			}
			return 1
		case a.id > b.id:
			return -1
		case a.id < b.id:
			return 1
		}
		return 0
	})
}
