package main

import (
	"context"
	"fmt"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/stories"
)

func init() {
	commands["stories"] = command{summary: "stored items grouped into stories (one per article or wire copy)", run: runStories}
}

// storyJSON is a story as `stories --json` prints it: a contract in
// ARCHITECTURE.md.
type storyJSON struct {
	ID        int64           `json:"id"`
	Title     string          `json:"title"`
	FirstSeen string          `json:"first_seen"`
	Items     []storyItemJSON `json:"items"`
}

type storyItemJSON struct {
	URL       string `json:"url"`
	FeedID    int64  `json:"feed_id"`
	Title     string `json:"title"`
	Published string `json:"published"`
}

func toStoryJSON(s newswatch.Story) storyJSON {
	j := storyJSON{ID: s.ID, Title: s.Title, FirstSeen: jsonTime(s.FirstSeen), Items: make([]storyItemJSON, 0, len(s.Items))}
	for _, it := range s.Items {
		j.Items = append(j.Items, storyItemJSON{URL: it.Link, FeedID: it.FeedID, Title: it.Title, Published: jsonTime(it.Published)})
	}
	return j
}

func runStories(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("stories", "stories [--json] [--since 7d|2014-04-01] [--limit N] [--backfill | --rebuild]", 0, 0)
	since := fs.String("since", "", "only stories with an item since this age (24h, 7d) or date (YYYY-MM-DD)")
	limit := fs.Int("limit", 0, "stories to show, newest first (0: all)")
	backfill := fs.Bool("backfill", false, "first give a story to every stored item that has none, oldest first")
	rebuild := fs.Bool("rebuild", false, "first forget every story and group all stored items again")
	if err := fs.parse(args); err != nil {
		return err
	}
	sinceT, err := parseSince(*since, time.Now())
	if err != nil {
		return err
	}
	return withApp(ctx, c, fs.config, func(a *app) error {
		as := stories.NewAssigner(a.db, stories.DefaultWindow)
		switch {
		case *rebuild || *backfill:
			if *rebuild {
				if err := a.db.ResetStories(ctx); err != nil {
					return err
				}
			}
			res, err := as.Backfill(ctx, nil)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.stderr, "stories: %d items read, %d new stories, %d joined by URL, %d by text, %d already assigned\n",
				res.New+res.ByURL+res.ByText+res.Known, res.New, res.ByURL, res.ByText, res.Known)
		default:
			// Items saved by a run that stopped before assigning them
			// get their stories first.
			if err := as.Load(ctx); err != nil {
				return err
			}
		}
		list, err := a.db.Stories(ctx, newswatch.StoryQuery{Since: sinceT, Limit: *limit})
		if err != nil {
			return err
		}
		if fs.json {
			out := make([]storyJSON, 0, len(list))
			for _, s := range list {
				out = append(out, toStoryJSON(s))
			}
			return writeJSON(c.stdout, out)
		}
		if len(list) == 0 {
			fmt.Fprintln(c.stdout, "no stories")
		}
		for _, s := range list {
			fmt.Fprintf(c.stdout, "story %d  %s  %s  (%d sources, %d items)\n", s.ID,
				s.FirstSeen.UTC().Format("2006-01-02 15:04"), oneLine(s.Title), s.SourceCount, s.ItemCount)
			for _, it := range s.Items {
				src := it.FeedTitle
				if src == "" {
					src = fmt.Sprintf("feed %d", it.FeedID)
				}
				fmt.Fprintf(c.stdout, "    %s  %s: %s\n", it.Published.UTC().Format("2006-01-02 15:04"), src, oneLine(it.Title))
				if it.Link != "" {
					fmt.Fprintf(c.stdout, "      %s\n", it.Link)
				}
			}
		}
		return nil
	})
}
