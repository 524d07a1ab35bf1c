package feeds

// What htmlToText needs beyond the HTML tokenizer: the stack of open
// elements that bounds a dropped element's skip, and the repair of "<!"
// sequences the tokenizer would swallow.

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxOpen bounds the element stack htmlToText keeps; deeper elements are
// not tracked (their end tags then close nothing).
const maxOpen = 1024

// openStack is the stack of open elements, outermost first, with what it
// takes to answer in constant time whether one of them ends later.
type openStack struct {
	names []string
	// count holds the open elements by name once the stack has been
	// deeper than smallStack; below that a scan is as quick.
	count map[string]int
	c     *closers
	// reach[i] is the offset of the last end tag of any of names[:i+1];
	// only its first valid entries are computed, when first asked.
	reach []int
	valid int
}

// smallStack is the depth up to which openStack scans instead of counting.
const smallStack = 32

func (o *openStack) push(name string) {
	if len(o.names) >= maxOpen {
		return
	}
	if o.names == nil {
		o.names = make([]string, 0, smallStack)
	}
	o.names = append(o.names, name)
	switch {
	case o.count != nil:
		o.count[name]++
	case len(o.names) > smallStack:
		o.count = make(map[string]int, 2*smallStack)
		for _, n := range o.names {
			o.count[n]++
		}
	}
}

// popTo closes the innermost open element of this name and all inside it,
// and returns its index, or -1 when none is open.
func (o *openStack) popTo(name string) int {
	if o.count != nil && o.count[name] == 0 {
		return -1
	}
	i := len(o.names) - 1
	for i >= 0 && o.names[i] != name {
		i--
	}
	if i < 0 {
		return -1
	}
	if o.count != nil {
		for _, n := range o.names[i:] {
			o.count[n]--
		}
	}
	o.names = o.names[:i]
	o.valid = min(o.valid, i)
	return i
}

// endsAfter says whether any open element has an end tag after offset.
func (o *openStack) endsAfter(offset int) bool {
	if len(o.names) == 0 {
		return false
	}
	o.reach = o.reach[:o.valid]
	for i := o.valid; i < len(o.names); i++ {
		r := o.c.lastClose(o.names[i])
		if i > 0 {
			r = max(r, o.reach[i-1])
		}
		o.reach = append(o.reach, r)
	}
	o.valid = len(o.names)
	return o.reach[len(o.names)-1] >= offset
}

// closers answers whether an element's end tag appears after an offset of
// the source, looking each name up once.
type closers struct {
	src   string
	lower string
	last  map[string]int
}

func (c *closers) closedAfter(name string, offset int) bool {
	return c.lastClose(name) >= offset
}

// lastClose returns the offset of the last end tag of name in the source,
// or -1.
func (c *closers) lastClose(name string) int {
	if c.last == nil {
		c.lower = asciiLower(c.src) // same offsets as src, unlike strings.ToLower
		c.last = map[string]int{}
	}
	i, ok := c.last[name]
	if !ok {
		i = strings.LastIndex(c.lower, "</"+name)
		c.last[name] = i
	}
	return i
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// fixBang makes every "<!" that does not start a comment, a doctype or a
// CDATA section text, as a browser shows it: the HTML tokenizer would
// read it as a bogus comment and drop it with everything up to the next
// ">" (or to the end). A CDATA section (a feed's escaped HTML that still
// holds one) becomes its escaped content.
func fixBang(s string) string {
	if !strings.Contains(s, "<!") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for {
		i := strings.Index(s, "<!")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		rest := s[i:]
		switch {
		case strings.HasPrefix(rest, "<!--") && strings.Contains(rest[4:], "-->"):
			j := strings.Index(rest[4:], "-->") + 7
			b.WriteString(rest[:j])
			s = rest[j:]
		case strings.HasPrefix(rest, "<![CDATA["):
			body := rest[9:]
			j := strings.Index(body, "]]>")
			if j < 0 {
				j = len(body)
				s = ""
			} else {
				s = body[j+3:]
			}
			b.WriteString(html.EscapeString(body[:j]))
		case isDoctype(rest):
			j := strings.IndexByte(rest, '>') + 1
			b.WriteString(rest[:j])
			s = rest[j:]
		default:
			b.WriteString("&lt;!")
			s = rest[2:]
		}
	}
}

// isDoctype says whether s starts with a whole "<!DOCTYPE name ...>"
// declaration: closed by ">" before any other "<".
func isDoctype(s string) bool {
	if len(s) < 10 || !strings.EqualFold(s[2:9], "doctype") {
		return false
	}
	j := strings.IndexByte(s, '>')
	return j > 0 && !strings.Contains(s[2:j], "<") && strings.TrimSpace(s[9:j]) != "" &&
		isLetter(strings.TrimSpace(s[9:j])[0])
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// rawText says whether the HTML tokenizer reads the element's content as
// raw text up to its end tag.
func rawText(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Iframe, atom.Noscript, atom.Noembed,
		atom.Noframes, atom.Xmp, atom.Textarea, atom.Title, atom.Plaintext:
		return true
	}
	return false
}

// void says whether an element never has content or an end tag.
func void(a atom.Atom) bool {
	switch a {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img,
		atom.Input, atom.Link, atom.Meta, atom.Param, atom.Source, atom.Track, atom.Wbr:
		return true
	}
	return false
}
