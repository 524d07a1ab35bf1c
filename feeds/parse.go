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
// and baseURL the URL the document came from. Relative links are resolved
// against the feed's own absolute site link, else against baseURL.
//
// Dates: an unparseable or missing published date is unknown (zero) unless
// the item has an updated date, which stands in for it; dates before 1990
// are unknown; dates later than ten minutes after the fetch are clamped to
// the fetch time.
//
// Item keys are unique within the document: newswatch.ItemKey (GUID, else
// link, else a hash of title and text); a GUID repeated in the document
// becomes "GUID link"; a key still repeated gets " #position" appended.
// Parse never panics: a panic in the underlying parser becomes an error.
func Parse(body []byte, contentType, baseURL string) (*Document, error) {
	return parseAt(body, contentType, baseURL, time.Now())
}

func parseAt(body []byte, contentType, baseURL string, now time.Time) (doc *Document, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, &NotFeedError{Reason: fmt.Sprintf("the parser failed (%v)", r)}
		}
	}()
	if err := prescan(body); err != nil {
		return nil, err
	}
	isHTML := &NotFeedError{Reason: "the document is an HTML page, not RSS, Atom or JSON Feed"}
	if looksHTML(body) {
		return nil, isHTML
	}
	// Servers label feeds text/html often enough that the body decides;
	// the header only words the error.
	mt, _, _ := mime.ParseMediaType(contentType)
	body = stripControl(toUTF8(body, contentType))
	if isJSON(body) {
		body = dropNullItems(body)
	}
	fp := gofeed.NewParser()
	// The image fallback is taken from the HTML while converting it to
	// text; gofeed's own would parse every item's HTML a second time.
	fp.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	f, err := fp.Parse(bytes.NewReader(body))
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
	doc = &Document{Title: truncate(plainLine(f.Title), maxFieldLen)}
	doc.Link = resolveURL(base, f.Link)
	if site, err := url.Parse(doc.Link); err == nil && doc.Link != "" {
		base = site // relative item links are relative to the site
	}
	if f.FeedType == "rss" {
		doc.TTL = rssTTL(body)
	}
	doc.Items = make([]newswatch.Item, 0, len(f.Items))
	for _, it := range f.Items {
		if it == nil {
			continue
		}
		doc.Items = append(doc.Items, convertItem(it, base, now))
	}
	uniqueKeys(doc.Items)
	return doc, nil
}

func convertItem(it *gofeed.Item, base *url.URL, now time.Time) newswatch.Item {
	out := newswatch.Item{
		GUID:      truncate(strings.TrimSpace(it.GUID), maxFieldLen),
		Title:     truncate(plainLine(it.Title), maxFieldLen),
		FetchedAt: now,
	}
	link := it.Link
	if link == "" && len(it.Links) > 0 {
		link = it.Links[0]
	}
	out.Link = truncate(resolveURL(base, link), maxFieldLen)
	body := it.Content
	if strings.TrimSpace(body) == "" {
		body = it.Description
	}
	text, img := htmlToText(body, base)
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
// is unique in the document; GUID and link for a GUID repeated in it; and
// when that is still not unique, the item's position is appended too.
func uniqueKeys(items []newswatch.Item) {
	guids := map[string]int{}
	for i := range items {
		if items[i].GUID != "" {
			guids[items[i].GUID]++
		}
	}
	keys := map[string]int{}
	for i := range items {
		it := &items[i]
		it.Key = newswatch.ItemKey(it.GUID, it.Link, it.Title, it.Text)
		if it.GUID != "" && guids[it.GUID] > 1 && it.Link != "" {
			it.Key = it.GUID + " " + it.Link
		}
		keys[it.Key]++
	}
	for i := range items {
		if keys[items[i].Key] > 1 {
			items[i].Key += " #" + strconv.Itoa(i+1)
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
// array, which would otherwise crash the JSON parser. Invalid JSON is
// returned unchanged for the parser to reject.
func dropNullItems(body []byte) []byte {
	var doc map[string]json.RawMessage
	if json.Unmarshal(body, &doc) != nil {
		return body
	}
	var items []json.RawMessage
	if json.Unmarshal(doc["items"], &items) != nil {
		return body
	}
	kept := items[:0]
	for _, it := range items {
		if t := bytes.TrimSpace(it); len(t) > 0 && t[0] == '{' {
			kept = append(kept, it)
		}
	}
	if len(kept) == len(items) {
		return body
	}
	doc["items"], _ = json.Marshal(kept)
	out, err := json.Marshal(doc)
	if err != nil {
		return body
	}
	return out
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
