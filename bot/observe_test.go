package bot_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newswatch/newswatch/bot"
	"github.com/newswatch/newswatch/bot/discordtest"
)

// observed is one call of a recordingObserver.
type observed struct {
	kind   string // http, wait, interaction, failed
	label  string // route, scope, command, reason
	status int    // http
	d      time.Duration
	value  string // outcome
	n      int    // alerts
}

// recordingObserver records every call and signals each one.
type recordingObserver struct {
	mu      sync.Mutex
	calls   []observed
	changed chan struct{}
}

func newRecordingObserver() *recordingObserver {
	return &recordingObserver{changed: make(chan struct{}, 1)}
}

func (o *recordingObserver) add(c observed) {
	o.mu.Lock()
	o.calls = append(o.calls, c)
	o.mu.Unlock()
	select {
	case o.changed <- struct{}{}:
	default:
	}
}

func (o *recordingObserver) HTTPResponse(route string, status int, d time.Duration) {
	o.add(observed{kind: "http", label: route, status: status, d: d})
}
func (o *recordingObserver) RateLimitWait(scope string, d time.Duration) {
	o.add(observed{kind: "wait", label: scope, d: d})
}
func (o *recordingObserver) Interaction(command string, d time.Duration, outcome string) {
	o.add(observed{kind: "interaction", label: command, d: d, value: outcome})
}
func (o *recordingObserver) AlertFailed(reason string, alerts int) {
	o.add(observed{kind: "failed", label: reason, n: alerts})
}

func (o *recordingObserver) snapshot() []observed {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.calls)
}

// await waits until a recorded call satisfies match and returns it.
func (o *recordingObserver) await(t *testing.T, what string, match func(observed) bool) observed {
	t.Helper()
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	for {
		for _, c := range o.snapshot() {
			if match(c) {
				return c
			}
		}
		select {
		case <-o.changed:
		case <-deadline.C:
			t.Fatalf("no %s observed; calls:\n%v", what, o.snapshot())
		}
	}
}

// TestObserverSeesDiscordTraffic runs the bot against the fake Discord and
// checks what the observer is told: REST responses by route group (never an
// id), a slash command's latency and outcome, a refused admin command, a
// 429 waited before the retry, and refused alert messages.
func TestObserverSeesDiscordTraffic(t *testing.T) {
	obs := newRecordingObserver()
	e := newEnv(t, func(e *env) { e.deps.Observer = obs })
	f := setupAlerts(e, "")
	e.start()
	for _, route := range []string{"users/@me", "gateway/bot", "applications/commands"} {
		obs.await(t, route+" 200", func(c observed) bool {
			return c.kind == "http" && c.label == route && c.status == http.StatusOK && c.d > 0
		})
	}

	r := e.do(guildA, nonAdmin, discordtest.Command("search", discordtest.Str("query", "kyiv")))
	if r.Ephemeral {
		t.Fatalf("/search failed: %s", r.Text())
	}
	obs.await(t, "search ok", func(c observed) bool {
		return c.kind == "interaction" && c.label == "search" && c.value == "ok" && c.d > 0
	})
	obs.await(t, "interaction callback", func(c observed) bool {
		return c.kind == "http" && c.label == "interactions/callback" && c.status/100 == 2
	})
	e.do(guildA, nonAdmin, discordtest.Command("watch add", discordtest.Str("name", "Lviv")))
	obs.await(t, "watch add denied", func(c observed) bool {
		return c.kind == "interaction" && c.label == "watch add" && c.value == "denied"
	})

	e.fake.Inject(discordtest.Fault{Method: "POST", PathPrefix: "/channels/", Status: http.StatusTooManyRequests, RetryAfter: 0.05})
	e.items(f.ID, guildA, "Kyiv limited")
	if ms := e.fake.WaitMessages(chanA, 1, wait); len(ms) != 1 {
		t.Fatalf("%d messages after a 429, want 1", len(ms))
	}
	obs.await(t, "route wait", func(c observed) bool {
		return c.kind == "wait" && c.label == "route" && c.d >= 50*time.Millisecond
	})
	obs.await(t, "channels/messages 429", func(c observed) bool {
		return c.kind == "http" && c.label == "channels/messages" && c.status == http.StatusTooManyRequests
	})

	// Refused even in plain form: counted as a failure with its alert.
	e.fake.Inject(discordtest.Fault{Method: "POST", PathPrefix: "/channels/", Status: http.StatusBadRequest, Times: 2})
	e.items(f.ID, guildA, "Kyiv refused")
	obs.await(t, "refused_plain_fallback", func(c observed) bool {
		return c.kind == "failed" && c.label == "refused_plain_fallback" && c.n == 1
	})

	// A channel the bot may not post to: its route is disabled.
	e.route(guildB, chanB, "")
	e.watch(guildB, "Kyiv", "city")
	fb := e.feed(guildB, "http://feeds.test/b")
	e.fake.SetChannelStatus(chanB, http.StatusForbidden)
	e.items(fb.ID, guildB, "Kyiv hidden")
	obs.await(t, "route_disabled", func(c observed) bool {
		return c.kind == "failed" && c.label == "route_disabled" && c.n == 1
	})

	for _, c := range obs.snapshot() {
		switch c.kind {
		case "http":
			if !slices.Contains(bot.RouteGroups, c.label) {
				t.Errorf("route group %q is not one of RouteGroups", c.label)
			}
		case "wait":
			if !slices.Contains(bot.RateLimitScopes, c.label) {
				t.Errorf("rate limit scope %q is not one of RateLimitScopes", c.label)
			}
		case "interaction":
			if !slices.Contains(bot.InteractionOutcomes, c.value) {
				t.Errorf("outcome %q is not one of InteractionOutcomes", c.value)
			}
		case "failed":
			if !slices.Contains(bot.AlertFailReasons, c.label) {
				t.Errorf("reason %q is not one of AlertFailReasons", c.label)
			}
		}
		if strings.ContainsAny(c.label, "0123456789") {
			t.Errorf("label %q holds an id: %s", c.label, fmt.Sprint(c))
		}
	}
}
