package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/bot"
	"github.com/newswatch/newswatch/feeds"
	"github.com/newswatch/newswatch/store"
	"github.com/newswatch/newswatch/watch"
)

// Compile-time checks that the store satisfies what the other parts need.
var (
	_ feeds.Store = (*store.DB)(nil)
	_ bot.Store   = (*store.DB)(nil)
	_ alertOutbox = (*store.DB)(nil)
)

func init() {
	commands["run"] = command{summary: "run the daemon: poll feeds and seeds, deliver alerts (Discord or console)", run: runRun}
	commands["ingest"] = command{summary: "poll every due feed (--all: every feed) and the seeds once, then exit", run: runIngest}
}

func runRun(ctx context.Context, c *cli, args []string) error {
	fs := c.newFlagSet("run", "run")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("run takes no arguments")
	}
	// The HTTP port is bound, and the writer lock taken, before anything is
	// written: a port clash or a second daemon changes nothing.
	cfg, _, err := c.loadConfig("")
	if err != nil {
		return err
	}
	var listener net.Listener
	if cfg.HTTP.Listen != "" {
		if listener, err = net.Listen("tcp", cfg.HTTP.Listen); err != nil {
			return fmt.Errorf("http.listen %s: %w", cfg.HTTP.Listen, err)
		}
		defer listener.Close()
	}
	release, err := store.LockWriter(cfg.Storage.Path, "run")
	if err != nil {
		return err
	}
	defer release()
	a, changed, err := openApp(ctx, c, "")
	if err != nil {
		return err
	}
	defer a.Close()
	return a.run(ctx, c, changed, listener)
}

// lockIngest takes the writer lock for ingest, or says who holds it.
func lockIngest(c *cli) (func() error, error) {
	cfg, _, err := c.loadConfig("")
	if err != nil {
		return nil, err
	}
	return store.LockWriter(cfg.Storage.Path, "ingest")
}

func runIngest(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("ingest", "ingest [--all] [--json]", 0, 0)
	all := fs.Bool("all", false, "poll every feed, not only the due ones")
	if err := fs.parse(args); err != nil {
		return err
	}
	// One long writer at a time: a second ingest (or one beside the daemon)
	// says plainly who runs instead of competing for the write lock.
	release, err := lockIngest(c)
	if err != nil {
		return err
	}
	defer release()
	a, changed, err := openApp(ctx, c, fs.config)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := applyConfigRoutes(ctx, a.db, a.cfg.Route, a.log); err != nil {
		return err
	}
	if err := a.db.EnsureConsoleRoute(ctx, a.cfg.Token == ""); err != nil {
		return err
	}
	if err := a.enableStories(ctx); err != nil {
		return err
	}
	for _, w := range changed {
		if err := a.rescan(ctx, w, nil); err != nil {
			return err
		}
	}
	seedRes, err := a.ingestSeeds(ctx)
	if err != nil {
		return err
	}
	poller, _, err := a.newPoller()
	if err != nil {
		return err
	}
	cycle, err := poller.Cycle(ctx, *all)
	if err != nil {
		return err
	}
	if fs.json {
		return writeJSON(c.stdout, map[string]any{
			"seeds": map[string]int{"new": seedRes.New, "updated": seedRes.Updated, "unchanged": seedRes.Unchanged,
				"tombstoned": seedRes.Tombstoned, "alerts": seedRes.Alerts},
			"feeds": map[string]any{"polled": cycle.Feeds, "fetched": cycle.Fetched, "not_modified": cycle.NotModified,
				"failed": cycle.Failed, "new": cycle.New, "updated": cycle.Updated, "unchanged": cycle.Unchanged,
				"alerts": cycle.Alerts, "seconds": cycle.Duration.Seconds()},
		})
	}
	fmt.Fprintf(c.stdout, "seeds: %d new, %d updated, %d unchanged, %d alerts queued\n",
		seedRes.New, seedRes.Updated, seedRes.Unchanged, seedRes.Alerts)
	fmt.Fprintf(c.stdout, "feeds: %d polled (%d fetched, %d not modified, %d failed): %d new, %d updated items, %d alerts queued in %s\n",
		cycle.Feeds, cycle.Fetched, cycle.NotModified, cycle.Failed, cycle.New, cycle.Updated, cycle.Alerts,
		cycle.Duration.Round(time.Millisecond))
	return nil
}

// newPoller builds the fetcher and poller from the [feeds] config.
func (a *app) newPoller() (*feeds.Poller, *feeds.Fetcher, error) {
	fc := feeds.DefaultConfig()
	f := a.cfg.Feeds
	fc.Timeout = time.Duration(f.Timeout)
	fc.BodyLimit = int64(f.BodyLimit)
	fc.MaxRedirects = f.MaxRedirects
	if f.UserAgent != "" {
		fc.UserAgent = f.UserAgent
	}
	fc.AllowPrivateNetworks = f.AllowPrivateNetworks
	fc.Allow = f.Allow
	fc.Concurrency = f.Concurrency
	fc.PerHost = f.PerHost
	fc.MinInterval = time.Duration(f.MinInterval)
	fc.MaxInterval = time.Duration(f.MaxInterval)
	fc.FailAfter = f.FailAfter
	fc.MaxItemAge = time.Duration(f.MaxItemAge)
	fetcher, err := feeds.NewFetcher(fc)
	if err != nil {
		return nil, nil, fmt.Errorf("feeds: %w", err)
	}
	return feeds.NewPoller(fc, pollerStore{DB: a.db, a: a}, a.live, fetcher, a.log), fetcher, nil
}

// run is the daemon: every part runs until ctx ends or one fails. listener,
// when not nil, serves /healthz, /readyz and /metrics.
func (a *app) run(ctx context.Context, c *cli, changed []newswatch.Watch, listener net.Listener) error {
	console := a.cfg.Token == ""
	if err := applyConfigRoutes(ctx, a.db, a.cfg.Route, a.log); err != nil {
		return err
	}
	if err := a.db.EnsureConsoleRoute(ctx, console); err != nil {
		return err
	}
	if err := a.enableStories(ctx); err != nil {
		return err
	}
	poller, fetcher, err := a.newPoller()
	if err != nil {
		return err
	}
	a.metrics = newMetrics()
	a.ready = &readiness{db: a.db, window: a.progressWindow()}
	a.ready.progressed()
	poller.OnCycle = func(st feeds.CycleStats, err error) {
		a.metrics.cycle(st, err)
		a.ready.progressed()
	}
	rq := &rescanQueue{notify: make(chan struct{}, 1)}
	for _, w := range changed {
		rq.push(w)
	}
	var b *bot.Bot
	var d *consoleDeliverer
	sig := a.newSignalsTicker(c.stdout) // signals_run.go
	if console {
		d = &consoleDeliverer{db: deliveryStore{a.db, a.metrics}, out: sig.out, now: time.Now, wake: make(chan struct{}, 1)}
		a.alertsQueued = d.Wake
	} else {
		if b, err = a.newBot(fetcher, poller, rq); err != nil {
			return err
		}
		a.alertsQueued = b.Notify
		sig.spikePayload, sig.digestPayload, sig.notify = bot.SpikePayload, bot.DigestPayload, b.Notify
		sig.translate = bot.Translator
		a.ready.gateway = func() bool { up, _ := b.GatewayState(); return up }
		a.metrics.watchDiscord(b.GatewayState)
	}
	res, err := a.ingestSeeds(ctx)
	if err != nil {
		return err
	}
	a.log.Info("seeds ingested", "new", res.New, "updated", res.Updated, "alerts", res.Alerts)
	if listener != nil {
		a.log.Info("serving /healthz, /readyz and /metrics", "addr", listener.Addr().String())
	}

	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return a.metrics.runRefresh(ctx, a.db, metricsRefresh, a.log) })
	g.Go(func() error { return poller.Run(ctx) })
	g.Go(func() error { return a.watchSeeds(ctx) })
	g.Go(func() error { return a.followWatches(ctx) })
	g.Go(func() error { return a.runRescans(ctx, rq) })
	g.Go(func() error { return a.prune(ctx) })
	g.Go(func() error { return sig.Run(ctx) })
	if listener != nil {
		g.Go(func() error { return serveHTTP(ctx, listener, httpHandler(a.metrics, a.ready)) })
	}
	if console {
		a.log.Info("no DISCORD_TOKEN set: alerts go to standard output")
		g.Go(func() error { return d.Run(ctx, time.Second) })
	} else {
		g.Go(func() error { return b.Run(ctx) })
	}
	err = g.Wait()
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	a.log.Info("stopped")
	return err
}

// newBot builds the Discord side from the [discord] config.
func (a *app) newBot(fetcher *feeds.Fetcher, poller *feeds.Poller, rq *rescanQueue) (*bot.Bot, error) {
	d := a.cfg.Discord
	bc := bot.Config{
		Token: a.cfg.Token, AppID: d.ApplicationID, GuildIDs: d.GuildIDs, AdminRoleID: d.AdminRoleID,
		APIBase: d.APIBase, MaxFeedsPerGuild: d.MaxFeedsPerGuild, MaxWatchesPerGuild: d.MaxWatchesPerGuild,
		MaxRoutesPerGuild: d.MaxRoutesPerGuild, SummaryAfter: d.SummaryAfter,
		Shards: d.Shards, ShardIDs: d.ShardIDs,
	}
	deps := bot.Deps{
		Store:           deliveryStore{a.db, a.metrics},
		ValidateWatches: validateWatches,
		Places:          watch.Gazetteer{},
		WatchesChanged: func(w *newswatch.Watch) {
			if err := a.recompile(context.Background()); err != nil {
				a.log.Error("recompile watchlist", "err", err)
			}
			if w != nil {
				rq.push(*w)
			}
		},
		CheckFeed: fetcher.Check,
		FeedAdded: func(int64) { poller.Wake() },
		Logger:    a.log,
		Observer:  a.metrics,
	}
	return bot.New(bc, deps)
}

// watchSeeds re-ingests the seeds directory whenever a file in it is added,
// changed or removed, so run notices new seed files without a restart.
func (a *app) watchSeeds(ctx context.Context) error {
	last := a.seedsSignature()
	t := time.NewTicker(time.Duration(a.cfg.Seeds.RescanInterval))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		sig := a.seedsSignature()
		if sig == last {
			continue
		}
		res, err := a.ingestSeeds(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			a.log.Error("ingest seeds", "err", err)
			continue
		}
		last = sig
		a.log.Info("seeds changed", "new", res.New, "updated", res.Updated, "alerts", res.Alerts)
	}
}

// seedsSignature summarises the names, sizes and times of the seed files.
func (a *app) seedsSignature() string {
	fsys, _ := a.seedsFS()
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return "error: " + err.Error()
	}
	sig := ""
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			continue
		}
		sig += fmt.Sprintf("%s/%d/%d;", e.Name(), info.Size(), info.ModTime().UnixNano())
	}
	return sig
}

// followWatches recompiles the matcher when the stored watches change, for
// example after `newswatch watch add` from another process.
func (a *app) followWatches(ctx context.Context) error {
	last, err := a.db.WatchesVersion(ctx)
	if err != nil {
		return err
	}
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		v, err := a.db.WatchesVersion(ctx)
		if err != nil || v == last {
			continue
		}
		if err := a.recompile(ctx); err != nil {
			a.log.Error("recompile watchlist", "err", err)
			continue
		}
		last = v
		a.log.Info("watchlist reloaded", "version", v)
	}
}

// rescanQueue holds watches whose stored history still has to be scanned.
type rescanQueue struct {
	mu     sync.Mutex
	queue  []newswatch.Watch
	notify chan struct{}
}

func (q *rescanQueue) push(w newswatch.Watch) {
	q.mu.Lock()
	q.queue = append(q.queue, w)
	q.mu.Unlock()
	select {
	case q.notify <- struct{}{}:
	default:
	}
}

func (q *rescanQueue) pop() (newswatch.Watch, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.queue) == 0 {
		return newswatch.Watch{}, false
	}
	w := q.queue[0]
	q.queue = q.queue[1:]
	return w, true
}

// runRescans scans stored items for queued watches, one at a time, logging
// progress; mentions found this way raise no alerts.
func (a *app) runRescans(ctx context.Context, q *rescanQueue) error {
	for {
		for w, ok := q.pop(); ok; w, ok = q.pop() {
			start := time.Now()
			lastLog, items := start, 0
			err := a.rescan(ctx, w, func(done, total int) {
				items = total
				if time.Since(lastLog) > 5*time.Second {
					lastLog = time.Now()
					a.log.Info("rescan", "watch", w.Name, "done", done, "total", total)
				}
			})
			if ctx.Err() != nil {
				return nil
			}
			if err != nil {
				a.log.Error("rescan", "watch", w.Name, "err", err)
				continue
			}
			a.log.Info("rescan finished", "watch", w.Name, "items", items, "took", time.Since(start).Round(time.Millisecond))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-q.notify:
		}
	}
}

// prune removes items older than storage.retention every hour.
func (a *app) prune(ctx context.Context) error {
	keep := time.Duration(a.cfg.Storage.Retention)
	if keep <= 0 {
		<-ctx.Done()
		return nil
	}
	t := time.NewTimer(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		n, err := a.db.Prune(ctx, time.Now().Add(-keep))
		if err != nil && ctx.Err() == nil {
			a.log.Error("prune", "err", err)
		} else if n > 0 {
			a.log.Info("pruned old items", "items", n)
		}
		if _, err := a.db.PruneStories(ctx, time.Now().Add(-keep)); err != nil && ctx.Err() == nil {
			a.log.Error("prune stories", "err", err)
		}
		t.Reset(time.Hour)
	}
}

// metricsRefresh is how often the database gauges are read.
const metricsRefresh = 15 * time.Second

// progressWindow is how long the poller may go without progress (a cycle
// ended, a batch of items saved) before /readyz says it is stuck: twice its
// longest legitimate gap, which is the idle time between cycles (at most 5s
// in feeds.Poller.Run) plus one fetch at the feed timeout.
func (a *app) progressWindow() time.Duration {
	return 2 * (5*time.Second + time.Duration(a.cfg.Feeds.Timeout))
}

// serveHTTP serves h on l until ctx ends.
func serveHTTP(ctx context.Context, l net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return fmt.Errorf("http: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(sctx)
	<-errc
	return nil
}
