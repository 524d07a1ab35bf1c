package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/chart"
)

func init() {
	commands["trend"] = command{summary: "mention counts over time, as a PNG chart or JSON series", run: runTrend}
}

// trendMaxNames is how many series one chart holds (its palette).
var trendMaxNames = len(chart.Palette)

func runTrend(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("trend", "trend [--json | --png FILE] [--period 30d] [--bucket hour|day] [--until DATE] NAME...", 1, trendMaxNames)
	pngPath := fs.String("png", "", "write a PNG line chart to FILE")
	period := fs.String("period", "30d", "the length of the period: 7d, 30d, 90d, 48h")
	bucket := fs.String("bucket", "", "count per hour or per day (default: hour for a period up to 2 days, else day)")
	until := fs.String("until", "", "the end of the period, a date (YYYY-MM-DD, UTC) or RFC 3339 time (default: now)")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.json && *pngPath != "" {
		return newswatch.Errorf(newswatch.EINVALID, "Choose one of --json and --png.")
	}
	from, to, width, err := trendRange(*period, *bucket, *until, time.Now())
	if err != nil {
		return err
	}
	names := fs.Args()
	return withApp(ctx, c, fs.config, func(a *app) error {
		if err := checkWatchNames(ctx, a, names); err != nil {
			return err
		}
		counts, err := a.db.MentionBuckets(ctx, newswatch.GlobalScope, names, width, from, to)
		if err != nil {
			return err
		}
		series := chart.Fill(counts, names, width, from, to)
		switch {
		case fs.json:
			if series == nil {
				series = []chart.Series{}
			}
			return writeJSON(c.stdout, series)
		case *pngPath != "":
			b, err := chart.Trend(series, chart.Options{Bucket: width,
				Title: fmt.Sprintf("Mentions, %s to %s UTC", from.Format("2006-01-02"), to.Add(-time.Second).Format("2006-01-02"))})
			if err != nil {
				return err
			}
			if err := os.WriteFile(*pngPath, b, 0o644); err != nil {
				return fmt.Errorf("trend: write %s: %w", *pngPath, err)
			}
			fmt.Fprintf(c.stdout, "wrote %s (%d bytes)\n", *pngPath, len(b))
			return nil
		}
		for _, s := range series {
			total := 0
			for _, p := range s.Points {
				total += p.Count
			}
			fmt.Fprintf(c.stdout, "%s: %d mentions from %s to %s UTC\n", s.Name, total,
				from.Format("2006-01-02 15:04"), to.Format("2006-01-02 15:04"))
		}
		return nil
	})
}

// trendRange reads the flags into the period [from, to) and the bucket
// width. The period ends at the end of the bucket holding until (now when
// empty), so the current hour or day is included.
func trendRange(period, bucket, until string, now time.Time) (from, to time.Time, width time.Duration, err error) {
	var d Duration
	if err := d.UnmarshalText([]byte(strings.TrimSpace(period))); err != nil || d <= 0 {
		return from, to, 0, newswatch.Errorf(newswatch.EINVALID, "--period %q: use a length like 7d, 30d or 48h.", period)
	}
	switch bucket {
	case "":
		width = 24 * time.Hour
		if time.Duration(d) <= 48*time.Hour {
			width = time.Hour
		}
	case "hour":
		width = time.Hour
	case "day":
		width = 24 * time.Hour
	default:
		return from, to, 0, newswatch.Errorf(newswatch.EINVALID, "--bucket %q: use hour or day.", bucket)
	}
	if n := time.Duration(d) / width; n > 24*90 {
		return from, to, 0, newswatch.Errorf(newswatch.EINVALID, "--period %s by %v is %d points: at most %d.", period, width, n, 24*90)
	}
	end := now.UTC()
	if until != "" {
		if end, err = time.Parse("2006-01-02", until); err != nil {
			if end, err = time.Parse(time.RFC3339, until); err != nil {
				return from, to, 0, newswatch.Errorf(newswatch.EINVALID, "--until %q: use a date like 2014-04-20 or an RFC 3339 time.", until)
			}
		}
	}
	to = end.UTC().Truncate(width).Add(width)
	return to.Add(-time.Duration(d)).Truncate(width), to, width, nil
}

// checkWatchNames fails with ENOTFOUND naming the first of names that is
// the canonical name of no watch.
func checkWatchNames(ctx context.Context, a *app, names []string) error {
	ws, err := a.db.Watches(ctx, newswatch.GlobalScope)
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, w := range ws {
		known[strings.ToLower(w.Name)] = true
	}
	for _, n := range names {
		if !known[strings.ToLower(strings.TrimSpace(n))] {
			return newswatch.Errorf(newswatch.ENOTFOUND, "No watch is named %q (use a watch's canonical name).", n)
		}
	}
	return nil
}
