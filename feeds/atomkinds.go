package feeds

import (
	"bytes"
	"encoding/xml"
	"strings"
)

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
