package feeds_test

import (
	"bytes"
	"fmt"
	"html"
	"net/http"
	"sync"
	"time"
)

// genItem is one item of a generated RSS document.
type genItem struct {
	GUID, Title, Link, HTML string
	Published               time.Time
}

// writeRSS appends an RSS 2.0 document to buf.
func writeRSS(buf *bytes.Buffer, title string, items []genItem) {
	buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<rss version=\"2.0\"><channel><title>")
	buf.WriteString(html.EscapeString(title))
	buf.WriteString("</title><link>https://gen.example.com/</link>\n")
	for _, it := range items {
		buf.WriteString("<item><title>")
		buf.WriteString(html.EscapeString(it.Title))
		buf.WriteString("</title><link>")
		buf.WriteString(html.EscapeString(it.Link))
		buf.WriteString("</link>")
		if it.GUID != "" {
			buf.WriteString("<guid isPermaLink=\"false\">" + html.EscapeString(it.GUID) + "</guid>")
		}
		if !it.Published.IsZero() {
			buf.WriteString("<pubDate>" + it.Published.UTC().Format(time.RFC1123Z) + "</pubDate>")
		}
		buf.WriteString("<description>")
		buf.WriteString(html.EscapeString(it.HTML))
		buf.WriteString("</description></item>\n")
	}
	buf.WriteString("</channel></rss>\n")
}

func rssBytes(title string, items []genItem) []byte {
	var buf bytes.Buffer
	writeRSS(&buf, title, items)
	return buf.Bytes()
}

// feedServer serves documents by path, answering 304 to a matching ETag.
// Its documents can be changed between cycles.
type feedServer struct {
	mu       sync.Mutex
	docs     map[string][]byte
	handlers map[string]http.HandlerFunc
	version  map[string]int
	requests map[string]int
}

func newFeedServer() *feedServer {
	return &feedServer{docs: map[string][]byte{}, handlers: map[string]http.HandlerFunc{},
		version: map[string]int{}, requests: map[string]int{}}
}

func (s *feedServer) set(path string, doc []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.docs[path] = doc
	s.version[path]++
}

func (s *feedServer) handle(path string, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers[path] = h
}

func (s *feedServer) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[path]
}

func (s *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests[r.URL.Path]++
	h := s.handlers[r.URL.Path]
	doc, ok := s.docs[r.URL.Path]
	etag := fmt.Sprintf(`"%d"`, s.version[r.URL.Path])
	s.mu.Unlock()
	if h != nil {
		h(w, r)
		return
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	w.Write(doc)
}
