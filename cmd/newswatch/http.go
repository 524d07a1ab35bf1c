package main

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/newswatch/newswatch"
)

// statsSource is what the HTTP endpoints read from the store.
type statsSource interface {
	Stats(ctx context.Context, guildID string) (newswatch.Stats, error)
	WatchesVersion(ctx context.Context) (int64, error)
}

// httpHandler serves /healthz (200 when the database answers a cheap query)
// and /metrics (Prometheus text format; the store's counts are read once per
// scrape).
func httpHandler(db statsSource) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&statsCollector{db: db},
	)
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		if _, err := db.WatchesVersion(ctx); err != nil {
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	return mux
}

// statsCollector exports the store's counts, read once per scrape.
type statsCollector struct{ db statsSource }

var statDescs = map[string]*prometheus.Desc{
	"items":          prometheus.NewDesc("newswatch_items", "Items stored.", nil, nil),
	"feeds":          prometheus.NewDesc("newswatch_feeds", "Feeds stored (the seeds source included).", nil, nil),
	"failing_feeds":  prometheus.NewDesc("newswatch_failing_feeds", "Feeds marked failing.", nil, nil),
	"watches":        prometheus.NewDesc("newswatch_watches", "Watches in every scope.", nil, nil),
	"mentions":       prometheus.NewDesc("newswatch_mentions", "Mentions stored.", nil, nil),
	"pending_alerts": prometheus.NewDesc("newswatch_alerts_pending", "Alerts waiting in the outbox.", nil, nil),
	"sent_alerts":    prometheus.NewDesc("newswatch_alerts_sent", "Alerts delivered.", nil, nil),
	"up":             prometheus.NewDesc("newswatch_store_up", "1 when the database answered the scrape.", nil, nil),
}

// Describe implements prometheus.Collector.
func (c *statsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range statDescs {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *statsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := c.db.Stats(ctx, newswatch.GlobalScope)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(statDescs["up"], prometheus.GaugeValue, 0)
		return
	}
	gauge := func(name string, v int) {
		ch <- prometheus.MustNewConstMetric(statDescs[name], prometheus.GaugeValue, float64(v))
	}
	gauge("up", 1)
	gauge("items", st.Items)
	gauge("feeds", st.Feeds)
	gauge("failing_feeds", st.FailingFeeds)
	gauge("watches", st.Watches)
	gauge("mentions", st.Mentions)
	gauge("pending_alerts", st.PendingAlerts)
	gauge("sent_alerts", st.SentAlerts)
}
