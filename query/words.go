package query

import "strings"

// String describes the query in words, for /alerts list: `(Kramatorsk OR
// Sloviansk) (shelling OR strike) -exercise` reads "Kramatorsk or
// Sloviansk, and shelling or strike, not exercise".
func (e *Expr) String() string {
	if e == nil {
		return ""
	}
	return describe(e)
}

func describe(e *Expr) string {
	switch e.Op {
	case OpTerm:
		switch {
		case e.Phrase:
			return `"` + e.Text + `"`
		case e.Prefix:
			return e.Text + "…"
		}
		return e.Text
	case OpNot:
		return "not " + group(e.Kids[0])
	case OpOr:
		parts := make([]string, len(e.Kids))
		for i, k := range e.Kids {
			parts[i] = group(k)
		}
		return strings.Join(parts, " or ")
	}
	// AND: plain words joined by "and"; once a part is an OR, commas keep
	// the groups apart ("a or b, and c or d"); exclusions come last.
	var pos, neg []string
	compound := false
	for _, k := range e.Kids {
		if k.Op == OpNot {
			neg = append(neg, describe(k))
			continue
		}
		if k.Op == OpOr {
			compound = true
		}
		pos = append(pos, describe(k))
	}
	sep := " and "
	if compound {
		sep = ", and "
	}
	s := strings.Join(pos, sep)
	for _, n := range neg {
		s += ", " + n
	}
	return s
}

// group describes e, in parentheses when it has more than one part.
func group(e *Expr) string {
	if e.Op == OpTerm {
		return describe(e)
	}
	return "(" + describe(e) + ")"
}
