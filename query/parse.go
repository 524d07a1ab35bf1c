// Package query is the query language of /search and of alert routes: the
// grammar is defined once here, parsed into an Expr, and evaluated
// in-process against an item's title and text with the folding of the
// store's full-text index, so that a route and /search agree on what
// matches.
//
// Syntax:
//
//	Kramatorsk                 a word (any case; ё = е; Latin diacritics ignored)
//	"air raid"                 a phrase: the words in a row
//	kram*                      a prefix (two letters or more before the *)
//	a b   or   a AND b         both
//	a OR b                     either (OR and AND in capitals; lower case are words)
//	-exercise   -(a OR b)      not
//	( … )                      grouping
//
// AND binds tighter than OR: "a b OR c" is "(a b) OR c". An exclusion
// outside parentheses applies to the whole query, as it always has in
// /search: "a OR b -x" is "(a OR b) -x"; inside parentheses it belongs to
// its AND: "(a OR b -x) c" is "(a OR (b -x)) c". An exclusion needs a word
// beside it in the same AND ("-a" alone or "(b OR -a)" is refused), as the
// full-text index can only subtract from a match. A word
// with no letter or digit (a lone "&") is ignored; a word the tokenizer
// splits ("don't", "Slov'yansk") is the phrase of its parts, as FTS5 does.
package query

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newswatch/newswatch"
)

// Limits on a query.
const (
	MaxRunes = 300 // longest query
	MaxTerms = 32  // words and phrases in one query
)

// Op is the kind of an Expr node.
type Op int

// Node kinds.
const (
	OpTerm Op = iota // a word, prefix or phrase
	OpAnd
	OpOr
	OpNot
)

// Expr is a parsed query: a tree of terms joined by AND, OR and NOT.
type Expr struct {
	Op     Op
	Kids   []*Expr  // operands of AND and OR; the one operand of NOT
	Text   string   // a term as typed (without quotes or *)
	Tokens []string // a term's folded tokens: one for a word, more for a phrase
	Phrase bool     // the term was quoted
	Prefix bool     // the last token matches as a prefix
}

// lexeme kinds.
const (
	lxWord = iota
	lxPhrase
	lxLParen
	lxRParen
	lxOr
	lxAnd
	lxNot
	lxEnd
)

type lexeme struct {
	kind int
	text string
	pos  int // 1-based rune position in the query
}

func invalid(format string, args ...any) error {
	return newswatch.Errorf(newswatch.EINVALID, format, args...)
}

// lex splits q into lexemes.
func lex(q string) ([]lexeme, error) {
	var out []lexeme
	pos := 1 // rune position of q[i]
	for i := 0; i < len(q); {
		r, size := utf8.DecodeRuneInString(q[i:])
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r):
			i += size
			pos++
		case r == '(' || r == ')':
			k := lxLParen
			if r == ')' {
				k = lxRParen
			}
			out = append(out, lexeme{kind: k, text: string(r), pos: pos})
			i++
			pos++
		case r == '"':
			end := strings.IndexByte(q[i+1:], '"')
			if end < 0 {
				return nil, invalid("Unterminated quote at position %d.", pos)
			}
			body := q[i+1 : i+1+end]
			out = append(out, lexeme{kind: lxPhrase, text: body, pos: pos})
			i += end + 2
			pos += utf8.RuneCountInString(body) + 2
		case r == '-':
			next, _ := utf8.DecodeRuneInString(q[i+1:])
			if i+1 >= len(q) || unicode.IsSpace(next) || next == ')' {
				return nil, invalid("A - at position %d needs a word right after it.", pos)
			}
			out = append(out, lexeme{kind: lxNot, text: "-", pos: pos})
			i++
			pos++
		default:
			end := strings.IndexFunc(q[i:], func(r rune) bool {
				return unicode.IsSpace(r) || unicode.IsControl(r) || r == '"' || r == '(' || r == ')'
			})
			if end < 0 {
				end = len(q) - i
			}
			w := q[i : i+end]
			k := lxWord
			switch w {
			case "OR":
				k = lxOr
			case "AND":
				k = lxAnd
			}
			out = append(out, lexeme{kind: k, text: w, pos: pos})
			i += end
			pos += utf8.RuneCountInString(w)
		}
	}
	return append(out, lexeme{kind: lxEnd, pos: pos}), nil
}

// parser is a recursive-descent parser over the lexemes.
type parser struct {
	lx    []lexeme
	i     int
	terms int
	depth int // parentheses open
}

// Parse parses a query. It fails with an EINVALID *newswatch.Error whose
// message gives the position (1-based, in characters) of the problem, e.g.
// "Unexpected ) at position 14.".
func Parse(q string) (*Expr, error) {
	q = strings.ToValidUTF8(q, " ")
	if n := utf8.RuneCountInString(q); n > MaxRunes {
		return nil, invalid("The query is too long: %d characters, at most %d.", n, MaxRunes)
	}
	lx, err := lex(q)
	if err != nil {
		return nil, err
	}
	p := &parser{lx: lx}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != lxEnd {
		return nil, invalid("Unexpected %s at position %d.", t.text, t.pos)
	}
	if e == nil {
		return nil, invalid("Type at least one word (letters or digits).")
	}
	if err := checkNots(e, false); err != nil {
		return nil, err
	}
	return e, nil
}

func (p *parser) peek() lexeme { return p.lx[p.i] }
func (p *parser) next() lexeme { t := p.lx[p.i]; p.i++; return t }

// or := and ("OR" and)*
func (p *parser) or() (*Expr, error) {
	var kids []*Expr
	for {
		start := p.peek()
		e, err := p.and()
		if err != nil {
			return nil, err
		}
		t := p.peek()
		if e == nil && (t.kind == lxOr || len(kids) > 0) {
			at := start
			if t.kind == lxOr && len(kids) == 0 {
				at = t
			}
			return nil, invalid("OR at position %d needs a word on each side.", orPos(p, at))
		}
		if e != nil {
			kids = append(kids, e)
		}
		if t.kind != lxOr {
			break
		}
		p.next()
	}
	if p.depth == 0 {
		return hoist(kids), nil
	}
	return join(OpOr, kids), nil
}

// hoist applies the exclusions outside parentheses to the whole query, as
// /search always has: "a OR b -x" is "(a OR b) -x".
func hoist(alts []*Expr) *Expr {
	var pos, nots []*Expr
	for _, a := range alts {
		switch a.Op {
		case OpNot:
			nots = append(nots, a)
		case OpAnd:
			var keep []*Expr
			for _, k := range a.Kids {
				if k.Op == OpNot {
					nots = append(nots, k)
				} else {
					keep = append(keep, k)
				}
			}
			if e := join(OpAnd, keep); e != nil {
				pos = append(pos, e)
			}
		default:
			pos = append(pos, a)
		}
	}
	e := join(OpOr, pos)
	if len(nots) == 0 {
		return e
	}
	if e == nil {
		return join(OpAnd, nots) // refused by checkNots, with the word
	}
	return join(OpAnd, append([]*Expr{e}, nots...))
}

// orPos finds the OR next to lexeme at, for the message.
func orPos(p *parser, at lexeme) int {
	if at.kind == lxOr {
		return at.pos
	}
	for j := p.i - 1; j >= 0; j-- {
		if p.lx[j].kind == lxOr {
			return p.lx[j].pos
		}
	}
	return at.pos
}

// and := unary (["AND"] unary)*
func (p *parser) and() (*Expr, error) {
	var kids []*Expr
	for {
		t := p.peek()
		switch t.kind {
		case lxEnd, lxOr, lxRParen:
			return join(OpAnd, kids), nil
		case lxAnd:
			p.next()
			if k := p.peek().kind; len(kids) == 0 || k == lxEnd || k == lxOr || k == lxRParen || k == lxAnd {
				return nil, invalid("AND at position %d needs a word on each side.", t.pos)
			}
			continue
		}
		e, err := p.unary()
		if err != nil {
			return nil, err
		}
		if e != nil {
			kids = append(kids, e)
		}
	}
}

// unary := "-" primary | primary
func (p *parser) unary() (*Expr, error) {
	if t := p.peek(); t.kind == lxNot {
		p.next()
		if k := p.peek().kind; k != lxWord && k != lxPhrase && k != lxLParen {
			return nil, invalid("A - at position %d needs a word right after it.", t.pos)
		}
		e, err := p.primary()
		if err != nil || e == nil {
			return nil, err
		}
		return &Expr{Op: OpNot, Kids: []*Expr{e}}, nil
	}
	return p.primary()
}

// primary := word | phrase | "(" or ")"
func (p *parser) primary() (*Expr, error) {
	t := p.next()
	switch t.kind {
	case lxLParen:
		p.depth++
		e, err := p.or()
		p.depth--
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != lxRParen {
			return nil, invalid("Missing ) for the ( at position %d.", t.pos)
		}
		if e == nil {
			return nil, invalid("Empty parentheses at position %d.", t.pos)
		}
		return e, nil
	case lxWord, lxPhrase:
		return p.term(t)
	}
	return nil, invalid("Unexpected %s at position %d.", t.text, t.pos)
}

// term makes the Expr of a word or phrase; nil when it has no token.
func (p *parser) term(t lexeme) (*Expr, error) {
	e := &Expr{Op: OpTerm, Text: t.text, Phrase: t.kind == lxPhrase}
	if !e.Phrase && strings.HasSuffix(e.Text, "*") {
		e.Text = strings.TrimRight(e.Text, "*")
		toks := Tokens(e.Text)
		e.Prefix = len(toks) > 0 && utf8.RuneCountInString(toks[len(toks)-1]) >= 2
	}
	e.Tokens = Tokens(e.Text)
	if len(e.Tokens) == 0 {
		return nil, nil // nothing the index would find: ignored, as /search does
	}
	if p.terms++; p.terms > MaxTerms {
		return nil, invalid("The query has too many words: at most %d.", MaxTerms)
	}
	return e, nil
}

// join makes an AND or OR of kids, or the one kid itself, or nil.
func join(op Op, kids []*Expr) *Expr {
	switch len(kids) {
	case 0:
		return nil
	case 1:
		return kids[0]
	}
	// flatten a OR (b OR c) into one node
	var flat []*Expr
	for _, k := range kids {
		if k.Op == op {
			flat = append(flat, k.Kids...)
		} else {
			flat = append(flat, k)
		}
	}
	return &Expr{Op: op, Kids: flat}
}

// checkNots refuses an exclusion that has no positive word beside it in
// its AND: the full-text index can only subtract from a match.
func checkNots(e *Expr, inAndWithPositive bool) error {
	switch e.Op {
	case OpNot:
		if !inAndWithPositive {
			return invalid("-%s excludes without a word to search for: add one beside it.", describe(e.Kids[0]))
		}
		return checkNots(e.Kids[0], false)
	case OpAnd:
		pos := false
		for _, k := range e.Kids {
			if k.Op != OpNot {
				pos = true
			}
		}
		for _, k := range e.Kids {
			if err := checkNots(k, pos); err != nil {
				return err
			}
		}
	case OpOr:
		for _, k := range e.Kids {
			if err := checkNots(k, false); err != nil {
				return err
			}
		}
	}
	return nil
}
