package discordtest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

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
