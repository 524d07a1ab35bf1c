package feeds

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/newswatch/newswatch"
)

// Document is a parsed feed.
type Document struct {
	Title    string
	Link     string
	TTL      time.Duration // RSS <ttl>; 0 when absent
	Items    []newswatch.Item
	Warnings []string // recoveries made while parsing, recorded in the feed's health as warnings
}

// NotFeedError says a document could not be read as a feed.
type NotFeedError struct {
	Reason string
}

// Error returns "not a feed: " and the reason in plain words.
func (e *NotFeedError) Error() string { return "not a feed: " + e.Reason }

// Limits on what one item keeps.
const (
	maxCategories = 20
	maxFieldLen   = 2048 // title, link, author, category, GUID, image URL
)

// Parse reads an RSS 0.9x/1.0/2.0, Atom or JSON Feed document into plain-text
// items. contentType is the HTTP Content-Type (for its charset; may be "")
// and baseURL the URL the document came from (the fetcher passes the
// response's Content-Location when it has one). Relative links are resolved
// against the feed's own absolute site link, else against baseURL.
//
// Text: the charset is decided by the content first (see decodeText):
// mostly-valid UTF-8 keeps its good bytes and only the bad ones are
// repaired, undeclared legacy text is recognised by how it reads, and C1
// controls become their windows-1252 characters. Atom type="text" is
// literal text; untyped Atom text, RSS titles and media:description are
// HTML only when they hold a known HTML tag. An empty title or body is
// taken from media:title, XHTML or plain <body>, <fullitem> or
// media:description (alone or in a media:group); an absent link from a
// GUID that is an http(s) URL not marked isPermaLink="false".
//
// Recovery: a document cut off at its end is read up to the cut with its
// open elements closed, and a JSON Feed loses only its wrong-typed fields
// or items. Each recovery, and each charset repair or guess, is a line in
// Document.Warnings.
//
// Dates: an unparseable or missing published date is unknown (zero) unless
// the item has an updated date, which stands in for it; dates before 1990
// are unknown; dates later than ten minutes after the fetch are clamped to
// the fetch time.
//
// Item keys are unique within the document: newswatch.ItemKey (GUID, else
// link, else a hash of title and text); a GUID repeated in the document
// becomes "GUID link"; the second and later copies of a key still repeated
// get " #2", " #3"... appended (see uniqueKeys).
// Parse never panics: a panic in the underlying parser becomes an error.
func Parse(body []byte, contentType, baseURL string) (*Document, error) {
	return parseAt(body, contentType, baseURL, time.Now())
}

func parseAt(body []byte, contentType, baseURL string, now time.Time) (*Document, error) {
	if err := prescan(body); err != nil {
		return nil, err
	}
	return parseScanned(body, contentType, baseURL, now)
}

// parseScanned is parseAt for a body that prescan has already accepted.
func parseScanned(body []byte, contentType, baseURL string, now time.Time) (doc *Document, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, &NotFeedError{Reason: fmt.Sprintf("the parser failed (%v)", r)}
		}
	}()
	isHTML := &NotFeedError{Reason: "the document is an HTML page, not RSS, Atom or JSON Feed"}
	if looksHTML(body) {
		return nil, isHTML
	}
	// Servers label feeds text/html often enough that the body decides;
	// the header only words the error.
	mt, _, _ := mime.ParseMediaType(contentType)
	body, note := decodeText(body, contentType)
	g := newGofeedRun()
	f, body, recovered, err := g.parse(stripControl(body))
	if err != nil {
		if mt == "text/html" {
			return nil, isHTML
		}
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			return nil, &NotFeedError{Reason: "the document is not RSS, Atom or JSON Feed"}
		}
		return nil, &NotFeedError{Reason: err.Error()}
	}
	base, _ := url.Parse(baseURL)
	hints := itemHints(f, body, g.rt, g.jt)
	doc = &Document{Title: truncate(lineAs(f.Title, hints.feedTitle), maxFieldLen)}
	if note != "" {
		doc.Warnings = append(doc.Warnings, note)
	}
	doc.Warnings = append(doc.Warnings, recovered...)
	doc.Link = resolveURL(base, f.Link)
	if site, err := url.Parse(doc.Link); err == nil && doc.Link != "" {
		base = site // relative item links are relative to the site
	}
	if f.FeedType == "rss" {
		doc.TTL = rssTTL(body)
	}
	doc.Items = make([]newswatch.Item, 0, len(f.Items))
	for i, it := range f.Items {
		if it == nil {
			continue
		}
		doc.Items = append(doc.Items, convertItem(it, hints.item(i), base, now))
	}
	uniqueKeys(doc.Items)
	return doc, nil
}

// gofeedRun is one gofeed parse with the translators that gather what
// gofeed's items do not keep.
type gofeedRun struct {
	fp *gofeed.Parser
	rt *rssTranslator
	jt *jsonTranslator
}

func newGofeedRun() *gofeedRun {
	g := &gofeedRun{fp: gofeed.NewParser(), jt: &jsonTranslator{}}
	// The image fallback is taken from the HTML while converting it to
	// text; gofeed's own would parse every item's HTML a second time.
	g.rt = &rssTranslator{DefaultRSSTranslator: gofeed.DefaultRSSTranslator{DisableContentImageScan: true}}
	g.fp.RSSTranslator = g.rt
	g.fp.JSONTranslator = g.jt
	return g
}

// parse runs gofeed over body, mending it when gofeed refuses it (see
// recoverParse). It returns the feed, the body it was read from and what
// was mended.
func (g *gofeedRun) parse(body []byte) (*gofeed.Feed, []byte, []string, error) {
	read := body
	var dropped []string
	if isJSON(body) {
		read, dropped = dropNullItems(body)
	}
	f, err := g.fp.Parse(bytes.NewReader(read))
	if err == nil {
		return f, read, dropped, nil
	}
	if f, mended, warnings := recoverParse(g.fp, body); f != nil {
		return f, mended, warnings, nil
	}
	return nil, nil, nil, err
}

func convertItem(it *gofeed.Item, h itemHint, base *url.URL, now time.Time) newswatch.Item {
	out := newswatch.Item{
		GUID:      truncate(strings.TrimSpace(it.GUID), maxFieldLen),
		FetchedAt: now,
	}
	title, titleKind := it.Title, h.title
	if strings.TrimSpace(title) == "" {
		title, titleKind = extTitle(it)
	}
	out.Title = truncate(lineAs(title, titleKind), maxFieldLen)
	link := it.Link
	if link == "" && len(it.Links) > 0 {
		link = it.Links[0]
	}
	out.Link = truncate(resolveURL(base, link), maxFieldLen)
	if out.Link == "" {
		out.Link = truncate(guidLink(it.GUID, h.notPermalink, base), maxFieldLen)
	}
	body, kind := it.Content, h.content
	if strings.TrimSpace(body) == "" {
		body, kind = it.Description, h.summary
	}
	if strings.TrimSpace(body) == "" {
		body, kind = extBody(it)
	}
	text, img := toText(body, kind, base)
	out.Text = text
	out.Author = truncate(authors(it), maxFieldLen)
	out.Categories = categories(it.Categories)
	if out.ImageURL = image(it, base); out.ImageURL == "" {
		out.ImageURL = img
	}
	out.ImageURL = truncate(out.ImageURL, maxFieldLen)
	out.Updated = sanitizeDate(it.UpdatedParsed, now)
	out.Published = sanitizeDate(it.PublishedParsed, now)
	if out.Published.IsZero() {
		out.Published = out.Updated
	}
	return out
}

// sanitizeDate applies the date rules documented on Parse.
func sanitizeDate(t *time.Time, now time.Time) time.Time {
	if t == nil || t.Year() < 1990 {
		return time.Time{}
	}
	if t.After(now.Add(10 * time.Minute)) {
		return now.UTC()
	}
	return t.UTC()
}

func authors(it *gofeed.Item) string {
	var names []string
	people := it.Authors
	if len(people) == 0 && it.Author != nil {
		people = []*gofeed.Person{it.Author}
	}
	for _, p := range people {
		if p == nil {
			continue
		}
		n := plainLine(p.Name)
		if n == "" {
			n = plainLine(p.Email)
		}
		if n != "" {
			names = append(names, n)
		}
	}
	return strings.Join(names, ", ")
}

func categories(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range in {
		c = truncate(plainLine(c), maxFieldLen)
		if c == "" || seen[strings.ToLower(c)] {
			continue
		}
		seen[strings.ToLower(c)] = true
		out = append(out, c)
		if len(out) == maxCategories {
			break
		}
	}
	return out
}

func image(it *gofeed.Item, base *url.URL) string {
	if it.Image != nil {
		if u := resolveURL(base, it.Image.URL); u != "" {
			return u
		}
	}
	for _, e := range it.Enclosures {
		if e != nil && strings.HasPrefix(e.Type, "image/") {
			if u := resolveURL(base, e.URL); u != "" {
				return u
			}
		}
	}
	return ""
}

// uniqueKeys sets each item's Key: newswatch.ItemKey for an item whose GUID
// is unique in the document; GUID and link for a GUID repeated in it. An
// item whose key is still not unique (the same item twice) keeps it the
// first time and gets " #2", " #3"... appended the next times: counted
// among its copies, not by position, so that an item added above them
// changes no key.
func uniqueKeys(items []newswatch.Item) {
	guids := map[string]int{}
	for i := range items {
		if items[i].GUID != "" {
			guids[items[i].GUID]++
		}
	}
	used := make(map[string]bool, len(items))
	for i := range items {
		it := &items[i]
		it.Key = newswatch.ItemKey(it.GUID, it.Link, it.Title, it.Text)
		if it.GUID != "" && guids[it.GUID] > 1 && it.Link != "" {
			it.Key = it.GUID + " " + it.Link
		}
		used[it.Key] = true
	}
	copies := map[string]int{}
	for i := range items {
		base := items[i].Key
		copies[base]++
		if copies[base] == 1 {
			continue
		}
		// A generated key must not take another item's own key.
		for {
			k := base + " #" + strconv.Itoa(copies[base])
			if !used[k] {
				items[i].Key = k
				used[k] = true
				break
			}
			copies[base]++
		}
	}
}

func looksHTML(body []byte) bool {
	head := bytes.TrimLeft(body[:min(len(body), 512)], " \t\r\n\xef\xbb\xbf")
	lower := bytes.ToLower(head[:min(len(head), 15)])
	return bytes.HasPrefix(lower, []byte("<!doctype html")) || bytes.HasPrefix(lower, []byte("<html"))
}

func isJSON(body []byte) bool {
	t := bytes.TrimLeft(body, " \t\r\n")
	return len(t) > 0 && t[0] == '{'
}

// dropNullItems removes null and non-object entries from a JSON Feed's items
// array, which would otherwise crash the JSON parser, and says which it
// dropped. Invalid JSON is returned unchanged for the parser to reject.
func dropNullItems(body []byte) ([]byte, []string) {
	var doc map[string]json.RawMessage
	if json.Unmarshal(body, &doc) != nil {
		return body, nil
	}
	var items []json.RawMessage
	if json.Unmarshal(doc["items"], &items) != nil {
		return body, nil
	}
	var warnings []string
	kept := items[:0]
	for i, it := range items {
		if t := bytes.TrimSpace(it); len(t) > 0 && t[0] == '{' {
			kept = append(kept, it)
		} else {
			warnings = append(warnings, fmt.Sprintf("dropped item %d: not an object", i+1))
		}
	}
	if len(warnings) == 0 {
		return body, nil
	}
	doc["items"], _ = json.Marshal(kept)
	out, err := json.Marshal(doc)
	if err != nil {
		return body, nil
	}
	return out, warnings
}

// rssTTL reads the channel's <ttl> (minutes), capped at a day.
func rssTTL(body []byte) time.Duration {
	i := bytes.Index(body, []byte("<ttl>"))
	if i < 0 {
		return 0
	}
	rest := body[i+5:]
	j := bytes.IndexByte(rest, '<')
	if j < 0 || j > 20 {
		return 0
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(rest[:j])), 10, 64)
	if (err != nil && !errors.Is(err, strconv.ErrRange)) || n <= 0 {
		return 0
	}
	return capHint(n, time.Minute)
}
