// Package digest builds the content of the daily digest a route can get
// (/alerts digest): the day's top watches with their counts and the change
// from the same day a week before, the top stories by number of sources,
// and the trend chart. It is pure; the bot posts what Build returns, the
// chart as an attachment.
package digest

import (
	"cmp"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/chart"
)

// Limits of the content, within Discord's embed limits (description 4096
// characters, field value 1024, 6000 in all).
const (
	DefaultTopWatches  = 10
	DefaultTopStories  = 5
	maxDescription     = 4000
	maxFieldValue      = 1000
	maxStoryTitleRunes = 120
)

// Story is a story as the digest shows it.
type Story struct {
	Title     string
	URL       string
	Sources   int // feeds that carried it
	FirstSeen time.Time
}

// Input is what the digest of one UTC day is made of.
type Input struct {
	Day      time.Time      // any time in the UTC day
	Counts   map[string]int // items mentioning each watch that day, by watch name
	LastWeek map[string]int // the same, seven days before
	Stories  []Story        // the day's stories, in any order
	Trend    []chart.Series // the series of the chart; none for no chart
	// TopWatches and TopStories bound the lists; 0 for the defaults.
	TopWatches, TopStories int
}

// Field is a titled block of an embed.
type Field struct {
	Name  string
	Value string
}

// Digest is the message: one embed and an optional PNG attachment.
type Digest struct {
	Title       string
	Description string // the top watches, one a line; or that there was nothing
	Fields      []Field
	Chart       []byte // PNG; nil when there is nothing to draw
	ChartName   string // the attachment's file name
	Empty       bool   // no mention that day
}

// Build makes the digest of in.Day.
func Build(in Input) (Digest, error) {
	day := in.Day.UTC().Truncate(24 * time.Hour)
	d := Digest{Title: "Daily digest, " + day.Format("Monday 2 January 2006") + " (UTC)"}
	topW := cmp.Or(in.TopWatches, DefaultTopWatches)
	topS := cmp.Or(in.TopStories, DefaultTopStories)

	names := make([]string, 0, len(in.Counts))
	for n, c := range in.Counts {
		if c > 0 {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		d.Empty = true
		d.Description = "No mentions of any watch on this day."
	} else {
		slices.SortFunc(names, func(a, b string) int {
			return cmp.Or(cmp.Compare(in.Counts[b], in.Counts[a]), cmp.Compare(a, b))
		})
		var lines []string
		for _, n := range names[:min(len(names), topW)] {
			lines = append(lines, fmt.Sprintf("**%s** %d %s", escape(n), in.Counts[n], change(in.Counts[n], in.LastWeek[n])))
		}
		if more := len(names) - topW; more > 0 {
			lines = append(lines, fmt.Sprintf("… and %d more", more))
		}
		d.Description = join(lines, maxDescription)
	}
	if s := stories(in.Stories, topS); s != "" {
		d.Fields = append(d.Fields, Field{Name: "Top stories", Value: s})
	}
	if len(in.Trend) > 0 {
		png, err := chart.Trend(in.Trend, chart.Options{Title: "Mentions per day (UTC)", Bucket: 24 * time.Hour})
		var de *newswatch.Error
		switch {
		case errors.As(err, &de) && de.Code == newswatch.ENOTFOUND:
			// nothing to draw: no chart
		case err != nil:
			return Digest{}, fmt.Errorf("digest: chart: %w", err)
		default:
			d.Chart, d.ChartName = png, "trend-"+day.Format("2006-01-02")+".png"
		}
	}
	return d, nil
}

// change describes today's count against last week's.
func change(today, lastWeek int) string {
	switch {
	case lastWeek == 0:
		return "(new; none a week ago)"
	case today == lastWeek:
		return fmt.Sprintf("(= %d a week ago)", lastWeek)
	}
	pct := 100 * float64(today-lastWeek) / float64(lastWeek)
	arrow := "▲"
	if pct < 0 {
		arrow = "▼"
	}
	return fmt.Sprintf("(%s %+.0f%% from %d a week ago)", arrow, pct, lastWeek)
}

// stories lists the top stories by sources, then the earliest first.
func stories(ss []Story, top int) string {
	ss = slices.Clone(ss)
	slices.SortStableFunc(ss, func(a, b Story) int {
		return cmp.Or(cmp.Compare(b.Sources, a.Sources), a.FirstSeen.Compare(b.FirstSeen))
	})
	var lines []string
	for _, s := range ss[:min(len(ss), top)] {
		title := escape(truncate(oneLine(s.Title), maxStoryTitleRunes))
		src := "source"
		if s.Sources != 1 {
			src = "sources"
		}
		if u, err := url.Parse(s.URL); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
			// parentheses and spaces would end the Markdown link early
			link := strings.NewReplacer("(", "%28", ")", "%29", " ", "%20").Replace(u.String())
			lines = append(lines, fmt.Sprintf("[%s](%s) · %d %s", title, link, s.Sources, src))
		} else {
			lines = append(lines, fmt.Sprintf("%s · %d %s", title, s.Sources, src))
		}
	}
	return join(lines, maxFieldValue)
}

// join joins lines with newlines, dropping the lines that do not fit in
// limit characters.
func join(lines []string, limit int) string {
	var b strings.Builder
	for _, l := range lines {
		if utf8.RuneCountInString(b.String())+utf8.RuneCountInString(l)+1 > limit {
			break
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l)
	}
	return b.String()
}

// escape keeps Discord Markdown in a name or title from formatting.
var escape = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "~", `\~`, "`", "\\`", "|", `\|`,
	">", `\>`, "[", `\[`, "]", `\]`, "#", `\#`, "@", "@\u200b").Replace

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
