package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/bot/discordtest"
)

// TestAlertsSetRule: /alerts set takes the rule options, stores them (the
// watches by their canonical names) and says the rule in words; /alerts
// list says it in the user's language.
func TestAlertsSetRule(t *testing.T) {
	e := newEnv(t)
	e.watch(guildA, "Kramatorsk", newswatch.KindCity, "Краматорськ")
	e.watch(guildA, "Sloviansk", newswatch.KindCity)
	e.start()
	r := e.do(guildA, admin, discordtest.Command("alerts set", discordtest.Channel("channel", chanA),
		discordtest.Str("watches", "краматорськ, SLOVIANSK"), discordtest.Str("query", "shelling OR strike -exercise"),
		discordtest.Int("cap", 3), discordtest.Bool("spikes", true), discordtest.Int("min_sources", 2)))
	want := "Alerts for **Kramatorsk**, **Sloviansk** matching «shelling OR strike -exercise» go to <#" + chanA + ">." +
		" A story alerts once it has 2 sources. At most 3 alerts per watch per hour, then one summary. Spike alerts too."
	if r.Ephemeral || r.Text() != want {
		t.Errorf("reply %q (ephemeral %v),\nwant %q", r.Text(), r.Ephemeral, want)
	}
	rs, err := e.db.Routes(e.ctx, guildA)
	if err != nil || len(rs) != 1 {
		t.Fatalf("routes %+v, %v", rs, err)
	}
	got := rs[0]
	if strings.Join(got.Watches, ",") != "Kramatorsk,Sloviansk" || got.Query != "shelling OR strike -exercise" ||
		got.CapPerHour != 3 || !got.Spikes || got.MinSources != 2 || got.Quiet || got.PerItem {
		t.Errorf("stored route %+v", got)
	}
	r = e.do(guildA, admin, discordtest.Command("alerts set", discordtest.Channel("channel", chanA2),
		discordtest.Bool("quiet", true), discordtest.Bool("stories", false), discordtest.Str("kind", "city")))
	if !strings.Contains(r.Text(), "for city watches go to <#"+chanA2+">. Quiet: no alerts for single items") ||
		!strings.Contains(r.Text(), "Stories off: every item alerts on its own.") {
		t.Errorf("quiet route reply %q", r.Text())
	}
	for _, tt := range []struct{ locale, want string }{
		{"en-US", "Alerts for **Kramatorsk**, **Sloviansk** matching «shelling OR strike -exercise» go to <#" + chanA + ">. A story alerts once it has 2 sources."},
		{"ru", "Оповещения о **Kramatorsk**, **Sloviansk** по запросу «shelling OR strike -exercise» приходят в <#" + chanA + ">. Оповещение о сюжете приходит, когда источников не меньше 2."},
		{"uk", "Сповіщення про **Kramatorsk**, **Sloviansk** за запитом «shelling OR strike -exercise» надходять до <#" + chanA + ">. Сповіщення про сюжет надходить, коли джерел щонайменше 2."},
	} {
		r := e.ask(discordtest.Interaction{GuildID: guildA, Locale: tt.locale, Data: discordtest.Command("alerts list")})
		if !strings.Contains(r.Text(), tt.want) {
			t.Errorf("%s /alerts list %q\nwant it to contain %q", tt.locale, r.Text(), tt.want)
		}
	}
}

// TestAlertsSetRefusesBadRules: a query that does not parse is refused
// with its position, in the user's language around it; so is a watch the
// server does not see. Nothing is stored.
func TestAlertsSetRefusesBadRules(t *testing.T) {
	e := newEnv(t)
	e.watch(guildA, "Kyiv", newswatch.KindCity)
	e.watch(guildB, "Odesa", newswatch.KindCity)
	e.start()
	for _, tt := range []struct {
		locale string
		opts   []discordtest.Opt
		want   string
	}{
		{"en-US", []discordtest.Opt{discordtest.Str("query", "(Kramatorsk OR Sloviansk")}, "The query is not valid: Missing ) for the ( at position 1."},
		{"en-US", []discordtest.Opt{discordtest.Str("query", "Kyiv OR")}, "position 6"},
		{"ru", []discordtest.Opt{discordtest.Str("query", "Kyiv )")}, "Запрос составлен неверно: Unexpected ) at position 6."},
		{"en-US", []discordtest.Opt{discordtest.Str("watches", "Kyiv, Odesa")}, `No watch is named "Odesa".`},
		{"uk", []discordtest.Opt{discordtest.Str("watches", "Atlantis")}, `Немає відстеження з назвою "Atlantis".`},
	} {
		opts := append([]discordtest.Opt{discordtest.Channel("channel", chanA)}, tt.opts...)
		r := e.ask(discordtest.Interaction{GuildID: guildA, Locale: tt.locale, Data: discordtest.Command("alerts set", opts...)})
		// Discord shows the markdown escapes of the user's text as the text.
		if text := strings.ReplaceAll(r.Text(), `\`, ""); !r.Ephemeral || !strings.Contains(text, tt.want) {
			t.Errorf("%v: reply %q (ephemeral %v), want a refusal with %q", tt.opts, r.Text(), r.Ephemeral, tt.want)
		}
	}
	if c := e.counts(guildA); c.Routes != 0 {
		t.Errorf("%d routes stored by refused commands", c.Routes)
	}
}

// TestWatchMuteCommands: /watch mute silences a watch in this server until
// a time, shown by /alerts list; /watch unmute ends it; members without
// Manage Server and bad durations are refused.
func TestWatchMuteCommands(t *testing.T) {
	e := newEnv(t)
	e.watch(guildA, "Kyiv", newswatch.KindCity, "Kiev")
	e.route(guildA, chanA, "")
	e.start()
	if r := e.do(guildA, nonAdmin, discordtest.Command("watch mute", discordtest.Str("name", "Kyiv"), discordtest.Str("duration", "2h"))); !r.Ephemeral || !strings.Contains(r.Text(), "Manage Server") {
		t.Errorf("non-admin mute: %q", r.Text())
	}
	for _, d := range []string{"31d", "10s", "soon"} {
		r := e.do(guildA, admin, discordtest.Command("watch mute", discordtest.Str("name", "Kyiv"), discordtest.Str("duration", d)))
		if !r.Ephemeral || !strings.Contains(r.Text(), "as a duration") {
			t.Errorf("mute for %q: %q", d, r.Text())
		}
	}
	before := time.Now()
	r := e.do(guildA, admin, discordtest.Command("watch mute", discordtest.Str("name", "kiev"), discordtest.Str("duration", "2h")))
	if r.Ephemeral || !strings.Contains(r.Text(), "Muted **Kyiv** in this server's alerts until <t:") {
		t.Fatalf("mute: %q", r.Text())
	}
	ms, err := e.db.Mutes(e.ctx, guildA, time.Now())
	if err != nil || len(ms) != 1 || ms[0].Watch != "Kyiv" || ms[0].Until.Before(before.Add(2*time.Hour-time.Second)) ||
		ms[0].Until.After(time.Now().Add(2*time.Hour)) {
		t.Fatalf("mutes %+v, %v; want Kyiv for 2h", ms, err)
	}
	if other, _ := e.db.Mutes(e.ctx, guildB, time.Now()); len(other) != 0 {
		t.Errorf("the mute reached another server: %+v", other)
	}
	if r := e.do(guildA, admin, discordtest.Command("alerts list")); !strings.Contains(r.Text(), "🔇 Muted here: **Kyiv** <t:") {
		t.Errorf("/alerts list %q lacks the mute", r.Text())
	}
	if r := e.do(guildA, admin, discordtest.Command("watch unmute", discordtest.Str("name", "Kyiv"))); r.Ephemeral || !strings.Contains(r.Text(), "**Kyiv** alerts again") {
		t.Errorf("unmute: %q", r.Text())
	}
	if r := e.do(guildA, admin, discordtest.Command("watch unmute", discordtest.Str("name", "Kyiv"))); !r.Ephemeral || !strings.Contains(r.Text(), "Kyiv is not muted here") {
		t.Errorf("second unmute: %q", r.Text())
	}
	if r := e.do(guildA, admin, discordtest.Command("watch mute", discordtest.Str("name", "Atlantis"), discordtest.Str("duration", "1d"))); !r.Ephemeral || !strings.Contains(r.Text(), "No watch is named") {
		t.Errorf("mute of an unknown watch: %q", r.Text())
	}
}

// TestMutedWatchPostsNothing: items of a muted watch raise no alert in the
// server's channels; another watch in the same server still does.
func TestMutedWatchPostsNothing(t *testing.T) {
	e := newEnv(t)
	f := setupAlerts(e, "")
	e.start()
	if r := e.do(guildA, admin, discordtest.Command("watch mute", discordtest.Str("name", "Kyiv"), discordtest.Str("duration", "1h"))); r.Ephemeral {
		t.Fatalf("mute: %q", r.Text())
	}
	if res := e.items(f.ID, guildA, "Kyiv quiet today", "Zelensky speaks"); res.Alerts != 1 {
		t.Fatalf("SaveItems wrote %d alerts, want 1 (Zelensky)", res.Alerts)
	}
	ms := e.fake.WaitMessages(chanA, 1, wait)
	if len(ms) != 1 || !strings.Contains(ms[0].Embeds[0].Title, "Zelensky") {
		t.Fatalf("messages %+v, want the Zelensky alert only", ms)
	}
}

// TestAlertsDigestCommand: /alerts digest sets a channel's daily digest
// hour (a channel without a route gets a quiet one), /alerts set keeps it,
// and off ends it.
func TestAlertsDigestCommand(t *testing.T) {
	e := newEnv(t)
	e.start()
	r := e.do(guildA, admin, discordtest.Command("alerts digest", discordtest.Channel("channel", chanA), discordtest.Int("hour", 8)))
	if r.Ephemeral || !strings.Contains(r.Text(), "Quiet: no alerts for single items") || !strings.Contains(r.Text(), "Daily digest at 08:00 UTC.") {
		t.Fatalf("digest: %q", r.Text())
	}
	route := func() newswatch.Route {
		rs, err := e.db.Routes(e.ctx, guildA)
		if err != nil || len(rs) != 1 {
			t.Fatalf("routes %+v, %v", rs, err)
		}
		return rs[0]
	}
	if got := route(); !got.Digest || got.DigestHour != 8 || !got.Quiet {
		t.Errorf("route %+v, want a quiet one with the digest at 8", got)
	}
	e.do(guildA, admin, discordtest.Command("alerts set", discordtest.Channel("channel", chanA), discordtest.Bool("spikes", true)))
	if got := route(); !got.Digest || got.DigestHour != 8 || got.Quiet || !got.Spikes {
		t.Errorf("after /alerts set: %+v, want the digest kept", got)
	}
	if r := e.do(guildA, admin, discordtest.Command("alerts digest", discordtest.Channel("channel", chanA))); !r.Ephemeral || !strings.Contains(r.Text(), "Give the hour") {
		t.Errorf("digest without hour: %q", r.Text())
	}
	if r := e.do(guildA, admin, discordtest.Command("alerts digest", discordtest.Channel("channel", chanA), discordtest.Bool("off", true))); r.Ephemeral || !strings.Contains(r.Text(), "is off") {
		t.Errorf("digest off: %q", r.Text())
	}
	if got := route(); got.Digest {
		t.Errorf("after off: %+v", got)
	}
	if r := e.do(guildA, nonAdmin, discordtest.Command("alerts digest", discordtest.Channel("channel", chanA), discordtest.Int("hour", 3))); !r.Ephemeral {
		t.Errorf("non-admin digest: %q", r.Text())
	}
}
