package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/newswatch/newswatch"
)

func init() {
	commands["story"] = command{summary: "the sources of one story (its id is shown by search and latest)", run: runStory}
}

// storyDetailJSON is one story as `story ID --json` prints it: the fields
// of `stories --json` plus its counts and each item's feed title.
type storyDetailJSON struct {
	ID          int64                 `json:"id"`
	Title       string                `json:"title"`
	FirstSeen   string                `json:"first_seen,omitempty"`
	LastSeen    string                `json:"last_seen,omitempty"`
	ItemCount   int                   `json:"item_count"`
	SourceCount int                   `json:"source_count"`
	Items       []storyDetailItemJSON `json:"items"`
}

type storyDetailItemJSON struct {
	ItemID    int64  `json:"item_id"`
	URL       string `json:"url"`
	FeedID    int64  `json:"feed_id"`
	Feed      string `json:"feed,omitempty"`
	Title     string `json:"title"`
	Published string `json:"published,omitempty"`
}

func runStory(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("story", "story [--json] ID", 1, 1)
	if err := fs.parse(args); err != nil {
		return err
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(fs.Arg(0), "#"), 10, 64)
	if err != nil || id <= 0 {
		return usagef("the story id must be a positive number, as search and latest show it")
	}
	return withReader(ctx, c, fs.config, func(a *app) error {
		s, err := a.db.Story(ctx, newswatch.GlobalScope, id)
		if err != nil {
			return err
		}
		if fs.json {
			j := storyDetailJSON{ID: s.ID, Title: s.Title, FirstSeen: jsonTime(s.FirstSeen), LastSeen: jsonTime(s.LastSeen),
				ItemCount: s.ItemCount, SourceCount: s.SourceCount, Items: make([]storyDetailItemJSON, 0, len(s.Items))}
			for _, it := range s.Items {
				j.Items = append(j.Items, storyDetailItemJSON{ItemID: it.ItemID, URL: it.Link, FeedID: it.FeedID,
					Feed: it.FeedTitle, Title: it.Title, Published: jsonTime(it.Published)})
			}
			return writeJSON(c.stdout, j)
		}
		fmt.Fprintf(c.stdout, "story %d  %s  (%d sources, %d items, first seen %s)\n", s.ID, oneLine(s.Title),
			s.SourceCount, s.ItemCount, textTime(s.FirstSeen, "2006-01-02 15:04"))
		for _, it := range s.Items {
			fmt.Fprintf(c.stdout, "  %s  %s: %s\n", textTime(it.Published, "2006-01-02 15:04"), storySource(it), oneLine(it.Title))
			if it.Link != "" {
				fmt.Fprintf(c.stdout, "    %s\n", it.Link)
			}
		}
		return nil
	})
}
