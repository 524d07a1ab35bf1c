package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/chart"
	"github.com/newswatch/newswatch/digest"
	"github.com/newswatch/newswatch/signals"
	"github.com/newswatch/newswatch/store"
)

// signalsStore is what the signals ticker needs from the store.
type signalsStore interface {
	Routes(ctx context.Context, guildID string) ([]newswatch.Route, error)
	Watches(ctx context.Context, guildID string) ([]newswatch.Watch, error)
	SpikeBuckets(ctx context.Context, guildID string, since, until time.Time) ([]newswatch.BucketCount, error)
	GuildsWithOwnScope(ctx context.Context) (map[string]bool, error)
	MentionBuckets(ctx context.Context, guildID string, names []string, bucket time.Duration, since, until time.Time) ([]newswatch.BucketCount, error)
	TopStories(ctx context.Context, guildID string, watchIDs []int64, since, until time.Time, limit int) ([]newswatch.Story, error)
	SpikeMuted(ctx context.Context, guildID string, watchID int64, now time.Time) (bool, error)
	RecordSpike(ctx context.Context, s store.SpikeEpisode, quiet time.Duration, msgs []newswatch.AlertMessage, now time.Time) (bool, error)
	DigestClaimed(ctx context.Context, routeID int64, day time.Time) (bool, error)
	ClaimDigest(ctx context.Context, routeID int64, day time.Time, msg *newswatch.AlertMessage, now time.Time) (bool, error)
}

var _ signalsStore = (*store.DB)(nil)

// Digest content bounds.
const (
	spikeStories  = 3  // top stories named by a spike alert
	digestStories = 5  // top stories of a digest
	digestSeries  = 5  // watches drawn in a digest's chart
	digestDays    = 14 // days a digest's chart covers
)

// signalsTicker finds spikes and posts daily digests, every interval.
//
// Spikes: for each scope (each guild with an enabled spikes route; in
// console mode the one scope of every item) it counts each visible
// watch's stories per hour over the last 7 days and the hour so far
// (store.SpikeBuckets) and applies rule (signals: count ≥ max(5, 4 ×
// baseline) and Poisson p < 0.001, the baseline knowing the hour of day).
// An hour over the threshold is recorded in the store
// (store.RecordSpike), which keeps the episodes: only a new episode's
// alert messages are stored, in the same transaction, for the bot's
// deliverer to post through the outbox, so each episode is announced
// once per route across restarts.
//
// Digests: a route with a digest gets, once its digest hour (UTC) has come
// on day T, the digest of day T−1 (the last whole UTC day), claimed with
// its message in one transaction (store.ClaimDigest): once per route and
// day across restarts. A daemon that was down at the hour posts it later
// that day; one down all day skips it.
type signalsTicker struct {
	db       signalsStore
	rule     signals.Rule
	interval time.Duration
	now      func() time.Time
	log      *slog.Logger
	// spikePayload and digestPayload render the Discord bodies (package
	// bot); nil in console mode, where out gets plain text instead.
	spikePayload  func(newswatch.Route, newswatch.SpikeAlert) ([]byte, error)
	digestPayload func(newswatch.Route, digest.Digest) ([]byte, error)
	out           io.Writer
	notify        func() // messages were stored (the bot's Notify)
	// translate gives the words of a digest in a route's language
	// (bot.Translator of Route.Locale); nil in console mode, which stays
	// English.
	translate func(locale string) func(id string, args ...any) string

	// history caches, per scope, the hourly counts of the hours before
	// the last two (see scopeCounts); only Run's goroutine uses it.
	history map[string]scopeHistory
	// tickCounts holds, during one spikes pass, the counts read for each
	// key, so the guilds that share publicScope share one read.
	tickCounts map[string][]newswatch.BucketCount
	// judged is the hour the last tick judged. The first tick of an hour
	// (and the first tick after a start) also judges the hour before on
	// its final count: items stored after that hour's last tick would
	// otherwise never be judged with it.
	judged time.Time
}

// scopeHistory is the counts of a scope's baseline hours but the last,
// read during the hour starting at hour.
type scopeHistory struct {
	hour   time.Time
	counts []newswatch.BucketCount
}

// console reports whether the ticker prints instead of posting.
func (t *signalsTicker) console() bool { return t.spikePayload == nil }

// Run ticks until ctx ends: at once, then every interval.
func (t *signalsTicker) Run(ctx context.Context) error {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
		t.tick(ctx)
		timer.Reset(t.interval)
	}
}

// tick runs one pass of both jobs. Failures are logged: the next tick
// tries again.
func (t *signalsTicker) tick(ctx context.Context) {
	defer func() {
		if r := recover(); r != nil {
			t.log.Error("signals pass panicked", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		}
	}()
	now := t.now().UTC()
	stored := false
	prev := !now.Truncate(time.Hour).Equal(t.judged)
	n, err := t.spikes(ctx, now, prev)
	if err == nil {
		t.judged = now.Truncate(time.Hour)
	}
	if err != nil && ctx.Err() == nil {
		t.log.Error("spike detection", "err", err)
	} else if n > 0 {
		stored = true
	}
	if n, err := t.digests(ctx, now); err != nil && ctx.Err() == nil {
		t.log.Error("daily digests", "err", err)
	} else if n > 0 {
		stored = true
	}
	if stored && t.notify != nil {
		t.notify()
	}
}

// spikes finds the spikes of the hour holding now (and, with prev, of the
// hour before it, on its final count) and records them, returning how many
// new episodes it stored messages for (or printed).
func (t *signalsTicker) spikes(ctx context.Context, now time.Time, prev bool) (int, error) {
	routes, err := t.db.Routes(ctx, "")
	if err != nil {
		return 0, err
	}
	scopes := map[string][]newswatch.Route{}
	if t.console() {
		scopes[newswatch.GlobalScope] = nil
	} else {
		for _, r := range routes {
			if r.Spikes && !r.Disabled && r.ChannelID != newswatch.ConsoleChannel {
				scopes[r.GuildID] = append(scopes[r.GuildID], r)
			}
		}
	}
	guilds := make([]string, 0, len(scopes))
	for g := range scopes {
		guilds = append(guilds, g)
	}
	slices.Sort(guilds)
	own := map[string]bool{}
	if !t.console() {
		if own, err = t.db.GuildsWithOwnScope(ctx); err != nil {
			return 0, err
		}
	}
	old := t.history
	t.history = make(map[string]scopeHistory, len(guilds))
	for _, g := range guilds {
		if h, ok := old[countsKey(g, own)]; ok {
			t.history[countsKey(g, own)] = h
		}
	}
	t.tickCounts = map[string][]newswatch.BucketCount{}
	defer func() { t.tickCounts = nil }()
	n := 0
	for _, g := range guilds {
		k, err := t.scopeSpikes(ctx, g, countsKey(g, own), scopes[g], now, prev)
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// publicScope is the counts key of the guilds with no feed and no watch of
// their own: they all see the global feeds and watches alone, so one read
// of the window serves every one of them (SpikeBuckets of a guild id that
// has nothing of its own; Discord's guild ids are numbers).
const publicScope = "*"

// countsKey is the key of guild's hourly counts: publicScope for a guild
// not in own (GuildsWithOwnScope), else the guild.
func countsKey(guild string, own map[string]bool) string {
	if guild == newswatch.GlobalScope || own[guild] {
		return guild
	}
	return publicScope
}

// scopeSpikes handles the spikes of one guild's scope, whose hourly counts
// are those of key (countsKey).
func (t *signalsTicker) scopeSpikes(ctx context.Context, guild, key string, routes []newswatch.Route, now time.Time, prev bool) (int, error) {
	counts, ok := t.tickCounts[key]
	if !ok {
		var err error
		if counts, err = t.scopeCounts(ctx, key, now); err != nil {
			return 0, err
		}
		if t.tickCounts != nil {
			t.tickCounts[key] = counts
		}
	}
	over := t.rule.Over(counts, now)
	if prev {
		// The hour before, judged as at its last instant; a spike that
		// went on into this hour is the same episode (RecordSpike).
		over = append(t.rule.Over(counts, now.Truncate(time.Hour).Add(-time.Nanosecond)), over...)
	}
	if len(over) == 0 {
		return 0, nil
	}
	ws, err := t.db.Watches(ctx, guild)
	if err != nil {
		return 0, err
	}
	kinds := map[int64]newswatch.Kind{}
	for _, w := range ws {
		kinds[w.ID] = w.Kind
	}
	n := 0
	for _, sp := range over {
		stories, err := t.db.TopStories(ctx, guild, []int64{sp.WatchID}, sp.Hour, sp.Hour.Add(time.Hour), spikeStories)
		if err != nil {
			return n, err
		}
		alert := newswatch.SpikeAlert{WatchID: sp.WatchID, Entity: sp.Entity, Kind: kinds[sp.WatchID], Hour: sp.Hour,
			Count: sp.Count, Baseline: sp.Baseline, P: sp.P, Stories: stories}
		muted := false
		if len(routes) > 0 {
			if muted, err = t.db.SpikeMuted(ctx, guild, sp.WatchID, now); err != nil {
				return n, err
			}
		}
		var msgs []newswatch.AlertMessage
		for _, r := range routes {
			if muted {
				break
			}
			if !routeWantsWatch(r, alert.Entity, alert.Kind) {
				continue
			}
			payload, err := t.spikePayload(r, alert)
			if err != nil {
				return n, err
			}
			msgs = append(msgs, newswatch.AlertMessage{Route: r, Payload: payload})
		}
		quiet := time.Duration(cmp.Or(t.rule.QuietHours, signals.DefaultQuietHours)) * time.Hour
		fresh, err := t.db.RecordSpike(ctx, store.SpikeEpisode{GuildID: guild, WatchID: sp.WatchID, Hour: sp.Hour, Count: sp.Count},
			quiet, msgs, now)
		if err != nil {
			return n, err
		}
		if !fresh {
			continue
		}
		t.log.Info("spike", "guild", guild, "watch", sp.Entity, "count", sp.Count, "baseline", sp.Baseline, "routes", len(msgs))
		if t.console() {
			t.print(formatConsoleSpike(alert))
		}
		if t.console() || len(msgs) > 0 {
			n++
		}
	}
	return n, nil
}

// scopeCounts returns the hourly counts of a scope (a countsKey) over
// signals.Window(now). The window's 7 days are read once an hour; the
// other ticks of the hour read only the current and the previous hour
// (an item published a little earlier than it is fetched lands in the
// previous hour) and reuse the older hours, a read of about 1/80 of the
// window (BenchmarkSpikeBuckets: a whole window is about a second for
// 50,000 items a week on a loaded 2-core machine).
func (t *signalsTicker) scopeCounts(ctx context.Context, key string, now time.Time) ([]newswatch.BucketCount, error) {
	since, until := signals.Window(now)
	hour := until.Add(-time.Hour)
	recent := hour.Add(-time.Hour)
	if h, ok := t.history[key]; ok && h.hour.Equal(hour) {
		fresh, err := t.db.SpikeBuckets(ctx, key, recent, until)
		if err != nil {
			return nil, err
		}
		return append(slices.Clip(h.counts), fresh...), nil
	}
	all, err := t.db.SpikeBuckets(ctx, key, since, until)
	if err != nil {
		return nil, err
	}
	var older []newswatch.BucketCount
	for _, c := range all {
		if c.Start.Before(recent) {
			older = append(older, c)
		}
	}
	if t.history == nil {
		t.history = map[string]scopeHistory{}
	}
	t.history[key] = scopeHistory{hour: hour, counts: older}
	return all, nil
}

// routeWantsWatch reports whether route r follows watch name of kind: its
// kind, and its watches when it names some.
func routeWantsWatch(r newswatch.Route, name string, kind newswatch.Kind) bool {
	if r.Kind != "" && r.Kind != kind {
		return false
	}
	if len(r.Watches) == 0 {
		return true
	}
	for _, w := range r.Watches {
		if strings.EqualFold(w, name) {
			return true
		}
	}
	return false
}

// digests posts the digests that are due at now, returning how many.
func (t *signalsTicker) digests(ctx context.Context, now time.Time) (int, error) {
	routes, err := t.db.Routes(ctx, "")
	if err != nil {
		return 0, err
	}
	day := now.Truncate(24 * time.Hour).Add(-24 * time.Hour)
	n := 0
	for _, r := range routes {
		console := r.GuildID == newswatch.GlobalScope && r.ChannelID == newswatch.ConsoleChannel
		if !r.Digest || r.Disabled || console != t.console() || now.Hour() < r.DigestHour {
			continue
		}
		done, err := t.db.DigestClaimed(ctx, r.ID, day)
		if err != nil || done {
			if err != nil {
				return n, err
			}
			continue
		}
		d, err := t.buildDigest(ctx, r, day)
		if err != nil {
			return n, err
		}
		var msg *newswatch.AlertMessage
		if !console {
			payload, err := t.digestPayload(r, d)
			if err != nil {
				return n, err
			}
			msg = &newswatch.AlertMessage{Route: r, Payload: payload}
		}
		claimed, err := t.db.ClaimDigest(ctx, r.ID, day, msg, now)
		if err != nil {
			return n, err
		}
		if claimed {
			n++
			t.log.Info("daily digest", "route", r.ID, "channel", r.ChannelID, "day", day.Format("2006-01-02"))
			if console {
				t.print(formatConsoleDigest(d))
			}
		}
	}
	return n, nil
}

// buildDigest gathers the digest of day for route r from the store: the
// route's watches (all the guild sees when it names none, of its kind),
// their counts that day and seven days before, the top stories, and a
// chart of the top watches over the last two weeks.
func (t *signalsTicker) buildDigest(ctx context.Context, r newswatch.Route, day time.Time) (digest.Digest, error) {
	guild := r.GuildID
	ws, err := t.db.Watches(ctx, guild)
	if err != nil {
		return digest.Digest{}, err
	}
	var ids []int64
	wanted := map[string]bool{}
	for _, w := range ws {
		if routeWantsWatch(r, w.Name, w.Kind) {
			ids = append(ids, w.ID)
			wanted[w.Name] = true
		}
	}
	in := digest.Input{Day: day, Counts: map[string]int{}, LastWeek: map[string]int{}}
	if t.translate != nil && !t.console() {
		in.Text = t.translate(r.Locale)
	}
	if len(ids) == 0 {
		return digest.Build(in)
	}
	week := 7 * 24 * time.Hour
	counts, err := t.db.MentionBuckets(ctx, guild, nil, 24*time.Hour, day.Add(-week), day.Add(24*time.Hour))
	if err != nil {
		return digest.Digest{}, err
	}
	for _, c := range counts {
		switch {
		case !wanted[c.Entity]:
		case c.Start.Equal(day):
			in.Counts[c.Entity] += c.Count
		case c.Start.Equal(day.Add(-week)):
			in.LastWeek[c.Entity] += c.Count
		}
	}
	stories, err := t.db.TopStories(ctx, guild, ids, day, day.Add(24*time.Hour), digestStories)
	if err != nil {
		return digest.Digest{}, err
	}
	for _, s := range stories {
		ds := digest.Story{Title: s.Title, Sources: s.SourceCount, FirstSeen: s.FirstSeen}
		if len(s.Items) > 0 {
			ds.URL = s.Items[0].Link
		}
		in.Stories = append(in.Stories, ds)
	}
	top := make([]string, 0, len(in.Counts))
	for name := range in.Counts {
		top = append(top, name)
	}
	slices.SortFunc(top, func(a, b string) int { return cmp.Or(cmp.Compare(in.Counts[b], in.Counts[a]), cmp.Compare(a, b)) })
	top = top[:min(len(top), digestSeries)]
	if len(top) > 0 {
		from, to := day.Add(-(digestDays-1)*24*time.Hour), day.Add(24*time.Hour)
		series, err := t.db.MentionBuckets(ctx, guild, top, 24*time.Hour, from, to)
		if err != nil {
			return digest.Digest{}, err
		}
		in.Trend = chart.Fill(series, top, 24*time.Hour, from, to)
	}
	return digest.Build(in)
}

func (t *signalsTicker) print(s string) {
	if _, err := io.WriteString(t.out, s); err != nil {
		t.log.Error("console: write", "err", err)
	}
}

// formatConsoleSpike is a spike alert as the console prints it.
func formatConsoleSpike(s newswatch.SpikeAlert) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[%s] SPIKE %s: %d stories in the hour from %s UTC, usually %.1f (p = %.1e)\n",
		s.Hour.UTC().Format("2006-01-02 15:04"), s.Entity, s.Count, s.Hour.UTC().Format("15:04"), s.Baseline, s.P)
	for _, st := range s.Stories {
		link := ""
		if len(st.Items) > 0 {
			link = " " + st.Items[0].Link
		}
		src := "sources"
		if st.SourceCount == 1 {
			src = "source"
		}
		fmt.Fprintf(&b, "  - %s (%d %s)%s\n", oneLine(st.Title), st.SourceCount, src, link)
	}
	return b.String()
}

// formatConsoleDigest is a digest as the console prints it: the text, no
// chart.
func formatConsoleDigest(d digest.Digest) string {
	var b strings.Builder
	fmt.Fprintf(&b, "== %s ==\n%s\n", d.Title, d.Description)
	for _, f := range d.Fields {
		fmt.Fprintf(&b, "%s:\n%s\n", f.Name, f.Value)
	}
	return b.String()
}

// lockedWriter serialises the console's writers (alerts, spikes, digests)
// so that their lines do not interleave.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// newSignalsTicker is the ticker of the [signals] config, in console mode
// (printing to out, through a lockedWriter the console deliverer shares);
// run sets the Discord renderers in bot mode.
func (a *app) newSignalsTicker(out io.Writer) *signalsTicker {
	return &signalsTicker{db: a.db, interval: cmp.Or(time.Duration(a.cfg.Signals.Interval), 5*time.Minute), now: time.Now, log: a.log,
		out: &lockedWriter{w: out}}
}
