package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/bot"
	"github.com/newswatch/newswatch/bot/discordtest"
)

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// customIDs returns the custom ids of a reply's buttons.
func customIDs(t *testing.T, r discordtest.Reply) []string {
	t.Helper()
	var rows []struct {
		Components []struct {
			CustomID string `json:"custom_id"`
		} `json:"components"`
	}
	if err := json.Unmarshal(r.Components, &rows); err != nil {
		t.Fatalf("components %s: %v", r.Components, err)
	}
	var out []string
	for _, row := range rows {
		for _, c := range row.Components {
			out = append(out, c.CustomID)
		}
	}
	return out
}

// titles returns the embed titles of messages.
func titles(ms []discordtest.Message) []string {
	var out []string
	for _, m := range ms {
		for _, e := range m.Embeds {
			out = append(out, e.Title)
		}
	}
	return out
}

// allowedMentions decodes a message's allowed_mentions exactly as sent.
func allowedMentions(t *testing.T, m discordtest.Message) (parse []string, roles []string) {
	t.Helper()
	var am struct {
		Parse *[]string `json:"parse"`
		Roles []string  `json:"roles"`
	}
	if err := json.Unmarshal(m.AllowedMentions, &am); err != nil || am.Parse == nil {
		t.Fatalf("allowed_mentions %s: want an object with parse", m.AllowedMentions)
	}
	if !strings.Contains(string(m.Raw), `"parse":[]`) {
		t.Errorf("body %s lacks \"parse\":[]", m.Raw)
	}
	return *am.Parse, am.Roles
}

// setup is guild A with a watch "Kyiv", a feed and a route to chanA.
func setupAlerts(e *env, role string) newswatch.Feed {
	e.watch(guildA, "Kyiv", newswatch.KindCity)
	e.watch(guildA, "Zelensky", newswatch.KindActor)
	f := e.feed(guildA, "http://feeds.test/a")
	e.route(guildA, chanA, role)
	return f
}

func TestMentionAlertDelivered(t *testing.T) {
	e := newEnv(t)
	f := setupAlerts(e, roleA)
	e.start()
	res := e.items(f.ID, guildA, "Zelensky arrives in Kyiv", "Nothing to see")
	if res.Alerts != 1 {
		t.Fatalf("SaveItems wrote %d alerts, want 1", res.Alerts)
	}
	ms := e.fake.WaitMessages(chanA, 1, wait)
	if len(ms) != 1 {
		t.Fatalf("%d messages in the route's channel, want 1", len(ms))
	}
	m := ms[0]
	parse, roles := allowedMentions(t, m)
	if len(parse) != 0 || !cmp.Equal(roles, []string{roleA}) {
		t.Errorf("allowed_mentions parse %v roles %v", parse, roles)
	}
	if m.Content != "<@&"+roleA+">" {
		t.Errorf("content %q, want the role ping", m.Content)
	}
	if m.Nonce == "" || !m.EnforceNonce {
		t.Errorf("nonce %q enforce %v", m.Nonce, m.EnforceNonce)
	}
	emb := m.Embeds[0]
	if emb.Title != "Zelensky arrives in Kyiv" || !strings.HasPrefix(emb.URL, "https://news.test/") || emb.Color != 0x9B59B6 {
		t.Errorf("embed title %q url %q colour %#x", emb.Title, emb.URL, emb.Color)
	}
	if !strings.Contains(emb.Description, "**Zelensky**") || !strings.Contains(emb.Description, "**Kyiv**") {
		t.Errorf("snippet %q lacks bold matches", emb.Description)
	}
	if emb.Timestamp == "" || len(emb.Fields) < 2 {
		t.Errorf("embed lacks time or fields: %+v", emb)
	}
	if !e.waitNoPending(wait) {
		t.Error("the alert was not marked sent")
	}
	if n := len(e.fake.Messages(chanA)); n != 1 {
		t.Errorf("%d messages after marking, want 1", n)
	}
}

func TestFeedTextNeverPings(t *testing.T) {
	e := newEnv(t)
	f := setupAlerts(e, "")
	e.start()
	e.items(f.ID, guildA, "@everyone Kyiv <@&"+roleA+"> @here [click](https://evil.test) **bold**")
	ms := e.fake.WaitMessages(chanA, 1, wait)
	if len(ms) != 1 {
		t.Fatalf("%d messages", len(ms))
	}
	m := ms[0]
	parse, roles := allowedMentions(t, m)
	if len(parse) != 0 || len(roles) != 0 {
		t.Errorf("allowed_mentions parse %v roles %v, want none", parse, roles)
	}
	if m.Content != "" {
		t.Errorf("content %q, want none without a role", m.Content)
	}
	body := string(m.Raw)
	for _, bad := range []string{"@everyone", "@here", "<@&", "[click](https"} {
		if strings.Contains(body, bad) {
			t.Errorf("body contains %q unescaped: %s", bad, body)
		}
	}
	if !strings.Contains(m.Embeds[0].Title, `\*\*bold\*\*`) {
		t.Errorf("title %q: markdown not escaped", m.Embeds[0].Title)
	}
}

func TestFeedFailingAlert(t *testing.T) {
	e := newEnv(t)
	f := setupAlerts(e, "")
	if _, err := e.db.RecordFetch(e.ctx, f.ID, newswatch.FetchResult{At: time.Now(), Status: 0,
		Err: "connection refused @everyone", NextPollAt: time.Now().Add(time.Hour)}, 1); err != nil {
		t.Fatal(err)
	}
	e.start()
	ms := e.fake.WaitMessages(chanA, 1, wait)
	if len(ms) != 1 {
		t.Fatalf("%d messages, want the failing-feed warning", len(ms))
	}
	got := ms[0].Embeds[0].Title + " " + ms[0].Embeds[0].Description
	if !strings.Contains(got, "Feed failing") || !strings.Contains(got, "http://feeds.test/a") || !strings.Contains(got, "connection refused") {
		t.Errorf("warning %q", got)
	}
	if strings.Contains(string(ms[0].Raw), "@everyone") {
		t.Errorf("warning pings: %s", ms[0].Raw)
	}
}

func TestRestartAfterCrashPostsOnce(t *testing.T) {
	e := newEnv(t)
	f := setupAlerts(e, "")
	e.start()
	var once sync.Once
	stopped := make(chan struct{})
	e.fake.SetMessageHook(func(discordtest.Message) {
		// Discord stored the message; the bot dies before hearing back:
		// the answer is held until Run has returned.
		once.Do(func() {
			e.cancel()
			select {
			case <-stopped:
			case <-time.After(wait):
			}
		})
	})
	e.items(f.ID, guildA, "Kyiv one", "Kyiv two", "Kyiv three")
	select {
	case <-e.done:
		close(stopped)
	case <-time.After(wait):
		t.Fatal("the bot did not stop")
	}
	e.cancel = nil
	if n := len(e.fake.Messages(chanA)); n != 1 {
		t.Fatalf("%d messages before the restart, want 1", n)
	}
	if n := len(e.pending()); n != 3 {
		t.Fatalf("%d alerts pending after the crash, want 3 (the first was never confirmed)", n)
	}
	e.fake.SetMessageHook(nil)
	e.start()
	if !e.waitNoPending(wait) {
		t.Fatal("alerts still pending after the restart")
	}
	ms := e.fake.Messages(chanA)
	if diff := cmp.Diff([]string{"Kyiv one", "Kyiv two", "Kyiv three"}, titles(ms)); diff != "" {
		t.Errorf("channel messages (-want +got):\n%s", diff)
	}
}

func TestDiscordDownThenUp(t *testing.T) {
	passes := make(chan struct{}, 1)
	e := newEnv(t, func(e *env) {
		e.cfg.MaxRetries = 1
		e.deps.Store = passSignal{Store: e.deps.Store, passes: passes}
	})
	f := setupAlerts(e, "")
	e.start()
	e.fake.SetDown(true)
	e.items(f.ID, guildA, "Kyiv 1", "Kyiv 2", "Kyiv 3")
	eventually(wait, func() bool { as := e.pending(); return len(as) == 3 && as[0].Attempts > 0 })
	if n := len(e.fake.Messages(chanA)); n != 0 {
		t.Fatalf("%d messages while down", n)
	}
	as := e.pending()
	if len(as) != 3 || as[0].Attempts == 0 {
		t.Fatalf("pending while down: %d alerts, first with %d attempts; want 3, deferred", len(as), as[0].Attempts)
	}
	e.items(f.ID, guildA, "Kyiv 4") // new while the older ones wait: must not overtake them
	// Three signals: the one buffered may be from before Kyiv 4 was stored,
	// the next from a pass already reading then; the third pass's read
	// began after it.
	for range 3 {
		select {
		case <-passes:
		case <-time.After(wait):
			t.Fatal("no delivery pass after Kyiv 4 was stored")
		}
	}
	e.fake.SetDown(false)
	if !e.waitNoPending(20 * time.Second) {
		t.Fatal("alerts not delivered after Discord came back")
	}
	if diff := cmp.Diff([]string{"Kyiv 1", "Kyiv 2", "Kyiv 3", "Kyiv 4"}, titles(e.fake.Messages(chanA))); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
}

func TestRateLimitsAreRetried(t *testing.T) {
	tests := []struct {
		name  string
		fault discordtest.Fault
	}{
		{"retry_after in body", discordtest.Fault{RetryAfter: 0.3}},
		{"Retry-After header only", discordtest.Fault{RetryAfter: -1, RetryAfterHeader: "1"}},
		{"no wait given", discordtest.Fault{RetryAfter: -1}},
		{"global", discordtest.Fault{RetryAfter: 0.2, Global: true}},
		{"5xx", discordtest.Fault{Status: http.StatusBadGateway}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			f := setupAlerts(e, "")
			e.start()
			ft := tt.fault
			ft.Method, ft.PathPrefix, ft.Times = "POST", "/channels/", 2
			if ft.Status == 0 {
				ft.Status = http.StatusTooManyRequests
			}
			e.fake.Inject(ft)
			e.items(f.ID, guildA, "Kyiv a", "Kyiv b")
			if !e.waitNoPending(20 * time.Second) {
				t.Fatal("alerts not delivered")
			}
			if diff := cmp.Diff([]string{"Kyiv a", "Kyiv b"}, titles(e.fake.Messages(chanA))); diff != "" {
				t.Errorf("messages (-want +got):\n%s", diff)
			}
			posts, limited := 0, 0
			for _, r := range e.fake.Requests() {
				if r.Method == "POST" && strings.HasPrefix(r.Path, "/channels/") {
					posts++
					if r.Status != 200 {
						limited++
					}
				}
			}
			if limited != 2 || posts != 4 {
				t.Errorf("%d posts with %d failures, want 4 with 2", posts, limited)
			}
		})
	}
}

func TestForbiddenChannelDisablesRoute(t *testing.T) {
	e := newEnv(t)
	f := setupAlerts(e, "")
	e.route(guildA, chanA2, "")
	e.fake.SetChannelStatus(chanA, http.StatusForbidden)
	e.start()
	e.items(f.ID, guildA, "Kyiv news")
	if ms := e.fake.WaitMessages(chanA2, 1, wait); len(ms) != 1 {
		t.Fatalf("other route got %d messages", len(ms))
	}
	var rs []newswatch.Route
	eventually(wait, func() bool {
		rs, _ = e.db.Routes(e.ctx, guildA)
		return len(rs) == 2 && rs[0].Disabled
	})
	if !rs[0].Disabled || !strings.Contains(rs[0].DisabledReason, "403") {
		t.Fatalf("route %+v, want disabled with a 403 reason", rs[0])
	}
	r := e.do(guildA, "0", discordtest.Command("alerts list"))
	if !strings.Contains(r.Text(), "disabled") || !strings.Contains(r.Text(), "403 Forbidden") {
		t.Errorf("alerts list %q lacks the disabled route and reason", r.Text())
	}
	// Re-enabling after fixing the permissions delivers what waited.
	e.fake.SetChannelStatus(chanA, 0)
	if r := e.do(guildA, admin, discordtest.Command("alerts set", discordtest.Channel("channel", chanA))); r.Ephemeral {
		t.Fatalf("alerts set: %q", r.Text())
	}
	if ms := e.fake.WaitMessages(chanA, 1, wait); len(ms) != 1 {
		t.Errorf("after re-enabling: %d messages", len(ms))
	}
}

func TestManyAlertsAreSummarised(t *testing.T) {
	e := newEnv(t)
	f := setupAlerts(e, roleA)
	var ts []string
	for i := 1; i <= 7; i++ {
		ts = append(ts, fmt.Sprintf("Kyiv story %d", i))
	}
	e.items(f.ID, guildA, ts...) // stored before the bot starts: one pass sees all 7
	e.start()
	if !e.waitNoPending(wait) {
		t.Fatal("alerts not delivered")
	}
	ms := e.fake.Messages(chanA)
	if len(ms) != 1 {
		t.Fatalf("%d messages, want one summary", len(ms))
	}
	d := ms[0].Embeds[0].Description
	for _, title := range ts {
		if !strings.Contains(d, "["+title+"](<https://news.test/") {
			t.Errorf("summary lacks a link for %q: %s", title, d)
		}
	}
	if ms[0].Content != "<@&"+roleA+">" {
		t.Errorf("summary content %q", ms[0].Content)
	}
	_, roles := allowedMentions(t, ms[0])
	if !cmp.Equal(roles, []string{roleA}) {
		t.Errorf("summary roles %v", roles)
	}
}

func TestAlertsCommands(t *testing.T) {
	e := newEnv(t, func(e *env) { e.cfg.MaxRoutesPerGuild = 1 })
	e.start()
	for _, tt := range []struct {
		name string
		data map[string]any
		want string
		eph  bool
	}{
		{"set", discordtest.Command("alerts set", discordtest.Channel("channel", chanA), discordtest.Str("kind", "city"),
			discordtest.Role("role", roleA)), "for city watches go to <#" + chanA + ">, pinging <@&" + roleA + ">", false},
		{"cap", discordtest.Command("alerts set", discordtest.Channel("channel", chanA2)), "", true},
		{"list", discordtest.Command("alerts list"), "<#" + chanA + ">", false},
		{"off", discordtest.Command("alerts off", discordtest.Channel("channel", chanA)), "are off", false},
		{"off again", discordtest.Command("alerts off", discordtest.Channel("channel", chanA)), "", true},
		{"list empty", discordtest.Command("alerts list"), "No alert channels", false},
		{"everyone role", discordtest.Command("alerts set", discordtest.Channel("channel", chanA), discordtest.Role("role", guildA)), "does not ping", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(guildA, admin, tt.data)
			if r.Ephemeral != tt.eph || !strings.Contains(r.Text(), tt.want) || r.Text() == "" {
				t.Errorf("reply %q (ephemeral %v), want %q (ephemeral %v)", r.Text(), r.Ephemeral, tt.want, tt.eph)
			}
			if !strings.Contains(string(r.AllowedMentions), `"parse":[]`) || strings.Contains(string(r.AllowedMentions), "roles") {
				t.Errorf("reply allowed_mentions %s", r.AllowedMentions)
			}
		})
	}
}

func TestEndlessRateLimitIsBounded(t *testing.T) {
	e := newEnv(t, func(e *env) { e.cfg.MaxRetries = 2 })
	f := setupAlerts(e, "")
	e.start()
	e.fake.Inject(discordtest.Fault{Method: "POST", PathPrefix: "/channels/", Status: http.StatusTooManyRequests, RetryAfter: 0.05, Times: 1000})
	e.items(f.ID, guildA, "Kyiv limited")
	// The retries end in a deferral; count the posts once it is recorded.
	eventually(wait, func() bool { as := e.pending(); return len(as) == 1 && as[0].Attempts > 0 })
	posts := 0
	for _, r := range e.fake.Requests() {
		if r.Method == "POST" && strings.HasPrefix(r.Path, "/channels/") {
			posts++
		}
	}
	if posts != 3 {
		t.Errorf("%d posts before the deferral, want 3 (one try and two retries)", posts)
	}
	as := e.pending()
	if len(as) != 1 || as[0].Attempts != 1 {
		t.Errorf("pending %d alerts with attempts %v, want 1 deferred once", len(as), as)
	}
}

// TestOrderKeptAcrossRestart: an alert deferred after a failure must still
// go before the channel's newer alerts when the bot restarts before the
// deferral ends.
func TestOrderKeptAcrossRestart(t *testing.T) {
	e := newEnv(t, func(e *env) { e.cfg.MaxRetries = 0 })
	f := setupAlerts(e, "")
	e.start()
	e.fake.SetDown(true)
	e.items(f.ID, guildA, "Kyiv older")
	eventually(wait, func() bool { as := e.pending(); return len(as) == 1 && as[0].Attempts > 0 })
	e.stop()
	e.fake.SetDown(false)
	e.start()
	e.items(f.ID, guildA, "Kyiv newer")
	if !e.waitNoPending(20 * time.Second) {
		t.Fatal("alerts not delivered")
	}
	if diff := cmp.Diff([]string{"Kyiv older", "Kyiv newer"}, titles(e.fake.Messages(chanA))); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
}

// TestRejectedAlertFallsBack: when Discord refuses an alert's embed (400),
// the alert goes out in a plain form instead of holding the channel back
// for good.
func TestRejectedAlertFallsBack(t *testing.T) {
	e := newEnv(t)
	f := setupAlerts(e, "")
	e.start()
	e.fake.Inject(discordtest.Fault{Method: "POST", PathPrefix: "/channels/", Status: http.StatusBadRequest,
		Times: 1000, BodyContains: `"url":"https://news.test/`})
	e.items(f.ID, guildA, "Kyiv refused", "Kyiv next")
	if !e.waitNoPending(wait) {
		t.Fatalf("alerts still pending: %d", len(e.pending()))
	}
	ms := e.fake.Messages(chanA)
	if diff := cmp.Diff([]string{"Kyiv refused", "Kyiv next"}, titles(ms)); diff != "" {
		t.Fatalf("messages (-want +got):\n%s", diff)
	}
	for _, m := range ms {
		allowedMentions(t, m)
		if !strings.Contains(m.Embeds[0].Description, "news.test") || m.Nonce == "" {
			t.Errorf("plain alert lacks the link or the nonce: %+v", m.Embeds[0])
		}
	}
}

// passSignal is the bot's store that signals each delivery pass's read of
// the outbox.
type passSignal struct {
	bot.Store
	passes chan<- struct{}
}

func (s passSignal) UngroupedAlerts(ctx context.Context, now time.Time, skip []string, limit int) ([]newswatch.Alert, error) {
	as, err := s.Store.UngroupedAlerts(ctx, now, skip, limit)
	select {
	case s.passes <- struct{}{}:
	default:
	}
	return as, err
}
