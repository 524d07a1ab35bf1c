package discordtest_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch/bot/discordtest"
)

// session is a discordgo session against f, for REST calls.
func session(t *testing.T, f *discordtest.Fake) *discordgo.Session {
	t.Helper()
	s, err := discordgo.New("Bot tok")
	if err != nil {
		t.Fatal(err)
	}
	s.MaxRestRetries, s.ShouldRetryOnRateLimit = 0, false
	s.Client = &http.Client{Timeout: 5 * time.Second, Transport: rewrite{f.URL}}
	return s
}

// rewrite sends discordgo's requests to the fake.
type rewrite struct{ base string }

func (r rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	c := req.Clone(req.Context())
	c.URL.Scheme, c.URL.Host = "http", strings.TrimPrefix(r.base, "http://")
	c.Host = ""
	return http.DefaultTransport.RoundTrip(c)
}

func contents(ms []*discordgo.Message) string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Content)
	}
	return strings.Join(out, ",")
}

func TestListMessages(t *testing.T) {
	f := discordtest.New("tok")
	defer f.Close()
	s := session(t, f)
	var ids []string
	for i := 0; i < 7; i++ {
		m, err := s.ChannelMessageSend("9", fmt.Sprint(i))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	for _, tt := range []struct {
		name                  string
		limit                 int
		before, after, around string
		want                  string
	}{
		{"newest", 3, "", "", "", "6,5,4"},
		{"default limit", 0, "", "", "", "6,5,4,3,2,1,0"},
		{"before", 2, ids[4], "", "", "3,2"},
		{"after: the oldest after, newest first", 2, "", ids[1], "", "3,2"},
		{"after the last", 5, "", ids[6], "", ""},
		{"around", 3, "", "", ids[3], "4,3,2"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := s.ChannelMessages("9", tt.limit, tt.before, tt.after, tt.around)
			if err != nil {
				t.Fatal(err)
			}
			if got := contents(ms); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			for _, m := range ms {
				if m.Author == nil || m.Author.ID != f.AppID || !m.Author.Bot || m.Timestamp.IsZero() || m.ChannelID != "9" {
					t.Errorf("message %+v lacks its author, time or channel", m)
				}
			}
		})
	}
	if _, err := s.ChannelMessages("9", 101, "", "", ""); err == nil {
		t.Error("limit 101 accepted")
	}
	if _, err := s.ChannelMessages("9", 10, ids[1], ids[2], ""); err == nil {
		t.Error("before and after together accepted")
	}
	f.SetHistoryHidden("9", true)
	if _, err := s.ChannelMessages("9", 10, "", "", ""); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("hidden history: %v, want 403", err)
	}
}

func TestSnowflakesFollowTheClock(t *testing.T) {
	f := discordtest.New("tok")
	defer f.Close()
	s := session(t, f)
	m, err := s.ChannelMessageSend("9", "x")
	if err != nil {
		t.Fatal(err)
	}
	at, err := discordgo.SnowflakeTimestamp(m.ID)
	if err != nil || time.Since(at).Abs() > time.Minute {
		t.Errorf("snowflake %s encodes %v, want about now", m.ID, at)
	}
	f.Advance(24 * time.Hour)
	m2, _ := s.ChannelMessageSend("9", "y")
	if at2, _ := discordgo.SnowflakeTimestamp(m2.ID); at2.Sub(at) < 23*time.Hour {
		t.Errorf("after Advance(24h) the snowflake encodes %v", at2)
	}
}

func TestNonceWindowAndDrop(t *testing.T) {
	f := discordtest.New("tok")
	defer f.Close()
	body := `{"content":"hi","nonce":"n-1","enforce_nonce":true}`
	_, first := post(t, f, "Bot tok", "/channels/9/messages", body)
	f.Advance(discordtest.NonceWindow + time.Second)
	_, again := post(t, f, "Bot tok", "/channels/9/messages", body)
	if first["id"] == again["id"] || len(f.Messages("9")) != 2 {
		t.Errorf("a nonce past its window deduplicated: ids %v %v", first["id"], again["id"])
	}
	f.SetNonceWindow(0)
	post(t, f, "Bot tok", "/channels/9/messages", body)
	if n := len(f.Messages("9")); n != 3 {
		t.Errorf("with no nonce window: %d messages, want 3", n)
	}

	f.Inject(discordtest.Fault{Method: "POST", PathPrefix: "/channels/", Drop: true})
	req, _ := http.NewRequest(http.MethodPost, f.URL+"/api/v9/channels/9/messages", strings.NewReader(`{"content":"lost"}`))
	req.Header.Set("Authorization", "Bot tok")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("dropped response: status %d, want a connection error", resp.StatusCode)
	}
	ms := f.Messages("9")
	if len(ms) != 4 || ms[3].Content != "lost" {
		t.Errorf("the dropped post was not stored: %d messages", len(ms))
	}
	f.SetUnreachable(true)
	if resp, err := http.Get(f.URL + "/api/v9/users/@me"); err == nil {
		resp.Body.Close()
		t.Error("unreachable fake answered")
	}
	f.SetUnreachable(false)
}
