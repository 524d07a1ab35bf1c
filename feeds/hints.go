package feeds

import (
	"bytes"
	"encoding/xml"
	"strings"

	"github.com/mmcdole/gofeed"
	gojson "github.com/mmcdole/gofeed/json"
	"github.com/mmcdole/gofeed/rss"
)

// itemHint is what convertItem needs to know of an item beyond gofeed's:
// how to read its title and bodies, and whether its GUID is not a link.
type itemHint struct {
	title, summary, content textKind
	notPermalink            bool
}

type docHints struct {
	feedTitle textKind
	items     []itemHint
}

func (h docHints) item(i int) itemHint {
	if i < len(h.items) {
		return h.items[i]
	}
	return itemHint{title: kindGuess, summary: kindHTML, content: kindHTML}
}

// itemHints gathers the hints of every item: Atom's declared text kinds
// (from a second reading of the document, used only when it finds as many
// entries as gofeed did), RSS's isPermaLink marks and JSON Feed's
// content_text.
func itemHints(f *gofeed.Feed, body []byte, rt *rssTranslator, jt *jsonTranslator) docHints {
	var h docHints
	switch f.FeedType {
	case "atom":
		k, ok := atomKindsOf(body)
		if !ok || len(k.entries) != len(f.Items) {
			return h
		}
		h.feedTitle = k.feedTitle
		for _, e := range k.entries {
			h.items = append(h.items, itemHint{title: e.title, summary: e.summary, content: e.content})
		}
	case "rss":
		if len(rt.notPermalink) != len(f.Items) {
			return h
		}
		for _, np := range rt.notPermalink {
			h.items = append(h.items, itemHint{title: kindGuess, summary: kindHTML, content: kindHTML, notPermalink: np})
		}
	case "json":
		if len(jt.plainContent) != len(f.Items) {
			return h
		}
		for _, plain := range jt.plainContent {
			content := kindHTML
			if plain {
				content = kindText
			}
			h.items = append(h.items, itemHint{title: kindText, summary: kindText, content: content})
		}
	}
	return h
}

// atomKinds are the declared kinds of an Atom document's text constructs,
// which gofeed reads but does not keep (only content keeps its type).
type atomKinds struct {
	feedTitle textKind
	entries   []entryKinds
}

type entryKinds struct {
	title, summary, content textKind
}

// atomKindsOf reads the type (and Atom 0.3 mode) attributes of the feed
// title and of each entry's title, summary and content. ok is false when
// the document cannot be read to its end; the caller then guesses.
func atomKindsOf(body []byte) (k atomKinds, ok bool) {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = false
	d.Entity = xml.HTMLEntity
	var root xml.Name
	depth := 0
	cur := -1 // index of the entry being read
	for {
		// RawToken: names keep their prefixes, which is enough to tell
		// an entry's own title (same prefix as the feed element) from
		// media:title, and saves resolving every name.
		tok, err := d.RawToken()
		if err != nil {
			return k, depth == 0 && root.Local != ""
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth == 1:
				root = t.Name
			case depth == 2 && t.Name == (xml.Name{Space: root.Space, Local: "entry"}):
				k.entries = append(k.entries, entryKinds{kindGuess, kindHTML, kindHTML})
				cur = len(k.entries) - 1
			case depth == 2 && t.Name == (xml.Name{Space: root.Space, Local: "title"}):
				k.feedTitle = declaredKind(t.Attr)
			case depth == 3 && cur >= 0 && t.Name.Space == root.Space:
				e := &k.entries[cur]
				switch t.Name.Local {
				case "title":
					e.title = declaredKind(t.Attr)
				case "summary":
					e.summary = declaredKind(t.Attr)
				case "content":
					e.content = declaredKind(t.Attr)
				}
			}
		case xml.EndElement:
			if depth == 2 {
				cur = -1
			}
			depth--
		}
	}
}

// declaredKind reads an Atom text construct's type: "text" (Atom 1.0) or
// "text/plain" (0.3) is literal text; Atom 0.3's mode="base64" is base64
// (gofeed decodes it only for some types); an absent type is guessed (the
// default is text, but many feeds put escaped HTML there untyped); any
// other type is read as HTML, as before.
func declaredKind(attrs []xml.Attr) textKind {
	var typ, mode string
	for _, a := range attrs {
		switch a.Name.Local {
		case "type":
			typ = strings.ToLower(strings.TrimSpace(a.Value))
		case "mode":
			mode = strings.ToLower(strings.TrimSpace(a.Value))
		}
	}
	switch {
	case mode == "base64":
		return kindBase64
	case typ == "" && mode == "":
		return kindGuess
	case typ == "text" || typ == "text/plain":
		return kindText
	}
	return kindHTML
}

// rssTranslator is gofeed's RSS translator that also notes which items'
// GUIDs are marked isPermaLink="false", which the generic item loses.
type rssTranslator struct {
	gofeed.DefaultRSSTranslator
	notPermalink []bool // by item index
}

// Translate translates as gofeed does and records the permalink marks.
func (t *rssTranslator) Translate(feed interface{}) (*gofeed.Feed, error) {
	f, err := t.DefaultRSSTranslator.Translate(feed)
	if rf, ok := feed.(*rss.Feed); ok && err == nil {
		t.notPermalink = make([]bool, len(rf.Items))
		for i, it := range rf.Items {
			t.notPermalink[i] = it != nil && it.GUID != nil && strings.EqualFold(strings.TrimSpace(it.GUID.IsPermalink), "false")
		}
	}
	return f, err
}

// jsonTranslator is gofeed's JSON Feed translator that also notes which
// items' content is content_text (plain text, which gofeed puts where
// content_html goes when that is absent).
type jsonTranslator struct {
	gofeed.DefaultJSONTranslator
	plainContent []bool // by item index
}

// Translate translates as gofeed does and records the plain-text contents.
func (t *jsonTranslator) Translate(feed interface{}) (*gofeed.Feed, error) {
	f, err := t.DefaultJSONTranslator.Translate(feed)
	if jf, ok := feed.(*gojson.Feed); ok && err == nil {
		t.plainContent = make([]bool, len(jf.Items))
		for i, it := range jf.Items {
			t.plainContent[i] = it != nil && it.ContentHTML == "" && it.ContentText != ""
		}
	}
	return f, err
}
