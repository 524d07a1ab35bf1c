package stories

import (
	"testing"
)

// benchTexts returns the title, text and link of n corpus items.
func benchTexts(n int) (titles, texts, links []string, bytes int) {
	for _, c := range corpusItems(n) {
		titles, texts, links = append(titles, c.Title), append(texts, c.Text), append(links, c.Link)
		bytes += len(c.Title) + len(c.Text)
	}
	return titles, texts, links, bytes
}

// BenchmarkSplit measures cutting texts into sentences of word hashes
// (ns/op per text, and MB/s).
func BenchmarkSplit(b *testing.B) {
	_, texts, _, n := benchTexts(2000)
	b.SetBytes(int64(n / len(texts)))
	var buf []uint64
	var out []sentence
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf, out = splitSentences(texts[i%len(texts)], buf[:0], out[:0])
	}
}

// BenchmarkPrepareText measures prepareText alone (ns/op per item).
func BenchmarkPrepareText(b *testing.B) {
	titles, texts, links, _ := benchTexts(2000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		j := i % len(texts)
		prepareText(titles[j], texts[j], links[j])
	}
}
