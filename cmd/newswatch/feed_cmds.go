package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/feeds"
)

func init() {
	commands["feed"] = command{summary: "feed add|rm|list|retry|import|export: manage the global feeds", run: runFeed}
	commands["alerts"] = command{summary: "alerts list|set|off|digest: alert routes of the Discord guilds", run: runAlerts}
}

func runFeed(ctx context.Context, c *cli, args []string) error {
	subs := map[string]func(context.Context, *cli, []string) error{
		"add": runFeedAdd, "rm": runFeedRm, "list": runFeedList, "retry": runFeedRetry,
		"import": runFeedImport, "export": runFeedExport,
	}
	return dispatch(ctx, c, "feed", subs, args)
}

// dispatch runs the subcommand named by args[0].
func dispatch(ctx context.Context, c *cli, name string, subs map[string]func(context.Context, *cli, []string) error, args []string) error {
	names := make([]string, 0, len(subs))
	for n := range subs {
		names = append(names, n)
	}
	sort.Strings(names)
	usage := fmt.Sprintf("Usage: newswatch %s %s [flags]", name, strings.Join(names, "|"))
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		fmt.Fprintln(c.stdout, usage)
		return nil
	}
	if len(args) == 0 || subs[args[0]] == nil {
		fmt.Fprintln(c.stderr, usage)
		return errUsage
	}
	return subs[args[0]](ctx, c, args[1:])
}

func runFeedAdd(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("feed add", "feed add [--interval 30m] [--no-check] URL", 1, 1)
	interval := fs.String("interval", "", "poll interval (default: adaptive)")
	noCheck := fs.Bool("no-check", false, "add without fetching the feed first")
	if err := fs.parse(args); err != nil {
		return err
	}
	var iv Duration
	if err := iv.UnmarshalText([]byte(*interval)); err != nil {
		return usagef("--interval: %s", err.Error())
	}
	return withApp(ctx, c, fs.config, func(a *app) error {
		u, err := newswatch.ValidateFeedURL(fs.Arg(0))
		if err != nil {
			return err
		}
		if !*noCheck {
			_, fetcher, err := a.newPoller()
			if err != nil {
				return err
			}
			if _, err := fetcher.Check(ctx, u); err != nil {
				return err
			}
		}
		f, err := a.db.AddFeed(ctx, newswatch.GlobalScope, u, time.Duration(iv), 0)
		if err != nil {
			return err
		}
		if fs.json {
			return writeJSON(c.stdout, toFeedJSON(f))
		}
		fmt.Fprintf(c.stdout, "added feed #%d %s\n", f.ID, f.URL)
		return nil
	})
}

// feedArg finds a feed by id or URL.
func (a *app) feedArg(ctx context.Context, arg string) (newswatch.Feed, error) {
	if id, err := strconv.ParseInt(arg, 10, 64); err == nil {
		return a.db.Feed(ctx, id)
	}
	u, err := newswatch.ValidateFeedURL(arg)
	if err != nil {
		return newswatch.Feed{}, err
	}
	return a.db.FeedByURL(ctx, u)
}

func runFeedRm(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("feed rm", "feed rm ID|URL", 1, 1)
	if err := fs.parse(args); err != nil {
		return err
	}
	return withApp(ctx, c, fs.config, func(a *app) error {
		f, err := a.feedArg(ctx, fs.Arg(0))
		if err != nil {
			return err
		}
		if err := a.configFeed(f); err != nil {
			return err
		}
		if err := a.db.RemoveFeed(ctx, newswatch.GlobalScope, f.ID); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "removed feed #%d %s\n", f.ID, f.URL)
		return nil
	})
}

func runFeedList(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("feed list", "feed list [--json]", 0, 0)
	if err := fs.parse(args); err != nil {
		return err
	}
	return withReader(ctx, c, fs.config, func(a *app) error {
		list, err := a.db.ListFeeds(ctx, newswatch.GlobalScope)
		if err != nil {
			return err
		}
		if fs.json {
			out := make([]feedListJSON, 0, len(list))
			for _, f := range list {
				out = append(out, feedListJSON{toFeedJSON(f), feedState(f), f.LastWarning})
			}
			return writeJSON(c.stdout, out)
		}
		for _, f := range list {
			if f.URL == newswatch.SeedsFeedURL {
				fmt.Fprintf(c.stdout, "#%-4d %s\n      %d items, the built-in seeds source\n", f.ID, f.URL, f.ItemCount)
				continue
			}
			state := "ok"
			switch {
			case f.Gone():
				state = "GONE: " + f.LastError
			case f.Failing():
				state = "FAILING: " + f.LastError
			case f.LastError != "":
				state = fmt.Sprintf("error (%d in a row): %s", f.ConsecutiveFailures, f.LastError)
			case f.LastSuccessAt.IsZero():
				state = "not fetched yet"
			}
			fmt.Fprintf(c.stdout, "#%-4d %s\n      %d items, %s, next poll %s\n", f.ID, f.URL, f.ItemCount, state,
				textTime(f.NextPollAt, time.RFC3339))
			if f.LastWarning != "" {
				fmt.Fprintf(c.stdout, "      warning: %s\n", f.LastWarning)
			}
		}
		return nil
	})
}

// feedListJSON is one feed of `feed list --json`: the feed and its state.
type feedListJSON struct {
	feedJSON
	State   newswatch.FeedState `json:"state"`
	Warning string              `json:"warning,omitempty"`
}

// feedState is f's state, active when the store has none.
func feedState(f newswatch.Feed) newswatch.FeedState {
	if f.State == "" {
		return newswatch.FeedActive
	}
	return f.State
}

func runFeedRetry(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("feed retry", "feed retry ID|URL", 1, 1)
	if err := fs.parse(args); err != nil {
		return err
	}
	return withApp(ctx, c, fs.config, func(a *app) error {
		f, err := a.feedArg(ctx, fs.Arg(0))
		if err != nil {
			return err
		}
		if err := a.db.RetryFeed(ctx, newswatch.GlobalScope, f.ID, time.Now()); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "feed #%d will be polled at the next cycle\n", f.ID)
		return nil
	})
}

func runFeedImport(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("feed import", "feed import FILE.opml", 1, 1)
	if err := fs.parse(args); err != nil {
		return err
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	imp, err := feeds.ReadOPML(f)
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	for _, p := range imp.Problems {
		fmt.Fprintf(c.stderr, "%s: refused %s\n", fs.Arg(0), p)
	}
	return withApp(ctx, c, fs.config, func(a *app) error {
		urls := make([]string, len(imp.Feeds))
		for i, o := range imp.Feeds {
			urls[i] = o.URL
		}
		prog := c.newProgress("imported feeds")
		added, present, err := a.db.ImportFeeds(ctx, newswatch.GlobalScope, urls, func(done int) {
			prog.update(done, len(urls))
		})
		prog.done(len(urls))
		if err != nil {
			return err
		}
		if fs.json {
			return writeJSON(c.stdout, map[string]int{"added": added, "present": present + imp.Duplicates,
				"refused": len(imp.Problems)})
		}
		fmt.Fprintf(c.stdout, "%d feeds added, %d already present, %d refused\n", added, present+imp.Duplicates, len(imp.Problems))
		return nil
	})
}

func runFeedExport(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("feed export", "feed export [FILE.opml] (default: standard output)", 0, 1)
	if err := fs.parse(args); err != nil {
		return err
	}
	return withReader(ctx, c, fs.config, func(a *app) error {
		list, err := a.db.ListFeeds(ctx, newswatch.GlobalScope)
		if err != nil {
			return err
		}
		pollable := list[:0]
		for _, f := range list {
			if f.URL != newswatch.SeedsFeedURL {
				pollable = append(pollable, f)
			}
		}
		var w io.Writer = c.stdout
		if fs.NArg() == 1 {
			out, err := os.Create(fs.Arg(0))
			if err != nil {
				return err
			}
			defer out.Close()
			w = out
		}
		return feeds.WriteOPML(w, "newswatch feeds", pollable)
	})
}

func runAlerts(ctx context.Context, c *cli, args []string) error {
	subs := map[string]func(context.Context, *cli, []string) error{
		"list": runAlertsList, "set": runAlertsSet, "off": runAlertsOff, "digest": runAlertsDigest,
	}
	return dispatch(ctx, c, "alerts", subs, args)
}

func runAlertsOff(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("alerts off", "alerts off --guild ID --channel ID", 0, 0)
	guild := fs.String("guild", "", "Discord guild id")
	channel := fs.String("channel", "", "Discord channel id")
	if err := fs.parse(args); err != nil {
		return err
	}
	if !isSnowflake(*guild, false) || !isSnowflake(*channel, false) {
		return usagef("--guild and --channel are required Discord ids (digits)")
	}
	return withApp(ctx, c, fs.config, func(a *app) error {
		if err := a.routeEditable(*guild, *channel); err != nil {
			return err
		}
		if err := a.db.RemoveRoute(ctx, *guild, *channel); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "alerts to channel %s are off\n", *channel)
		return nil
	})
}
