package feeds

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/newswatch/newswatch"
	"golang.org/x/sync/errgroup"
)

// Store is what the poller needs from the database (*store.DB satisfies it).
type Store interface {
	DueFeeds(ctx context.Context, now time.Time, limit int) ([]newswatch.Feed, error)
	AllPollableFeeds(ctx context.Context) ([]newswatch.Feed, error)
	Saver
	RecordFetch(ctx context.Context, feedID int64, res newswatch.FetchResult, failAfter int) (newswatch.Feed, error)
}

// Matcher finds watched names in text (*watch.Live satisfies it).
type Matcher interface {
	Match(text string) []newswatch.Mention
}

// Poll loop timing.
const (
	maxIdle = 5 * time.Second // Run polls the store at least this often
	minIdle = 1 * time.Second // and at most this often when nothing woke it
)

// CycleStats counts what one poll cycle did.
type CycleStats struct {
	Feeds       int // feeds polled (one per URL)
	Fetched     int // answered with a document
	NotModified int // answered 304
	Failed      int
	New         int // items stored for the first time
	Updated     int // items whose content changed
	Unchanged   int // items skipped because their content hash is known (or tombstoned)
	Alerts      int // outbox rows written
	Duration    time.Duration
}

func (s *CycleStats) add(o CycleStats) {
	s.Fetched += o.Fetched
	s.NotModified += o.NotModified
	s.Failed += o.Failed
	s.New += o.New
	s.Updated += o.Updated
	s.Unchanged += o.Unchanged
	s.Alerts += o.Alerts
}

// Poller polls due feeds, matches their items and stores them.
type Poller struct {
	// OnCycle, when set before Run, is called by Run after every cycle
	// with its counts (metrics and readiness read them).
	OnCycle func(CycleStats, error)

	cfg  Config
	st   Store
	m    Matcher
	f    *Fetcher
	log  *slog.Logger
	wake chan struct{}

	mu    sync.Mutex
	hosts map[string]chan struct{} // per-host semaphores
}

// NewPoller returns a Poller. cfg should be the Config f was made with; a
// nil log discards.
func NewPoller(cfg Config, st Store, m Matcher, f *Fetcher, log *slog.Logger) *Poller {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Poller{cfg: cfg, st: st, m: m, f: f, log: log,
		wake: make(chan struct{}, 1), hosts: map[string]chan struct{}{}}
}

// Wake makes Run poll now, e.g. after a feed was added. It never blocks.
func (p *Poller) Wake() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// Run polls due feeds until ctx ends, then returns nil. It wakes at the
// earliest next poll time, at least every few seconds, and on Wake.
func (p *Poller) Run(ctx context.Context) error {
	for {
		st, err := p.Cycle(ctx, false)
		if ctx.Err() != nil {
			return nil
		}
		if p.OnCycle != nil {
			p.OnCycle(st, err)
		}
		if err != nil {
			p.log.Error("poll cycle", "err", err)
		} else if st.Feeds > 0 {
			p.log.Info("poll cycle", "feeds", st.Feeds, "fetched", st.Fetched, "not_modified", st.NotModified,
				"failed", st.Failed, "new", st.New, "updated", st.Updated, "alerts", st.Alerts, "took", st.Duration)
		}
		t := time.NewTimer(p.idle(ctx))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-p.wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// idle is how long Run sleeps: until the earliest next poll, within
// [minIdle, maxIdle].
func (p *Poller) idle(ctx context.Context) time.Duration {
	feeds, err := p.st.AllPollableFeeds(ctx)
	if err != nil || len(feeds) == 0 {
		return maxIdle
	}
	earliest := feeds[0].NextPollAt
	for _, f := range feeds[1:] {
		if f.NextPollAt.Before(earliest) {
			earliest = f.NextPollAt
		}
	}
	return min(max(time.Until(earliest), minIdle), maxIdle)
}

// Cycle polls every due feed once (all: every pollable feed) and returns
// the counts. Feeds are fetched concurrently within the configured limits;
// a feed's failure, even a panic, is recorded as that feed's error and does
// not stop the others. The error reports the store failing.
func (p *Poller) Cycle(ctx context.Context, all bool) (CycleStats, error) {
	start := time.Now()
	var feeds []newswatch.Feed
	var err error
	if all {
		feeds, err = p.st.AllPollableFeeds(ctx)
	} else {
		feeds, err = p.st.DueFeeds(ctx, start, 0)
	}
	if err != nil {
		return CycleStats{}, fmt.Errorf("feeds: list feeds to poll: %w", err)
	}
	feeds = spreadHosts(dedupeURLs(feeds))
	var (
		mu    sync.Mutex
		total = CycleStats{Feeds: len(feeds)}
		errs  []error
		g     errgroup.Group
	)
	g.SetLimit(p.cfg.Concurrency)
	for _, feed := range feeds {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error {
			st, err := p.pollGuarded(ctx, feed)
			mu.Lock()
			defer mu.Unlock()
			total.add(st)
			if err != nil {
				errs = append(errs, err)
			}
			return nil
		})
	}
	g.Wait()
	total.Duration = time.Since(start)
	return total, errors.Join(errs...)
}

// pollGuarded polls one feed within its host's limit and turns a panic into
// that feed's error.
func (p *Poller) pollGuarded(ctx context.Context, feed newswatch.Feed) (st CycleStats, err error) {
	sem := p.hostSem(feed.URL)
	select {
	case sem <- struct{}{}:
	case <-ctx.Done():
		return CycleStats{}, nil
	}
	defer func() { <-sem }()
	defer func() {
		if r := recover(); r != nil {
			p.log.Error("feed poll panicked", "feed", feed.ID, "url", feed.URL, "panic", r, "stack", string(debug.Stack()))
			st = CycleStats{Failed: 1}
			err = p.record(ctx, feed, newswatch.FetchResult{
				At:         time.Now(),
				Err:        fmt.Sprintf("internal error: %v", r),
				NextPollAt: time.Now().Add(failureInterval(feed.Interval, p.cfg.MinInterval, p.cfg.MaxInterval, feed.ConsecutiveFailures+1, 0)),
			})
		}
	}()
	return p.poll(ctx, feed)
}

func (p *Poller) hostSem(rawURL string) chan struct{} {
	host := hostOf(rawURL)
	p.mu.Lock()
	defer p.mu.Unlock()
	s, ok := p.hosts[host]
	if !ok {
		s = make(chan struct{}, p.cfg.PerHost)
		p.hosts[host] = s
	}
	return s
}

// poll fetches one feed, saves its new and changed items and records the
// outcome and the next poll time.
func (p *Poller) poll(ctx context.Context, feed newswatch.Feed) (CycleStats, error) {
	res, err := p.f.Fetch(ctx, feed)
	now := time.Now()
	if ctx.Err() != nil {
		return CycleStats{}, nil // shutting down: leave the feed as it was
	}
	if err != nil {
		return CycleStats{Failed: 1}, p.recordFailure(ctx, feed, res, err, now)
	}
	fr := newswatch.FetchResult{At: now, Status: res.Status, NotModified: res.NotModified,
		ETag: res.ETag, LastModified: res.LastModified}
	h := hints{MaxAge: res.MaxAge, RetryAfter: res.RetryAfter}
	sinceLast := time.Duration(0)
	if !feed.LastSuccessAt.IsZero() {
		sinceLast = now.Sub(feed.LastSuccessAt)
	}
	if res.NotModified {
		// Nothing new. The adaptive interval set after a successful
		// previous attempt is kept as it is: it was jittered then, and
		// jittering it again on every 304 would make it a random walk.
		// After a failure that interval is the backoff or a Retry-After,
		// not the feed's rate: start afresh.
		if feed.Interval == 0 && feed.ConsecutiveFailures == 0 && !feed.LastAttemptAt.IsZero() && feed.LastSuccessAt.Equal(feed.LastAttemptAt) {
			prev := feed.NextPollAt.Sub(feed.LastAttemptAt)
			d := min(max(prev, p.cfg.MinInterval), p.cfg.MaxInterval)
			fr.NextPollAt = now.Add(max(d, h.floor()))
		} else {
			adaptive := adaptiveInterval(nil, 0, 0, p.cfg.MinInterval, p.cfg.MaxInterval)
			fr.NextPollAt = now.Add(successInterval(feed.Interval, adaptive, h))
		}
		return CycleStats{NotModified: 1}, p.record(ctx, feed, fr)
	}
	doc := res.Document
	st := CycleStats{Fetched: 1}
	saved, err := p.ingest(ctx, feed, doc, now)
	if err != nil {
		p.log.Error("save items", "feed", feed.ID, "url", feed.URL, "err", err)
		fr.Err = "could not store the items (see the log)"
		fr.NextPollAt = now.Add(failureInterval(feed.Interval, p.cfg.MinInterval, p.cfg.MaxInterval, feed.ConsecutiveFailures+1, 0))
		fr.ETag, fr.LastModified = "", ""
		st = CycleStats{Failed: 1}
		return st, errors.Join(err, p.record(ctx, feed, fr))
	}
	st.New, st.Updated, st.Alerts = saved.New, saved.Updated, saved.Alerts
	st.Unchanged = saved.Unchanged + saved.Tombstoned
	h.TTL = doc.TTL
	pub := make([]time.Time, len(doc.Items))
	for i := range doc.Items {
		pub[i] = doc.Items[i].Published
	}
	adaptive := adaptiveInterval(pub, saved.New, sinceLast, p.cfg.MinInterval, p.cfg.MaxInterval)
	fr.NextPollAt = now.Add(successInterval(feed.Interval, adaptive, h))
	fr.Title = doc.Title
	fr.Warnings = doc.Warnings
	return st, p.record(ctx, feed, fr)
}

// ingest saves the document's items through Ingest. A feed's first poll
// does not alert, nor do items older than MaxItemAge.
func (p *Poller) ingest(ctx context.Context, feed newswatch.Feed, doc *Document, now time.Time) (newswatch.SaveResult, error) {
	first := feed.LastSuccessAt.IsZero()
	return Ingest(ctx, p.st, p.m, feed.ID, doc.Items, func(it newswatch.Item) bool {
		old := p.cfg.MaxItemAge > 0 && !it.Published.IsZero() && now.Sub(it.Published) > p.cfg.MaxItemAge
		return !first && !old
	})
}

func (p *Poller) recordFailure(ctx context.Context, feed newswatch.Feed, res *Response, err error, now time.Time) error {
	reason := err.Error()
	var fe *FetchError
	if errors.As(err, &fe) {
		reason = fe.Reason
	}
	var retry time.Duration
	if res != nil && (res.Status == 429 || res.Status == 503) {
		retry = res.RetryAfter
	}
	status := 0
	if res != nil {
		status = res.Status
	}
	attrs := []any{"feed", feed.ID, "url", feed.URL, "reason", reason}
	var refused *RefusedError
	if errors.As(err, &refused) {
		attrs = append(attrs, "addr", refused.Addr.String())
	}
	// Debug: the cycle's summary line (Run, at info) counts the failures;
	// a line per failed feed flooded the log.
	p.log.Debug("feed fetch failed", attrs...)
	gone := status == http.StatusGone
	if gone {
		reason = newswatch.GoneReason
	}
	return p.record(ctx, feed, newswatch.FetchResult{
		At:         now,
		Status:     status,
		Gone:       gone,
		Err:        reason,
		NextPollAt: now.Add(failureInterval(feed.Interval, p.cfg.MinInterval, p.cfg.MaxInterval, feed.ConsecutiveFailures+1, retry)),
	})
}

func (p *Poller) record(ctx context.Context, feed newswatch.Feed, fr newswatch.FetchResult) error {
	if _, err := p.st.RecordFetch(ctx, feed.ID, fr, p.cfg.FailAfter); err != nil {
		return fmt.Errorf("feeds: record fetch of feed %d: %w", feed.ID, err)
	}
	return nil
}

// dedupeURLs keeps the first feed of each URL.
func dedupeURLs(feeds []newswatch.Feed) []newswatch.Feed {
	seen := make(map[string]bool, len(feeds))
	out := feeds[:0]
	for _, f := range feeds {
		if !seen[f.URL] {
			seen[f.URL] = true
			out = append(out, f)
		}
	}
	return out
}

// spreadHosts orders feeds round-robin over their hosts, keeping each
// host's order, so the concurrent slots are not all waiting on one host.
func spreadHosts(feeds []newswatch.Feed) []newswatch.Feed {
	byHost := map[string][]newswatch.Feed{}
	var hosts []string
	for _, f := range feeds {
		h := hostOf(f.URL)
		if _, ok := byHost[h]; !ok {
			hosts = append(hosts, h)
		}
		byHost[h] = append(byHost[h], f)
	}
	if len(hosts) <= 1 {
		return feeds
	}
	slices.SortStableFunc(hosts, func(a, b string) int { return cmp.Compare(len(byHost[b]), len(byHost[a])) })
	out := make([]newswatch.Feed, 0, len(feeds))
	for i := 0; len(out) < len(feeds); i++ {
		for _, h := range hosts {
			if i < len(byHost[h]) {
				out = append(out, byHost[h][i])
			}
		}
	}
	return out
}

func hostOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL
	}
	return strings.ToLower(u.Hostname())
}
