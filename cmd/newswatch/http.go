package main

import (
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// httpHandler serves /healthz (liveness: the process serves requests),
// /readyz (readiness: see readiness.check; 503 with the reasons when not
// ready) and /metrics (Prometheus text format, read from memory: the
// database gauges are refreshed on a timer, not per scrape).
func httpHandler(m *metrics, ready *readiness) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if bad := ready.check(r.Context()); len(bad) > 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(strings.Join(bad, "\n") + "\n"))
			return
		}
		w.Write([]byte("ready\n"))
	})
	return mux
}
