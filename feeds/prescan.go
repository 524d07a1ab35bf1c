package feeds

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// Limits of the pre-scan. No real feed comes near them: real RSS and Atom
// nest under a dozen levels, declare a handful of namespaces, give an element
// a few attributes and hold one element per 30 bytes or more. Documents past
// them are built to exhaust the parser: goxpp, under gofeed, copies every
// namespace binding in scope for each element, so memory grows with the
// square of the depth of nested declarations.
const (
	maxDepth        = 256    // element (or JSON array/object) nesting
	maxNamespaces   = 256    // xmlns declarations per document
	maxAttrs        = 256    // attributes of one element
	minElementBytes = 40     // an element or attribute per this many bytes beyond the base
	baseElements    = 20_000 // elements, and attributes, any document may have
)

// elementBudget is how many elements, and how many attributes, a document
// of n bytes may hold. gofeed spends a few hundred bytes on each element and
// on each attribute of an extension element, so a document of tiny elements
// (<a/><a/>…) or attributes costs it fifteen times its size; the budget
// keeps that within a small multiple of the body.
func elementBudget(n int) int {
	// No absolute cap: n is bounded by the body limit, and the budget
	// keeps memory proportional to it (an operator who raises body_limit
	// for a huge feed gets a budget to match).
	return baseElements + n/minElementBytes
}

// prescan refuses a document past the limits above before the parser sees
// it, with a *NotFeedError whose reason is in plain words. It reads bytes and
// knows only ASCII markup, so it works on UTF-8 and on every ASCII-compatible
// legacy encoding before charset conversion; UTF-16 and UTF-32 (with or
// without a byte order mark) are narrowed to ASCII first. JSON documents are
// checked for nesting depth. The scan is lenient where the parser is: a
// document it cannot follow is left to the parser to refuse.
func prescan(body []byte) error {
	body = narrow(body)
	t := bytes.TrimLeft(body, " \t\r\n\xef\xbb\xbf")
	if len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return prescanJSON(t)
	}
	return prescanXML(body)
}

func tooMuch(format string, args ...any) error {
	return &NotFeedError{Reason: fmt.Sprintf(format, args...)}
}

// narrow returns a UTF-16 or UTF-32 body as one byte per code unit, any
// non-ASCII unit as 'x'; other bodies are returned as they are.
func narrow(b []byte) []byte {
	width, order := unitWidth(b)
	if width == 1 {
		return b
	}
	out := make([]byte, 0, len(b)/width)
	for i := 0; i+width <= len(b); i += width {
		var u uint32
		if width == 2 {
			u = uint32(order.Uint16(b[i:]))
		} else {
			u = order.Uint32(b[i:])
		}
		if u >= 0x80 {
			u = 'x'
		}
		out = append(out, byte(u))
	}
	return out
}

// unitWidth detects UTF-32 and UTF-16 from a byte order mark or from the
// zero bytes around the first character, as XML 1.0 appendix F does.
func unitWidth(b []byte) (int, binary.ByteOrder) {
	if len(b) < 4 {
		return 1, nil
	}
	switch {
	case b[0] == 0xFF && b[1] == 0xFE && b[2] == 0 && b[3] == 0,
		b[0] != 0 && b[1] == 0 && b[2] == 0 && b[3] == 0:
		return 4, binary.LittleEndian
	case b[0] == 0 && b[1] == 0 && b[2] == 0xFE && b[3] == 0xFF,
		b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] != 0:
		return 4, binary.BigEndian
	case b[0] == 0xFF && b[1] == 0xFE, b[0] != 0 && b[1] == 0:
		return 2, binary.LittleEndian
	case b[0] == 0xFE && b[1] == 0xFF, b[0] == 0 && b[1] != 0:
		return 2, binary.BigEndian
	}
	return 1, nil
}

// prescanJSON refuses JSON nested deeper than maxDepth.
func prescanJSON(b []byte) error {
	depth, inString := 0, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			if depth++; depth > maxDepth {
				return tooMuch("JSON nested deeper than %d levels", maxDepth)
			}
		case '}', ']':
			depth = max(depth-1, 0)
		}
	}
	return nil
}

// xmlScan is the state of one XML pre-scan.
type xmlScan struct {
	b                    []byte
	open                 []openElement // innermost last
	namespaces, elements int
	attrs                int // in the whole document
	budget               int
	inScope              int // namespace bindings in scope
	copies               int // bindings in scope summed over the elements
}

// openElement is an element left open, with the number of namespaces it
// declares.
type openElement struct {
	name  []byte
	decls int
}

// bindingsPerElement bounds the namespace bindings in scope per element, on
// average over the element budget. goxpp copies every binding in scope at
// each element; real feeds declare a dozen namespaces at most.
const bindingsPerElement = 16

// prescanXML walks the markup of b: comments, processing instructions,
// CDATA sections, the doctype, and start and end tags with their attributes.
func prescanXML(b []byte) error {
	s := &xmlScan{b: b, budget: elementBudget(len(b))}
	i := 0
	for {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			return nil
		}
		i += j + 1
		if i >= len(b) {
			return nil
		}
		var err error
		switch c := b[i]; {
		case c == '/':
			i = s.endTag(i + 1)
		case c == '?':
			i = skipPast(b, i, "?>")
		case bytes.HasPrefix(b[i:], []byte("!--")):
			i = skipPast(b, i+3, "-->")
		case bytes.HasPrefix(b[i:], []byte("![CDATA[")):
			i = skipPast(b, i+8, "]]>")
		case c == '!':
			i = skipDecl(b, i)
		case isNameStart(c):
			i, err = s.startTag(i)
		}
		if err != nil {
			return err
		}
	}
}

// skipPast returns the index just after the first end at or after i, or
// len(b) when there is none.
func skipPast(b []byte, i int, end string) int {
	if len(end) == 1 {
		if j := bytes.IndexByte(b[i:], end[0]); j >= 0 {
			return i + j + 1
		}
		return len(b)
	}
	j := bytes.Index(b[i:], []byte(end))
	if j < 0 {
		return len(b)
	}
	return i + j + len(end)
}

// skipQuote returns the index after the literal whose quote is at b[i].
func skipQuote(b []byte, i int) int {
	j := bytes.IndexByte(b[i+1:], b[i])
	if j < 0 {
		return len(b)
	}
	return i + 1 + j + 1
}

// skipDecl skips a <!DOCTYPE …> or other declaration, with its internal
// subset in brackets and quoted literals.
func skipDecl(b []byte, i int) int {
	depth := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '"', '\'':
			i = skipQuote(b, i) - 1
		case '[':
			depth++
		case ']':
			depth--
		case '>':
			if depth <= 0 {
				return i + 1
			}
		}
	}
	return len(b)
}

func isNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || c >= 0x80
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// startTag reads the start tag whose name begins at b[i] and returns the
// index after it.
func (s *xmlScan) startTag(i int) (int, error) {
	b := s.b
	start := i
	for i < len(b) && !isSpace(b[i]) && b[i] != '>' && b[i] != '/' && b[i] != '<' {
		i++
	}
	name := b[start:i]
	// gofeed keeps an element with a prefix as an extension, a tree of
	// maps that costs it about twice a plain element; an item (gofeed's
	// and newswatch's, with its key and text) is counted as five: a
	// document of minimal items peaked at 8.5 times its size at a weight of
	// three and at 8 to 9 times at four (garbage not yet collected included).
	s.elements++
	local := name
	if k := bytes.LastIndexByte(name, ':'); k >= 0 {
		s.elements++
		local = name[k+1:]
	}
	if bytes.EqualFold(local, []byte("item")) || bytes.EqualFold(local, []byte("entry")) {
		s.elements += 4
	}
	if s.elements > s.budget {
		return 0, tooMuch("more than %d elements in a %s document", s.budget, formatSize(int64(len(b))))
	}
	attrs, decls := 0, 0
	for i < len(b) {
		switch c := b[i]; {
		case c == '>':
			return i + 1, s.push(name, decls)
		case c == '/' && i+1 < len(b) && b[i+1] == '>':
			return i + 2, s.count(decls)
		case c == '"' || c == '\'':
			i = skipQuote(b, i)
		case isSpace(c) || c == '/':
			i++
		case c == '<':
			// An unclosed tag: the parser decides what it was.
			return i, s.push(name, decls)
		default:
			start := i
			for i < len(b) && !isSpace(b[i]) && b[i] != '=' && b[i] != '>' && b[i] != '/' && b[i] != '<' {
				i++
			}
			if attrs++; attrs > maxAttrs {
				return 0, tooMuch("an element with more than %d attributes", maxAttrs)
			}
			if s.attrs++; s.attrs > s.budget {
				return 0, tooMuch("more than %d attributes in a %s document", s.budget, formatSize(int64(len(b))))
			}
			if name := b[start:i]; bytes.HasPrefix(name, []byte("xmlns")) && (len(name) == 5 || name[5] == ':') {
				if s.namespaces++; s.namespaces > maxNamespaces {
					return 0, tooMuch("more than %d namespace declarations", maxNamespaces)
				}
				decls++
			}
			if i < len(b) && b[i] == '=' {
				i++
				for i < len(b) && isSpace(b[i]) {
					i++
				}
				if i < len(b) && (b[i] == '"' || b[i] == '\'') {
					i = skipQuote(b, i)
				} else {
					for i < len(b) && !isSpace(b[i]) && b[i] != '>' {
						i++
					}
				}
			}
			if i == start {
				i++
			}
		}
	}
	return i, s.push(name, decls)
}

// count adds the bindings the parser copies for one element that declares
// decls namespaces.
func (s *xmlScan) count(decls int) error {
	if s.copies += s.inScope + decls; s.copies > bindingsPerElement*s.budget {
		return tooMuch("too many namespaces in scope of too many elements (%d declared)", s.namespaces)
	}
	return nil
}

// voidHTML are the HTML elements that never have content. A feed that
// carries raw HTML may leave them unclosed; the parser closes them at the
// end of their parent, so they do not nest.
var voidHTML = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true,
	"hr": true, "img": true, "input": true, "meta": true, "param": true, "source": true, "track": true, "wbr": true}

// push records an element left open.
func (s *xmlScan) push(name []byte, decls int) error {
	if err := s.count(decls); err != nil {
		return err
	}
	if len(name) <= 6 {
		var low [6]byte
		for k, c := range name {
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			low[k] = c
		}
		if voidHTML[string(low[:len(name)])] {
			return nil
		}
	}
	if len(s.open) >= maxDepth {
		return tooMuch("nesting deeper than %d levels", maxDepth)
	}
	s.open = append(s.open, openElement{name, decls})
	s.inScope += decls
	return nil
}

// endTag reads the end tag whose name begins at b[i], closes the innermost
// open element of that name and those inside it, as the parser does when it
// is not strict, and returns the index after the tag. An end tag that
// matches no open element is ignored.
func (s *xmlScan) endTag(i int) int {
	b := s.b
	start := i
	for i < len(b) && !isSpace(b[i]) && b[i] != '>' && b[i] != '<' {
		i++
	}
	name := b[start:i]
	for k := len(s.open) - 1; k >= 0; k-- {
		if bytes.Equal(s.open[k].name, name) {
			for _, e := range s.open[k:] {
				s.inScope -= e.decls
			}
			s.open = s.open[:k]
			break
		}
	}
	if i < len(b) && b[i] == '<' {
		return i
	}
	return skipPast(b, i, ">")
}
