package feeds

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/newswatch/newswatch"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// MaxOPMLSize is the largest OPML document ReadOPML reads: room for over
// 100,000 feeds.
const MaxOPMLSize = 64 << 20

// maxOPMLDepth bounds outline nesting; deeper outlines are reported, not
// imported.
const maxOPMLDepth = 50

// Errors of ReadOPML that callers recognise with errors.Is.
var (
	// ErrOPMLTooLarge is a document larger than MaxOPMLSize.
	ErrOPMLTooLarge = errors.New("feeds: OPML document too large")
	// ErrNotOPML is a document whose root element is not <opml>.
	ErrNotOPML = errors.New("feeds: not an OPML document")
)

// OPMLFeed is one feed outline of an OPML document.
type OPMLFeed struct {
	URL      string // xmlUrl, validated by newswatch.ValidateFeedURL
	Title    string // title, else text
	Category string // titles of the enclosing outlines, joined by " / "
}

// OPMLProblem is an outline that was not imported, or the place where the
// document stopped being readable.
type OPMLProblem struct {
	Line   int    // line of the outline in the document
	Title  string // the outline's title, if any
	Reason string // plain words
}

// String returns "line 12: outline "X": reason".
func (p OPMLProblem) String() string {
	if p.Title == "" {
		return fmt.Sprintf("line %d: %s", p.Line, p.Reason)
	}
	return fmt.Sprintf("line %d: outline %q: %s", p.Line, p.Title, p.Reason)
}

// OPMLImport is what ReadOPML found in a document.
type OPMLImport struct {
	Feeds      []OPMLFeed    // the good outlines, in document order, each URL once
	Problems   []OPMLProblem // the bad ones, in document order
	Duplicates int           // outlines repeating a URL of an earlier one
}

type opmlOutline struct {
	Text     string        `xml:"text,attr"`
	Title    string        `xml:"title,attr"`
	Type     string        `xml:"type,attr,omitempty"`
	XMLURL   string        `xml:"xmlUrl,attr,omitempty"`
	HTMLURL  string        `xml:"htmlUrl,attr,omitempty"`
	Outlines []opmlOutline `xml:"outline"`
}

type opmlDoc struct {
	XMLName xml.Name `xml:"opml"`
	Version string   `xml:"version,attr"`
	Head    struct {
		Title       string `xml:"title"`
		DateCreated string `xml:"dateCreated,omitempty"`
	} `xml:"head"`
	Body struct {
		Outlines []opmlOutline `xml:"outline"`
	} `xml:"body"`
}

// ReadOPML streams an OPML 1.0 or 2.0 subscription list: every outline with
// an xmlUrl, at any depth, in document order, each URL once. HTML entities
// in attributes (&amp;amp;, &nbsp;, &eacute;) are unescaped. An outline
// whose URL is not a valid feed URL, or that is nested more than 50 deep,
// is reported with its line and the others are kept; a document that stops
// being valid XML keeps the outlines before the error and reports where it
// stopped. Only a document larger than MaxOPMLSize or whose root is not
// <opml> is refused whole, with a *newswatch.Error (EINVALID) that wraps
// ErrOPMLTooLarge or ErrNotOPML.
func ReadOPML(r io.Reader) (*OPMLImport, error) {
	src, err := opmlText(&sizeLimit{r: r, n: MaxOPMLSize})
	if err != nil {
		return nil, fmt.Errorf("feeds: read OPML: %w", err)
	}
	dec := xml.NewDecoder(src)
	dec.Strict = false
	dec.Entity = xml.HTMLEntity
	// opmlText has already decoded the text to UTF-8.
	dec.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil }
	o := &opmlReader{dec: dec, seen: map[string]bool{}, out: &OPMLImport{}}
	if err := o.read(); err != nil {
		return nil, err
	}
	return o.out, nil
}

// sizeLimit reads r and fails with ErrOPMLTooLarge past n bytes, so that
// the reading stops there rather than at the end of what it has buffered.
type sizeLimit struct {
	r io.Reader
	n int64
}

func (l *sizeLimit) Read(p []byte) (int, error) {
	if l.n < 0 {
		return 0, ErrOPMLTooLarge
	}
	if int64(len(p)) > l.n+1 {
		p = p[:l.n+1]
	}
	n, err := l.r.Read(p)
	if l.n -= int64(n); l.n < 0 {
		return 0, ErrOPMLTooLarge
	}
	return n, err
}

// opmlError is a user-facing error that also matches a sentinel.
type opmlError struct {
	user     *newswatch.Error
	sentinel error
}

func (e *opmlError) Error() string   { return "feeds: " + e.user.Message }
func (e *opmlError) Unwrap() []error { return []error{e.user, e.sentinel} }

// opmlReader is the state of one streaming read.
type opmlReader struct {
	dec   *xml.Decoder
	seen  map[string]bool
	out   *OPMLImport
	path  []string // titles of the open outlines
	depth int      // open outlines, also past maxOPMLDepth
	root  bool     // the <opml> root was seen
}

// read walks the tokens. RawToken keeps no stack of open elements, so a
// document of millions of nested outlines costs no memory; the depth is
// counted here.
func (o *opmlReader) read() error {
	for {
		tok, err := o.dec.RawToken()
		if err == io.EOF {
			if !o.root {
				return o.notOPML()
			}
			return nil
		}
		if errors.Is(err, ErrOPMLTooLarge) {
			return &opmlError{newswatch.Errorf(newswatch.EINVALID, "The OPML file is larger than %s.", formatSize(MaxOPMLSize)), ErrOPMLTooLarge}
		}
		if err != nil {
			if !o.root {
				return o.notOPML()
			}
			line, _ := o.dec.InputPos()
			reason := "the file is not valid XML from here on"
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				line, reason = se.Line, reason+" ("+se.Msg+")"
			}
			o.out.Problems = append(o.out.Problems, OPMLProblem{Line: line, Reason: reason})
			return nil
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if !o.root {
				if !strings.EqualFold(t.Name.Local, "opml") {
					return o.notOPML()
				}
				o.root = true
				continue
			}
			if strings.EqualFold(t.Name.Local, "outline") {
				o.outline(t)
			}
		case xml.EndElement:
			if strings.EqualFold(t.Name.Local, "outline") && o.depth > 0 {
				o.depth--
				if o.depth < len(o.path) {
					o.path = o.path[:o.depth]
				}
			}
		}
	}
}

func (o *opmlReader) notOPML() error {
	return &opmlError{newswatch.Errorf(newswatch.EINVALID, "The file is not OPML (its root element is not <opml>)."), ErrNotOPML}
}

// outline takes one <outline> start tag.
func (o *opmlReader) outline(t xml.StartElement) {
	line, _ := o.dec.InputPos()
	var title, text, xmlURL string
	for _, a := range t.Attr {
		switch a.Name.Local {
		case "title":
			title = a.Value
		case "text":
			text = a.Value
		case "xmlUrl", "xmlurl", "xmlURL":
			xmlURL = a.Value
		}
	}
	name := tidy(unescapeEntities(title), false)
	if name == "" {
		name = tidy(unescapeEntities(text), false)
	}
	o.depth++
	if o.depth > maxOPMLDepth {
		if raw := strings.TrimSpace(xmlURL); raw != "" {
			o.out.Problems = append(o.out.Problems, OPMLProblem{Line: line, Title: name,
				Reason: fmt.Sprintf("nested more than %d outlines deep", maxOPMLDepth)})
		}
		return
	}
	category := strings.Join(o.path, " / ")
	o.path = append(o.path, name)
	raw := strings.TrimSpace(unescapeEntities(xmlURL))
	if raw == "" {
		return
	}
	u, err := newswatch.ValidateFeedURL(raw)
	if err != nil {
		o.out.Problems = append(o.out.Problems, OPMLProblem{Line: line, Title: name, Reason: newswatch.ErrorMessage(err)})
		return
	}
	if o.seen[u] {
		o.out.Duplicates++
		return
	}
	o.seen[u] = true
	o.out.Feeds = append(o.out.Feeds, OPMLFeed{URL: u, Title: name, Category: category})
}

// opmlText returns r decoded to UTF-8: by its byte-order mark, else by the
// encoding its XML declaration names; bytes that are not valid UTF-8 become
// U+FFFD and control characters are dropped, so that the XML decoder does
// not stop at them.
func opmlText(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 4096)
	head, err := br.Peek(1024)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		if errors.Is(err, ErrOPMLTooLarge) {
			return &cleanUTF8{r: br}, nil // ReadOPML reports it
		}
		return nil, err
	}
	var src io.Reader = br
	switch {
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}), bytes.HasPrefix(head, []byte{0xFF, 0xFE}),
		bytes.HasPrefix(head, []byte{0, '<'}), bytes.HasPrefix(head, []byte{'<', 0}):
		order := unicode.LittleEndian
		if head[0] == 0xFE || head[0] == 0 {
			order = unicode.BigEndian
		}
		src = transform.NewReader(br, unicode.UTF16(order, unicode.UseBOM).NewDecoder())
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		br.Discard(3)
	default:
		if m := xmlDeclEncoding.FindSubmatch(head); m != nil {
			label := strings.ToLower(strings.TrimSpace(string(m[3])))
			if enc, _ := charset.Lookup(label); enc != nil && label != "utf-8" && label != "utf8" {
				src = transform.NewReader(br, enc.NewDecoder())
			}
		}
	}
	return &cleanUTF8{r: src}, nil
}

// cleanUTF8 replaces invalid UTF-8 with U+FFFD and drops C0 control
// characters other than tab, newline and carriage return.
type cleanUTF8 struct {
	r     io.Reader
	buf   []byte // read, not yet returned
	out   []byte
	chunk []byte
	done  error
}

func (c *cleanUTF8) Read(p []byte) (int, error) {
	for len(c.out) == 0 {
		if c.done != nil {
			return 0, c.done
		}
		if c.chunk == nil {
			c.chunk = make([]byte, 32<<10)
		}
		n, err := c.r.Read(c.chunk)
		c.buf = append(c.buf, c.chunk[:n]...)
		if err != nil {
			c.done = err
		}
		c.clean(c.done != nil)
	}
	n := copy(p, c.out)
	c.out = c.out[n:]
	return n, nil
}

// clean moves the complete runes of buf to out, keeping an incomplete rune
// at the end of buf for the next read unless final.
func (c *cleanUTF8) clean(final bool) {
	b := c.buf
	out := c.out[:0]
	i := 0
	for i < len(b) {
		ch := b[i]
		if ch < utf8.RuneSelf {
			if ch >= 0x20 || ch == '\t' || ch == '\n' || ch == '\r' {
				out = append(out, ch)
			}
			i++
			continue
		}
		if !final && !utf8.FullRune(b[i:]) {
			break
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			out = append(out, "\uFFFD"...)
			i++
			continue
		}
		out = append(out, b[i:i+size]...)
		i += size
	}
	c.out = out
	c.buf = append(c.buf[:0], b[i:]...)
}

// entityRef is a complete character reference: "&amp;", "&eacute;", "&#38;".
var entityRef = regexp.MustCompile(`&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);`)

// unescapeEntities unescapes the complete entity references left in an
// attribute by an exporter that escaped twice. html.UnescapeString would
// also read "&section=1" in a query string as "&sect" followed by "ion=1".
func unescapeEntities(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return entityRef.ReplaceAllStringFunc(s, html.UnescapeString)
}

// WriteOPML writes feeds as an OPML 2.0 document titled title.
func WriteOPML(w io.Writer, title string, feeds []newswatch.Feed) error {
	var doc opmlDoc
	doc.Version = "2.0"
	doc.Head.Title = title
	doc.Head.DateCreated = time.Now().UTC().Format(time.RFC1123Z)
	for _, f := range feeds {
		t := f.Title
		if t == "" {
			t = f.URL
		}
		doc.Body.Outlines = append(doc.Body.Outlines, opmlOutline{Text: t, Title: t, Type: "rss", XMLURL: f.URL})
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("feeds: write OPML: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("feeds: write OPML: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("feeds: write OPML: %w", err)
	}
	return nil
}
