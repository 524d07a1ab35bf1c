package chart

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"image/png"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/image/font/sfnt"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/newswatch/newswatch"
)

var sample = flag.String("sample", "", "write the sample chart to this file (docs/trend-sample.png)")

var day0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// sampleSeries: three watches over 30 days, Kramatorsk surging on the last
// day and nowhere near the top-left corner before, where the legend goes.
func sampleSeries() []Series {
	names := []string{"Краматорськ", "Sloviansk", "Славянск"}
	out := make([]Series, len(names))
	for i, n := range names {
		out[i].Name = n
		for d := 0; d < 30; d++ {
			c := 3 + i*2 + (d*(i+3))%5
			if i == 0 && d == 29 {
				c = 60
			}
			out[i].Points = append(out[i].Points, Point{Start: day0.AddDate(0, 0, d), Count: c})
		}
	}
	return out
}

func decode(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode png: %v", err)
	}
	return img
}

// count returns the pixels of r in img equal to c.
func count(img image.Image, r image.Rectangle, c color.RGBA) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if color.RGBAModel.Convert(img.At(x, y)).(color.RGBA) == c {
				n++
			}
		}
	}
	return n
}

// ink returns the pixels of img that are not white.
func ink(img image.Image) int {
	b := img.Bounds()
	return b.Dx()*b.Dy() - count(img, b, color.RGBA{255, 255, 255, 255})
}

func TestTrend(t *testing.T) {
	b, err := Trend(sampleSeries(), Options{Title: "Mentions, 30 days", Bucket: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if *sample != "" {
		if err := os.WriteFile(*sample, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	img := decode(t, b)
	if got := img.Bounds().Size(); got != image.Pt(DefaultWidth, DefaultHeight) {
		t.Fatalf("size %v, want %dx%d", got, DefaultWidth, DefaultHeight)
	}
	if n, all := ink(img), DefaultWidth*DefaultHeight; n < all/100 || n > all/2 {
		t.Errorf("%d of %d pixels inked: blank or solid", n, all)
	}
	// Each series' colour is in the image, and in the top-left corner
	// where only the legend is.
	legend := image.Rect(0, 0, DefaultWidth/3, DefaultHeight/3)
	for i := range sampleSeries() {
		c := Palette[i]
		if n := count(img, img.Bounds(), c); n < 200 {
			t.Errorf("series %d colour %v: %d pixels, want a line", i, c, n)
		}
		if n := count(img, legend, c); n < 20 {
			t.Errorf("series %d colour %v: %d pixels in the legend corner, want its thumbnail", i, c, n)
		}
	}
}

func TestTrendSize(t *testing.T) {
	b, err := Trend(sampleSeries()[:1], Options{Bucket: time.Hour, Width: 400, Height: 300})
	if err != nil {
		t.Fatal(err)
	}
	if got := decode(t, b).Bounds().Size(); got != image.Pt(400, 300) {
		t.Errorf("size %v, want 400x300", got)
	}
}

func TestTrendEmpty(t *testing.T) {
	s := Fill(nil, []string{"Kramatorsk", "Sloviansk"}, 24*time.Hour, day0, day0.AddDate(0, 0, 30))
	_, err := Trend(s, Options{})
	if newswatch.ErrorCode(err) != newswatch.ENOTFOUND || newswatch.ErrorMessage(err) != "No mentions of Kramatorsk, Sloviansk in this period." {
		t.Errorf("empty period: %v, want ENOTFOUND saying so", err)
	}
}

// TestCyrillicGlyphs: the chart font has a glyph for every letter of the
// Ukrainian and Russian alphabets, and Cyrillic names draw with ink.
func TestCyrillicGlyphs(t *testing.T) {
	face := font.DefaultCache.Lookup(Font, 12)
	if face.Font.Typeface != "Liberation" {
		t.Fatalf("font %v", face.Font)
	}
	var buf sfnt.Buffer
	for _, r := range "АБВГҐДЕЄЁЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯЪЫЭабвгґдеєёжзиіїйклмнопрстуфхцчшщьюяъыэ'" {
		if gi, err := face.Face.GlyphIndex(&buf, r); err != nil || gi == 0 {
			t.Errorf("no glyph for %q (%U): %d, %v", r, r, gi, err)
		}
	}
	// Liberation's .notdef glyph draws nothing (measured below): a name in
	// letters the font lacks would come out blank, so ink proves glyphs.
	if n := ink(render(t, "中中中中中中中中中中中")); n != 0 {
		t.Errorf("CJK, which the font lacks, drew %d pixels; the ink test below assumes none", n)
	}
	word, other := render(t, "Краматорськ"), render(t, "Слов'янськ")
	if ink(word) < 200 || ink(other) < 200 {
		t.Errorf("Cyrillic names drew %d and %d pixels, want letters", ink(word), ink(other))
	}
	if bytes.Equal(pix(word), pix(other)) {
		t.Errorf("two Cyrillic names draw the same")
	}
}

// render draws s alone in the chart font.
func render(t *testing.T, s string) image.Image {
	t.Helper()
	c := vgimg.NewWith(vgimg.UseWH(3*vg.Inch, vg.Inch/2), vgimg.UseDPI(96), vgimg.UseBackgroundColor(color.White))
	dc := draw.New(c)
	sty := draw.TextStyle{Color: color.Black, Font: font.From(Font, 14), Handler: text.Plain{Fonts: font.DefaultCache}}
	dc.FillText(sty, vg.Point{X: 4, Y: 8}, s)
	return c.Image()
}

func pix(img image.Image) []byte {
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

func TestFill(t *testing.T) {
	counts := []newswatch.BucketCount{
		{WatchID: 1, Entity: "Kramatorsk", Start: day0.Add(time.Hour), Count: 3},
		{WatchID: 9, Entity: "kramatorsk", Start: day0.Add(time.Hour), Count: 2}, // another guild's watch
		{WatchID: 2, Entity: "Sloviansk", Start: day0.Add(3 * time.Hour), Count: 1},
		{WatchID: 2, Entity: "Sloviansk", Start: day0.Add(9 * time.Hour), Count: 1}, // out of range
		{WatchID: 3, Entity: "Odesa", Start: day0, Count: 1},                        // not asked for
	}
	s := Fill(counts, []string{"Kramatorsk", "Sloviansk"}, time.Hour, day0, day0.Add(4*time.Hour))
	got := [][]int{}
	for _, se := range s {
		var row []int
		for i, p := range se.Points {
			if !p.Start.Equal(day0.Add(time.Duration(i) * time.Hour)) {
				t.Errorf("%s point %d starts %v", se.Name, i, p.Start)
			}
			row = append(row, p.Count)
		}
		got = append(got, row)
	}
	want := [][]int{{0, 5, 0, 0}, {0, 0, 0, 1}}
	if len(got) != 2 || len(got[0]) != 4 || len(got[1]) != 4 {
		t.Fatalf("Fill = %v, want %v", got, want)
	}
	for i := range want {
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Fatalf("Fill = %v, want %v", got, want)
			}
		}
	}
}

// TestTrendLegendDrawsCyrillic: the legend of a real chart draws Cyrillic
// names as letters. The same chart with names the font lacks (which draw
// nothing, see TestCyrillicGlyphs) is the reference: the legend corner of
// the Cyrillic chart has many more dark (text) pixels.
func TestTrendLegendDrawsCyrillic(t *testing.T) {
	named := func(names ...string) image.Image {
		s := sampleSeries()[:len(names)]
		for i := range s {
			s[i].Name = names[i]
		}
		b, err := Trend(s, Options{Bucket: 24 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		return decode(t, b)
	}
	dark := func(img image.Image) int {
		n := 0
		r := image.Rect(0, 0, DefaultWidth/3, DefaultHeight/3)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				c := color.GrayModel.Convert(img.At(x, y)).(color.Gray)
				if c.Y < 96 {
					n++
				}
			}
		}
		return n
	}
	cyr, blank := dark(named("Краматорськ", "Славянск")), dark(named("中中中中中中中中中中中", "中中中中中中中中"))
	t.Logf("dark pixels in the legend corner: Cyrillic %d, undrawable %d", cyr, blank)
	if cyr < blank+150 {
		t.Errorf("legend corner: %d dark pixels with Cyrillic names, %d with undrawable ones: the names did not draw", cyr, blank)
	}
}

// BenchmarkTrend measures drawing a chart: three series of 30 daily
// points (/trend's default, the digest's), and of 90 days by the hour
// (2,160 points each, /trend's largest), reporting the PNG's size.
func BenchmarkTrend(b *testing.B) {
	hourly := make([]Series, 3)
	for i := range hourly {
		hourly[i].Name = []string{"Краматорськ", "Sloviansk", "Славянск"}[i]
		for h := range 90 * 24 {
			hourly[i].Points = append(hourly[i].Points, Point{Start: day0.Add(time.Duration(h) * time.Hour), Count: (h*(i+3))%11 + i})
		}
	}
	for _, bc := range []struct {
		name   string
		series []Series
		bucket time.Duration
	}{{"30-days", sampleSeries(), 24 * time.Hour}, {"90-days-hourly", hourly, time.Hour}} {
		b.Run(bc.name, func(b *testing.B) {
			size := 0
			for b.Loop() {
				png, err := Trend(bc.series, Options{Bucket: bc.bucket})
				if err != nil {
					b.Fatal(err)
				}
				size = len(png)
			}
			b.ReportMetric(float64(size), "png-bytes")
		})
	}
}

func TestThin(t *testing.T) {
	var xys plotter.XYs
	for i := range 2160 {
		y := float64(i % 7)
		if i == 1000 {
			y = 99 // a one-hour spike
		}
		xys = append(xys, plotter.XY{X: float64(i), Y: y})
	}
	got := thin(xys, 600)
	if len(got) > 600 || len(got) < 500 {
		t.Errorf("%d points, want about 600", len(got))
	}
	peak := false
	for i, p := range got {
		peak = peak || p.Y == 99
		if i > 0 && p.X <= got[i-1].X {
			t.Fatalf("points out of order at %d: %v after %v", i, p, got[i-1])
		}
	}
	if !peak {
		t.Error("the spike was thinned away")
	}
	if short := thin(xys[:100], 600); len(short) != 100 {
		t.Errorf("a short series was thinned to %d points", len(short))
	}
}

func TestUTCTicks(t *testing.T) {
	tests := []struct {
		span   time.Duration
		format string
		want   []string // the labels
	}{
		{48 * time.Hour, "Jan 2\n15:04", []string{"Mar 1\n00:00", "Mar 1\n12:00", "Mar 2\n00:00", "Mar 2\n12:00", "Mar 3\n00:00"}},
		{7 * 24 * time.Hour, "Jan 2\n15:04", []string{"Mar 1", "Mar 2", "Mar 3", "Mar 4", "Mar 5", "Mar 6", "Mar 7", "Mar 8"}},
		{30 * 24 * time.Hour, "Jan 2", []string{"Mar 5", "Mar 12", "Mar 19", "Mar 26"}},
	}
	for _, tt := range tests {
		lo := float64(day0.Unix())
		ticks := utcTicks{format: tt.format}.Ticks(lo, lo+tt.span.Seconds())
		var got []string
		for _, tk := range ticks {
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
			if at := time.Unix(int64(tk.Value), 0).UTC(); at.Minute() != 0 || at.Second() != 0 {
				t.Errorf("%v: tick at %v, want whole hours", tt.span, at)
			}
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%v: labels %q, want %q", tt.span, got, tt.want)
		}
	}
}
