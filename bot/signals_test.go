package bot_test

import (
	"bytes"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/bot"
	"github.com/newswatch/newswatch/bot/discordtest"
	"github.com/newswatch/newswatch/chart"
	"github.com/newswatch/newswatch/digest"
	"github.com/newswatch/newswatch/store"
)

// TestDigestAndSpikePosted: a stored digest goes out as one message with
// its chart attached (multipart) and shown in the embed, and a spike
// alert as an embed naming count, baseline and stories; both carry the
// outbox marker, and neither is posted twice.
func TestDigestAndSpikePosted(t *testing.T) {
	e := newEnv(t)
	kram := e.watch(newswatch.GlobalScope, "Краматорськ", newswatch.KindCity)
	r, err := e.db.SetRoute(e.ctx, newswatch.Route{GuildID: guildA, ChannelID: "500", Digest: true, DigestHour: 7, Spikes: true}, 0)
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
	trend := chart.Fill([]newswatch.BucketCount{{WatchID: kram.ID, Entity: kram.Name, Start: day, Count: 12}},
		[]string{kram.Name}, 24*time.Hour, day.Add(-13*24*time.Hour), day.Add(24*time.Hour))
	d, err := digest.Build(digest.Input{Day: day, Counts: map[string]int{kram.Name: 12}, LastWeek: map[string]int{kram.Name: 4},
		Stories: []digest.Story{{Title: "Shelling in Краматорськ", URL: "https://news.test/1", Sources: 3}}, Trend: trend})
	if err != nil {
		t.Fatal(err)
	}
	payload, err := bot.DigestPayload(r, d)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := e.db.ClaimDigest(e.ctx, r.ID, day, &newswatch.AlertMessage{Route: r, Payload: payload}, time.Now()); !ok || err != nil {
		t.Fatalf("claim: %v %v", ok, err)
	}
	spike := newswatch.SpikeAlert{WatchID: kram.ID, Entity: kram.Name, Hour: day.Add(30 * time.Hour), Count: 40, Baseline: 3.5, P: 1e-20,
		Stories: []newswatch.Story{{Title: "Explosions reported", SourceCount: 4, Items: []newswatch.StoryItem{{Link: "https://news.test/2"}}}}}
	sp, err := bot.SpikePayload(r, spike)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.RecordSpike(e.ctx, store.SpikeEpisode{GuildID: guildA, WatchID: kram.ID, Hour: spike.Hour, Count: 40},
		3*time.Hour, []newswatch.AlertMessage{{Route: r, Payload: sp}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	e.start()
	msgs := e.fake.WaitMessages("500", 2, wait)
	if len(msgs) != 2 {
		t.Fatalf("%d messages posted, want the digest and the spike", len(msgs))
	}
	dm := msgs[0]
	if len(dm.Attachments) != 1 || len(dm.Embeds) != 1 {
		t.Fatalf("digest message: %d attachments, %d embeds", len(dm.Attachments), len(dm.Embeds))
	}
	a := dm.Attachments[0]
	img, err := png.Decode(bytes.NewReader(a.Data))
	if err != nil {
		t.Fatalf("digest attachment %s: %v", a.Filename, err)
	}
	if img.Bounds().Dx() != chart.DefaultWidth || a.Filename != "trend-2026-03-09.png" || a.ContentType != "image/png" {
		t.Errorf("attachment %s %s %v", a.Filename, a.ContentType, img.Bounds())
	}
	de := dm.Embeds[0]
	if de.Image == nil || de.Image.URL != "attachment://trend-2026-03-09.png" || !strings.Contains(de.Description, "**Краматорськ** 12 (▲ +200% from 4 a week ago)") ||
		de.Footer == nil || !strings.Contains(de.Footer.Text, "newswatch #") {
		t.Errorf("digest embed %+v", de)
	}
	se := msgs[1].Embeds[0]
	if len(msgs[1].Attachments) != 0 || !strings.Contains(se.Title, "Spike: Краматорськ") || !strings.Contains(se.Description, "**40**") ||
		!strings.Contains(se.Description, "**3.5**") || len(se.Fields) != 1 || !strings.Contains(se.Fields[0].Value, "Explosions reported") {
		t.Errorf("spike message %+v", se)
	}
	if !e.waitNoPendingMessages() {
		t.Fatal("messages still pending")
	}
	e.bot.Notify()
	if n := len(e.fake.Messages("500")); n != 2 {
		t.Errorf("%d messages after delivery settled, want 2", n)
	}
}

// waitNoPendingMessages waits until no stored message is pending.
func (e *env) waitNoPendingMessages() bool {
	return eventually(wait, func() bool {
		ms, err := e.db.PendingAlertMessages(e.ctx, 10)
		return err == nil && len(ms) == 0
	})
}

// TestDigestLostAnswerPostedOnce: the answer to the digest's multipart
// post is lost after Discord created the message; the deliverer finds it
// in the channel by its marker and does not post it again.
func TestDigestLostAnswerPostedOnce(t *testing.T) {
	e := newEnv(t)
	r := e.route(guildA, "501", "")
	day := time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
	trend := []chart.Series{{Name: "Sloviansk", Points: []chart.Point{{Start: day, Count: 3}, {Start: day.Add(24 * time.Hour), Count: 5}}}}
	d, err := digest.Build(digest.Input{Day: day, Counts: map[string]int{"Sloviansk": 5}, Trend: trend})
	if err != nil {
		t.Fatal(err)
	}
	payload, err := bot.DigestPayload(r, d)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.ClaimDigest(e.ctx, r.ID, day, &newswatch.AlertMessage{Route: r, Payload: payload}, time.Now()); err != nil {
		t.Fatal(err)
	}
	e.fake.Inject(discordtest.Fault{Method: "POST", PathPrefix: "/channels/501/messages", Drop: true, Times: 1})
	e.start()
	if !e.waitNoPendingMessages() {
		t.Fatal("the digest is still pending")
	}
	msgs := e.fake.Messages("501")
	if len(msgs) != 1 || len(msgs[0].Attachments) != 1 {
		t.Fatalf("%d messages posted, want the digest once with its chart", len(msgs))
	}
	posts := 0
	for _, req := range e.fake.Requests() {
		if req.Method == "POST" && req.Path == "/channels/501/messages" {
			posts++
		}
	}
	if posts != 1 { // a second post would be hidden by enforce_nonce
		t.Errorf("%d posts, want 1 (the lost one, then found in the channel)", posts)
	}
}
