package bot_test

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/google/go-cmp/cmp"

	"github.com/newswatch/newswatch/bot"
	"github.com/newswatch/newswatch/bot/discordtest"
)

var exactlyOnceN = flag.Int("exactlyonce.alerts", 150, "alerts per channel in TestExactlyOnceUnderFaults")

// TestCrashBetweenPostAndMark: the bot dies after Discord stored a message
// and before it marked the message sent. Discord's nonce window is off, so
// only reconciling against the channel can prevent a second copy. Single
// alerts and summaries alike, with new alerts arriving before the restart
// (which used to change a summary's chunk and nonce).
func TestCrashBetweenPostAndMark(t *testing.T) {
	for _, tt := range []struct {
		name          string
		before, after int // alerts stored before the crash and before the restart
	}{
		{"single alerts", 3, 2},
		{"summary", 7, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			f := setupAlerts(e, "")
			e.fake.SetNonceWindow(0)
			first := kyivTitles("first", tt.before)
			e.items(f.ID, guildA, first...) // stored before the bot starts: one pass sees them all
			awaitCrash(t, e, startCrashing(e, afterAnyPost))
			if n := len(e.fake.Messages(chanA)); n != 1 {
				t.Fatalf("%d messages at the crash, want 1", n)
			}
			later := kyivTitles("later", tt.after)
			e.items(f.ID, guildA, later...)
			lists := messageLists(e)
			e.start()
			if !e.waitNoPending(wait) {
				t.Fatalf("%d alerts still pending", len(e.pending()))
			}
			checkOnce(t, e, chanA, append(first, later...))
			if messageLists(e) == lists {
				t.Error("the restarted bot did not look at the channel before posting")
			}
		})
	}
}

// TestLostResponse: Discord stores a message but its answer is lost (the
// connection drops), with no nonce deduplication to fall back on.
func TestLostResponse(t *testing.T) {
	for _, tt := range []struct {
		name string
		n    int
	}{{"single alerts", 3}, {"summary", 8}} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			f := setupAlerts(e, "")
			e.fake.SetNonceWindow(0)
			e.fake.Inject(discordtest.Fault{Method: http.MethodPost, PathPrefix: "/channels/", Drop: true, Times: 2})
			titles := kyivTitles("lost", tt.n)
			e.items(f.ID, guildA, titles...)
			e.start()
			if !e.waitNoPending(wait) {
				t.Fatalf("%d alerts still pending", len(e.pending()))
			}
			checkOnce(t, e, chanA, titles)
			if messageLists(e) == 0 {
				t.Error("no reconciliation after the lost answers")
			}
		})
	}
}

// TestRestartLongAfterNonceWindow: the bot crashes after a post and comes
// back a day later, long after Discord forgot the nonce.
func TestRestartLongAfterNonceWindow(t *testing.T) {
	e := newEnv(t)
	f := setupAlerts(e, "")
	titles := kyivTitles("day", 8)
	e.items(f.ID, guildA, titles...)
	awaitCrash(t, e, startCrashing(e, afterAnyPost))
	e.fake.Advance(24 * time.Hour)
	more := kyivTitles("next day", 2)
	e.items(f.ID, guildA, more...)
	e.start()
	if !e.waitNoPending(wait) {
		t.Fatalf("%d alerts still pending", len(e.pending()))
	}
	checkOnce(t, e, chanA, append(titles, more...))
}

// TestReconcileTrustsOnlyItsOwnMessages: the bot crashed before its post
// reached Discord, and someone else's message in the channel carries the
// same marker; it must not be taken for the bot's.
func TestReconcileTrustsOnlyItsOwnMessages(t *testing.T) {
	e := newEnv(t)
	f := setupAlerts(e, "")
	e.fake.SetNonceWindow(0)
	e.items(f.ID, guildA, "Kyiv own")
	awaitCrash(t, e, startCrashing(e, func(c *crash) <-chan struct{} { return c.onRequest(isPost) }))
	ms, err := e.db.PendingAlertMessages(e.ctx, 0)
	if err != nil || len(ms) != 1 {
		t.Fatalf("pending messages %v %v", ms, err)
	}
	e.fake.AddMessage(discordtest.Message{ChannelID: chanA, Embeds: []*discordgo.MessageEmbed{{Title: "Kyiv own",
		Footer: &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("newswatch #%d", ms[0].ID)}}}})
	e.start()
	if !e.waitNoPending(wait) {
		t.Fatalf("%d alerts still pending", len(e.pending()))
	}
	var own []discordtest.Message
	for _, m := range e.fake.Messages(chanA) {
		if m.AuthorID == "" {
			own = append(own, m)
		}
	}
	if diff := cmp.Diff(map[string]int{"Kyiv own": 1}, delivered(own)); diff != "" {
		t.Errorf("the bot's messages (-want +got):\n%s", diff)
	}
}

// TestReconcilePagesThroughABusyChannel: members wrote 250 messages
// between the bot's last confirmed alert and the one it posted just before
// crashing; the restarted bot pages through them and finds it.
func TestReconcilePagesThroughABusyChannel(t *testing.T) {
	e := newEnv(t)
	f := setupAlerts(e, "")
	e.fake.SetNonceWindow(0)
	e.start()
	e.items(f.ID, guildA, "Kyiv confirmed")
	if !e.waitNoPending(wait) {
		t.Fatal("the first alert was not delivered")
	}
	for i := 0; i < 250; i++ {
		e.fake.AddMessage(discordtest.Message{ChannelID: chanA, Content: fmt.Sprintf("chat %d", i)})
	}
	crashed := crashOn(e, anyMessage)
	e.items(f.ID, guildA, "Kyiv crashed")
	awaitCrash(t, e, crashed)
	lists := messageLists(e)
	e.start()
	if !e.waitNoPending(wait) {
		t.Fatalf("%d alerts still pending", len(e.pending()))
	}
	var own []discordtest.Message
	for _, m := range e.fake.Messages(chanA) {
		if m.AuthorID == "" {
			own = append(own, m)
		}
	}
	if diff := cmp.Diff(map[string]int{"Kyiv confirmed": 1, "Kyiv crashed": 1}, delivered(own)); diff != "" {
		t.Errorf("the bot's messages (-want +got):\n%s", diff)
	}
	if n := messageLists(e) - lists; n != 3 {
		t.Errorf("%d pages read, want 3 (250 messages of others, then the bot's)", n)
	}
}

// TestHiddenHistoryStillDelivers: without Read Message History the bot
// cannot reconcile; it says so once and still delivers (relying on the
// nonce, within Discord's window).
func TestHiddenHistoryStillDelivers(t *testing.T) {
	e := newEnv(t)
	f := setupAlerts(e, "")
	e.fake.SetHistoryHidden(chanA, true)
	titles := kyivTitles("hidden", 3)
	e.items(f.ID, guildA, titles...)
	awaitCrash(t, e, startCrashing(e, afterAnyPost))
	e.start()
	if !e.waitNoPending(wait) {
		t.Fatalf("%d alerts still pending", len(e.pending()))
	}
	checkOnce(t, e, chanA, titles) // the fake's nonce window deduplicated the repost
	if n := strings.Count(e.logs.String(), "Read Message History"); n != 1 {
		t.Errorf("the missing permission was logged %d times, want once", n)
	}
	if rs, _ := e.db.Routes(e.ctx, guildA); rs[0].Disabled {
		t.Error("a 403 on reading the history disabled the route")
	}
}

// TestOutageRecovery: Discord fails (503, or connections reset) for a
// while; once it answers again the waiting alerts start going out within 5
// seconds, in order and once each.
func TestOutageRecovery(t *testing.T) {
	for _, mode := range []string{"503", "reset"} {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t)
			f := setupAlerts(e, "")
			e.route(guildA, chanA2, "")
			e.start()
			down := func(on bool) {
				if mode == "503" {
					e.fake.SetDown(on)
				} else {
					e.fake.SetUnreachable(on)
				}
			}
			down(true)
			titles := kyivTitles("outage", 3)
			e.items(f.ID, guildA, titles...)
			// Let the outage last four failed requests (about 2s of probing).
			if !e.fake.WaitRequests(4, wait, func(r discordtest.Request) bool { return r.Status != http.StatusOK }) {
				t.Fatal("fewer than 4 failed requests during the outage")
			}
			if n := e.fake.MessageCount(); n != 0 {
				t.Fatalf("%d messages while Discord was down", n)
			}
			back := time.Now()
			down(false)
			ms := e.fake.WaitMessages(chanA, 1, wait)
			if len(ms) == 0 {
				t.Fatal("nothing delivered after Discord came back")
			}
			if d := ms[0].Timestamp.Sub(back); d > 5*time.Second {
				t.Errorf("the first alert went out %v after Discord came back, want within 5s", d)
			}
			if !e.waitNoPending(wait) {
				t.Fatalf("%d alerts still pending", len(e.pending()))
			}
			checkOnce(t, e, chanA, titles)
			checkOnce(t, e, chanA2, titles)
			if diff := cmp.Diff(titles, mentionTitles(e.fake.Messages(chanA))); diff != "" {
				t.Errorf("order (-want +got):\n%s", diff)
			}
		})
	}
}

func mentionTitles(ms []discordtest.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Embeds[0].Title)
	}
	return out
}

// TestExactlyOnceUnderFaults: alerts to three channels arrive in waves
// while the bot crashes at random moments (after Discord stored a post,
// before a post reached it, while reconciling after a restart) and loses
// random answers, with no nonce deduplication; every alert must be
// announced exactly once.
func TestExactlyOnceUnderFaults(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	e := newEnv(t)
	f := setupAlerts(e, "")
	e.route(guildA, chanA2, "")
	e.route(guildA, chanB, "")
	e.fake.SetNonceWindow(0)
	n := *exactlyOnceN
	var all []string
	const waves, crashes = 8, 3
	e.start()
	for w := 0; w < waves; w++ {
		if rng.IntN(2) == 0 {
			e.fake.Inject(discordtest.Fault{Method: http.MethodPost, PathPrefix: "/channels/", Drop: true, Times: 1 + rng.IntN(2)})
		}
		wave := make([]string, n/waves)
		for i := range wave {
			wave[i] = fmt.Sprintf("Kyiv wave %d item %d", w, i)
		}
		all = append(all, wave...)
		var crashed <-chan struct{}
		if w < crashes {
			// Each wave makes at least one message per channel: three.
			skip := rng.IntN(3)
			countdown := func() bool { skip--; return skip < 0 }
			c := newCrash(e)
			c.arm()
			if rng.IntN(2) == 0 {
				crashed = c.afterPost(func(discordtest.Message) bool { return countdown() })
			} else {
				crashed = c.onRequest(func(r discordtest.Request) bool { return isPost(r) && countdown() })
			}
		}
		// Alerts stored in a few saves, so some passes see many (summaries)
		// and some few (single alerts).
		for len(wave) > 0 {
			k := min(len(wave), 1+rng.IntN(10))
			e.items(f.ID, guildA, wave[:k]...)
			wave = wave[k:]
			if crashed == nil && rng.IntN(2) == 0 {
				e.waitNoPending(wait) // the next save finds the channels idle
			}
		}
		if crashed == nil {
			continue
		}
		awaitCrash(t, e, crashed)
		if rng.IntN(2) == 0 {
			// The restarted bot crashes too, while it looks through a
			// channel for what the first one may have posted.
			c := newCrash(e)
			again := c.onRequest(isList)
			e.start()
			c.arm()
			awaitCrash(t, e, again)
		}
		e.start()
	}
	if !e.waitNoPending(3 * wait) {
		t.Fatalf("%d alerts still pending", len(e.pending()))
	}
	for _, ch := range []string{chanA, chanA2, chanB} {
		checkOnce(t, e, ch, all)
	}
	t.Logf("%d alerts per channel in %d messages", len(all), e.fake.MessageCount())
}

// TestInvalidRequestsSlowDown: past the invalid request threshold (here 5
// instead of 5,000) the deliverer spaces its requests at least a second
// apart and says so once.
func TestInvalidRequestsSlowDown(t *testing.T) {
	e := newEnv(t, func(e *env) { e.cfg.MaxRetries = 10 })
	f := setupAlerts(e, "")
	e.start()
	bot.SetInvalidThreshold(e.bot, 5)
	e.fake.Inject(discordtest.Fault{Method: http.MethodPost, PathPrefix: "/channels/", Status: http.StatusTooManyRequests,
		RetryAfter: 0.01, Times: 6})
	titles := kyivTitles("slow", 2)
	e.items(f.ID, guildA, titles...)
	if !e.waitNoPending(wait) {
		t.Fatalf("%d alerts still pending", len(e.pending()))
	}
	checkOnce(t, e, chanA, titles)
	var posts []time.Time
	for _, r := range e.fake.Requests() {
		if r.Method == http.MethodPost && strings.HasPrefix(r.Path, "/channels/") {
			posts = append(posts, r.At)
		}
	}
	if len(posts) != 8 {
		t.Fatalf("%d posts, want 6 limited and 2 delivered", len(posts))
	}
	sort.Slice(posts, func(i, j int) bool { return posts[i].Before(posts[j]) })
	// The 5th 429 reached the threshold; every later request waited.
	for i := 5; i < len(posts); i++ {
		if gap := posts[i].Sub(posts[i-1]); gap < 900*time.Millisecond {
			t.Errorf("post %d came %v after the one before, want at least a second past the threshold", i+1, gap)
		}
	}
	if n := strings.Count(e.logs.String(), "slowing deliveries down"); n != 1 {
		t.Errorf("slowing down logged %d times, want once", n)
	}
}
