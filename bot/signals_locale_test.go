package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/bot"
	"github.com/newswatch/newswatch/bot/discordtest"
	"github.com/newswatch/newswatch/chart"
	"github.com/newswatch/newswatch/digest"
	"github.com/newswatch/newswatch/store"
)

// TestSpikeAndDigestInGuildLanguage: /alerts set records the guild's
// locale (guild_locale, not the admin's own locale) on the route, and the
// route's spike alerts and digests are posted in it: Ukrainian for "uk",
// Russian for "ru", English for a language the bot does not speak ("de").
func TestSpikeAndDigestInGuildLanguage(t *testing.T) {
	e := newEnv(t)
	e.start()
	day := time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
	posted := 0
	for i, tt := range []struct {
		guildLocale                              string
		title, desc, top, sources, dTitle, dDesc string
	}{
		{"uk", "📈 Сплеск: Kramatorsk0", "сюжетів згадали **Kramatorsk0** за годину з", "Головні сюжети", "джерел: 4",
			"Щоденне зведення, 09.03.2026 (UTC)", "**Kramatorsk0** 12 (нове; тиждень тому не було)"},
		{"ru", "📈 Всплеск: Kramatorsk1", "сюжетов упомянули **Kramatorsk1** за час с", "Главные сюжеты", "источников: 4",
			"Ежедневная сводка, 09.03.2026 (UTC)", "**Kramatorsk1** 12 (новое; неделю назад не было)"},
		{"de", "📈 Spike: Kramatorsk2", "stories mentioned **Kramatorsk2** in the hour from", "Top stories", "4 sources",
			"Daily digest, Monday 9 March 2026 (UTC)", "**Kramatorsk2** 12 (new; none a week ago)"},
	} {
		w := e.watch(guildA, "Kramatorsk"+string(rune('0'+i)), newswatch.KindCity)
		// The admin's client is English: the guild's locale decides.
		r := e.ask(discordtest.Interaction{GuildID: guildA, Locale: "en-US", GuildLocale: tt.guildLocale,
			Data: discordtest.Command("alerts set", discordtest.Channel("channel", chanA), discordtest.Bool("spikes", true))})
		if r.Ephemeral {
			t.Fatalf("%s: /alerts set refused: %q", tt.guildLocale, r.Text())
		}
		rs, err := e.db.Routes(e.ctx, guildA)
		if err != nil || len(rs) != 1 || rs[0].Locale != tt.guildLocale {
			t.Fatalf("%s: routes %+v, %v", tt.guildLocale, rs, err)
		}
		route := rs[0]
		spike := newswatch.SpikeAlert{WatchID: w.ID, Entity: w.Name, Hour: day.Add(time.Duration(i) * time.Hour), Count: 40, Baseline: 3.5, P: 1e-20,
			Stories: []newswatch.Story{{Title: "Explosions reported", SourceCount: 4, Items: []newswatch.StoryItem{{Link: "https://news.test/2"}}}}}
		sp, err := bot.SpikePayload(route, spike)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.RecordSpike(e.ctx, store.SpikeEpisode{GuildID: guildA, WatchID: w.ID, Hour: spike.Hour, Count: 40},
			3*time.Hour, []newswatch.AlertMessage{{Route: route, Payload: sp}}, time.Now()); err != nil {
			t.Fatal(err)
		}
		d, err := digest.Build(digest.Input{Day: day, Counts: map[string]int{w.Name: 12}, Text: bot.Translator(route.Locale),
			Trend: []chart.Series{{Name: w.Name, Points: []chart.Point{{Start: day.Add(-24 * time.Hour), Count: 3}, {Start: day, Count: 12}}}}})
		if err != nil {
			t.Fatal(err)
		}
		dp, err := bot.DigestPayload(route, d)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.ClaimDigest(e.ctx, route.ID, day.AddDate(0, 0, i), &newswatch.AlertMessage{Route: route, Payload: dp}, time.Now()); err != nil {
			t.Fatal(err)
		}
		e.bot.Notify()
		posted += 2
		msgs := e.fake.WaitMessages(chanA, posted, wait)
		if len(msgs) != posted {
			t.Fatalf("%s: %d messages in the channel, want %d", tt.guildLocale, len(msgs), posted)
		}
		var se, de *discordgo.MessageEmbed
		for _, m := range msgs[posted-2:] {
			if len(m.Embeds) == 1 && len(m.Attachments) == 0 {
				se = m.Embeds[0]
			} else if len(m.Embeds) == 1 {
				de = m.Embeds[0]
			}
		}
		if se == nil || de == nil {
			t.Fatalf("%s: no spike and digest among %+v", tt.guildLocale, msgs[posted-2:])
		}
		if se.Title != tt.title || !strings.Contains(se.Description, tt.desc) || len(se.Fields) != 1 ||
			se.Fields[0].Name != tt.top || !strings.Contains(se.Fields[0].Value, tt.sources) {
			t.Errorf("%s: spike %q %q %+v", tt.guildLocale, se.Title, se.Description, se.Fields)
		}
		if de.Title != tt.dTitle || de.Description != tt.dDesc {
			t.Errorf("%s: digest %q %q, want %q %q", tt.guildLocale, de.Title, de.Description, tt.dTitle, tt.dDesc)
		}
	}
}
