package discordtest_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/newswatch/newswatch/bot/discordtest"
)

func post(t *testing.T, f *discordtest.Fake, auth, path, body string) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.URL+"/api/v9"+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", auth)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return resp, m
}

func TestNonceEnforced(t *testing.T) {
	f := discordtest.New("tok")
	defer f.Close()
	body := `{"content":"hi","nonce":"n-1","enforce_nonce":true,"allowed_mentions":{"parse":[]}}`
	_, first := post(t, f, "Bot tok", "/channels/9/messages", body)
	_, again := post(t, f, "Bot tok", "/channels/9/messages", body)
	if first["id"] == nil || first["id"] != again["id"] {
		t.Errorf("ids %v and %v, want the same message", first["id"], again["id"])
	}
	post(t, f, "Bot tok", "/channels/9/messages", `{"content":"hi","nonce":"n-1"}`) // not enforced: a new message
	if n := len(f.Messages("9")); n != 2 {
		t.Errorf("%d messages, want 2", n)
	}
}

func TestAuthAndFaults(t *testing.T) {
	f := discordtest.New("tok")
	defer f.Close()
	if resp, _ := post(t, f, "Bot wrong", "/channels/9/messages", `{"content":"x"}`); resp.StatusCode != 401 {
		t.Errorf("wrong token: %d, want 401", resp.StatusCode)
	}
	f.Inject(discordtest.Fault{PathPrefix: "/channels/", Status: 429, RetryAfter: -1, RetryAfterHeader: "2"})
	resp, body := post(t, f, "Bot tok", "/channels/9/messages", `{"content":"x"}`)
	if _, has := body["retry_after"]; resp.StatusCode != 429 || has || resp.Header.Get("Retry-After") != "2" {
		t.Errorf("fault: %d %v %q", resp.StatusCode, body, resp.Header.Get("Retry-After"))
	}
	f.SetChannelStatus("9", 403)
	if resp, _ := post(t, f, "Bot tok", "/channels/9/messages", `{"content":"x"}`); resp.StatusCode != 403 {
		t.Errorf("channel 403: %d", resp.StatusCode)
	}
	for _, r := range f.Requests() {
		if strings.Contains(r.Header.Get("Authorization"), "tok") {
			t.Errorf("token recorded: %q", r.Header.Get("Authorization"))
		}
	}
}

func TestRateLimitHeaders(t *testing.T) {
	f := discordtest.New("tok")
	defer f.Close()
	f.SetRateLimit(2, time.Minute)
	var statuses []int
	var last *http.Response
	for i := 0; i < 3; i++ {
		last, _ = post(t, f, "Bot tok", "/channels/9/messages", `{"content":"x"}`)
		statuses = append(statuses, last.StatusCode)
	}
	if statuses[0] != 200 || statuses[1] != 200 || statuses[2] != 429 {
		t.Errorf("statuses %v, want 200 200 429", statuses)
	}
	if last.Header.Get("X-RateLimit-Remaining") != "0" || last.Header.Get("X-RateLimit-Reset-After") == "" {
		t.Errorf("headers %v", last.Header)
	}
	if f.RateLimited() != 1 || len(f.Messages("9")) != 2 {
		t.Errorf("rate limited %d, messages %d", f.RateLimited(), len(f.Messages("9")))
	}
}

func TestLimitsChecked(t *testing.T) {
	f := discordtest.New("tok")
	defer f.Close()
	long := strings.Repeat("x", 2001)
	if resp, _ := post(t, f, "Bot tok", "/channels/9/messages", `{"content":"`+long+`"}`); resp.StatusCode != 400 {
		t.Errorf("2001-character content: %d, want 400", resp.StatusCode)
	}
}

func TestGatewayHandshake(t *testing.T) {
	f := discordtest.New("tok")
	defer f.Close()
	dial := func(url string) *websocket.Conn {
		c, _, err := websocket.DefaultDialer.Dial(url+"/?v=10&encoding=json", nil)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	gwURL := "ws" + strings.TrimPrefix(f.URL, "http") + "/gw"
	read := func(c *websocket.Conn) (op int, typ string, d map[string]any) {
		t.Helper()
		var p struct {
			Op int             `json:"op"`
			T  string          `json:"t"`
			D  json.RawMessage `json:"d"`
		}
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if err := c.ReadJSON(&p); err != nil {
			t.Fatal(err)
		}
		_ = json.Unmarshal(p.D, &d) // null, true and false leave d nil
		return p.Op, p.T, d
	}
	c := dial(gwURL)
	defer c.Close()
	if op, _, d := read(c); op != 10 || d["heartbeat_interval"] == nil {
		t.Fatalf("first frame op %d %v, want HELLO", op, d)
	}
	_ = c.WriteJSON(map[string]any{"op": 1, "d": nil})
	if op, _, _ := read(c); op != 11 {
		t.Errorf("heartbeat answered with op %d, want 11", op)
	}
	_ = c.WriteJSON(map[string]any{"op": 2, "d": map[string]any{"token": "Bot tok", "intents": 1,
		"properties": map[string]string{"os": "linux", "browser": "x", "device": "x"}}})
	op, typ, d := read(c)
	if op != 0 || typ != "READY" || d["session_id"] == nil || d["resume_gateway_url"] == nil || d["application"] == nil {
		t.Fatalf("identify answered %d %s %v", op, typ, d)
	}
	sid, resumeURL := d["session_id"], d["resume_gateway_url"].(string)
	if resumeURL == gwURL {
		t.Errorf("resume_gateway_url %q is the gateway URL; Discord hands out another", resumeURL)
	}
	resume := map[string]any{"op": 6, "d": map[string]any{"token": "Bot tok", "session_id": sid, "seq": 1}}
	f.DropGateway()
	c2 := dial(resumeURL)
	defer c2.Close()
	read(c2)
	_ = c2.WriteJSON(resume)
	if _, typ, _ := read(c2); typ != "RESUMED" {
		t.Errorf("resume answered %s", typ)
	}
	// A resume on the first URL is refused with op 9 false, and the session
	// is gone.
	f.DropGateway()
	wrong := dial(gwURL)
	defer wrong.Close()
	read(wrong)
	_ = wrong.WriteJSON(resume)
	if op, _, _ := read(wrong); op != 9 {
		t.Errorf("resume on the first URL answered op %d, want 9", op)
	}
	if n := f.GatewayCounts().WrongURLResumes; n != 1 {
		t.Errorf("WrongURLResumes %d, want 1", n)
	}
	c3 := dial(gwURL)
	defer c3.Close()
	read(c3)
	_ = c3.WriteJSON(map[string]any{"op": 2, "d": map[string]any{"token": "Bot wrong", "intents": 1, "properties": map[string]string{}}})
	_ = c3.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err := c3.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 4004 {
		t.Errorf("wrong token: %v, want close 4004", err)
	}
}

// TestGatewayRules: the fake gateway refuses what Discord refuses, with
// Discord's close codes, and routes guild events to their shard.
func TestGatewayRules(t *testing.T) {
	f := discordtest.New("tok")
	defer f.Close()
	base := "ws" + strings.TrimPrefix(f.URL, "http") + "/gw"
	props := map[string]string{"os": "linux", "browser": "x", "device": "x"}
	identify := func(v string, d map[string]any) (op int, typ string, code int) {
		t.Helper()
		c, _, err := websocket.DefaultDialer.Dial(base+"/?v="+v+"&encoding=json", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		var p struct {
			Op int    `json:"op"`
			T  string `json:"t"`
		}
		if err := c.ReadJSON(&p); err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				return 0, "", ce.Code
			}
			t.Fatal(err)
		}
		_ = c.WriteJSON(map[string]any{"op": 2, "d": d})
		if err := c.ReadJSON(&p); err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				return 0, "", ce.Code
			}
			t.Fatal(err)
		}
		return p.Op, p.T, 0
	}
	id := func(shard []int, intents any) map[string]any {
		m := map[string]any{"token": "tok", "properties": props, "intents": intents}
		if shard != nil {
			m["shard"] = shard
		}
		return m
	}
	f.SetShards(2, 2)
	tests := []struct {
		name string
		v    string
		d    map[string]any
		code int
	}{
		{"API version 8", "8", id([]int{0, 2}, 1), 4012},
		{"no intents", "10", id([]int{0, 2}, nil), 4013},
		{"shard id not below n", "10", id([]int{2, 2}, 1), 4010},
		{"fewer shards than required", "10", id([]int{0, 1}, 1), 4011},
		{"no shard field is [0, 1]", "10", id(nil, 1), 4011},
		{"wrong token", "10", map[string]any{"token": "nope", "properties": props, "intents": 1}, 4004},
		{"shard 0 of 2", "10", id([]int{0, 2}, 1), 0},
	}
	for _, tt := range tests {
		if _, typ, code := identify(tt.v, tt.d); code != tt.code || (code == 0 && typ != "READY") {
			t.Errorf("%s: close %d (%s), want %d", tt.name, code, typ, tt.code)
		}
	}
	// The budget: none remaining is a reset token (4004); a second
	// IDENTIFY of one bucket within the window is counted.
	f.SetSessionStartLimit(1000, 1, time.Hour, 1)
	if _, typ, code := identify("10", id([]int{1, 2}, 1)); code != 0 || typ != "READY" {
		t.Errorf("last IDENTIFY of the budget: close %d (%s)", code, typ)
	}
	if _, _, code := identify("10", id([]int{1, 2}, 1)); code != 4004 {
		t.Errorf("IDENTIFY over budget: close %d, want 4004", code)
	}
	c := f.GatewayCounts()
	if c.OverBudget != 1 || c.BucketViolations != 1 {
		t.Errorf("over budget %d, bucket violations %d; want 1 and 1", c.OverBudget, c.BucketViolations)
	}
	if got := discordtest.ShardOf(strconv.FormatUint(5<<22, 10), 4); got != 1 {
		t.Errorf("ShardOf(5<<22, 4) = %d, want 1", got)
	}
}
