package bot_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/newswatch/newswatch/bot/discordtest"
)

// summaryItem matches one line of a summary: "• [title](<url>) — ...".
var summaryItem = regexp.MustCompile(`(?m)^• \[(.*?)\]\(<`)

// delivered counts the items announced in messages: a single alert's embed
// title, or each line of a summary.
func delivered(ms []discordtest.Message) map[string]int {
	out := map[string]int{}
	for _, m := range ms {
		if len(m.Embeds) == 0 {
			continue
		}
		e := m.Embeds[0]
		if lines := summaryItem.FindAllStringSubmatch(e.Description, -1); strings.HasSuffix(e.Title, "new alerts") ||
			strings.Contains(e.Title, "new alerts (of") {
			for _, l := range lines {
				out[l[1]]++
			}
			continue
		}
		out[e.Title]++
	}
	return out
}

// checkOnce fails unless each of titles was announced exactly once in
// channel ch, and nothing else was.
func checkOnce(t *testing.T, e *env, ch string, titles []string) {
	t.Helper()
	got := delivered(e.fake.Messages(ch))
	want := map[string]int{}
	for _, title := range titles {
		want[title] = 1
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("items announced in %s (-want +got):\n%s", ch, diff)
	}
}

// crash stops the bot the way a crash would, at a moment a fake hook
// chooses: the hook cancels the bot's context and waits for Run to return
// before the fake goes on, so the bot learns nothing more. arm hands it the
// running bot (call it after env.start); the hooks block until then.
type crash struct {
	e       *env
	targets chan crashTarget
	once    sync.Once
	crashed chan struct{}
	mu      sync.Mutex
	hit     bool
}

type crashTarget struct {
	cancel context.CancelFunc
	done   chan error
}

func newCrash(e *env) *crash {
	return &crash{e: e, targets: make(chan crashTarget, 1), crashed: make(chan struct{})}
}

// arm makes the bot env.start started the one to crash.
func (c *crash) arm() { c.targets <- crashTarget{c.e.cancel, c.e.done} }

// fire crashes the armed bot, once.
func (c *crash) fire() {
	c.once.Do(func() {
		select {
		case tg := <-c.targets:
			tg.cancel()
			select {
			case err := <-tg.done:
				if err != nil {
					c.e.t.Errorf("Run returned %v", err)
				}
			case <-time.After(wait):
				c.e.t.Error("the bot did not stop")
			}
		case <-time.After(wait):
			c.e.t.Error("crash never armed")
		}
		close(c.crashed)
	})
}

// first reports whether this is the first event match accepts.
func (c *crash) first(match func() bool) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.hit || !match() {
		return false
	}
	c.hit = true
	return true
}

// afterPost crashes the bot when the fake has stored a message match
// accepts, before it answers the post.
func (c *crash) afterPost(match func(discordtest.Message) bool) <-chan struct{} {
	c.e.fake.SetMessageHook(func(m discordtest.Message) {
		if c.first(func() bool { return match(m) }) {
			c.fire()
		}
	})
	return c.crashed
}

// onRequest crashes the bot when it sends a request match accepts, before
// the fake acts on it; the request is dropped.
func (c *crash) onRequest(match func(discordtest.Request) bool) <-chan struct{} {
	c.e.fake.SetRequestHook(func(r discordtest.Request) bool {
		if c.first(func() bool { return match(r) }) {
			c.fire()
			return true
		}
		return false
	})
	return c.crashed
}

// crashOn makes the running bot crash when the fake stores a message that
// match accepts: before the fake answers the post, so the bot never learns
// that the message exists. The returned channel is closed after the crash.
func crashOn(e *env, match func(discordtest.Message) bool) <-chan struct{} {
	c := newCrash(e)
	c.arm()
	return c.afterPost(match)
}

// startCrashing starts the bot with the crash hook that install sets
// already in place, so that a bot quick to post alerts stored before the
// start cannot get past it; a hook that fires before arm waits for it.
func startCrashing(e *env, install func(c *crash) <-chan struct{}) <-chan struct{} {
	c := newCrash(e)
	crashed := install(c)
	e.start()
	c.arm()
	return crashed
}

func afterAnyPost(c *crash) <-chan struct{} { return c.afterPost(anyMessage) }

// awaitCrash waits for a crash and forgets the stopped bot and the hooks.
func awaitCrash(t *testing.T, e *env, crashed <-chan struct{}) {
	t.Helper()
	select {
	case <-crashed:
	case <-time.After(wait):
		t.Fatal("no crash")
	}
	e.fake.SetMessageHook(nil)
	e.fake.SetRequestHook(nil)
	e.cancel, e.bot = nil, nil
}

// isPost and isList tell message posts and message lists apart.
func isPost(r discordtest.Request) bool {
	return r.Method == http.MethodPost && strings.HasPrefix(r.Path, "/channels/")
}

func isList(r discordtest.Request) bool {
	return r.Method == http.MethodGet && strings.HasPrefix(r.Path, "/channels/") && strings.Contains(r.Path, "/messages")
}

func anyMessage(discordtest.Message) bool { return true }

// messageLists counts the GET /channels/{id}/messages requests.
func messageLists(e *env) int {
	n := 0
	for _, r := range e.fake.Requests() {
		if isList(r) {
			n++
		}
	}
	return n
}

func kyivTitles(prefix string, n int) []string {
	var out []string
	for i := 1; i <= n; i++ {
		out = append(out, fmt.Sprintf("Kyiv %s %d", prefix, i))
	}
	return out
}
