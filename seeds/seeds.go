// Package seeds holds the seed articles and the default watchlist, and reads
// seed documents as items of the built-in "seeds" source.
//
// A seed document is a UTF-8 *.txt or *.md file. It may start with header
// lines (Title:, Source:, URL:, Published:) ended by a blank line. Without a
// Title header the title is the first sentence of the text; without a Source
// header a short trailing attribution line ("BBC") is taken as the source and
// removed from the body; without a Published header a leading YYYY-MM-DD in
// the file name is used. The item key is the file name, so re-reading an
// unchanged file changes nothing and an edited file updates its item.
package seeds

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/newswatch/newswatch"
)

//go:embed *.txt watchlist.toml
var embedded embed.FS

// Embedded returns the seed articles and the default watchlist built into
// the binary, for a run without a seeds directory on disk.
func Embedded() fs.FS { return embedded }

// WatchlistFile is the name of the default watchlist in a seeds directory.
const WatchlistFile = "watchlist.toml"

// MaxFileSize is the largest seed document read; larger ones are an error.
const MaxFileSize = 5 << 20

// Doc is one seed document read as an item.
type Doc struct {
	Name    string // file name within the seeds directory
	Item    newswatch.Item
	ModTime time.Time
	Size    int64
}

// Read reads every *.txt and *.md file at the top of fsys as an item. A file
// that cannot be read or parsed is reported in the returned error (joined,
// one line per file) and the others are still returned.
func Read(fsys fs.FS) ([]Doc, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("seeds: list: %w", err)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	var docs []Doc
	var errs []error
	for _, e := range entries {
		if e.IsDir() || !IsDocName(e.Name()) {
			continue
		}
		d, err := readDoc(fsys, e)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		docs = append(docs, d)
	}
	return docs, errors.Join(errs...)
}

// IsDocName reports whether a file name is that of a seed document.
func IsDocName(name string) bool {
	if strings.HasPrefix(name, ".") {
		return false
	}
	ext := strings.ToLower(path.Ext(name))
	return ext == ".txt" || ext == ".md"
}

func readDoc(fsys fs.FS, e fs.DirEntry) (Doc, error) {
	info, err := e.Info()
	if err != nil {
		return Doc{}, fmt.Errorf("seeds: %s: %w", e.Name(), err)
	}
	if !info.Mode().IsRegular() {
		return Doc{}, fmt.Errorf("seeds: %s: not a regular file", e.Name())
	}
	if info.Size() > MaxFileSize {
		return Doc{}, fmt.Errorf("seeds: %s: %d bytes is larger than the %d-byte limit", e.Name(), info.Size(), MaxFileSize)
	}
	data, err := fs.ReadFile(fsys, e.Name())
	if err != nil {
		return Doc{}, fmt.Errorf("seeds: %s: %w", e.Name(), err)
	}
	it, err := Parse(e.Name(), data)
	if err != nil {
		return Doc{}, err
	}
	return Doc{Name: e.Name(), Item: it, ModTime: info.ModTime(), Size: info.Size()}, nil
}

// Parse reads one seed document. name is its file name, used as the key.
func Parse(name string, data []byte) (newswatch.Item, error) {
	if !utf8.Valid(data) {
		return newswatch.Item{}, fmt.Errorf("seeds: %s: not valid UTF-8 text", name)
	}
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	text = strings.TrimPrefix(text, "\ufeff")
	text = strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			return -1
		}
		return r
	}, text)
	it := newswatch.Item{Key: "seed:" + name, GUID: "seed:" + name}
	text, err := parseHeaders(name, text, &it)
	if err != nil {
		return newswatch.Item{}, err
	}
	if it.Author == "" {
		text, it.Author = cutAttribution(text)
	}
	it.Text = strings.TrimSpace(text)
	if it.Text == "" && it.Title == "" {
		return newswatch.Item{}, fmt.Errorf("seeds: %s: the document is empty", name)
	}
	if it.Title == "" {
		it.Title = firstSentence(it.Text)
	}
	if it.Published.IsZero() {
		it.Published = dateFromName(name)
	}
	return it, nil
}

// parseHeaders reads the optional header block into it and returns the body.
// Headers are recognised only when the first line is one.
func parseHeaders(name, text string, it *newswatch.Item) (string, error) {
	rest := text
	seen := false
	for rest != "" {
		line, after, _ := strings.Cut(rest, "\n")
		key, val, ok := strings.Cut(line, ":")
		key = strings.ToLower(strings.TrimSpace(key))
		val = strings.TrimSpace(val)
		if !ok || !isHeader(key) {
			if seen && strings.TrimSpace(line) != "" {
				return "", fmt.Errorf("seeds: %s: header block must end with a blank line, got %q", name, line)
			}
			if seen {
				return after, nil
			}
			return text, nil
		}
		seen = true
		switch key {
		case "title":
			it.Title = val
		case "source":
			it.Author = val
		case "url":
			u, err := newswatch.ValidateFeedURL(val)
			if err != nil {
				return "", fmt.Errorf("seeds: %s: URL header: %w", name, err)
			}
			it.Link = u
		case "published":
			t, err := parseTime(val)
			if err != nil {
				return "", fmt.Errorf("seeds: %s: Published header %q: use RFC 3339 or YYYY-MM-DD", name, val)
			}
			it.Published = t
		}
		rest = after
	}
	return "", nil
}

func isHeader(key string) bool {
	switch key {
	case "title", "source", "url", "published":
		return true
	}
	return false
}

func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errors.New("unknown time format")
}

// cutAttribution removes a short final line without sentence punctuation
// ("BBC", "Reuters") and returns it as the source.
func cutAttribution(text string) (body, source string) {
	trimmed := strings.TrimRightFunc(text, unicode.IsSpace)
	i := strings.LastIndexByte(trimmed, '\n')
	if i < 0 {
		return text, ""
	}
	last := strings.TrimSpace(trimmed[i+1:])
	if last == "" || utf8.RuneCountInString(last) > 40 || strings.ContainsAny(last, ".!?,;:“”\"") {
		return text, ""
	}
	return trimmed[:i], last
}

// firstSentence returns the text up to the end of its first sentence, at
// most 200 runes.
func firstSentence(text string) string {
	line, _, _ := strings.Cut(text, "\n")
	end := len(line)
	for i, r := range line {
		if (r == '.' || r == '!' || r == '?') && (i+1 == len(line) || line[i+1] == ' ') {
			end = i + 1
			break
		}
	}
	s := strings.TrimSpace(line[:end])
	if utf8.RuneCountInString(s) > 200 {
		s = string([]rune(s)[:199]) + "…"
	}
	return s
}

// dateFromName reads a leading YYYY-MM-DD from a file name.
func dateFromName(name string) time.Time {
	if len(name) < 10 {
		return time.Time{}
	}
	t, err := time.Parse("2006-01-02", name[:10])
	if err != nil {
		return time.Time{}
	}
	return t
}
