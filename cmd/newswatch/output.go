package main

import (
	"encoding/json"
	"io"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/watch"
)

// writeJSON writes v as indented JSON followed by a newline.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// jsonTime renders a time as RFC 3339 in UTC, or "" when zero; every JSON
// field holding a time has omitempty, so an unknown time is left out.
func jsonTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// textTime renders a time in layout (UTC) for text output, or "never" when
// it is unknown (zero).
func textTime(t time.Time, layout string) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(layout)
}

// itemJSON is an item as the CLI prints it with --json.
type itemJSON struct {
	ID        int64    `json:"id"`
	FeedID    int64    `json:"feed_id"`
	Feed      string   `json:"feed,omitempty"`
	Title     string   `json:"title"`
	Link      string   `json:"link,omitempty"`
	Author    string   `json:"author,omitempty"`
	Published string   `json:"published,omitempty"`
	FetchedAt string   `json:"fetched_at,omitempty"`
	Tags      []string `json:"categories,omitempty"`
	Snippet   string   `json:"snippet,omitempty"`
}

func toItemJSON(it newswatch.Item, snippet string) itemJSON {
	return itemJSON{
		ID: it.ID, FeedID: it.FeedID, Feed: it.FeedTitle, Title: it.Title, Link: it.Link, Author: it.Author,
		Published: jsonTime(it.Published), FetchedAt: jsonTime(it.FetchedAt), Tags: it.Categories,
		Snippet: markBold(snippet),
	}
}

// mentionJSON is a mention as the CLI prints it with --json.
type mentionJSON struct {
	Entity  string   `json:"entity"`
	Kind    string   `json:"kind"`
	Text    string   `json:"text"`
	Start   int      `json:"start"`
	End     int      `json:"end"`
	Item    itemJSON `json:"item"`
	Snippet string   `json:"snippet,omitempty"`
}

// watchJSON is a watch as the CLI prints it with --json.
type watchJSON struct {
	ID            int64    `json:"id"`
	GuildID       string   `json:"guild_id,omitempty"`
	Name          string   `json:"name"`
	Kind          string   `json:"kind"`
	Aliases       []string `json:"aliases"`
	Exclude       []string `json:"exclude"`
	CaseSensitive bool     `json:"case_sensitive"`
	AutoAliases   bool     `json:"auto_aliases"`
	Country       string   `json:"country,omitempty"`
	SurnameOnly   *bool    `json:"surname_only,omitempty"`
	Fuzzy         bool     `json:"fuzzy"`
	DropAliases   []string `json:"drop_aliases"`
	// Added are the aliases auto_aliases adds and where each comes from
	// (watch show, add and edit only; omitted from watch list).
	Added []watch.AddedAlias `json:"added,omitempty"`
}

func toWatchJSON(w newswatch.Watch) watchJSON {
	return watchJSON{ID: w.ID, GuildID: w.GuildID, Name: w.Name, Kind: string(w.Kind),
		Aliases: nonNil(w.Aliases), Exclude: nonNil(w.Exclude), CaseSensitive: w.CaseSensitive,
		AutoAliases: w.AutoAliases, Country: w.Country, SurnameOnly: w.SurnameOnly, Fuzzy: w.Fuzzy, DropAliases: nonNil(w.DropAliases)}
}

// toWatchJSONAdded is toWatchJSON with the added aliases ([] when none).
func toWatchJSONAdded(w newswatch.Watch) watchJSON {
	j := toWatchJSON(w)
	j.Added = watch.Expand(w)
	if j.Added == nil {
		j.Added = []watch.AddedAlias{}
	}
	return j
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// feedJSON is a feed with its health as the CLI prints it with --json.
type feedJSON struct {
	ID                  int64  `json:"id"`
	URL                 string `json:"url"`
	Title               string `json:"title,omitempty"`
	Global              bool   `json:"global"`
	Interval            string `json:"interval,omitempty"`
	LastStatus          int    `json:"last_status,omitempty"`
	LastError           string `json:"last_error,omitempty"`
	ConsecutiveFailures int    `json:"consecutive_failures"`
	LastSuccess         string `json:"last_success,omitempty"`
	FailingSince        string `json:"failing_since,omitempty"`
	Items               int    `json:"items"`
	NextPoll            string `json:"next_poll,omitempty"`
}

func toFeedJSON(f newswatch.Feed) feedJSON {
	j := feedJSON{ID: f.ID, URL: f.URL, Title: f.Title, Global: f.Global, LastStatus: f.LastStatus,
		LastError: f.LastError, ConsecutiveFailures: f.ConsecutiveFailures, LastSuccess: jsonTime(f.LastSuccessAt),
		FailingSince: jsonTime(f.FailingSince), Items: f.ItemCount, NextPoll: jsonTime(f.NextPollAt)}
	if f.Interval > 0 {
		j.Interval = f.Interval.String()
	}
	return j
}
