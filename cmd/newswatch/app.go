package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/feeds"
	"github.com/newswatch/newswatch/seeds"
	"github.com/newswatch/newswatch/store"
	"github.com/newswatch/newswatch/watch"
)

// app is an open newswatch: the config, the database and the live matcher.
// Every subcommand that touches data opens one.
type app struct {
	cfg     Config
	cfgFile string // the config file read, "" for the built-in defaults
	db      *store.DB
	live    *watch.Live
	log     *slog.Logger

	// alertsQueued, when set (by run, before anything runs), wakes the
	// alert deliverer after a save queued alerts, so they go out at once
	// instead of at its next look at the outbox.
	alertsQueued func()

	// metrics and ready, set by run, count saves; nil elsewhere.
	metrics *metrics
	ready   *readiness

	stories storyState // see stories_ingest.go
}

// saved is called after every save of items: it wakes the deliverer when
// the save queued alerts, and counts the save.
func (a *app) saved(res newswatch.SaveResult, items []newswatch.IngestItem) {
	if res.Alerts > 0 && a.alertsQueued != nil {
		a.alertsQueued()
	}
	if a.metrics != nil {
		a.metrics.saved(res, items)
	}
	if a.ready != nil {
		a.ready.progressed()
	}
}

// pollerStore is the store as the poller sees it: every save goes through
// app.saved.
type pollerStore struct {
	*store.DB
	a *app
}

func (s pollerStore) SaveItems(ctx context.Context, feedID int64, items []newswatch.IngestItem) (newswatch.SaveResult, error) {
	res, err := s.DB.SaveItems(ctx, feedID, items)
	if err == nil {
		s.a.saved(res, items)
	}
	return res, err
}

// seedBatch is how many seed items are saved per transaction.
const seedBatch = 100

// openApp loads the config named by --config (or the defaults), opens the
// database for writing (migrating it), brings the config's watches and
// feeds into it and compiles the watchlist. changed lists the config watches
// that were added or changed and need a rescan of stored items.
func openApp(ctx context.Context, c *cli, configPath string) (a *app, changed []newswatch.Watch, err error) {
	cfg, where, err := c.loadConfig(configPath)
	if err != nil {
		return nil, nil, err
	}
	log := newLogger(c.stderr, cfg.Log, c.logLevel)
	db, err := store.Open(ctx, cfg.Storage.Path)
	if err != nil {
		return nil, nil, err
	}
	a = &app{cfg: cfg, cfgFile: where, db: db, live: &watch.Live{}, log: log}
	defer func() {
		if err != nil {
			db.Close()
		}
	}()
	ws, err := a.configWatches()
	if err != nil {
		return nil, nil, err
	}
	if changed, err = db.SyncConfigWatches(ctx, ws); err != nil {
		return nil, nil, err
	}
	if len(changed) > 0 {
		// Nothing stored yet (a fresh database): nothing to rescan.
		if latest, err := db.Latest(ctx, newswatch.LatestQuery{Limit: 1}); err != nil {
			return nil, nil, err
		} else if len(latest) == 0 {
			changed = nil
		}
	}
	if err := a.recompile(ctx); err != nil {
		return nil, nil, err
	}
	if err := a.syncFeeds(ctx); err != nil {
		return nil, nil, err
	}
	return a, changed, nil
}

// openReader loads the config and opens the database for reading only:
// it never migrates and never writes, so any number of readers run beside
// the daemon or an ingest. A database that is missing or needs a migration
// gives an error wrapping store.ErrNeedsMigration. The matcher is not built.
func openReader(ctx context.Context, c *cli, configPath string) (*app, error) {
	cfg, where, err := c.loadConfig(configPath)
	if err != nil {
		return nil, err
	}
	db, err := store.OpenReader(ctx, cfg.Storage.Path)
	if err != nil {
		return nil, err
	}
	return &app{cfg: cfg, cfgFile: where, db: db, live: &watch.Live{}, log: newLogger(c.stderr, cfg.Log, c.logLevel)}, nil
}

// loadConfig reads the config named by path (the command's --config) or
// the global one, and says which file it came from ("" for the defaults).
func (c *cli) loadConfig(path string) (Config, string, error) {
	if path == "" {
		path = c.configPath()
	}
	cfg, err := LoadConfig(path, c.getenv)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return cfg, "", err // a missing file may appear: not fatal
		}
		return cfg, "", fmt.Errorf("%w: %w", errConfig, err)
	}
	if path == "" {
		if _, err := os.Stat("newswatch.toml"); err == nil {
			path = "newswatch.toml"
		}
	}
	return cfg, path, nil
}

func (a *app) Close() error { return a.db.Close() }

// seedsFS is the seeds directory on disk, or the embedded copy when the
// configured directory does not exist.
func (a *app) seedsFS() (fs.FS, string) {
	dir := a.cfg.Seeds.Dir
	if dir != "" {
		if st, err := os.Stat(dir); err == nil && st.IsDir() {
			return os.DirFS(dir), dir
		}
	}
	return seeds.Embedded(), "(embedded)"
}

// configWatches returns the global watches the config declares: the default
// watchlist of the seeds (unless turned off) and the [[watch]] tables, a
// [[watch]] replacing a default watch of the same name.
func (a *app) configWatches() ([]newswatch.Watch, error) {
	var ws []newswatch.Watch
	if a.cfg.Seeds.DefaultWatchlist {
		fsys, where := a.seedsFS()
		data, err := fs.ReadFile(fsys, seeds.WatchlistFile)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return nil, fmt.Errorf("seeds watchlist: %w", err)
		default:
			if ws, err = watch.ParseWatchlist(data); err != nil {
				return nil, fmt.Errorf("%s: %w", filepath.Join(where, seeds.WatchlistFile), err)
			}
		}
	}
	byName := map[string]int{}
	for i, w := range ws {
		byName[normName(w.Name)] = i
	}
	for _, e := range a.cfg.Watch {
		w := e.Watch()
		if i, ok := byName[normName(w.Name)]; ok {
			ws[i] = w
			continue
		}
		byName[normName(w.Name)] = len(ws)
		ws = append(ws, w)
	}
	if _, err := watch.Compile(ws); err != nil {
		return nil, fmt.Errorf("watchlist: %w", err)
	}
	return ws, nil
}

// syncFeeds makes the config's [[feed]] tables the global config feeds and
// makes sure the seeds feed exists.
func (a *app) syncFeeds(ctx context.Context) error {
	list := make([]newswatch.Feed, 0, len(a.cfg.Feed))
	for _, f := range a.cfg.Feed {
		u, _ := newswatch.ValidateFeedURL(f.URL) // checked by Validate
		list = append(list, newswatch.Feed{URL: u, Title: f.Title, Interval: time.Duration(f.Interval), Global: true})
	}
	if err := a.db.SyncConfigFeeds(ctx, list); err != nil {
		return err
	}
	_, err := a.db.EnsureFeed(ctx, newswatch.SeedsFeedURL, newswatch.GlobalScope, "config", 0)
	return err
}

// recompile compiles every stored watch (all scopes) into the live matcher.
func (a *app) recompile(ctx context.Context) error {
	all, err := a.db.Watches(ctx, newswatch.GlobalScope)
	if err != nil {
		return err
	}
	m, err := watch.Compile(all)
	if err != nil {
		return fmt.Errorf("compile watchlist: %w", err)
	}
	a.live.Store(m)
	return nil
}

// validateWatches compiles a candidate watch list; the bot and the CLI call
// it before storing a new or changed watch.
func validateWatches(ws []newswatch.Watch) error {
	_, err := watch.Compile(ws)
	return err
}

// rescan matches every stored item against one watch, recording its
// mentions without alerts.
func (a *app) rescan(ctx context.Context, w newswatch.Watch, progress func(done, total int)) error {
	m, err := watch.Compile([]newswatch.Watch{w})
	if err != nil {
		return err
	}
	return a.db.Rescan(ctx, w, m.Match, progress)
}

// ingestSeeds reads the seed documents and stores new and changed ones with
// their mentions. Seeds alert whatever their age: they are the operator's
// own documents. A file that cannot be read is logged and skipped.
func (a *app) ingestSeeds(ctx context.Context) (newswatch.SaveResult, error) {
	var total newswatch.SaveResult
	fsys, where := a.seedsFS()
	docs, rerr := seeds.Read(fsys)
	if rerr != nil {
		a.log.Warn("some seed files were skipped", "dir", where, "err", rerr)
	}
	feed, err := a.db.EnsureFeed(ctx, newswatch.SeedsFeedURL, newswatch.GlobalScope, "config", 0)
	if err != nil {
		return total, err
	}
	st := pollerStore{DB: a.db, a: a}
	all := func(newswatch.Item) bool { return true }
	for start := 0; start < len(docs); start += seedBatch {
		batch := docs[start:min(start+seedBatch, len(docs))]
		items := make([]newswatch.Item, len(batch))
		for i, d := range batch {
			items[i] = d.Item
			items[i].FetchedAt = d.ModTime.UTC()
		}
		res, err := feeds.Ingest(ctx, st, a.live, feed.ID, items, all)
		if err != nil {
			return total, err
		}
		addResult(&total, res)
	}
	return total, nil
}

func addResult(t *newswatch.SaveResult, r newswatch.SaveResult) {
	t.New += r.New
	t.Updated += r.Updated
	t.Unchanged += r.Unchanged
	t.Tombstoned += r.Tombstoned
	t.Alerts += r.Alerts
}

// normName is the form in which watch names are compared for identity.
func normName(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// configFeed refuses to change a feed the config declares (or the seeds
// source): the message names the config file.
func (a *app) configFeed(f newswatch.Feed) error {
	if f.URL == newswatch.SeedsFeedURL {
		return newswatch.Errorf(newswatch.EFORBIDDEN, "The seeds source is built in; set seeds.dir in %s instead.", a.cfgFileName())
	}
	for _, e := range a.cfg.Feed {
		if u, err := newswatch.ValidateFeedURL(e.URL); err == nil && u == f.URL {
			return newswatch.Errorf(newswatch.EFORBIDDEN, "The feed %s comes from the config file %s; remove it there.", f.URL, a.cfgFileName())
		}
	}
	return nil
}
