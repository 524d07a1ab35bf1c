package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/watch"
)

func init() {
	commands["watch"] = command{summary: "watch add|rm|list|show|import: edit the global watchlist", run: runWatch}
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func runWatch(ctx context.Context, c *cli, args []string) error {
	subs := map[string]func(context.Context, *cli, []string) error{
		"add": runWatchAdd, "rm": runWatchRm, "list": runWatchList, "show": runWatchShow, "import": runWatchImport,
	}
	return dispatch(ctx, c, "watch", subs, args)
}

func runWatchAdd(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("watch add", "watch add --kind city|actor [--alias A]... [--exclude P]... [--case-sensitive] NAME", 1, -1)
	var aliases, exclude stringList
	kind := fs.String("kind", "", "city or actor (required)")
	fs.Var(&aliases, "alias", "another name it goes by (repeatable)")
	fs.Var(&exclude, "exclude", "a phrase in which a match does not count (repeatable)")
	cs := fs.Bool("case-sensitive", false, "match names exactly as written")
	if err := fs.parse(args); err != nil {
		return err
	}
	w := newswatch.Watch{Name: strings.Join(fs.Args(), " "), Kind: newswatch.Kind(*kind), Aliases: aliases,
		Exclude: exclude, CaseSensitive: *cs}
	return withApp(ctx, c, fs.config, func(a *app) error {
		saved, created, err := a.putWatch(ctx, c, w)
		if err != nil {
			return err
		}
		if fs.json {
			return writeJSON(c.stdout, toWatchJSON(saved))
		}
		verb := "updated"
		if created {
			verb = "added"
		}
		fmt.Fprintf(c.stdout, "%s watch %q (%s)\n", verb, saved.Name, saved.Kind)
		return nil
	})
}

// putWatch validates w against every watch it would live beside, stores it
// and rescans stored items for it, printing progress to stderr.
func (a *app) putWatch(ctx context.Context, c *cli, w newswatch.Watch) (newswatch.Watch, bool, error) {
	if err := w.Validate(); err != nil {
		return w, false, err
	}
	all, err := a.db.Watches(ctx, newswatch.GlobalScope)
	if err != nil {
		return w, false, err
	}
	candidate := []newswatch.Watch{w}
	for _, o := range all {
		if !(o.GuildID == w.GuildID && normName(o.Name) == normName(w.Name)) {
			candidate = append(candidate, o)
		}
	}
	if err := validateWatches(candidate); err != nil {
		return w, false, err
	}
	saved, created, err := a.db.PutWatch(ctx, w, 0)
	if err != nil {
		return w, false, err
	}
	err = a.rescan(ctx, saved, func(done, total int) {
		fmt.Fprintf(c.stderr, "\rrescanning stored items for %q: %d/%d", saved.Name, done, total)
		if done == total {
			fmt.Fprintln(c.stderr)
		}
	})
	return saved, created, err
}

func runWatchRm(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("watch rm", "watch rm NAME", 1, -1)
	if err := fs.parse(args); err != nil {
		return err
	}
	name := strings.Join(fs.Args(), " ")
	return withApp(ctx, c, fs.config, func(a *app) error {
		if err := a.db.RemoveWatch(ctx, newswatch.GlobalScope, name); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "removed watch %q\n", name)
		return nil
	})
}

func runWatchList(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("watch list", "watch list [--kind city|actor] [--json]", 0, 0)
	kind := fs.String("kind", "", "only this kind")
	if err := fs.parse(args); err != nil {
		return err
	}
	return withApp(ctx, c, fs.config, func(a *app) error {
		ws, err := a.db.Watches(ctx, newswatch.GlobalScope)
		if err != nil {
			return err
		}
		out := []watchJSON{}
		for _, w := range ws {
			if *kind == "" || string(w.Kind) == *kind {
				out = append(out, toWatchJSON(w))
			}
		}
		if fs.json {
			return writeJSON(c.stdout, out)
		}
		for _, w := range out {
			scope := "global"
			if w.Guild != "" {
				scope = "guild " + w.Guild
			}
			fmt.Fprintf(c.stdout, "%-24s %-6s %-20s %s\n", w.Name, w.Kind, scope, strings.Join(w.Aliases, ", "))
		}
		return nil
	})
}

func runWatchShow(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("watch show", "watch show [--json] NAME", 1, -1)
	if err := fs.parse(args); err != nil {
		return err
	}
	name := strings.Join(fs.Args(), " ")
	return withApp(ctx, c, fs.config, func(a *app) error {
		w, err := a.db.WatchByName(ctx, newswatch.GlobalScope, name)
		if err != nil {
			return err
		}
		if fs.json {
			return writeJSON(c.stdout, toWatchJSON(w))
		}
		fmt.Fprintf(c.stdout, "%s (%s)\naliases: %s\nexclude: %s\ncase sensitive: %v\n", w.Name, w.Kind,
			strings.Join(w.Aliases, ", "), strings.Join(w.Exclude, ", "), w.CaseSensitive)
		if w.AutoAliases { // the names the matcher adds, and where from
			fmt.Fprintf(c.stdout, "added aliases (drop with drop_aliases):\n")
			for _, a := range watch.Expand(w) {
				fmt.Fprintf(c.stdout, "  %s\t%s\n", a.Text, a.Source)
			}
		}
		return nil
	})
}

func runWatchImport(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("watch import", "watch import FILE.toml", 1, 1)
	if err := fs.parse(args); err != nil {
		return err
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	ws, err := watch.ParseWatchlist(data)
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	return withApp(ctx, c, fs.config, func(a *app) error {
		added, updated := 0, 0
		for _, w := range ws {
			_, created, err := a.putWatch(ctx, c, w)
			if err != nil {
				return fmt.Errorf("watch %q: %w", w.Name, err)
			}
			if created {
				added++
			} else {
				updated++
			}
		}
		fmt.Fprintf(c.stdout, "imported %d watches (%d added, %d updated)\n", len(ws), added, updated)
		return nil
	})
}
