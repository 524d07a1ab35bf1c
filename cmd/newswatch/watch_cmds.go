package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/seeds"
	"github.com/newswatch/newswatch/watch"
)

func init() {
	commands["watch"] = command{summary: "watch add|edit|rm|list|show|import|mute|unmute: edit the global watchlist", run: runWatch}
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func runWatch(ctx context.Context, c *cli, args []string) error {
	subs := map[string]func(context.Context, *cli, []string) error{
		"add": runWatchAdd, "edit": runWatchEdit, "rm": runWatchRm, "list": runWatchList, "show": runWatchShow, "import": runWatchImport,
		"mute": runWatchMute, "unmute": runWatchUnmute,
	}
	return dispatch(ctx, c, "watch", subs, args)
}

func runWatchAdd(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("watch add", "watch add --kind city|actor [--alias A]... [--exclude P]... [--case-sensitive] "+
		"[--auto-aliases] [--country CC] [--fuzzy] [--surname-only=false] [--replace] NAME", 1, -1)
	var aliases, exclude stringList
	kind := fs.String("kind", "", "city or actor (required)")
	fs.Var(&aliases, "alias", "another name it goes by (repeatable)")
	fs.Var(&exclude, "exclude", "a phrase in which a match does not count (repeatable)")
	cs := fs.Bool("case-sensitive", false, "match names exactly as written")
	auto := fs.Bool("auto-aliases", false, "add the gazetteer's names and transliterations (watch show lists them)")
	country := fs.String("country", "", "ISO 3166-1 alpha-2 code of the city's country, e.g. UA (picks among places of one name)")
	fuzzy := fs.Bool("fuzzy", false, "let names of 7 or more letters match with one typo (never on the first letter)")
	surname := fs.Bool("surname-only", true, "with --auto-aliases, an actor's family name alone matches")
	replace := fs.Bool("replace", false, "replace a watch of the same name (its aliases, exclusions and kind)")
	if err := fs.parse(args); err != nil {
		return err
	}
	if !newswatch.Kind(*kind).Valid() {
		return usagef("--kind must be city or actor")
	}
	w := newswatch.Watch{Name: strings.Join(fs.Args(), " "), Kind: newswatch.Kind(*kind), Aliases: aliases,
		Exclude: exclude, CaseSensitive: *cs, AutoAliases: *auto, Country: strings.ToUpper(*country), Fuzzy: *fuzzy}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "surname-only" {
			w.SurnameOnly = surname
		}
	})
	return withApp(ctx, c, fs.config, func(a *app) error {
		if err := a.editable(w.Name); err != nil {
			return err
		}
		if !*replace {
			old, err := a.db.WatchByName(ctx, newswatch.GlobalScope, w.Name)
			switch {
			case err == nil:
				return newswatch.Errorf(newswatch.ECONFLICT,
					"A watch named %q already exists; use --replace to replace it or `watch edit` to change its aliases.", old.Name)
			case newswatch.ErrorCode(err) != newswatch.ENOTFOUND:
				return err
			}
		}
		saved, created, err := a.putWatch(ctx, c, w)
		if err != nil {
			return err
		}
		if fs.json {
			return writeJSON(c.stdout, toWatchJSONAdded(saved))
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
	prog := c.newProgress(fmt.Sprintf("rescanned stored items for %q", saved.Name))
	items := 0
	err = a.rescan(ctx, saved, func(done, total int) {
		items = done
		prog.update(done, total)
	})
	if err == nil {
		prog.done(items)
	}
	return saved, created, err
}

// editable refuses to change a watch the config declares: the next command
// would put it back as the config says. The message names the file.
func (a *app) editable(name string) error {
	for _, e := range a.cfg.Watch {
		if normName(e.Watch().Name) == normName(name) {
			return newswatch.Errorf(newswatch.EFORBIDDEN,
				"The watch %q comes from the config file %s; edit it there.", name, a.cfgFileName())
		}
	}
	if !a.cfg.Seeds.DefaultWatchlist {
		return nil
	}
	fsys, where := a.seedsFS()
	data, err := fs.ReadFile(fsys, seeds.WatchlistFile)
	if err != nil {
		return nil
	}
	ws, err := watch.ParseWatchlist(data)
	if err != nil {
		return nil
	}
	for _, w := range ws {
		if normName(w.Name) == normName(name) {
			return newswatch.Errorf(newswatch.EFORBIDDEN,
				"The watch %q comes from the default watchlist %s (seeds.default_watchlist in %s); edit it there or turn the default watchlist off.",
				name, filepath.Join(where, seeds.WatchlistFile), a.cfgFileName())
		}
	}
	return nil
}

// cfgFileName names the config file for messages.
func (a *app) cfgFileName() string {
	if a.cfgFile == "" {
		return "(none: built-in defaults)"
	}
	return a.cfgFile
}

func runWatchEdit(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("watch edit", "watch edit [--add-alias A]... [--drop-alias A]... [--add-exclude P]... [--drop-exclude P]... "+
		"[--drop-added A]... [--restore-added A]... NAME", 1, -1)
	var addAlias, dropAlias, addEx, dropEx, dropAdded, restoreAdded stringList
	fs.Var(&addAlias, "add-alias", "add this alias (repeatable)")
	fs.Var(&dropAlias, "drop-alias", "drop this alias (repeatable)")
	fs.Var(&addEx, "add-exclude", "add this exclusion phrase (repeatable)")
	fs.Var(&dropEx, "drop-exclude", "drop this exclusion phrase (repeatable)")
	fs.Var(&dropAdded, "drop-added", "leave out this added alias, one watch show lists (repeatable; the drop_aliases key)")
	fs.Var(&restoreAdded, "restore-added", "add a dropped added alias again (repeatable)")
	if err := fs.parse(args); err != nil {
		return err
	}
	if len(addAlias)+len(dropAlias)+len(addEx)+len(dropEx)+len(dropAdded)+len(restoreAdded) == 0 {
		return usagef("nothing to change: give --add-alias, --drop-alias, --add-exclude, --drop-exclude, --drop-added or --restore-added")
	}
	name := strings.Join(fs.Args(), " ")
	return withApp(ctx, c, fs.config, func(a *app) error {
		if err := a.editable(name); err != nil {
			return err
		}
		w, err := a.db.WatchByName(ctx, newswatch.GlobalScope, name)
		if err != nil {
			return err
		}
		if w.Aliases, err = editList(w.Aliases, addAlias, dropAlias, "alias"); err != nil {
			return err
		}
		if w.Exclude, err = editList(w.Exclude, addEx, dropEx, "exclusion"); err != nil {
			return err
		}
		if w.DropAliases, err = editDropped(w, dropAdded, restoreAdded); err != nil {
			return err
		}
		saved, _, err := a.putWatch(ctx, c, w)
		if err != nil {
			return err
		}
		if fs.json {
			return writeJSON(c.stdout, toWatchJSONAdded(saved))
		}
		fmt.Fprintf(c.stdout, "updated watch %q: aliases %s\n", saved.Name, strings.Join(saved.Aliases, ", "))
		return nil
	})
}

// editList drops the entries of drop (case-insensitively; each must be
// there) from list and appends those of add not already in it.
func editList(list, add, drop []string, what string) ([]string, error) {
	out := make([]string, 0, len(list)+len(add))
	for _, d := range drop {
		found := false
		for _, v := range list {
			found = found || normName(v) == normName(d)
		}
		if !found {
			return nil, newswatch.Errorf(newswatch.ENOTFOUND, "The watch has no %s %q.", what, d)
		}
	}
	keep := func(v string) bool {
		for _, d := range drop {
			if normName(v) == normName(d) {
				return false
			}
		}
		for _, o := range out {
			if normName(v) == normName(o) {
				return false
			}
		}
		return true
	}
	for _, v := range append(append([]string{}, list...), add...) {
		if keep(v) {
			out = append(out, v)
		}
	}
	return out, nil
}

// editDropped returns w's DropAliases with drop added (each must be an
// alias watch.Expand adds to w) and restore removed (each must be dropped).
func editDropped(w newswatch.Watch, drop, restore []string) ([]string, error) {
	out, err := editList(w.DropAliases, nil, restore, "dropped added alias")
	if err != nil {
		return nil, err
	}
	added := watch.Expand(w)
	for _, d := range drop {
		i := slices.IndexFunc(added, func(a watch.AddedAlias) bool { return normName(a.Text) == normName(d) })
		if i < 0 {
			return nil, newswatch.Errorf(newswatch.ENOTFOUND, "The watch adds no alias %q (watch show lists those it adds).", d)
		}
		out = append(out, added[i].Text)
	}
	return out, nil
}

func runWatchRm(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("watch rm", "watch rm NAME", 1, -1)
	if err := fs.parse(args); err != nil {
		return err
	}
	name := strings.Join(fs.Args(), " ")
	return withApp(ctx, c, fs.config, func(a *app) error {
		if err := a.editable(name); err != nil {
			return err
		}
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
	if *kind != "" && !newswatch.Kind(*kind).Valid() {
		return usagef("--kind must be city or actor")
	}
	return withReader(ctx, c, fs.config, func(a *app) error {
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
			if w.GuildID != "" {
				scope = "guild " + w.GuildID
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
	return withReader(ctx, c, fs.config, func(a *app) error {
		w, err := a.db.WatchByName(ctx, newswatch.GlobalScope, name)
		if err != nil {
			return err
		}
		if fs.json {
			return writeJSON(c.stdout, toWatchJSONAdded(w))
		}
		fmt.Fprintf(c.stdout, "%s (%s)\naliases: %s\nexclude: %s\ncase sensitive: %v\nauto aliases: %v\nfuzzy: %v\n", w.Name, w.Kind,
			strings.Join(w.Aliases, ", "), strings.Join(w.Exclude, ", "), w.CaseSensitive, w.AutoAliases, w.Fuzzy)
		if w.Country != "" {
			fmt.Fprintf(c.stdout, "country: %s\n", w.Country)
		}
		if w.Kind == newswatch.KindActor && w.AutoAliases {
			fmt.Fprintf(c.stdout, "surname only: %v\n", w.SurnameMatches())
		}
		if len(w.DropAliases) > 0 {
			fmt.Fprintf(c.stdout, "dropped added aliases: %s\n", strings.Join(w.DropAliases, ", "))
		}
		if w.AutoAliases { // the names the matcher adds, and where from
			fmt.Fprintf(c.stdout, "added aliases (drop with watch edit --drop-added):\n")
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
			if err := a.editable(w.Name); err != nil {
				return err
			}
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
