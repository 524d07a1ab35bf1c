package feeds

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse feeds arbitrary bytes through Parse and the normalisation: it
// must never panic, and every item must come out as valid UTF-8 plain text
// without control characters and with a key unique in its document.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b, "")
		}
	}
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1","items":[null,1,"x",{"id":null}]}`), "application/json")
	f.Add([]byte("<rss><channel><item><title>&#0;&#xD800;</title></item></channel></rss>"), "text/xml; charset=koi8-r")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		doc, err := parseAt(body, contentType, "https://base.example/", fetchTime)
		if err != nil {
			return
		}
		keys := map[string]bool{}
		for _, it := range doc.Items {
			if keys[it.Key] {
				t.Errorf("duplicate key %q", it.Key)
			}
			keys[it.Key] = true
			if it.Key == "" {
				t.Error("empty key")
			}
			for _, s := range []string{doc.Title, it.Title, it.Text, it.Author, it.Link} {
				if !utf8.ValidString(s) {
					t.Errorf("invalid UTF-8: %q", s)
				}
				if i := strings.IndexFunc(s, func(r rune) bool { return isControl(r) && r != '\n' }); i >= 0 {
					t.Errorf("control character in %q", s)
				}
			}
			if strings.Contains(it.Title, "\n") {
				t.Errorf("multi-line title %q", it.Title)
			}
		}
	})
}
