package bot_test

import (
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

// crashOn makes the bot crash when the fake stores a message that match
// accepts: the bot's context is cancelled and Run has returned before the
// fake answers the post, so the bot never learns that the message exists.
// The returned channel is closed after the crash.
func crashOn(e *env, match func(discordtest.Message) bool) <-chan struct{} {
	crashed := make(chan struct{})
	cancel, done := e.cancel, e.done
	var once sync.Once
	e.fake.SetMessageHook(func(m discordtest.Message) {
		if !match(m) {
			return
		}
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					e.t.Errorf("Run returned %v", err)
				}
			case <-time.After(wait):
				e.t.Error("the bot did not stop")
			}
			close(crashed)
		})
	})
	return crashed
}

// awaitCrash waits for crashOn's crash and forgets the stopped bot.
func awaitCrash(t *testing.T, e *env, crashed <-chan struct{}) {
	t.Helper()
	select {
	case <-crashed:
	case <-time.After(wait):
		t.Fatal("no crash")
	}
	e.fake.SetMessageHook(nil)
	e.cancel, e.bot = nil, nil
}

func anyMessage(discordtest.Message) bool { return true }

// messageLists counts the GET /channels/{id}/messages requests.
func messageLists(e *env) int {
	n := 0
	for _, r := range e.fake.Requests() {
		if r.Method == http.MethodGet && strings.HasPrefix(r.Path, "/channels/") && strings.Contains(r.Path, "/messages") {
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

