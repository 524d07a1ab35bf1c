package feeds

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// heapPeak samples the heap (objects, live or not yet swept) every 100µs
// while fn runs and returns the peak above the heap before it, after a GC.
func heapPeak(fn func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	base := read()
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(100 * time.Microsecond)
		defer t.Stop()
		for {
			if v := read(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	})
	fn()
	if v := read(); v > peak.Load() {
		peak.Store(v)
	}
	close(stop)
	wg.Wait()
	if p := peak.Load(); p > base {
		return p - base
	}
	return 0
}

// BenchmarkParseHostile parses each hostile shape at the default body
// limit (15 MiB) and reports the peak heap above the baseline, and its
// ratio to the body's size (target: at most 8). Run with -benchtime 1x.
func BenchmarkParseHostile(b *testing.B) {
	size := int(DefaultConfig().BodyLimit)
	for _, sh := range hostileShapes {
		b.Run(sh.name, func(b *testing.B) {
			body := sh.gen(size)
			var peak uint64
			var err error
			for range b.N {
				peak = max(peak, heapPeak(func() { _, err = parseAt(body, "", "https://h.example/", fetchTime) }))
			}
			res := "parsed"
			if err != nil {
				res = err.Error()
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(peak)/float64(len(body)), "peak/body")
			b.Logf("%s: %d bytes: %s", sh.name, len(body), res)
		})
	}
}

// BenchmarkNamespaceBomb is the 5,000-level nested namespace document
// (190 KB), which cost gofeed 1 GB and 3 s: it must be refused in under
// 100 ms using under 50 MB.
func BenchmarkNamespaceBomb(b *testing.B) {
	body := nsNested(5000)
	var peak uint64
	var err error
	var took time.Duration
	var alloc uint64
	for range b.N {
		peak = max(peak, heapPeak(func() {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, err = parseAt(body, "", "https://h.example/", fetchTime)
			took += time.Since(start)
			runtime.ReadMemStats(&after)
			alloc += after.TotalAlloc - before.TotalAlloc
		}))
	}
	b.ReportMetric(float64(took.Microseconds())/float64(b.N)/1000, "ms/refusal")
	b.ReportMetric(float64(alloc)/float64(b.N)/1024, "alloc-KiB/refusal")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.Logf("%d bytes: %v", len(body), err)
}

// BenchmarkPrescan measures the pre-scan alone on a normal feed of about
// 1 MB (the generated items of the poll benchmark) and on the fixtures.
func BenchmarkPrescan(b *testing.B) {
	body := wideRealistic(1 << 20)
	b.Run("1MB-rss", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for range b.N {
			if err := prescan(body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("1MB-parse", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for range b.N {
			if _, err := parseAt(body, "", "https://h.example/", fetchTime); err != nil {
				b.Fatal(err)
			}
		}
	})
	files, _ := filepath.Glob("testdata/*")
	var all []byte
	for _, f := range files {
		d, _ := os.ReadFile(f)
		all = append(all, d...)
	}
	b.Run("fixtures", func(b *testing.B) {
		b.SetBytes(int64(len(all)))
		for range b.N {
			for _, f := range files {
				d, _ := os.ReadFile(f)
				_ = prescan(d)
			}
		}
	})
}

// wideRealistic is an RSS feed of realistic items filling about size bytes.
func wideRealistic(size int) []byte {
	return repeatTo(size, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>News</title><link>https://news.example/</link><description>All the news</description>`,
		func(i int) string {
			return fmt.Sprintf(`<item><title>Shelling reported near Sloviansk, item %d</title><link>https://news.example/a/%d</link><guid isPermaLink="true">https://news.example/a/%d</guid><pubDate>Mon, 30 Nov 2026 05:00:00 +0000</pubDate><dc:creator>Reporter</dc:creator><category>World</category><media:content url="https://news.example/i/%d.jpg" medium="image" width="800" height="600"/><description><![CDATA[<p>Officials in <b>Kramatorsk</b> said on Monday that the situation remained tense. <a href="https://news.example/x">More</a></p>]]></description><content:encoded>&lt;p&gt;Longer text of the article about the region, with several sentences &amp;amp; entities.&lt;/p&gt;</content:encoded></item>`, i, i, i, i)
		},
		func(int) string { return "</channel></rss>" })
}
