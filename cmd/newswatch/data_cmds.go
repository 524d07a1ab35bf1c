package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
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
// --json (unless the command prints no data), and how many positional
// arguments it takes. config is the global --config.
type dataCmd struct {
	*flag.FlagSet
	config   string
	json     bool
	min, max int // positional arguments; max < 0 means no limit
}

// jsonless lists the commands that print no data, only a line saying what
// they did: they refuse --json as an unknown flag (a usage error) rather
// than accept and ignore it.
var jsonless = map[string]bool{
	"backup": true, "migrate": true, "healthcheck": true,
	"watch rm": true, "watch import": true,
	"feed rm": true, "feed retry": true, "feed import": true, "feed export": true,
	"alerts set": true, "alerts off": true, "alerts digest": true, "watch mute": true, "watch unmute": true,
}

// dataCmd returns the flag set of a data command taking min to max
// positional arguments (max < 0: no limit).
func (c *cli) dataCmd(name, usage string, min, max int) *dataCmd {
	d := &dataCmd{FlagSet: c.newFlagSet(name, usage), config: c.config, min: min, max: max}
	if !jsonless[name] {
		d.BoolVar(&d.json, "json", false, "print JSON")
	}
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

// withApp opens the app for writing for a data command; rescans needed by
// changed config watches run first, so answers reflect the current
// watchlist.
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

// withReader opens the app for reading only (see openReader) for a command
// that only reads.
func withReader(ctx context.Context, c *cli, config string, f func(a *app) error) error {
	a, err := openReader(ctx, c, config)
	if err != nil {
		return err
	}
	defer a.Close()
	return f(a)
}

// pageFlags are the paging flags of search, latest and mentions.
type pageFlags struct {
	limit, offset *int
	all           *bool
}

// maxPage is the most results one page shows; --offset pages further and
// --all streams every result.
const maxPage = 100

func addPageFlags(fs *dataCmd, defLimit int) pageFlags {
	return pageFlags{
		limit:  fs.Int("limit", defLimit, fmt.Sprintf("results per page (1 to %d)", maxPage)),
		offset: fs.Int("offset", 0, "skip this many results (the next page: --offset N*limit)"),
		all:    fs.Bool("all", false, "print every result as NDJSON (one JSON object per line), streamed page by page"),
	}
}

// check refuses out-of-range values as usage errors.
func (p pageFlags) check() error {
	if *p.limit < 1 || *p.limit > maxPage {
		return usagef("--limit must be between 1 and %d; page with --offset or export with --all", maxPage)
	}
	if *p.offset < 0 {
		return usagef("--offset must not be negative")
	}
	if *p.all && *p.offset != 0 {
		return usagef("--all and --offset do not go together")
	}
	return nil
}

// pages calls fetch with successive offsets (pages of maxPage under --all,
// else the one page asked for) until it returns fewer than a page. fetch
// returns how many results it got.
func (p pageFlags) pages(fetch func(limit, offset int) (int, error)) error {
	if !*p.all {
		_, err := fetch(*p.limit, *p.offset)
		return err
	}
	for off := 0; ; off += maxPage {
		n, err := fetch(maxPage, off)
		if err != nil || n < maxPage {
			return err
		}
	}
}

// writeNDJSON writes v as one line of JSON.
func writeNDJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func runSearch(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("search", `search [--json] [--limit N] [--offset N | --all] [--expand] [--feed ID] "QUERY"`, 1, -1)
	pg := addPageFlags(fs, 10)
	feed := fs.Int64("feed", 0, "only this feed id")
	expand := fs.Bool("expand", false, "list every matching item, not one entry per story (--all always does)")
	if err := fs.parse(args); err != nil {
		return err
	}
	if err := pg.check(); err != nil {
		return err
	}
	query := strings.Join(fs.Args(), " ")
	if strings.TrimSpace(query) == "" {
		return usagef("the query is empty")
	}
	return withReader(ctx, c, fs.config, func(a *app) error {
		var page []any // --json without --all prints one array
		total := 0
		err := pg.pages(func(limit, offset int) (int, error) {
			q := newswatch.SearchQuery{Query: query, Limit: limit, Offset: offset, FeedID: *feed}
			var hits []newswatch.StoryHit
			if *expand || *pg.all {
				items, err := a.db.Search(ctx, q)
				if err != nil {
					return 0, err
				}
				for _, h := range items {
					hits = append(hits, newswatch.StoryHit{Item: h.Item, Snippet: h.Snippet})
				}
			} else {
				var err error
				if hits, err = a.db.SearchStories(ctx, q); err != nil {
					return 0, err
				}
			}
			total += len(hits)
			return len(hits), emitEntries(c, fs.json, *pg.all, *expand || *pg.all, hits, &page)
		})
		switch {
		case err != nil:
			return err
		case *pg.all:
		case fs.json:
			return writeJSON(c.stdout, nonNilSlice(page))
		case total == 0:
			fmt.Fprintln(c.stdout, "no results")
		}
		return nil
	})
}

// storyEntryJSON is the one entry of a story in search and latest --json:
// the item's fields as itemJSON has them, plus its story and how many
// sources carry the story.
type storyEntryJSON struct {
	itemJSON
	StoryID int64 `json:"story_id"` // 0 when the item has no story yet
	Sources int   `json:"sources"`
}

// emitEntries prints hits: as NDJSON lines under --all, into page under
// --json, else as text. items prints them as items (expanded), without
// their stories.
func emitEntries(c *cli, asJSON, all, items bool, hits []newswatch.StoryHit, page *[]any) error {
	for _, h := range hits {
		var j any = toItemJSON(h.Item, h.Snippet)
		if !items {
			j = storyEntryJSON{itemJSON: toItemJSON(h.Item, h.Snippet), StoryID: h.StoryID, Sources: h.SourceCount}
		}
		switch {
		case all:
			if err := writeNDJSON(c.stdout, j); err != nil {
				return err
			}
		case asJSON:
			*page = append(*page, j)
		default:
			printItem(c, h.Item, h.Snippet)
			if !items {
				printStoryNote(c, h.StoryID, h.ItemCount, h.SourceCount)
			}
		}
	}
	return nil
}

// printStoryNote prints the story line of an entry, none for an item
// without a story.
func printStoryNote(c *cli, id int64, items, sources int) {
	if id != 0 {
		fmt.Fprintf(c.stdout, "    story %d: %d sources, %d items (newswatch story %d)\n", id, sources, items, id)
	}
}

// nonNilSlice makes a nil slice print as [] rather than null.
func nonNilSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func printItem(c *cli, it newswatch.Item, snippet string) {
	fmt.Fprintf(c.stdout, "#%d %s  %s\n", it.ID, textTime(it.Time(), "2006-01-02 15:04"), oneLine(it.Title))
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
	fs := c.dataCmd("latest", "latest [--json] [--limit N] [--offset N | --all] [--expand] [--feed ID]", 0, 0)
	pg := addPageFlags(fs, 10)
	feed := fs.Int64("feed", 0, "only this feed id")
	expand := fs.Bool("expand", false, "list every item, not one entry per story (--all always does)")
	if err := fs.parse(args); err != nil {
		return err
	}
	if err := pg.check(); err != nil {
		return err
	}
	return withReader(ctx, c, fs.config, func(a *app) error {
		var page []any
		err := pg.pages(func(limit, offset int) (int, error) {
			q := newswatch.LatestQuery{Limit: limit, Offset: offset, FeedID: *feed}
			var hits []newswatch.StoryHit
			if *expand || *pg.all {
				items, err := a.db.Latest(ctx, q)
				if err != nil {
					return 0, err
				}
				for _, it := range items {
					hits = append(hits, newswatch.StoryHit{Item: it})
				}
			} else {
				var err error
				if hits, err = a.db.LatestStories(ctx, q); err != nil {
					return 0, err
				}
			}
			return len(hits), emitEntries(c, fs.json, *pg.all, *expand || *pg.all, hits, &page)
		})
		if err == nil && fs.json && !*pg.all {
			err = writeJSON(c.stdout, nonNilSlice(page))
		}
		return err
	})
}

func runMentions(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("mentions", "mentions [--json] [--since 7d|2014-04-01] [--limit N] [--offset N | --all] [--stories] [NAME]", 0, -1)
	pg := addPageFlags(fs, 100)
	since := fs.String("since", "", "only mentions in items since this age (24h, 7d) or date (YYYY-MM-DD)")
	byStory := fs.Bool("stories", false, "one entry per story (its newest mention) and count distinct stories")
	if err := fs.parse(args); err != nil {
		return err
	}
	if err := pg.check(); err != nil {
		return err
	}
	if *byStory && *pg.all {
		// --all exports every mention; one entry per story is for reading.
		return usagef("--stories and --all do not go together")
	}
	sinceT, err := parseSince(*since, time.Now())
	if err != nil {
		return usagef("%s", newswatch.ErrorMessage(err))
	}
	name := strings.Join(fs.Args(), " ")
	return withReader(ctx, c, fs.config, func(a *app) error {
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
		var page []any
		total := 0
		for _, e := range entities {
			err := pg.pages(func(limit, offset int) (int, error) {
				q := newswatch.MentionQuery{Entity: e, Since: sinceT, Limit: limit, Offset: offset}
				var hits []newswatch.StoryMentionHit
				var err error
				if *byStory {
					hits, err = a.db.MentionStories(ctx, q)
				} else {
					var ms []newswatch.MentionHit
					ms, err = a.db.Mentions(ctx, q)
					for _, h := range ms {
						hits = append(hits, newswatch.StoryMentionHit{MentionHit: h})
					}
				}
				if err != nil {
					return 0, err
				}
				total += len(hits)
				for _, h := range hits {
					m := h.Mention
					var j any = mentionJSON{Entity: m.Entity, Kind: string(m.Kind), Text: m.Text, Start: m.Start,
						End: m.End, Item: toItemJSON(h.Item, ""), Snippet: markBold(h.Snippet)}
					if *byStory {
						j = storyMentionJSON{mentionJSON: j.(mentionJSON), StoryID: h.StoryID, Sources: h.SourceCount}
					}
					switch {
					case *pg.all:
						err = writeNDJSON(c.stdout, j)
					case fs.json:
						page = append(page, j)
					default:
						fmt.Fprintf(c.stdout, "%s (%s) %q in #%d %s\n    %s\n", m.Entity, m.Kind, m.Text, h.Item.ID,
							oneLine(h.Item.Title), oneLine(markBold(h.Snippet)))
						if *byStory {
							printStoryNote(c, h.StoryID, h.ItemCount, h.SourceCount)
						}
					}
					if err != nil {
						return 0, err
					}
				}
				return len(hits), nil
			})
			if err != nil {
				return err
			}
			if *byStory && !fs.json && !*pg.all {
				t, err := a.db.CountMentions(ctx, newswatch.MentionQuery{Entity: e, Since: sinceT})
				if err != nil {
					return err
				}
				fmt.Fprintf(c.stdout, "%s: %d mentions in %d items, %d stories\n", e, t.Mentions, t.Items, t.Stories)
			}
		}
		switch {
		case *pg.all:
		case fs.json:
			return writeJSON(c.stdout, nonNilSlice(page))
		case total == 0:
			fmt.Fprintln(c.stdout, "no mentions")
		}
		return nil
	})
}

// storyMentionJSON is a mention as mentions --stories --json prints it:
// mentionJSON plus the item's story and how many sources carry it.
type storyMentionJSON struct {
	mentionJSON
	StoryID int64 `json:"story_id"` // 0 when the item has no story yet
	Sources int   `json:"sources"`
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
	if *days < 1 || *days > 3660 {
		return usagef("--days must be between 1 and 3660")
	}
	return withReader(ctx, c, fs.config, func(a *app) error {
		st, err := a.db.Stats(ctx, newswatch.GlobalScope)
		if err != nil {
			return err
		}
		until := time.Now().UTC()
		counts, err := a.db.MentionCounts(ctx, newswatch.GlobalScope, until.AddDate(0, 0, -*days), until)
		if err != nil {
			return err
		}
		ss, err := a.db.StoryStats(ctx, newswatch.GlobalScope)
		if err != nil {
			return err
		}
		storyCounts, err := a.db.MentionStoryCounts(ctx, newswatch.GlobalScope, until.AddDate(0, 0, -*days), until)
		if err != nil {
			return err
		}
		storiesOn := map[[2]string]int{}
		for _, d := range storyCounts {
			storiesOn[[2]string{d.Entity, d.Day}] = d.Count
		}
		if fs.json {
			top := make([]map[string]any, 0, len(st.TopEntities))
			for _, e := range st.TopEntities {
				top = append(top, map[string]any{"entity": e.Entity, "kind": e.Kind, "count": e.Count})
			}
			daily := make([]map[string]any, 0, len(counts))
			for _, d := range counts {
				daily = append(daily, map[string]any{"entity": d.Entity, "day": d.Day, "count": d.Count,
					"stories": storiesOn[[2]string{d.Entity, d.Day}]})
			}

			out := map[string]any{
				"items": st.Items, "feeds": st.Feeds, "failing_feeds": st.FailingFeeds, "watches": st.Watches,
				"mentions": st.Mentions, "routes": st.Routes, "pending_alerts": st.PendingAlerts,
				"sent_alerts": st.SentAlerts, "top_entities": top, "daily": daily,
				"stories": ss.Stories, "multi_source_stories": ss.MultiSource,
			}
			// Unknown times are left out, as everywhere in the JSON output.
			if !st.OldestItem.IsZero() {
				out["oldest_item"] = jsonTime(st.OldestItem)
				out["newest_item"] = jsonTime(st.NewestItem)
			}
			return writeJSON(c.stdout, out)
		}
		fmt.Fprintf(c.stdout, "items %d (%s … %s)\nstories %d (%d from 2+ sources)\nfeeds %d (%d failing)\nwatches %d\nmentions %d\nroutes %d\nalerts %d sent, %d pending\n",
			st.Items, textTime(st.OldestItem, "2006-01-02"), textTime(st.NewestItem, "2006-01-02"), ss.Stories, ss.MultiSource,
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
	fs := c.dataCmd("backup", "backup FILE", 1, 1)
	if err := fs.parse(args); err != nil {
		return err
	}
	return withReader(ctx, c, fs.config, func(a *app) error {
		if err := a.db.Backup(ctx, fs.Arg(0)); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "backed up to %s\n", fs.Arg(0))
		return nil
	})
}
