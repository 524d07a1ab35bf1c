// Package chart draws the trend chart of /trend, `newswatch trend --png`
// and the daily digest: mention counts of a few watches over time, as a
// PNG line chart sized for Discord's preview (800×450 px by default).
//
// Text is drawn in Liberation Sans, the font gonum/plot embeds (through
// codeberg.org/go-fonts/liberation); it covers Latin, Greek and Cyrillic,
// so names such as Краматорськ or Славянск draw as letters, not boxes.
// Its licence (SIL Open Font License 1.1) is in LICENSES/.
package chart

import (
	"bytes"
	"fmt"
	"image/color"
	"image/png"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/newswatch/newswatch"
)

// Defaults of Options.
const (
	DefaultWidth  = 800 // px
	DefaultHeight = 450 // px
	dpi           = 96
)

// Point is a count in the bucket starting at Start.
type Point struct {
	Start time.Time `json:"start"`
	Count int       `json:"count"`
}

// Series is the counts of one watch, in time order.
type Series struct {
	Name   string  `json:"name"`
	Points []Point `json:"points"`
}

// Options shape the chart.
type Options struct {
	Title         string
	Bucket        time.Duration // time.Hour or 24 * time.Hour; labels the y axis
	Width, Height int           // px; 0 for the defaults
}

// Palette is the colours of the series, in order (dark enough on white,
// told apart with colour blindness: Okabe–Ito).
var Palette = []color.RGBA{
	{0, 114, 178, 255},   // blue
	{213, 94, 0, 255},    // vermillion
	{0, 158, 115, 255},   // bluish green
	{204, 121, 167, 255}, // reddish purple
	{230, 159, 0, 255},   // orange
	{86, 180, 233, 255},  // sky blue
	{0, 0, 0, 255},       // black
	{240, 228, 66, 255},  // yellow
}

// Font is the typeface of all the chart's text.
var Font = font.Font{Typeface: "Liberation", Variant: "Sans"}

// Trend draws series as a PNG line chart. With no count in any series it
// fails with an ENOTFOUND *newswatch.Error saying so, rather than drawing
// an empty chart.
func Trend(series []Series, opts Options) ([]byte, error) {
	if opts.Width <= 0 {
		opts.Width = DefaultWidth
	}
	if opts.Height <= 0 {
		opts.Height = DefaultHeight
	}
	if total(series) == 0 {
		names := make([]string, len(series))
		for i, s := range series {
			names[i] = s.Name
		}
		return nil, newswatch.Errorf(newswatch.ENOTFOUND, "No mentions of %s in this period.", strings.Join(names, ", "))
	}
	p, err := build(series, opts)
	if err != nil {
		return nil, err
	}
	c := vgimg.NewWith(
		vgimg.UseWH(vg.Length(opts.Width)*vg.Inch/dpi, vg.Length(opts.Height)*vg.Inch/dpi),
		vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(color.White))
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if err := png.Encode(&buf, c.Image()); err != nil {
		return nil, fmt.Errorf("chart: encode png: %w", err)
	}
	return buf.Bytes(), nil
}

func total(series []Series) int {
	n := 0
	for _, s := range series {
		for _, p := range s.Points {
			n += p.Count
		}
	}
	return n
}

// build lays out the plot: UTC dates on x, counts on y, a legend.
func build(series []Series, opts Options) (*plot.Plot, error) {
	p := plot.New()
	style := func(ts *font.Font, size vg.Length) { *ts = font.From(Font, size) }
	style(&p.Title.TextStyle.Font, 16)
	style(&p.X.Label.TextStyle.Font, 13)
	style(&p.Y.Label.TextStyle.Font, 13)
	style(&p.X.Tick.Label.Font, 11)
	style(&p.Y.Tick.Label.Font, 11)
	style(&p.Legend.TextStyle.Font, 13)
	p.Title.Text = opts.Title
	p.X.Label.Text = "Date (UTC)"
	format := "Jan 2"
	if opts.Bucket < 24*time.Hour {
		format = "Jan 2\n15:04"
	}
	p.X.Tick.Marker = plot.TimeTicks{Format: format, Time: plot.UTCUnixTime}
	p.Y.Label.Text = "Mentions per day"
	if opts.Bucket > 0 && opts.Bucket < 24*time.Hour {
		p.Y.Label.Text = "Mentions per hour"
	}
	p.Y.Min = 0
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(8), -vg.Points(6)
	p.Legend.ThumbnailWidth = vg.Points(24)
	p.Add(plotter.NewGrid())
	for i, s := range series {
		xys := make(plotter.XYs, len(s.Points))
		for j, pt := range s.Points {
			xys[j].X = float64(pt.Start.Unix())
			xys[j].Y = float64(pt.Count)
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, fmt.Errorf("chart: series %q: %w", s.Name, err)
		}
		l.Color = Palette[i%len(Palette)]
		l.Width = vg.Points(2)
		p.Add(l)
		p.Legend.Add(s.Name, l)
	}
	// headroom above the highest point, for the legend
	top := 0
	for _, s := range series {
		for _, pt := range s.Points {
			top = max(top, pt.Count)
		}
	}
	p.Y.Max = float64(top) * 1.25
	return p, nil
}

// Fill turns sparse bucket counts (as store.MentionBuckets returns them)
// into one series per name, in the order of names, with a point for every
// bucket in [from, to), zero where there was no mention. A count is put
// under the name its Entity has, compared case-insensitively; counts of
// several watches of one name (one per guild, in the operator's view) add
// up.
func Fill(counts []newswatch.BucketCount, names []string, bucket time.Duration, from, to time.Time) []Series {
	from = from.UTC().Truncate(bucket)
	n := int(to.Sub(from) / bucket)
	if to.Sub(from)%bucket != 0 {
		n++
	}
	out := make([]Series, len(names))
	idx := map[string]int{}
	for i, name := range names {
		out[i] = Series{Name: name, Points: make([]Point, max(n, 0))}
		for j := range out[i].Points {
			out[i].Points[j].Start = from.Add(time.Duration(j) * bucket)
		}
		idx[strings.ToLower(name)] = i
	}
	for _, c := range counts {
		i, ok := idx[strings.ToLower(c.Entity)]
		j := int(c.Start.Sub(from) / bucket)
		if ok && j >= 0 && j < n {
			out[i].Points[j].Count += c.Count
		}
	}
	return out
}
