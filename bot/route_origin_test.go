package bot_test

import (
	"strings"
	"testing"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/bot/discordtest"
)

// TestConfigRouteReadOnly: a route the configuration declares is listed as
// such, and /alerts set, /alerts digest and /alerts off on its channel are
// refused in the user's language, saying the configuration owns it; the
// route stays as the file says.
func TestConfigRouteReadOnly(t *testing.T) {
	e := newEnv(t)
	e.watch(guildA, "Kyiv", newswatch.KindCity)
	if _, err := e.db.SetConfigRoute(e.ctx, newswatch.Route{GuildID: guildA, ChannelID: chanA, Query: "shelling"}); err != nil {
		t.Fatal(err)
	}
	e.start()
	for _, tt := range []struct {
		locale string
		data   map[string]any
		want   string
	}{
		{"en-US", discordtest.Command("alerts set", discordtest.Channel("channel", chanA)), "are declared in the bot's configuration file and can only be changed there"},
		{"uk", discordtest.Command("alerts set", discordtest.Channel("channel", chanA), discordtest.Str("watches", "Kyiv")), "задано у файлі налаштувань бота"},
		{"ru", discordtest.Command("alerts digest", discordtest.Channel("channel", chanA), discordtest.Int("hour", 8)), "заданы в файле настроек бота"},
		{"en-US", discordtest.Command("alerts off", discordtest.Channel("channel", chanA)), "declared in the bot's configuration file"},
	} {
		r := e.ask(discordtest.Interaction{GuildID: guildA, Locale: tt.locale, Data: tt.data})
		if !r.Ephemeral || !strings.Contains(r.Text(), tt.want) {
			t.Errorf("%s %v: reply %q (ephemeral %v), want a refusal with %q", tt.locale, tt.data["name"], r.Text(), r.Ephemeral, tt.want)
		}
	}
	rs, err := e.db.Routes(e.ctx, guildA)
	if err != nil || len(rs) != 1 || rs[0].Query != "shelling" || rs[0].Digest || len(rs[0].Watches) != 0 {
		t.Fatalf("route after refused commands: %+v %v", rs, err)
	}
	if r := e.ask(discordtest.Interaction{GuildID: guildA, Data: discordtest.Command("alerts list")}); !strings.Contains(r.Text(), "from the bot's configuration file (read-only here)") {
		t.Errorf("/alerts list %q does not say the route is the configuration's", r.Text())
	}
}

// TestWatchMuteDropsQueuedSummary: an hourly cap summary waits in the
// outbox until its hour is over; /watch mute of its watch drops it there
// and then, so the summary of a watch the admin has just silenced is
// never posted. The alert already posted stays.
func TestWatchMuteDropsQueuedSummary(t *testing.T) {
	e := newEnv(t)
	e.watch(guildA, "Kyiv", newswatch.KindCity)
	r, err := e.db.SetRoute(e.ctx, newswatch.Route{GuildID: guildA, ChannelID: chanA, CapPerHour: 1}, 0)
	if err != nil {
		t.Fatal(err)
	}
	f := e.feed(guildA, "https://news.test/mute.xml")
	e.start()
	e.items(f.ID, guildA, "Kyiv one", "Kyiv two", "Kyiv three")
	if msgs := e.fake.WaitMessages(chanA, 1, wait); len(msgs) != 1 {
		t.Fatalf("%d messages, want the first alert", len(msgs))
	}
	queued := func() int {
		n := 0
		for _, a := range e.pending() {
			if a.Route.ID == r.ID {
				n++
			}
		}
		return n
	}
	// The first alert is marked sent once Discord confirmed it; the
	// summary waits for the hour's end.
	if !eventually(wait, func() bool { return queued() == 1 }) {
		t.Fatalf("%d alerts queued, want the summary alone", queued())
	}
	if rep := e.do(guildA, admin, discordtest.Command("watch mute", discordtest.Str("name", "Kyiv"), discordtest.Str("duration", "2h"))); rep.Ephemeral {
		t.Fatalf("mute refused: %q", rep.Text())
	}
	if n := queued(); n != 0 {
		t.Errorf("%d alerts of the muted watch still queued", n)
	}
	if n := len(e.fake.Messages(chanA)); n != 1 {
		t.Errorf("%d messages in the channel, want the first alert alone", n)
	}
}
