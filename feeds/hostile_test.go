package feeds

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
)

// Hostile documents, generated here rather than committed. Each grows its
// repeated part until the document reaches about size bytes.

// docSpec is a document made of a head, a unit repeated to fill a size,
// and a tail.
type docSpec struct {
	head string
	unit func(i int) string
	tail string
}

// write writes the document of about size bytes to w without holding it.
func (d docSpec) write(w io.Writer, size int) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	n, _ := bw.WriteString(d.head)
	for i := 0; ; i++ {
		u := d.unit(i)
		if n+len(u)+len(d.tail) > size {
			break
		}
		k, err := bw.WriteString(u)
		if err != nil {
			return err
		}
		n += k
	}
	bw.WriteString(d.tail)
	return bw.Flush()
}

// bytes returns the document of about size bytes.
func (d docSpec) bytes(size int) []byte {
	var b bytes.Buffer
	b.Grow(size)
	d.write(&b, size)
	return b.Bytes()
}

// repeatTo is the document of docSpec{head, unit, tail(0)} of about size
// bytes.
func repeatTo(size int, head string, unit func(i int) string, tail func(n int) string) []byte {
	return docSpec{head, unit, tail(0)}.bytes(size)
}

// nsNested nests depth elements, each declaring a new namespace prefix.
func nsNested(depth int) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>x</title>`)
	for i := range depth {
		fmt.Fprintf(&b, `<p%d:e xmlns:p%d="urn:x:%d">`, i, i, i)
	}
	for i := depth - 1; i >= 0; i-- {
		fmt.Fprintf(&b, `</p%d:e>`, i)
	}
	b.WriteString(`</item></channel></rss>`)
	return []byte(b.String())
}

// deepRSS nests <x> elements inside an item's description.
func deepRSS(size int) []byte {
	return repeatTo(size, `<rss version="2.0"><channel><title>t</title><item><title>x</title><description>`,
		func(int) string { return "<x>" },
		func(int) string { return "</description></item></channel></rss>" })
}

// deepAtom nests <div> elements inside an entry's XHTML content.
func deepAtom(size int) []byte {
	return repeatTo(size, `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>x</title><content type="xhtml">`,
		func(int) string { return "<div>" },
		func(int) string { return "</content></entry></feed>" })
}

// deepRDF nests elements in an RDF item.
func deepRDF(size int) []byte {
	return repeatTo(size, `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel><title>t</title></channel><item><title>x</title>`,
		func(int) string { return "<a>" },
		func(int) string { return "</item></rdf:RDF>" })
}

// boundedDeep repeats, inside one item, subtrees nested just under the depth
// limit: the deepest document the pre-scan lets through.
func boundedDeep(size int) []byte {
	open := strings.Repeat("<p:x>padding text to fit the budget ", maxDepth-8)
	closing := strings.Repeat("</p:x>", maxDepth-8)
	return repeatTo(size, `<rss version="2.0" xmlns:p="urn:p"><channel><title>t</title><item><title>x</title>`,
		func(int) string { return open + closing },
		func(int) string { return "</item></channel></rss>" })
}

// manyNamespaces declares a new namespace on every sibling element.
func manyNamespaces(size int) []byte {
	return repeatTo(size, `<rss version="2.0"><channel><title>t</title><item><title>x</title>`,
		func(i int) string { return fmt.Sprintf(`<q%d:e xmlns:q%d="urn:%d"/>`, i, i, i) },
		func(int) string { return "</item></channel></rss>" })
}

// boundedNamespaces declares as many namespaces as allowed on the root and
// then fills items with extension elements of each, the most the pre-scan
// lets through of bindings times elements.
func boundedNamespaces(size int) []byte {
	var head strings.Builder
	head.WriteString(`<rss version="2.0"><channel`)
	for i := range maxNamespaces - 1 {
		fmt.Fprintf(&head, ` xmlns:n%d="urn:%d"`, i, i)
	}
	head.WriteString(`><title>t</title>`)
	return repeatTo(size, head.String(),
		func(i int) string {
			return fmt.Sprintf(`<item><n%d:e a="1">value within the element budget of the document</n%d:e></item>`, i%200, i%200)
		},
		func(int) string { return "</channel></rss>" })
}

// manyAttrs gives elements many attributes (just under the limit).
func manyAttrs(size int) []byte {
	var el strings.Builder
	el.WriteString("<x:e")
	for i := range maxAttrs - 1 {
		fmt.Fprintf(&el, ` a%d="a value long enough for the budget %d"`, i, i)
	}
	el.WriteString("/>")
	e := el.String()
	return repeatTo(size, `<rss version="2.0" xmlns:x="urn:x"><channel><title>t</title><item><title>x</title>`,
		func(int) string { return e },
		func(int) string { return "</item></channel></rss>" })
}

// tooManyAttrs is one element with more attributes than allowed.
func tooManyAttrs() []byte {
	var b strings.Builder
	b.WriteString(`<rss version="2.0"><channel><item`)
	for i := range maxAttrs + 1 {
		fmt.Fprintf(&b, ` a%d="v"`, i)
	}
	b.WriteString(`/></channel></rss>`)
	return []byte(b.String())
}

// wideItems is many small items.
func wideItems(size int) []byte {
	return repeatTo(size, `<rss version="2.0"><channel><title>t</title>`,
		func(i int) string { return fmt.Sprintf(`<item><title>t%d</title><guid>g%d</guid></item>`, i, i) },
		func(int) string { return "</channel></rss>" })
}

// tinyElements is one item full of the smallest extension elements.
func tinyElements(size int) []byte {
	return repeatTo(size, `<rss version="2.0" xmlns:x="urn:x"><channel><title>t</title><item><title>x</title>`,
		func(int) string { return "<x:a/>" },
		func(int) string { return "</item></channel></rss>" })
}

// budgetElements is one item full of extension elements just large enough
// for the element budget.
func budgetElements(size int) []byte {
	return repeatTo(size, `<rss version="2.0" xmlns:x="urn:x"><channel><title>t</title><item><title>x</title>`,
		func(int) string { return `<x:a>value of it here</x:a>` }, // 27 bytes: refused
		func(int) string { return "</item></channel></rss>" })
}

// budgetElements2 is one item full of extension elements just large enough
// for the element budget.
func budgetElements2(size int) []byte {
	return repeatTo(size, `<rss version="2.0" xmlns:x="urn:x"><channel><title>t</title><item><title>x</title>`,
		func(int) string { return `<x:a>value of it here, long enough</x:a>` },
		func(int) string { return "</item></channel></rss>" })
}

// hugeText is one item whose description is one text node.
func hugeText(size int) []byte {
	return repeatTo(size, `<rss version="2.0"><channel><title>t</title><item><title>x</title><description>`,
		func(int) string { return "Sloviansk words &amp; more words " },
		func(int) string { return "</description></item></channel></rss>" })
}

// deepJSON nests arrays inside a JSON Feed item.
func deepJSON(size int) []byte {
	return repeatTo(size, `{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[{"id":"1","x":`,
		func(int) string { return "[" },
		func(int) string { return "" })
}

// boundedDeepJSON repeats arrays nested just under the depth limit.
func boundedDeepJSON(size int) []byte {
	unit := strings.Repeat("[", maxDepth-8) + strings.Repeat("]", maxDepth-8) + ","
	return repeatTo(size, `{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[{"id":"1","x":[`,
		func(int) string { return unit },
		func(int) string { return `0]}]}` })
}

// budgetPlain is items of a title, each just large enough for the element
// budget (40 bytes an element, an item counting five times).
func budgetPlain(size int) []byte {
	return repeatTo(size, `<rss version="2.0"><channel><title>t</title>`,
		func(i int) string {
			return fmt.Sprintf(`<item><title>t%07d of the item, padded to more than 240 bytes, six units of the budget of this document (an item counts five), so 240 bytes or a little more, which this is now, with a few more words to reach it, and then some.</title></item>`, i)
		},
		func(int) string { return "</channel></rss>" })
}

// budgetExtensions is extension elements (counted twice) just large
// enough for the element budget.
func budgetExtensions(size int) []byte {
	return repeatTo(size, `<rss version="2.0" xmlns:x="urn:x"><channel><title>t</title><item><title>x</title>`,
		func(int) string {
			return `<x:a>a value long enough for the element budget of the document, twice 40.</x:a>`
		},
		func(int) string { return "</item></channel></rss>" })
}

// hostileShape is a named generator of a document of about size bytes.
type hostileShape struct {
	name string
	gen  func(size int) []byte
}

var hostileShapes = []hostileShape{
	{"deep-rss", deepRSS},
	{"deep-atom", deepAtom},
	{"deep-rdf", deepRDF},
	{"bounded-deep", boundedDeep},
	{"many-namespaces", manyNamespaces},
	{"bounded-namespaces", boundedNamespaces},
	{"many-attrs", manyAttrs},
	{"wide-items", wideItems},
	{"tiny-elements", tinyElements},
	{"budget-elements", budgetElements},
	{"budget-elements-40", budgetElements2},
	{"budget-plain", budgetPlain},
	{"budget-extensions", budgetExtensions},
	{"huge-text", hugeText},
	{"deep-json", deepJSON},
	{"bounded-deep-json", boundedDeepJSON},
}
