package query

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/newswatch/newswatch"
)

const route = `(Kramatorsk OR Sloviansk) AND (shelling OR strike) -exercise`

func TestMatch(t *testing.T) {
	tests := []struct {
		q, title, text string
		want           bool
	}{
		{route, "Shelling in Kramatorsk", "", true},
		{route, "Kramatorsk", "A drone strike hit the centre.", true},
		{route, "Sloviansk: STRIKE", "", true},
		{route, "Kramatorsk shelling", "during an exercise", false},
		{route, "Kramatorsk", "quiet day", false},
		{route, "Kharkiv shelling", "", false},
		{"Kramatorsk", "", "Kramatorsk's mayor", true},
		{"Kramatorsk", "", "Kramatorskyi district", false},
		{"kram*", "", "Kramatorskyi district", true},
		{`"air raid"`, "", "An air raid alert", true},
		{`"air raid"`, "", "raid from the air", false},
		{`"air raid"`, "air", "raid", false}, // not across title and text
		{`"air raid alert"`, "", "an Air Raid alert", true},
		{`"air raid alert"`, "", "air raid, and an alert", false},
		{`"air raid alert"`, "air raid", "alert", false},
		{`"air raid" "raid alert"`, "", "air raid alert", true}, // overlapping phrases
		{`"raid alert" -"air raid"`, "", "air raid alert", false},
		{`"alert alert"`, "", "alert alert alert", true},
		{`"air raid"`, "raid air", "", false},
		{`"air ra*"`, "", "an air raid", false}, // * is a prefix on a word, not in quotes
		{"slov'ya*", "", "in Slov'yansk today", true},
		{"slov'ya*", "", "Slov Ukraine", false},
		// Cyrillic: case folding and ё = е
		{"Краматорськ", "", "У КРАМАТОРСЬКУ тихо", false},
		{"Краматорськ", "", "удар по Краматорськ, кажуть", true},
		{"краматорськ*", "", "У Краматорську тихо", true},
		{"Славянск", "", "Обстрел Славя\u0301нска", false},
		{"Славянск", "", "Обстрел: Славянск", true},
		{"Семёновка", "", "в семеновке", false},
		{"Семёновка", "", "село Семеновка", true},
		{"семеновка", "", "СЕМЁНОВКА", true},
		// й is a letter of its own: not folded to и
		{"Київ", "", "Киів", false},
		{"Київ", "", "КИЇВ", true},
		{"Ukrainskyi", "", "Ukraïnskyi", true}, // Latin diacritics removed
		{"Zaporizhzhia", "", "Zaporížžia", false},
		{"Zaporizzia", "", "Zaporížžia", true},
		{"Slov'yansk", "", "Slov yansk", true}, // split words are a phrase
		{"a b OR c", "", "c", true},
		{"a b OR c", "", "a", false},
		{"a (b OR c)", "", "a c", true},
		{"a -(b OR c)", "", "a c", false},
		{"a -(b OR c)", "", "a d", true},
		{"a AND b", "", "b a", true},
		{"a and b", "", "a b", false},   // lower-case and is a word
		{"a & b", "", "a b", true},      // & is ignored
		{"a OR b -x", "", "a x", false}, // a top-level exclusion applies to all
		{"(a OR b -x) c", "", "a x c", true},
		{"(a OR b -x) c", "", "b x c", false},
		{"a OR -b", "", "a", true},
		{"a OR -b", "", "a b", false},
	}
	for _, tt := range tests {
		e, err := Parse(tt.q)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.q, err)
		}
		if got := e.Match(tt.title, tt.text); got != tt.want {
			t.Errorf("Parse(%q).Match(%q, %q) = %v, want %v", tt.q, tt.title, tt.text, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ q, want string }{
		{"", "Type at least one word"},
		{"& !", "Type at least one word"},
		{"(Kramatorsk OR Sloviansk)) strike", "Unexpected ) at position 26."},
		{"(a OR b", "Missing ) for the ( at position 1."},
		{"a (b", "Missing ) for the ( at position 3."},
		{`a "air raid`, "Unterminated quote at position 3."},
		{"a OR", "OR at position 3 needs a word on each side."},
		{"OR a", "OR at position 1 needs a word on each side."},
		{"a OR OR b", "OR at position"},
		{"a - b", "A - at position 3 needs a word right after it."},
		{"a -", "A - at position 3 needs a word right after it."},
		{"AND a", "AND at position 1 needs a word on each side."},
		{"a AND", "AND at position 3 needs a word on each side."},
		{"-exercise", "-exercise excludes without a word"},
		{"(a OR -b) c", "-b excludes without a word"},
		{"a ()", "Empty parentheses at position 3."},
		{"Краматорськ ) x", "Unexpected ) at position 13."},
		{strings.Repeat("a ", 33), "too many words"},
		{strings.Repeat("a", 301), "too long"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.q)
		var e *newswatch.Error
		if !errors.As(err, &e) || e.Code != newswatch.EINVALID {
			t.Errorf("Parse(%q) = %v, want an EINVALID error", tt.q, err)
			continue
		}
		if !strings.Contains(e.Message, tt.want) {
			t.Errorf("Parse(%q) message %q, want it to contain %q", tt.q, e.Message, tt.want)
		}
	}
}

func TestString(t *testing.T) {
	tests := []struct{ q, want string }{
		{route, "Kramatorsk or Sloviansk, and shelling or strike, not exercise"},
		{"Kramatorsk", "Kramatorsk"},
		{"a b -c", "a and b, not c"},
		{`"air raid" kram*`, `"air raid" and kram…`},
		{"a b OR c", "(a and b) or c"},
		{"a -(b OR c)", "a, not (b or c)"},
		{"a OR b -x", "a or b, not x"},
		{"Краматорськ OR Славянск", "Краматорськ or Славянск"},
	}
	for _, tt := range tests {
		e, err := Parse(tt.q)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.q, err)
		}
		if got := e.String(); got != tt.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.q, got, tt.want)
		}
	}
}

func TestSet(t *testing.T) {
	qs := []string{"Kramatorsk", route, `"air raid"`, "kram*", "Sloviansk -exercise"}
	var exprs []*Expr
	for _, q := range qs {
		e, err := Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		exprs = append(exprs, e)
	}
	exprs = append(exprs, nil) // a route with no query
	s := NewSet(exprs)
	got := fmt.Sprint(s.Match(nil, "Air raid in Kramatorsk", "Shelling reported."))
	if want := "[0 1 2 3 5]"; got != want {
		t.Errorf("Match = %s, want %s", got, want)
	}
	got = fmt.Sprint(s.Match(nil, "Sloviansk", "no exercise"))
	if want := "[5]"; got != want {
		t.Errorf("Match = %s, want %s", got, want)
	}
}

func FuzzParse(f *testing.F) {
	for _, q := range []string{route, `"a b" -c*`, "(a OR (b -c)) d", "Краматорськ ё", "a)(", `"`} {
		f.Add(q, "Kramatorsk shelling air raid")
	}
	f.Fuzz(func(t *testing.T, q, text string) {
		e, err := Parse(q)
		if err != nil {
			if newswatch.ErrorCode(err) != newswatch.EINVALID {
				t.Fatalf("Parse(%q): %v is not EINVALID", q, err)
			}
			return
		}
		_ = e.String()
		m := e.Match("", text)
		if got := len(NewSet([]*Expr{e, e}).Match(nil, text, "")); (got == 2) != m {
			t.Fatalf("the text as title and as text disagree on %q / %q", q, text)
		}
	})
}

func TestFoldCyrillic(t *testing.T) {
	for r := rune(0x400); r <= 0x45F; r++ {
		if !unicode.IsLetter(r) {
			t.Errorf("%U is not a letter: the fast path must not take it", r)
		}
		if got, want := foldCyrillic(r), foldRune(r); got != want {
			t.Errorf("foldCyrillic(%c) = %c, want %c", r, got, want)
		}
	}
}

// naive evaluates e directly on the tokens, as an oracle for Set.
func naive(e *Expr, title, text []string) bool {
	switch e.Op {
	case OpTerm:
		return hasPhrase(title, e) || hasPhrase(text, e)
	case OpNot:
		return !naive(e.Kids[0], title, text)
	case OpAnd:
		for _, k := range e.Kids {
			if !naive(k, title, text) {
				return false
			}
		}
		return true
	}
	for _, k := range e.Kids {
		if naive(k, title, text) {
			return true
		}
	}
	return false
}

func hasPhrase(toks []string, e *Expr) bool {
	n := len(e.Tokens)
	for i := 0; i+n <= len(toks); i++ {
		ok := true
		for k, want := range e.Tokens {
			got := toks[i+k]
			if k == n-1 && e.Prefix {
				ok = ok && strings.HasPrefix(got, want)
			} else {
				ok = ok && got == want
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func FuzzSet(f *testing.F) {
	f.Add("a b OR c", `"b c" -d`, "kr* (x OR y)", "a", "b c y kra")
	f.Add("Краматорськ", "Семёновка OR x", "ab*", "СЕМЕНОВКА", "Краматорськ abc")
	f.Fuzz(func(t *testing.T, q1, q2, q3, title, text string) {
		var exprs []*Expr
		for _, q := range []string{q1, q2, q3} {
			if e, err := Parse(q); err == nil {
				exprs = append(exprs, e)
			}
		}
		exprs = append(exprs, nil)
		tt, tx := Tokens(title), Tokens(text)
		var want []int
		for i, e := range exprs {
			if e == nil || naive(e, tt, tx) {
				want = append(want, i)
			}
		}
		got := NewSet(exprs).Match(nil, title, text)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("Set.Match = %v, naive %v", got, want)
		}
	})
}

// refTokens is the plain statement of the tokenizer (store/rank.go's), rune
// by rune, as an oracle for EachToken's fast paths.
func refTokens(s string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			cur = append(cur, foldRune(r))
		case unicode.Is(unicode.Mn, r):
		default:
			flush()
		}
	}
	flush()
	return out
}

func FuzzTokens(f *testing.F) {
	for _, s := range []string{"Kramatorsk's MAYOR", "Ukraïnskyi ABCé", "Семёновка, КИЇВ!", "a\u0301b", "x\xffy", "don't"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Tokens(s), refTokens(s); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("Tokens(%q) = %q, want %q", s, got, want)
		}
	})
}

// TestSetMany checks a Set of many queries (which takes the flat prefix
// index) against the naive evaluation.
func TestSetMany(t *testing.T) {
	words := strings.Fields("kramatorsk sloviansk shelling strike drone краматорськ обстріл kyiv київ air raid exercise odesa")
	var exprs []*Expr
	for i := 0; i < 400; i++ {
		w := func(k int) string { return words[(i*7+k*5)%len(words)] }
		var q string
		switch i % 5 {
		case 0:
			q = w(0)
		case 1:
			q = fmt.Sprintf("(%s OR %s) %s -%s", w(0), w(1), w(2), w(3))
		case 2:
			q = fmt.Sprintf(`"%s %s" OR %s*`, w(0), w(1), string([]rune(w(2))[:2+i%3]))
		case 3:
			q = fmt.Sprintf("%s*", string([]rune(w(0))[:2+i%4]))
		case 4:
			q = fmt.Sprintf("%s -(%s OR %s*)", w(0), w(1), string([]rune(w(2))[:3]))
		}
		e, err := Parse(q)
		if err != nil {
			t.Fatalf("Parse(%q): %v", q, err)
		}
		exprs = append(exprs, e)
	}
	s := NewSet(exprs)
	long := false
	for _, e := range s.pre.ents {
		long = long || e.long
	}
	if !s.pre.two || !long {
		t.Fatalf("the prefix index has no two-byte lead (%v) or no prefix over eight bytes (%v)", s.pre.two, long)
	}
	texts := []string{
		"Shelling of Kramatorsk: a drone strike.", "Обстріл Краматорська, air raid in Kyiv", "Київ: exercise",
		"Sloviansk odesa KRAMATORSKYI", "nothing here", "air raid exercise drone",
	}
	for _, title := range texts {
		for _, text := range texts {
			tt, tx := Tokens(title), Tokens(text)
			var want []int
			for i, e := range exprs {
				if naive(e, tt, tx) {
					want = append(want, i)
				}
			}
			if got := s.Match(nil, title, text); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("Match(%q, %q) = %v, naive %v", title, text, got, want)
			}
		}
	}
}

// TestSetConcurrent: a Set is used by concurrent ingests (run with -race).
func TestSetConcurrent(t *testing.T) {
	e1, _ := Parse(route)
	e2, _ := Parse("kram* -exercise")
	s := NewSet([]*Expr{e1, e2})
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				got := fmt.Sprint(s.Match(nil, "Kramatorsk", "shelling"))
				if got != "[0 1]" {
					errs <- got
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for got := range errs {
		t.Errorf("Match = %s, want [0 1]", got)
	}
}

// scanAgrees checks that Set.scanText cuts and folds s as Tokens does: a
// Set of one query per token of s, and one per pair of neighbours as a
// phrase, must match every query.
func scanAgrees(t *testing.T, s string) {
	toks := Tokens(s)
	var exprs []*Expr
	var qs []string
	add := func(q string) {
		if e, err := Parse(q); err == nil && len(e.Tokens) > 0 {
			exprs, qs = append(exprs, e), append(qs, q)
		}
	}
	for i, tok := range toks {
		if strings.ContainsAny(tok, `"*`) {
			continue
		}
		add(`"` + tok + `"`)
		if i > 0 && !strings.ContainsAny(toks[i-1], `"*`) {
			add(`"` + toks[i-1] + " " + tok + `"`)
		}
	}
	got := NewSet(exprs).Match(nil, s, "")
	if len(got) != len(exprs) {
		missed := map[int]bool{}
		for i := range exprs {
			missed[i] = true
		}
		for _, g := range got {
			delete(missed, g)
		}
		for i := range missed {
			t.Errorf("in %q: query %s (tokens %q) does not match", s, qs[i], exprs[i].Tokens)
		}
	}
}

// TestScanAgreesWithTokens: the fused tokenise-and-hash path of Set.
func TestScanAgreesWithTokens(t *testing.T) {
	for _, s := range []string{
		"Kramatorsk's MAYOR said", "Ukraïnskyi ABCé", "Семёновка, КИЇВ! йод Йод", "a\u0301b Ab\u0301C",
		"x\xffy", "don't", "ABCdef ghi JKL mno", "abcЖ Жabc ABCЖ abc1 1ABC", "ÀÉÎõü straße", "one", "ёлка ЁЛКА",
		"Обстріл Краматорська тривав до ранку, повідомила адміністрація.", "Ѐ Џ Ѣѣ ҐЄІЇ ґєії", "日本語 テスト",
		// ASCII tokens of up to eight bytes are packed from one load, longer ones hashed
		"abcdefgh ABCDEFGH abcdefghi ABCDEFGHI Abcdefghijklmnopq ab7 A1b2C3d4 tail", "end12345", "Zy", "SUPERCALIFRAGILISTIC",
	} {
		scanAgrees(t, s)
	}
}

func FuzzScan(f *testing.F) {
	f.Add("Kramatorsk's MAYOR Семёновка, КИЇВ! Ab\u0301C")
	f.Fuzz(func(t *testing.T, s string) { scanAgrees(t, s) })
}
