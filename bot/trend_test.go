package bot_test

import (
	"bytes"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/bot/discordtest"
)

func TestTrendCommand(t *testing.T) {
	e := newEnv(t)
	e.watch(newswatch.GlobalScope, "Sloviansk", newswatch.KindCity, "Slavyansk")
	e.watch(guildA, "Краматорськ", newswatch.KindCity)
	e.watch(guildA, "Quietville", newswatch.KindCity)
	f := e.feed(guildA, "http://feeds.test/a")
	e.items(f.ID, guildA, "Shelling reported in Sloviansk", "Краматорськ and Sloviansk under fire", "Краматорськ: power restored")
	e.start()

	r := e.do(guildA, "", discordtest.Command("trend", discordtest.Str("names", "sloviansk, Краматорськ"), discordtest.Str("period", "7d")))
	if len(r.Attachments) != 1 {
		t.Fatalf("reply %q with %d attachments, want one chart", r.Text(), len(r.Attachments))
	}
	a := r.Attachments[0]
	img, err := png.Decode(bytes.NewReader(a.Data))
	if err != nil {
		t.Fatalf("attachment %s is not a PNG: %v", a.Filename, err)
	}
	if b := img.Bounds(); b.Dx() != 800 || b.Dy() != 450 || a.Filename != "trend.png" || a.ContentType != "image/png" {
		t.Errorf("attachment %s (%s) is %v, want trend.png 800×450", a.Filename, a.ContentType, b)
	}
	text := r.Text()
	for _, want := range []string{"Mentions of Sloviansk, Краматорськ, last 7d", "**Sloviansk**: 2", "**Краматорськ**: 2"} {
		if !strings.Contains(text, want) {
			t.Errorf("reply %q lacks %q", text, want)
		}
	}
	if len(r.Embeds) != 1 || r.Embeds[0].Image == nil || r.Embeds[0].Image.URL != "attachment://trend.png" {
		t.Errorf("embed does not show the attachment: %+v", r.Embeds)
	}

	tests := []struct {
		name  string
		guild string
		data  map[string]any
		want  string
	}{
		{"empty period", guildA, discordtest.Command("trend", discordtest.Str("names", "Quietville")), "No mentions of Quietville in the last 30d: nothing to draw."},
		{"unknown name", guildA, discordtest.Command("trend", discordtest.Str("names", "Sloviansk, Atlantis")), "No watch is named Atlantis."},
		{"another guild's watch", guildB, discordtest.Command("trend", discordtest.Str("names", "Краматорськ")), "No watch is named Краматорськ."},
		{"by day", guildA, discordtest.Command("trend", discordtest.Str("names", "Sloviansk"), discordtest.Str("bucket", "day")), "**Sloviansk**: 2"},
		{"90 days by the hour", guildA, discordtest.Command("trend", discordtest.Str("names", "Sloviansk, Краматорськ"),
			discordtest.Str("period", "90d"), discordtest.Str("bucket", "hour")), "**Краматорськ**: 2"},
	}
	for _, tt := range tests {
		r := e.do(tt.guild, "", tt.data)
		if !strings.Contains(r.Text(), tt.want) {
			t.Errorf("%s: reply %q, want %q", tt.name, r.Text(), tt.want)
		}
		if got := len(r.Attachments); (got == 1) != strings.HasPrefix(tt.want, "**") {
			t.Errorf("%s: %d attachments", tt.name, got)
		}
	}
}

// TestTrendAfterDeferral: a chart that takes longer than DeferAfter goes
// out as the edit of the deferred response, with the file attached.
func TestTrendAfterDeferral(t *testing.T) {
	e := newEnv(t, func(e *env) { e.cfg.DeferAfter = time.Nanosecond })
	e.watch(newswatch.GlobalScope, "Sloviansk", newswatch.KindCity)
	f := e.feed(guildA, "http://feeds.test/a")
	e.items(f.ID, guildA, "Shelling reported in Sloviansk")
	e.start()
	r := e.do(guildA, "", discordtest.Command("trend", discordtest.Str("names", "Sloviansk")))
	if !r.Deferred || len(r.Attachments) != 1 {
		t.Fatalf("deferred %v, %d attachments: %q", r.Deferred, len(r.Attachments), r.Text())
	}
	if _, err := png.Decode(bytes.NewReader(r.Attachments[0].Data)); err != nil {
		t.Errorf("attachment is not a PNG: %v", err)
	}
}
