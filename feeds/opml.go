package feeds

import (
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/newswatch/newswatch"
)

// MaxOPMLSize is the largest OPML document ParseOPML reads.
const MaxOPMLSize = 5 << 20

// maxOPMLDepth bounds outline nesting.
const maxOPMLDepth = 50

// OPMLFeed is one feed outline of an OPML document.
type OPMLFeed struct {
	URL      string // xmlUrl, validated by newswatch.ValidateFeedURL
	Title    string // title, else text
	Category string // titles of the enclosing outlines, joined by " / "
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

// ParseOPML reads an OPML 1.0 or 2.0 subscription list: every outline with
// an xmlUrl, at any depth, in document order, each URL once. HTML entities
// in attributes (&amp;amp;, &nbsp;, &eacute;) are unescaped. Documents over
// MaxOPMLSize, malformed XML, a root that is not <opml> and URLs that are not
// http(s) give a *newswatch.Error (EINVALID) saying which.
func ParseOPML(r io.Reader) ([]OPMLFeed, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxOPMLSize+1))
	if err != nil {
		return nil, fmt.Errorf("feeds: read OPML: %w", err)
	}
	if len(data) > MaxOPMLSize {
		return nil, newswatch.Errorf(newswatch.EINVALID, "The OPML file is larger than %s.", formatSize(MaxOPMLSize))
	}
	data = stripControl(toUTF8(data, ""))
	var doc opmlDoc
	dec := xml.NewDecoder(strings.NewReader(string(data)))
	dec.Strict = false
	dec.Entity = xml.HTMLEntity
	dec.AutoClose = xml.HTMLAutoClose
	if err := dec.Decode(&doc); err != nil {
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			return nil, newswatch.Errorf(newswatch.EINVALID, "The OPML file is not valid XML (line %d: %s).", se.Line, se.Msg)
		}
		if errors.Is(err, io.EOF) || strings.Contains(err.Error(), "expected element type <opml>") {
			return nil, newswatch.Errorf(newswatch.EINVALID, "The file is not OPML (its root element is not <opml>).")
		}
		return nil, newswatch.Errorf(newswatch.EINVALID, "The OPML file could not be read: %s.", err.Error())
	}
	var out []OPMLFeed
	seen := map[string]bool{}
	var walk func(os []opmlOutline, path []string, depth int) error
	walk = func(os []opmlOutline, path []string, depth int) error {
		if depth > maxOPMLDepth {
			return newswatch.Errorf(newswatch.EINVALID, "The OPML outlines are nested more than %d deep.", maxOPMLDepth)
		}
		for _, o := range os {
			title := tidy(unescapeEntities(o.Title), false)
			if title == "" {
				title = tidy(unescapeEntities(o.Text), false)
			}
			if raw := strings.TrimSpace(unescapeEntities(o.XMLURL)); raw != "" {
				u, err := newswatch.ValidateFeedURL(raw)
				if err != nil {
					return newswatch.Errorf(newswatch.EINVALID, "OPML outline %q: %s", title, newswatch.ErrorMessage(err))
				}
				if !seen[u] {
					seen[u] = true
					out = append(out, OPMLFeed{URL: u, Title: title, Category: strings.Join(path, " / ")})
				}
			}
			if len(o.Outlines) > 0 {
				if err := walk(o.Outlines, append(path[:len(path):len(path)], title), depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(doc.Body.Outlines, nil, 1); err != nil {
		return nil, err
	}
	return out, nil
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
