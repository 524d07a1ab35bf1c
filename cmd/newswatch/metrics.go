package main

import (
	"context"
	"log/slog"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/bot"
	"github.com/newswatch/newswatch/feeds"
	"github.com/newswatch/newswatch/store"
)

// metrics are the daemon's Prometheus metrics: counters moved by what the
// daemon does (polls, saves, deliveries), gauges of the database refreshed
// on a timer (a scrape never queries the store), and the Go and process
// collectors. Names follow Prometheus conventions: _total counters,
// _seconds durations in base units, labels with a few fixed values.
type metrics struct {
	reg *prometheus.Registry

	fetches        *prometheus.CounterVec // result: ok, not_modified, failed
	cycles         *prometheus.CounterVec // result: ok, error
	cycleSeconds   prometheus.Histogram
	lastCycle      prometheus.Gauge
	items          *prometheus.CounterVec // change: new, updated
	mentions       prometheus.Counter
	alertsQueued   prometheus.Counter
	alertsSent     prometheus.Counter
	alertsDeferred prometheus.Counter
	alertsFailed   *prometheus.CounterVec // reason: bot.AlertFailReasons

	// Discord mode only (registered by watchDiscord); labels from the
	// bot's fixed sets, see bot.Observer.
	discordResponses   *prometheus.CounterVec   // route, class
	discordSeconds     *prometheus.HistogramVec // route
	rateLimitWait      *prometheus.HistogramVec // scope
	interactionSeconds *prometheus.HistogramVec // command, outcome

	storeUp       prometheus.Gauge
	storeGauges   *prometheus.GaugeVec // what: items, feeds, failing_feeds, watches, mentions, routes
	alertsPending prometheus.Gauge
	oldestPending prometheus.Gauge
	storeRefresh  prometheus.Gauge
}

// The metrics implement the bot's Observer.
var _ bot.Observer = (*metrics)(nil)

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.fetches = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "newswatch_feed_fetches_total",
		Help: "Feed fetches by result: ok (a document), not_modified (304), failed."}, []string{"result"})
	m.cycles = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "newswatch_poll_cycles_total",
		Help: "Poll cycles by result: ok, or error when the store failed."}, []string{"result"})
	m.cycleSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "newswatch_poll_cycle_duration_seconds",
		Help:    "Duration of poll cycles that polled at least one feed.",
		Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300}})
	m.lastCycle = prometheus.NewGauge(prometheus.GaugeOpts{Name: "newswatch_poll_last_cycle_timestamp_seconds",
		Help: "Unix time the last poll cycle ended."})
	m.items = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "newswatch_items_stored_total",
		Help: "Items stored (feeds and seeds) by change: new, updated."}, []string{"change"})
	m.mentions = prometheus.NewCounter(prometheus.CounterOpts{Name: "newswatch_mentions_found_total",
		Help: "Mentions of watched names found in stored new or changed items."})
	m.alertsQueued = prometheus.NewCounter(prometheus.CounterOpts{Name: "newswatch_alerts_queued_total",
		Help: "Alerts written to the outbox."})
	m.alertsSent = prometheus.NewCounter(prometheus.CounterOpts{Name: "newswatch_alerts_sent_total",
		Help: "Alerts delivered (Discord or console)."})
	m.alertsDeferred = prometheus.NewCounter(prometheus.CounterOpts{Name: "newswatch_alerts_deferred_total",
		Help: "Alerts put back for a later attempt (rate limit, Discord unreachable, an earlier alert of the channel waiting)."})
	m.alertsFailed = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "newswatch_alerts_failed_total",
		Help: "Alerts of messages Discord refused (each refusal counts), by reason: route_disabled (403/404, the route is disabled), refused_plain_fallback (400 also for the plain version), too_large (413 also for the plain version), other."}, []string{"reason"})
	m.discordResponses = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "newswatch_discord_http_responses_total",
		Help: "Discord REST responses by route group and status class (2xx, 3xx, 4xx, 5xx; error when no response arrived)."}, []string{"route", "class"})
	m.discordSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "newswatch_discord_http_request_duration_seconds",
		Help:    "Time from sending a Discord REST request to its response headers (or the failure), by route group.",
		Buckets: []float64{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}}, []string{"route"})
	m.rateLimitWait = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "newswatch_discord_rate_limit_wait_seconds",
		Help:    "Waits for Discord rate limits by scope: route and global (a 429 waited before the retry), bucket (an empty bucket waited before the request), invalid_budget (slowed down near the invalid request limit), deferred (deliveries held back after a 429).",
		Buckets: []float64{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600}}, []string{"scope"})
	m.interactionSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "newswatch_discord_interaction_duration_seconds",
		Help:    "Time from receiving an interaction to having sent its answer, by command and outcome (ok, user_error, denied, error).",
		Buckets: []float64{0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30}}, []string{"command", "outcome"})
	m.storeUp = prometheus.NewGauge(prometheus.GaugeOpts{Name: "newswatch_store_up",
		Help: "1 when the last refresh of the database gauges succeeded."})
	m.storeGauges = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "newswatch_store_rows",
		Help: "Rows in the database at the last refresh, by what: items, feeds, failing_feeds, watches, mentions, routes."}, []string{"what"})
	m.alertsPending = prometheus.NewGauge(prometheus.GaugeOpts{Name: "newswatch_alerts_pending",
		Help: "Alerts waiting in the outbox at the last refresh."})
	m.oldestPending = prometheus.NewGauge(prometheus.GaugeOpts{Name: "newswatch_alerts_oldest_pending_age_seconds",
		Help: "Age of the oldest alert waiting in the outbox at the last refresh; 0 when none waits."})
	m.storeRefresh = prometheus.NewGauge(prometheus.GaugeOpts{Name: "newswatch_store_refresh_timestamp_seconds",
		Help: "Unix time of the last successful refresh of the database gauges."})
	for _, r := range []string{"ok", "not_modified", "failed"} {
		m.fetches.WithLabelValues(r)
	}
	for _, r := range []string{"ok", "error"} {
		m.cycles.WithLabelValues(r)
	}
	for _, c := range []string{"new", "updated"} {
		m.items.WithLabelValues(c)
	}
	for _, r := range bot.AlertFailReasons {
		m.alertsFailed.WithLabelValues(r)
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.fetches, m.cycles, m.cycleSeconds, m.lastCycle, m.items, m.mentions,
		m.alertsQueued, m.alertsSent, m.alertsDeferred, m.alertsFailed,
		m.storeUp, m.storeGauges, m.alertsPending, m.oldestPending, m.storeRefresh,
	)
	return m
}

// watchDiscord registers the Discord metrics: the traffic the bot reports
// as its Observer, and the gateway's state, read at each scrape from state
// (Bot.GatewayState: every shard connected, reconnects so far).
func (m *metrics) watchDiscord(state func() (bool, int64)) {
	for _, s := range bot.RateLimitScopes {
		m.rateLimitWait.WithLabelValues(s)
	}
	m.reg.MustRegister(m.discordResponses, m.discordSeconds, m.rateLimitWait, m.interactionSeconds)
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "newswatch_discord_gateway_connected",
			Help: "1 while every gateway shard is connected."}, func() float64 {
			if up, _ := state(); up {
				return 1
			}
			return 0
		}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "newswatch_discord_gateway_reconnects_total",
			Help: "Gateway reconnections (resumes and new sessions) since start."}, func() float64 {
			_, n := state()
			return float64(n)
		}),
	)
}

// cycle records one poll cycle.
func (m *metrics) cycle(st feeds.CycleStats, err error) {
	m.fetches.WithLabelValues("ok").Add(float64(st.Fetched))
	m.fetches.WithLabelValues("not_modified").Add(float64(st.NotModified))
	m.fetches.WithLabelValues("failed").Add(float64(st.Failed))
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.cycles.WithLabelValues(result).Inc()
	if st.Feeds > 0 {
		m.cycleSeconds.Observe(st.Duration.Seconds())
	}
	m.lastCycle.SetToCurrentTime()
}

// saved records one save of items (feeds or seeds).
func (m *metrics) saved(res newswatch.SaveResult, items []newswatch.IngestItem) {
	m.items.WithLabelValues("new").Add(float64(res.New))
	m.items.WithLabelValues("updated").Add(float64(res.Updated))
	m.alertsQueued.Add(float64(res.Alerts))
	n := 0
	for i := range items {
		n += len(items[i].Mentions)
	}
	m.mentions.Add(float64(n))
}

// AlertFailed counts the alerts of a message Discord refused; a reason
// outside bot.AlertFailReasons counts as "other".
func (m *metrics) AlertFailed(reason string, alerts int) {
	m.alertsFailed.WithLabelValues(oneOf(reason, bot.AlertFailReasons)).Add(float64(alerts))
}

// HTTPResponse counts a Discord REST response and its duration.
func (m *metrics) HTTPResponse(route string, status int, d time.Duration) {
	route = oneOf(route, bot.RouteGroups)
	class := "error"
	if status >= 200 && status < 600 {
		class = strconv.Itoa(status/100) + "xx"
	}
	m.discordResponses.WithLabelValues(route, class).Inc()
	m.discordSeconds.WithLabelValues(route).Observe(d.Seconds())
}

// RateLimitWait records a wait for a Discord rate limit.
func (m *metrics) RateLimitWait(scope string, d time.Duration) {
	m.rateLimitWait.WithLabelValues(oneOf(scope, bot.RateLimitScopes)).Observe(d.Seconds())
}

// Interaction records the latency of an answered interaction. The bot
// names only its own commands (bot.Observer), so the label stays bounded.
func (m *metrics) Interaction(command string, d time.Duration, outcome string) {
	m.interactionSeconds.WithLabelValues(command, oneOf(outcome, bot.InteractionOutcomes)).Observe(d.Seconds())
}

// oneOf returns v when it is one of set, else "other": labels stay bounded.
func oneOf(v string, set []string) string {
	if slices.Contains(set, v) {
		return v
	}
	return "other"
}

// storeReader is what the gauge refresher reads.
type storeReader interface {
	Stats(ctx context.Context, guildID string) (newswatch.Stats, error)
	OldestPendingAlert(ctx context.Context) (time.Time, error)
}

// refresh reads the database gauges once.
func (m *metrics) refresh(ctx context.Context, db storeReader) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	st, err := db.Stats(ctx, newswatch.GlobalScope)
	if err != nil {
		m.storeUp.Set(0)
		return err
	}
	oldest, err := db.OldestPendingAlert(ctx)
	if err != nil {
		m.storeUp.Set(0)
		return err
	}
	for what, v := range map[string]int{"items": st.Items, "feeds": st.Feeds, "failing_feeds": st.FailingFeeds,
		"watches": st.Watches, "mentions": st.Mentions, "routes": st.Routes} {
		m.storeGauges.WithLabelValues(what).Set(float64(v))
	}
	m.alertsPending.Set(float64(st.PendingAlerts))
	age := 0.0
	if !oldest.IsZero() {
		age = max(time.Since(oldest).Seconds(), 0)
	}
	m.oldestPending.Set(age)
	m.storeUp.Set(1)
	m.storeRefresh.SetToCurrentTime()
	return nil
}

// runRefresh refreshes the database gauges every interval until ctx ends.
func (m *metrics) runRefresh(ctx context.Context, db storeReader, every time.Duration, log *slog.Logger) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := m.refresh(ctx, db); err != nil && ctx.Err() == nil {
			log.Warn("refresh database metrics", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// readiness decides /readyz: the database takes a write transaction, the
// poller made progress recently and, when Discord is on, the gateway is
// connected.
type readiness struct {
	db       interface{ CheckWritable(context.Context) error }
	progress atomic.Int64 // unix nanoseconds of the poller's last progress
	window   time.Duration
	gateway  func() bool // nil: no Discord, or not known yet
}

// progressed records that the poller (or the seeds ingest) moved on.
func (r *readiness) progressed() { r.progress.Store(time.Now().UnixNano()) }

// check returns the reasons the daemon is not ready; none when it is.
func (r *readiness) check(ctx context.Context) []string {
	var bad []string
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := r.db.CheckWritable(ctx); err != nil {
		bad = append(bad, "database not writable: "+err.Error())
	}
	if last := time.Unix(0, r.progress.Load()); time.Since(last) > r.window {
		bad = append(bad, "poller: no progress for "+time.Since(last).Round(time.Second).String()+
			" (limit "+r.window.String()+")")
	}
	if r.gateway != nil && !r.gateway() {
		bad = append(bad, "discord gateway not connected")
	}
	return bad
}

// deliveryStore is the store as the alert deliverers (the bot, the console)
// see it: it counts the deliveries as they are recorded, so the counters
// need nothing from the deliverers themselves.
type deliveryStore struct {
	*store.DB
	m *metrics
}

// MarkAlertSent records a delivered alert and counts it.
func (s deliveryStore) MarkAlertSent(ctx context.Context, id int64, messageID string, at time.Time) error {
	err := s.DB.MarkAlertSent(ctx, id, messageID, at)
	if err == nil {
		s.m.alertsSent.Inc()
	}
	return err
}

// MarkAlertMessageSent records a message Discord confirmed and counts the
// alerts it carried.
func (s deliveryStore) MarkAlertMessageSent(ctx context.Context, id int64, discordID string, at time.Time) error {
	err := s.DB.MarkAlertMessageSent(ctx, id, discordID, at)
	if err == nil {
		if n, cerr := s.DB.MessageAlertCount(ctx, id); cerr == nil {
			s.m.alertsSent.Add(float64(n))
		}
	}
	return err
}

// AlertMessageFailed records a failed attempt to post a message; its alerts
// wait for the next attempt and are counted as deferred.
func (s deliveryStore) AlertMessageFailed(ctx context.Context, id int64, reason string) error {
	err := s.DB.AlertMessageFailed(ctx, id, reason)
	if err == nil {
		if n, cerr := s.DB.MessageAlertCount(ctx, id); cerr == nil {
			s.m.alertsDeferred.Add(float64(n))
		}
	}
	return err
}
