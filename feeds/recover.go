package feeds

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"

	"github.com/mmcdole/gofeed"
	gojson "github.com/mmcdole/gofeed/json"
)

// maxRecoverDepth bounds the element stack recoverTruncated keeps; a
// document nested deeper is not recovered.
const maxRecoverDepth = 1024

// recoverTruncated mends an XML document cut off at its end (a lost final
// ">" or closing tags, a connection that dropped the last bytes): it keeps
// the document up to its last whole token, closes an open CDATA section,
// and appends the end tags of the elements still open. It returns nil when
// the document does not read as cut off: it reads to its end with every
// element closed, or it has an error before its end.
func recoverTruncated(body []byte) []byte {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = false
	var open []xml.Name
	var end int64 // offset after the last whole token
	for {
		tok, err := d.RawToken()
		if err != nil {
			// Cut off: the error is the end of the input, or what follows
			// the last whole token is one unfinished construct ("</rs",
			// "<![CD"): it holds no ">".
			if !errors.Is(err, io.EOF) && d.InputOffset() < int64(len(body)) && bytes.ContainsRune(body[end:], '>') {
				return nil // broken before its end
			}
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(open) == maxRecoverDepth {
				return nil
			}
			open = append(open, t.Name)
		case xml.EndElement:
			if len(open) > 0 {
				open = open[:len(open)-1]
			}
		}
		end = d.InputOffset()
	}
	if len(open) == 0 {
		return nil
	}
	out := make([]byte, 0, int(end)+64*len(open))
	out = append(out, body[:end]...)
	tail := body[end:]
	switch {
	case bytes.HasPrefix(tail, []byte("<![CDATA[")):
		out = append(append(out, tail...), "]]>"...)
	case !bytes.ContainsRune(tail, '<'):
		out = append(out, tail...) // text cut off mid-sentence
	}
	for i := len(open) - 1; i >= 0; i-- {
		n := open[i]
		out = append(out, "</"...)
		if n.Space != "" {
			out = append(append(out, n.Space...), ':')
		}
		out = append(append(out, n.Local...), '>')
	}
	return out
}

// recoverJSONFeed mends a JSON Feed that gofeed refuses over wrong-typed
// fields: each top-level field and each field of each item is tried alone
// against gofeed's own types, and the ones that do not fit are dropped; an
// item that is not an object, or still does not fit, is dropped whole. It
// returns the mended document and a warning per drop, or nil when there is
// nothing it can mend (not a JSON object, no items array).
func recoverJSONFeed(body []byte) ([]byte, []string) {
	var doc map[string]json.RawMessage
	if json.Unmarshal(body, &doc) != nil {
		return nil, nil
	}
	var warnings []string
	for _, k := range sortedKeys(doc) {
		if k == "items" {
			continue
		}
		if err := json.Unmarshal(oneField(k, doc[k]), &gojson.Feed{}); err != nil {
			delete(doc, k)
			warnings = append(warnings, fmt.Sprintf("dropped feed field %s: %s", k, typeProblem(err)))
		}
	}
	var items []json.RawMessage
	if json.Unmarshal(doc["items"], &items) != nil {
		return nil, nil
	}
	kept := items[:0]
	for i, raw := range items {
		item, w := mendJSONItem(raw, i+1)
		warnings = append(warnings, w...)
		if item != nil {
			kept = append(kept, item)
		}
	}
	doc["items"], _ = json.Marshal(kept)
	out, err := json.Marshal(doc)
	if err != nil {
		return nil, nil
	}
	return out, warnings
}

func mendJSONItem(raw json.RawMessage, n int) (json.RawMessage, []string) {
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil || fields == nil {
		return nil, []string{fmt.Sprintf("dropped item %d: not an object", n)}
	}
	if json.Unmarshal(raw, &gojson.Item{}) == nil {
		return raw, nil
	}
	var warnings []string
	for _, k := range sortedKeys(fields) {
		if err := json.Unmarshal(oneField(k, fields[k]), &gojson.Item{}); err != nil {
			delete(fields, k)
			warnings = append(warnings, fmt.Sprintf("dropped field %s of item %d: %s", k, n, typeProblem(err)))
		}
	}
	out, err := json.Marshal(fields)
	if err != nil || json.Unmarshal(out, &gojson.Item{}) != nil {
		return nil, append(warnings, fmt.Sprintf("dropped item %d: its fields do not fit JSON Feed", n))
	}
	return out, warnings
}

func oneField(k string, v json.RawMessage) []byte {
	key, _ := json.Marshal(k)
	return []byte("{" + string(key) + ":" + string(v) + "}")
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// typeProblem words a decoding error: "a string where JSON Feed has an
// array".
func typeProblem(err error) string {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return "not valid for JSON Feed"
	}
	want := "a " + te.Type.Kind().String()
	switch te.Type.Kind() {
	case reflect.Slice, reflect.Array:
		want = "an array"
	case reflect.Struct, reflect.Map, reflect.Pointer:
		want = "an object"
	case reflect.String:
		want = "a string"
	case reflect.Bool:
		want = "true or false"
	case reflect.Int, reflect.Int64, reflect.Float64:
		want = "a number"
	}
	return "a JSON " + te.Value + " where JSON Feed has " + want
}

// recoverParse retries a document gofeed refused after mending it: a JSON
// Feed without its wrong-typed fields, an XML document cut off at its end
// with its open elements closed. It returns the feed, the mended body and
// what was mended, or a nil feed.
func recoverParse(fp *gofeed.Parser, body []byte) (*gofeed.Feed, []byte, []string) {
	var mended []byte
	var warnings []string
	if isJSON(body) {
		mended, warnings = recoverJSONFeed(body)
	} else if mended = recoverTruncated(body); mended != nil {
		warnings = []string{fmt.Sprintf("recovered a document cut off at byte %d", len(body))}
	}
	if mended == nil || len(warnings) == 0 {
		return nil, nil, nil
	}
	f, err := fp.Parse(bytes.NewReader(mended))
	if err != nil {
		return nil, nil, nil
	}
	return f, mended, warnings
}
