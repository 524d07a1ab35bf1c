package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/newswatch/newswatch"
)

func init() {
	commands["search"] = command{summary: "full-text search of stored items", run: runSearch}
	commands["latest"] = command{summary: "the newest stored items", run: runLatest}
	commands["mentions"] = command{summary: "mentions of a watched name", run: runMentions}
	commands["stats"] = command{summary: "counts of items, feeds, watches, mentions and alerts", run: runStats}
	commands["backup"] = command{summary: "copy the database to FILE (safe while the bot runs)", run: runBackup}
}

// dataCmd is the flag set of a data command: its own flags plus the shared
// --config and --json, and how many positional arguments it takes.
type dataCmd struct {
	*flag.FlagSet
	config   string
	json     bool
	min, max int // positional arguments; max < 0 means no limit
}

// dataCmd returns the flag set of a data command taking min to max
// positional arguments (max < 0: no limit).
func (c *cli) dataCmd(name, usage string, min, max int) *dataCmd {
	d := &dataCmd{FlagSet: c.newFlagSet(name, usage), min: min, max: max}
	d.StringVar(&d.config, "config", "", "config file (default: newswatch.toml if present, else built-in defaults)")
	d.BoolVar(&d.json, "json", false, "print JSON")
	return d
}

// parse parses args and checks the number of positional arguments.
func (d *dataCmd) parse(args []string) error {
	if err := parseFlags(d.FlagSet, args); err != nil {
		return err
	}
	if d.NArg() < d.min || (d.max >= 0 && d.NArg() > d.max) {
		d.Usage()
		return errUsage
	}
	return nil
}

// withApp opens the app for a data command; rescans needed by changed config
// watches run first, so answers reflect the current watchlist.
func withApp(ctx context.Context, c *cli, config string, f func(a *app) error) error {
	a, changed, err := openApp(ctx, c, config)
	if err != nil {
		return err
	}
	defer a.Close()
	for _, w := range changed {
		if err := a.rescan(ctx, w, nil); err != nil {
			return err
		}
	}
	return f(a)
}

func runSearch(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("search", `search [--json] [--limit N] [--feed ID] "QUERY"`, 1, -1)
	limit := fs.Int("limit", 10, "results to show (at most 100)")
	feed := fs.Int64("feed", 0, "only this feed id")
	if err := fs.parse(args); err != nil {
		return err
	}
	query := strings.Join(fs.Args(), " ")
	if strings.TrimSpace(query) == "" {
		fs.Usage()
		return errUsage
	}
	return withApp(ctx, c, fs.config, func(a *app) error {
		hits, err := a.db.Search(ctx, newswatch.SearchQuery{Query: query, Limit: *limit, FeedID: *feed})
		if err != nil {
			return err
		}
		if fs.json {
			out := make([]itemJSON, 0, len(hits))
			for _, h := range hits {
				out = append(out, toItemJSON(h.Item, h.Snippet))
			}
			return writeJSON(c.stdout, out)
		}
		if len(hits) == 0 {
			fmt.Fprintln(c.stdout, "no results")
		}
		for _, h := range hits {
			printItem(c, h.Item, h.Snippet)
		}
		return nil
	})
}

func printItem(c *cli, it newswatch.Item, snippet string) {
	fmt.Fprintf(c.stdout, "#%d %s  %s\n", it.ID, it.Time().UTC().Format("2006-01-02 15:04"), oneLine(it.Title))
	if src := sourceOf(it); src != "" {
		fmt.Fprintf(c.stdout, "    source: %s\n", src)
	}
	if it.Link != "" {
		fmt.Fprintf(c.stdout, "    %s\n", it.Link)
	}
	if snippet != "" {
		fmt.Fprintf(c.stdout, "    %s\n", oneLine(markBold(snippet)))
	}
}

func runLatest(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("latest", "latest [--json] [--limit N] [--feed ID]", 0, 0)
	limit := fs.Int("limit", 10, "items to show (at most 100)")
	feed := fs.Int64("feed", 0, "only this feed id")
	if err := fs.parse(args); err != nil {
		return err
	}
	return withApp(ctx, c, fs.config, func(a *app) error {
		items, err := a.db.Latest(ctx, newswatch.LatestQuery{Limit: *limit, FeedID: *feed})
		if err != nil {
			return err
		}
		if fs.json {
			out := make([]itemJSON, 0, len(items))
			for _, it := range items {
				out = append(out, toItemJSON(it, ""))
			}
			return writeJSON(c.stdout, out)
		}
		for _, it := range items {
			printItem(c, it, "")
		}
		return nil
	})
}

func runMentions(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("mentions", "mentions [--json] [--since 7d|2014-04-01] [--limit N] [NAME]", 0, -1)
	limit := fs.Int("limit", 100, "mentions to show (at most 100)")
	since := fs.String("since", "", "only mentions in items since this age (24h, 7d) or date (YYYY-MM-DD)")
	if err := fs.parse(args); err != nil {
		return err
	}
	sinceT, err := parseSince(*since, time.Now())
	if err != nil {
		return err
	}
	name := strings.Join(fs.Args(), " ")
	return withApp(ctx, c, fs.config, func(a *app) error {
		var entities []string
		if name != "" {
			entities = []string{name}
		} else {
			ws, err := a.db.Watches(ctx, newswatch.GlobalScope)
			if err != nil {
				return err
			}
			for _, w := range ws {
				if w.GuildID == newswatch.GlobalScope {
					entities = append(entities, w.Name)
				}
			}
		}
		var hits []newswatch.MentionHit
		for _, e := range entities {
			h, err := a.db.Mentions(ctx, newswatch.MentionQuery{Entity: e, Since: sinceT, Limit: *limit})
			if err != nil {
				return err
			}
			hits = append(hits, h...)
		}
		if fs.json {
			out := make([]mentionJSON, 0, len(hits))
			for _, h := range hits {
				m := h.Mention
				out = append(out, mentionJSON{Entity: m.Entity, Kind: string(m.Kind), Text: m.Text, Start: m.Start,
					End: m.End, Item: toItemJSON(h.Item, ""), Snippet: markBold(h.Snippet)})
			}
			return writeJSON(c.stdout, out)
		}
		if len(hits) == 0 {
			fmt.Fprintln(c.stdout, "no mentions")
		}
		for _, h := range hits {
			m := h.Mention
			fmt.Fprintf(c.stdout, "%s (%s) %q in #%d %s\n    %s\n", m.Entity, m.Kind, m.Text, h.Item.ID,
				oneLine(h.Item.Title), oneLine(markBold(h.Snippet)))
		}
		return nil
	})
}

// parseSince reads an age ("24h", "7d") or a date ("2014-04-01") into the
// time it starts from; "" means the beginning of time.
func parseSince(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	var d Duration
	if err := d.UnmarshalText([]byte(s)); err != nil || d <= 0 {
		return time.Time{}, newswatch.Errorf(newswatch.EINVALID, "--since %q: use an age like 24h or 7d, or a date like 2014-04-01", s)
	}
	return now.Add(-time.Duration(d)), nil
}

func runStats(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("stats", "stats [--json] [--days N]", 0, 0)
	days := fs.Int("days", 7, "mentions per entity per day for the last N days")
	if err := fs.parse(args); err != nil {
		return err
	}
	return withApp(ctx, c, fs.config, func(a *app) error {
		st, err := a.db.Stats(ctx, newswatch.GlobalScope)
		if err != nil {
			return err
		}
		until := time.Now().UTC()
		counts, err := a.db.MentionCounts(ctx, newswatch.GlobalScope, until.AddDate(0, 0, -*days), until)
		if err != nil {
			return err
		}
		if fs.json {
			top := make([]map[string]any, 0, len(st.TopEntities))
			for _, e := range st.TopEntities {
				top = append(top, map[string]any{"entity": e.Entity, "kind": e.Kind, "count": e.Count})
			}
			daily := make([]map[string]any, 0, len(counts))
			for _, d := range counts {
				daily = append(daily, map[string]any{"entity": d.Entity, "day": d.Day, "count": d.Count})
			}
			return writeJSON(c.stdout, map[string]any{
				"items": st.Items, "feeds": st.Feeds, "failing_feeds": st.FailingFeeds, "watches": st.Watches,
				"mentions": st.Mentions, "routes": st.Routes, "pending_alerts": st.PendingAlerts,
				"sent_alerts": st.SentAlerts, "oldest_item": jsonTime(st.OldestItem), "newest_item": jsonTime(st.NewestItem),
				"top_entities": top, "daily": daily,
			})
		}
		fmt.Fprintf(c.stdout, "items %d (%s … %s)\nfeeds %d (%d failing)\nwatches %d\nmentions %d\nroutes %d\nalerts %d sent, %d pending\n",
			st.Items, st.OldestItem.UTC().Format("2006-01-02"), st.NewestItem.UTC().Format("2006-01-02"),
			st.Feeds, st.FailingFeeds, st.Watches, st.Mentions, st.Routes, st.SentAlerts, st.PendingAlerts)
		if len(st.TopEntities) > 0 {
			fmt.Fprintln(c.stdout, "most mentioned:")
			for _, e := range st.TopEntities {
				fmt.Fprintf(c.stdout, "  %-24s %-6s %d\n", e.Entity, e.Kind, e.Count)
			}
		}
		return nil
	})
}

func runBackup(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("backup", "backup [--config FILE] FILE", 1, 1)
	if err := fs.parse(args); err != nil {
		return err
	}
	return withApp(ctx, c, fs.config, func(a *app) error {
		if err := a.db.Backup(ctx, fs.Arg(0)); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "backed up to %s\n", fs.Arg(0))
		return nil
	})
}
