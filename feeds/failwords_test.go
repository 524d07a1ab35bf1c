package feeds_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/feeds"
)

// Every failure class is worded plainly, and recognised by type.
func TestFetchFailureWords(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	mux := http.NewServeMux()
	mux.HandleFunc("/silent", func(w http.ResponseWriter, r *http.Request) {
		// Hijacked, so that no status line is ever written, not even when
		// the handler ends after the client gave up.
		c, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer c.Close()
		<-release
	})
	mux.HandleFunc("/cut", func(w http.ResponseWriter, r *http.Request) {
		c, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer c.Close()
		body := `<rss version="2.0"><channel><title>t</title>` + strings.Repeat("<item><title>x</title></item>", 200)
		buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 100000\r\n\r\n")
		buf.WriteString(body)
		buf.Flush()
	})
	srv := serve(t, mux.ServeHTTP)
	cfg := testConfig()
	cfg.Timeout = time.Second
	f := newFetcher(t, cfg)

	t.Run("no answer before the headers", func(t *testing.T) {
		_, err := f.Fetch(context.Background(), newswatch.Feed{URL: srv.URL + "/silent"})
		if got, want := reasonOf(t, err), "the server did not answer within 1s"; got != want {
			t.Errorf("reason %q, want %q", got, want)
		}
		if !errors.Is(err, feeds.ErrTimeout) {
			t.Errorf("%v is not ErrTimeout", err)
		}
	})
	t.Run("cut after a 200", func(t *testing.T) {
		res, err := f.Fetch(context.Background(), newswatch.Feed{URL: srv.URL + "/cut"})
		if got, want := reasonOf(t, err), "the connection was cut after 5 KiB of the body"; got != want {
			t.Errorf("reason %q, want %q", got, want)
		}
		if res.Status != 200 {
			t.Errorf("status %d", res.Status)
		}
	})
	t.Run("TLS unknown authority", func(t *testing.T) {
		tlsSrv := httptest.NewTLSServer(http.NotFoundHandler())
		defer tlsSrv.Close()
		// A handshake can take over 1s under -race on a busy machine.
		cfg := testConfig()
		cfg.Timeout = time.Minute
		f := newFetcher(t, cfg)
		_, err := f.Fetch(context.Background(), newswatch.Feed{URL: tlsSrv.URL + "/"})
		if got, want := reasonOf(t, err), "TLS certificate signed by an unknown authority"; got != want {
			t.Errorf("reason %q, want %q", got, want)
		}
	})
	t.Run("check words the timeout", func(t *testing.T) {
		_, err := f.Check(context.Background(), srv.URL+"/silent")
		host := strings.TrimPrefix(srv.URL, "http://")
		if got, want := newswatch.ErrorMessage(err), host+" did not answer within 1s."; got != want {
			t.Errorf("message %q, want %q", got, want)
		}
	})
	t.Run("check words a cut body", func(t *testing.T) {
		_, err := f.Check(context.Background(), srv.URL+"/cut")
		host := strings.TrimPrefix(srv.URL, "http://")
		if got, want := newswatch.ErrorMessage(err), "Could not fetch a feed from "+host+": the connection was cut after 5 KiB of the body."; got != want {
			t.Errorf("message %q, want %q", got, want)
		}
	})
}
