package query

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"
)

// processCPU is the CPU time of the process so far: on a shared machine
// it moves less than wall-clock time with the load of other processes.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the CPU time per op since cpu0.
func reportCPU(b *testing.B, cpu0 time.Duration) {
	b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
}

// benchItem is a typical 2 KB news item, mixed Latin and Cyrillic.
func benchItem() (title, text string) {
	para := "Russian forces shelled Kramatorsk and the outskirts of Sloviansk overnight, the regional " +
		"administration said on Monday. Обстріл Краматорська тривав до ранку, повідомила адміністрація. " +
		"Air defence intercepted several drones over Donetsk oblast; no casualties were reported. "
	return "Shelling of Kramatorsk overnight", strings.Repeat(para, 2048/len(para)+1)[:2048]
}

// BenchmarkSet1000 measures one item against 1,000 route queries, as at
// ingest: ns/op is the cost per item.
func BenchmarkSet1000(b *testing.B) {
	words := []string{"Kramatorsk", "Sloviansk", "shelling", "strike", "drone", "Краматорськ", "обстріл",
		"Kharkiv", "Odesa", "exercise", "Bakhmut", "Pokrovsk", "missile", "Herson", "ceasefire"}
	exprs := make([]*Expr, 1000)
	for i := range exprs {
		w := func(k int) string { return words[(i*7+k*3)%len(words)] + fmt.Sprint(i%50) }
		var q string
		switch i % 4 {
		case 0:
			q = w(0)
		case 1:
			q = fmt.Sprintf("(%s OR %s) (%s OR strike) -%s", w(0), w(1), w(2), w(3))
		case 2:
			q = fmt.Sprintf(`"%s %s" OR %s`, w(0), w(1), w(2))
		case 3:
			q = fmt.Sprintf("%s %s*", w(0), strings.ToLower(w(1)[:4]))
		}
		e, err := Parse(q)
		if err != nil {
			b.Fatalf("Parse(%q): %v", q, err)
		}
		exprs[i] = e
	}
	s := NewSet(exprs)
	title, text := benchItem()
	b.SetBytes(int64(len(title) + len(text)))
	b.ReportAllocs()
	var dst []int
	cpu0 := processCPU()
	for b.Loop() {
		dst = s.Match(dst[:0], title, text)
	}
	reportCPU(b, cpu0)
}

// BenchmarkTokens is the tokenising part of BenchmarkSet1000.
func BenchmarkTokens(b *testing.B) {
	title, text := benchItem()
	var buf []byte
	n := 0
	cpu0 := processCPU()
	for b.Loop() {
		buf = EachToken(title+text, buf, func([]byte) { n++ })
	}
	reportCPU(b, cpu0)
}
