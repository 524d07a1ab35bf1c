package digest

import (
	"bytes"
	"fmt"
	"image/png"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/newswatch/newswatch/chart"
)

var day = time.Date(2026, 3, 9, 17, 0, 0, 0, time.UTC) // a Monday

func trend() []chart.Series {
	var s []chart.Series
	for i, n := range []string{"Kramatorsk", "Краматорськ"} {
		se := chart.Series{Name: n}
		for d := 0; d < 30; d++ {
			se.Points = append(se.Points, chart.Point{Start: day.Truncate(24*time.Hour).AddDate(0, 0, d-29), Count: d%7 + i})
		}
		s = append(s, se)
	}
	return s
}

func TestBuild(t *testing.T) {
	in := Input{
		Day:      day,
		Counts:   map[string]int{"Kramatorsk": 42, "Sloviansk": 10, "Краматорськ": 10, "Odesa": 3, "Quiet": 0, "Lviv": 5},
		LastWeek: map[string]int{"Kramatorsk": 12, "Sloviansk": 20, "Odesa": 3, "Quiet": 7},
		Stories: []Story{
			{Title: "Strike on *Kramatorsk*", URL: "https://a.example/x(1)", Sources: 3, FirstSeen: day.Add(-2 * time.Hour)},
			{Title: "Shelling in Sloviansk", URL: "https://b.example/y", Sources: 7, FirstSeen: day.Add(-5 * time.Hour)},
			{Title: "Also three", URL: "javascript:alert(1)", Sources: 3, FirstSeen: day.Add(-3 * time.Hour)},
			{Title: "One source", URL: "https://c.example/", Sources: 1, FirstSeen: day},
		},
		Trend:      trend(),
		TopWatches: 4,
		TopStories: 3,
	}
	d, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Daily digest, Monday 9 March 2026 (UTC)"; d.Title != want {
		t.Errorf("title %q, want %q", d.Title, want)
	}
	wantDesc := strings.Join([]string{
		"**Kramatorsk** 42 (▲ +250% from 12 a week ago)",
		"**Sloviansk** 10 (▼ -50% from 20 a week ago)",
		"**Краматорськ** 10 (new; none a week ago)",
		"**Lviv** 5 (new; none a week ago)",
		"… and 1 more",
	}, "\n")
	if d.Description != wantDesc {
		t.Errorf("description:\n%s\nwant:\n%s", d.Description, wantDesc)
	}
	wantStories := strings.Join([]string{
		"[Shelling in Sloviansk](https://b.example/y) · 7 sources",
		`Also three · 3 sources`,
		`[Strike on \*Kramatorsk\*](https://a.example/x%281%29) · 3 sources`,
	}, "\n")
	if len(d.Fields) != 1 || d.Fields[0].Name != "Top stories" || d.Fields[0].Value != wantStories {
		t.Errorf("fields %q\nwant stories:\n%s", d.Fields, wantStories)
	}
	if d.Empty {
		t.Errorf("Empty on a day with mentions")
	}
	img, err := png.Decode(bytes.NewReader(d.Chart))
	if err != nil || img.Bounds().Dx() != chart.DefaultWidth {
		t.Errorf("chart: %v", err)
	}
	if d.ChartName != "trend-2026-03-09.png" {
		t.Errorf("chart name %q", d.ChartName)
	}
}

func TestBuildEmptyDay(t *testing.T) {
	flat := trend()
	for i := range flat {
		for j := range flat[i].Points {
			flat[i].Points[j].Count = 0
		}
	}
	d, err := Build(Input{Day: day, Counts: map[string]int{"Kramatorsk": 0}, LastWeek: map[string]int{"Kramatorsk": 4}, Trend: flat})
	if err != nil {
		t.Fatal(err)
	}
	if !d.Empty || d.Description != "No mentions of any watch on this day." || d.Chart != nil || len(d.Fields) != 0 {
		t.Errorf("empty day: %+v", d)
	}
}

func TestBuildLimits(t *testing.T) {
	in := Input{Day: day, Counts: map[string]int{}, TopWatches: 1000, TopStories: 1000}
	for i := 0; i < 500; i++ {
		name := fmt.Sprintf("%s%03d", strings.Repeat("Ж", 40), i)
		in.Counts[name] = i + 1
		in.Stories = append(in.Stories, Story{Title: strings.Repeat("long title ", 30), URL: "https://x.example/" + name, Sources: i})
	}
	d, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	total := utf8.RuneCountInString(d.Title) + utf8.RuneCountInString(d.Description)
	for _, f := range d.Fields {
		if n := utf8.RuneCountInString(f.Value); n > 1024 {
			t.Errorf("field %q: %d characters, Discord allows 1024", f.Name, n)
		}
		total += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	if n := utf8.RuneCountInString(d.Description); n > 4096 || n < 3000 {
		t.Errorf("description %d characters, want full but at most 4096", n)
	}
	if total > 6000 {
		t.Errorf("embed %d characters, Discord allows 6000", total)
	}
}

func TestEscape(t *testing.T) {
	if got, want := escape("@everyone *b* _i_ `c` [l](u) > q"), "@\u200beveryone \\*b\\* \\_i\\_ \\`c\\` \\[l\\](u) \\> q"; got != want {
		t.Errorf("escape = %q, want %q", got, want)
	}
}

// TestBuildText: every word of a digest comes through Input.Text, by an id
// of Messages (which the bot's catalogue translates), and the chart is
// drawn with it too.
func TestBuildText(t *testing.T) {
	used := map[string]bool{}
	text := func(id string, args ...any) string {
		if _, ok := Messages[id]; !ok {
			t.Errorf("id %q is not in Messages", id)
		}
		used[id] = true
		if id == "digest.date" || id == "chart.day" {
			return "02.01.2006"
		}
		return "<" + id + fmt.Sprint(args...) + ">"
	}
	in := Input{Day: day, Counts: map[string]int{"Kramatorsk": 42, "Sloviansk": 10, "Odesa": 3}, LastWeek: map[string]int{"Kramatorsk": 12, "Odesa": 3},
		Stories: []Story{{Title: "A", URL: "https://a.example/", Sources: 1}, {Title: "B", Sources: 2}},
		Trend:   trend(), TopWatches: 2, Text: text}
	d, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := "<digest.title09.03.2026>"; d.Title != want {
		t.Errorf("title %q, want %q", d.Title, want)
	}
	if !strings.Contains(d.Description, "**Kramatorsk** 42 <digest.change▲") || !strings.Contains(d.Description, "**Sloviansk** 10 <digest.new>") ||
		!strings.HasSuffix(d.Description, "<digest.more1>") {
		t.Errorf("description %q", d.Description)
	}
	if len(d.Fields) != 1 || d.Fields[0].Name != "<digest.top_stories>" || !strings.Contains(d.Fields[0].Value, "<digest.source1>") ||
		!strings.Contains(d.Fields[0].Value, "<digest.sources2>") {
		t.Errorf("fields %q", d.Fields)
	}
	for _, id := range []string{"digest.more", "digest.new", "digest.chart_title", "chart.x_label", "chart.y_day", "chart.day"} {
		if !used[id] {
			t.Errorf("%s not asked for", id)
		}
	}
	if d.Chart == nil {
		t.Error("no chart")
	}
	english, err := Build(Input{Day: day, Counts: in.Counts, LastWeek: in.LastWeek, Stories: in.Stories, Trend: in.Trend, TopWatches: 2})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(english.Chart, d.Chart) {
		t.Error("the chart's words did not change with Text")
	}
}
