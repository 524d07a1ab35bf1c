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
	// Text gives the words of the message ids of Messages in the reader's
	// language (the bot's catalogue: bot.Translator of the route's
	// locale); nil for English.
	Text func(id string, args ...any) string
}

// Messages are the ids of the digest's words with their English formats:
// the bot's catalogue holds them with their Russian and Ukrainian
// translations (see Input.Text). The chart's are those of chart.Options.
var Messages = map[string]string{
	"digest.title":       "Daily digest, %s (UTC)",
	"digest.date":        "Monday 2 January 2006", // a time layout
	"digest.none":        "No mentions of any watch on this day.",
	"digest.more":        "… and %d more",
	"digest.new":         "(new; none a week ago)",
	"digest.same":        "(= %d a week ago)",
	"digest.change":      "(%s %+.0f%% from %d a week ago)",
	"digest.top_stories": "Top stories",
	"digest.source":      "%d source",
	"digest.sources":     "%d sources",
	"digest.chart_title": "Mentions per day (UTC)",
	"chart.x_label":      "Date (UTC)",
	"chart.y_day":        "Mentions per day",
	"chart.day":          "Jan 2", // a time layout
}

// english is the Text of Messages.
func english(id string, args ...any) string {
	m, ok := Messages[id]
	if !ok {
		return id
	}
	if len(args) == 0 {
		return m
	}
	return fmt.Sprintf(m, args...)
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
	t := in.Text
	if t == nil {
		t = english
	}
	day := in.Day.UTC().Truncate(24 * time.Hour)
	d := Digest{Title: t("digest.title", day.Format(t("digest.date")))}
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
		d.Description = t("digest.none")
	} else {
		slices.SortFunc(names, func(a, b string) int {
			return cmp.Or(cmp.Compare(in.Counts[b], in.Counts[a]), cmp.Compare(a, b))
		})
		var lines []string
		for _, n := range names[:min(len(names), topW)] {
			lines = append(lines, fmt.Sprintf("**%s** %d %s", escape(n), in.Counts[n], change(t, in.Counts[n], in.LastWeek[n])))
		}
		if more := len(names) - topW; more > 0 {
			lines = append(lines, t("digest.more", more))
		}
		d.Description = join(lines, maxDescription)
	}
	if s := stories(t, in.Stories, topS); s != "" {
		d.Fields = append(d.Fields, Field{Name: t("digest.top_stories"), Value: s})
	}
	if len(in.Trend) > 0 {
		png, err := chart.Trend(in.Trend, chart.Options{Title: t("digest.chart_title"), Bucket: 24 * time.Hour,
			XLabel: t("chart.x_label"), YLabel: t("chart.y_day"), DayLayout: t("chart.day")})
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
func change(t func(string, ...any) string, today, lastWeek int) string {
	switch {
	case lastWeek == 0:
		return t("digest.new")
	case today == lastWeek:
		return t("digest.same", lastWeek)
	}
	pct := 100 * float64(today-lastWeek) / float64(lastWeek)
	arrow := "▲"
	if pct < 0 {
		arrow = "▼"
	}
	return t("digest.change", arrow, pct, lastWeek)
}

// stories lists the top stories by sources, then the earliest first.
func stories(t func(string, ...any) string, ss []Story, top int) string {
	ss = slices.Clone(ss)
	slices.SortStableFunc(ss, func(a, b Story) int {
		return cmp.Or(cmp.Compare(b.Sources, a.Sources), a.FirstSeen.Compare(b.FirstSeen))
	})
	var lines []string
	for _, s := range ss[:min(len(ss), top)] {
		title := escape(truncate(oneLine(s.Title), maxStoryTitleRunes))
		src := t("digest.source", s.Sources)
		if s.Sources != 1 {
			src = t("digest.sources", s.Sources)
		}
		if u, err := url.Parse(s.URL); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
			// parentheses and spaces would end the Markdown link early
			link := strings.NewReplacer("(", "%28", ")", "%29", " ", "%20").Replace(u.String())
			lines = append(lines, fmt.Sprintf("[%s](%s) · %s", title, link, src))
		} else {
			lines = append(lines, fmt.Sprintf("%s · %s", title, src))
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
