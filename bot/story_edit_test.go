package bot_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch/bot/discordtest"
)

// pendingMessages is the number of stored messages (posts and edits) not
// yet marked sent.
func pendingMessages(e *env) int {
	e.t.Helper()
	ms, err := e.db.PendingAlertMessages(e.ctx, 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	return len(ms)
}

// TestEditThroughOutboxSurvivesCrash: a stored edit of a story's alert
// (a messages row of kind 'edit') is PATCHed onto the posted message. The
// bot crashes after sending the edit and before marking it sent; the
// restarted bot sends the same edit again, which is harmless: the channel
// still holds one message, with the "Also reported by" line, and nothing
// was posted anew.
func TestEditThroughOutboxSurvivesCrash(t *testing.T) {
	e := newEnv(t)
	f := setupAlerts(e, "")
	route := e.route(guildA, chanA, "")
	e.start()
	e.items(f.ID, guildA, "Zelensky arrives in Kyiv")
	ms := e.fake.WaitMessages(chanA, 1, wait)
	if len(ms) != 1 {
		t.Fatalf("%d messages, want the story's first alert", len(ms))
	}
	orig := ms[0]
	also := "Also reported by: [AP](https://ap.test/1), [Reuters](https://reuters.test/2)"
	embed := *orig.Embeds[0]
	embed.Description += "\n" + also
	payload, err := json.Marshal(map[string]any{"embeds": []*discordgo.MessageEmbed{&embed},
		"allowed_mentions": map[string]any{"parse": []string{}}})
	if err != nil {
		t.Fatal(err)
	}
	c := newCrash(e)
	c.arm()
	crashed := make(chan struct{})
	e.fake.SetRequestHook(func(r discordtest.Request) bool {
		if r.Method == http.MethodPatch && c.first(func() bool { return true }) {
			c.fire() // the bot is gone; the fake then applies the edit it sent
			close(crashed)
		}
		return false
	})
	if _, err := e.db.CreateEditMessage(e.ctx, route, orig.ID, payload, time.Now()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-crashed:
	case <-time.After(wait):
		t.Fatal("the edit was never sent")
	}
	e.fake.SetRequestHook(nil)
	e.cancel, e.bot = nil, nil
	eventually(wait, func() bool { return e.fake.Edits() >= 1 })
	if e.fake.Edits() != 1 {
		t.Fatalf("%d edits applied at the crash, want 1", e.fake.Edits())
	}
	if n := pendingMessages(e); n != 1 {
		t.Fatalf("%d pending messages after the crash, want the edit", n)
	}
	e.start()
	eventually(wait, func() bool { return pendingMessages(e) == 0 })
	if n := pendingMessages(e); n != 0 {
		t.Fatalf("%d messages still pending after the restart", n)
	}
	got := e.fake.Messages(chanA)
	if len(got) != 1 || got[0].ID != orig.ID {
		t.Fatalf("%d messages in the channel, want the one alert edited", len(got))
	}
	if !strings.Contains(got[0].Embeds[0].Description, also) || got[0].Edited.IsZero() {
		t.Errorf("the alert lost its 'also' line: %q", got[0].Embeds[0].Description)
	}
	if n := e.fake.Edits(); n != 2 {
		t.Errorf("%d edits, want 2 (the one at the crash, sent again after it)", n)
	}
	posts := 0
	for _, r := range e.fake.Requests() {
		if isPost(r) {
			posts++
		}
	}
	if posts != 1 {
		t.Errorf("%d posts, want 1: an edit never posts", posts)
	}
}

// TestEditOfDeletedMessage: an edit whose message was deleted meanwhile is
// done (10008), neither posted anew nor holding the channel back.
func TestEditOfDeletedMessage(t *testing.T) {
	e := newEnv(t)
	f := setupAlerts(e, "")
	route := e.route(guildA, chanA, "")
	e.start()
	if _, err := e.db.CreateEditMessage(e.ctx, route, "123456789", []byte(`{"embeds":[{"description":"x"}]}`), time.Now()); err != nil {
		t.Fatal(err)
	}
	e.items(f.ID, guildA, "Zelensky arrives in Kyiv")
	if ms := e.fake.WaitMessages(chanA, 1, wait); len(ms) != 1 {
		t.Fatalf("%d messages: the alert behind the edit of a deleted message did not go out", len(ms))
	}
	eventually(wait, func() bool { return pendingMessages(e) == 0 })
	if n := pendingMessages(e); n != 0 {
		t.Errorf("%d messages pending", n)
	}
	if got := e.fake.Messages(chanA); len(got) != 1 || got[0].Embeds[0].Description == "x" {
		t.Errorf("messages %+v, want only the alert", got)
	}
}
