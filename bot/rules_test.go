package bot_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/bot/discordtest"
)

// ask sends an interaction and waits for its complete answer.
func (e *env) ask(in discordtest.Interaction) discordtest.Reply {
	e.t.Helper()
	if in.Permissions == "" {
		in.Permissions = admin
	}
	r, err := e.fake.Interact(in, wait)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// TestAutocompleteSendsEmptyChoices: with no match the answer still has the
// choices field Discord requires, as an empty list.
func TestAutocompleteSendsEmptyChoices(t *testing.T) {
	e := newEnv(t)
	e.watch(guildA, "Kyiv", newswatch.KindCity)
	e.start()
	r := e.auto(guildA, discordtest.Command("mentions", discordtest.Focused("name", "zzzz")))
	if r.CallbackType != discordgo.InteractionApplicationCommandAutocompleteResult || len(r.Bodies) != 1 {
		t.Fatalf("callback %d, %d bodies", r.CallbackType, len(r.Bodies))
	}
	if !strings.Contains(string(r.Bodies[0]), `"choices":[]`) {
		t.Errorf("body %s, want \"choices\":[]", r.Bodies[0])
	}
	r = e.auto(guildA, discordtest.Command("mentions", discordtest.Focused("name", "ky")))
	if len(r.Choices) != 1 || r.Choices[0].Value != "Kyiv" {
		t.Errorf("choices %+v, want Kyiv", r.Choices)
	}
}

// TestSearchPagesReachEveryResult: when 25 long results do not fit in one
// message, the Next button walks through all of them, each shown once.
func TestSearchPagesReachEveryResult(t *testing.T) {
	e := newEnv(t)
	f := e.feed(guildA, "http://feeds.test/long")
	var in []newswatch.IngestItem
	filler := strings.Repeat("Kyiv reported more shelling overnight, officials said. ", 12)
	for i := range 25 {
		in = append(in, newswatch.IngestItem{Item: newswatch.Item{FeedID: f.ID, Key: fmt.Sprintf("long-%d", i),
			Title: fmt.Sprintf("Kyiv story %02d %s", i, strings.Repeat("with a long headline ", 8)),
			Link:  fmt.Sprintf("https://news.test/long/%d", i), Text: filler, FetchedAt: time.Now(),
			Published: time.Now().Add(-time.Duration(i) * time.Minute)}})
	}
	if _, err := e.db.SaveItems(e.ctx, f.ID, in); err != nil {
		t.Fatal(err)
	}
	e.start()
	seen := map[int]int{}
	number := regexp.MustCompile(`^(\d+)\. Kyiv story (\d+)`)
	r := e.do(guildA, "0", discordtest.Command("search", discordtest.Str("query", "kyiv"), discordtest.Int("limit", 25)))
	pages := 0
	for {
		pages++
		if len(r.Embeds) != 1 {
			t.Fatalf("page %d: %q", pages, r.Text())
		}
		stories := map[string]bool{}
		for _, fl := range r.Embeds[0].Fields {
			m := number.FindStringSubmatch(fl.Name)
			if m == nil {
				t.Fatalf("page %d: field %q", pages, fl.Name)
			}
			n, _ := strconv.Atoi(m[1])
			seen[n]++
			if stories[m[2]] {
				t.Errorf("story %s twice on page %d", m[2], pages)
			}
			stories[m[2]] = true
		}
		ids := customIDs(t, r)
		if len(r.Embeds[0].Fields) == 0 || len(ids) != 2 || pages > 25 {
			t.Fatalf("page %d: %d fields, buttons %v", pages, len(r.Embeds[0].Fields), ids)
		}
		if !strings.Contains(r.Embeds[0].Footer.Text, "more on the next page") {
			break
		}
		var err error
		r, err = e.fake.Interact(discordtest.Interaction{Type: 3, GuildID: guildA, Data: discordtest.Component(ids[1]), MessageID: "1"}, wait)
		if err != nil {
			t.Fatal(err)
		}
	}
	for n := 1; n <= 25; n++ {
		if seen[n] != 1 {
			t.Errorf("result %d shown %d times", n, seen[n])
		}
	}
	if len(seen) != 25 || pages < 2 {
		t.Errorf("%d results over %d pages, want 25 over more than one", len(seen), pages)
	}
	t.Logf("25 long results over %d pages", pages)
}

// TestReplayedInteractionAnsweredOnce: an INTERACTION_CREATE delivered twice
// runs the command once and answers once.
func TestReplayedInteractionAnsweredOnce(t *testing.T) {
	e := newEnv(t)
	e.start()
	id, err := e.fake.Send(discordtest.Interaction{GuildID: guildA, Permissions: admin,
		Data: discordtest.Command("feed add", discordtest.Str("url", "http://feeds.test/once"))})
	if err != nil {
		t.Fatal(err)
	}
	until(t, func() bool { _, done := e.fake.Answer(id); return done })
	if err := e.fake.Resend(id); err != nil {
		t.Fatal(err)
	}
	until(t, func() bool { return strings.Contains(e.logs.String(), "interaction seen before") })
	if n := e.fake.Callbacks(id); n != 1 {
		t.Errorf("%d callbacks, want 1", n)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.checked) != 1 || len(e.feedsAdded) != 1 {
		t.Errorf("CheckFeed ran %d times, FeedAdded %d, want once each", len(e.checked), len(e.feedsAdded))
	}
}

// until polls cond until it holds or the test's deadline passes.
func until(t *testing.T, cond func() bool) {
	t.Helper()
	if !eventually(wait, cond) {
		t.Fatal("condition not met in time")
	}
}

// TestAlertsSetChecksTheChannel: /alerts set refuses a channel of another
// server, a channel that is not a text channel, one where the bot cannot
// view, post or embed links, and a role it cannot ping, saying what is
// missing; the permissions come from the roles and overwrites over REST.
func TestAlertsSetChecksTheChannel(t *testing.T) {
	e := newEnv(t)
	const botRole, quiet, pinger = "444444444444444450", "444444444444444451", "444444444444444452"
	e.fake.AddGuild(guildA, discordtest.GuildRole{ID: roleA, Mentionable: true}, discordtest.GuildRole{ID: botRole},
		discordtest.GuildRole{ID: quiet, Name: "quiet"}, discordtest.GuildRole{ID: pinger, Permissions: discordgo.PermissionMentionEveryone})
	e.fake.SetMemberRoles(guildA, e.fake.AppID, botRole)
	ch := func(id string, typ discordgo.ChannelType, ows ...discordtest.Overwrite) string {
		e.fake.AddChannel(discordtest.GuildChannel{ID: id, GuildID: guildA, Name: "c" + id, Type: typ, Overwrites: ows})
		return id
	}
	everyone := func(allow, deny int64) discordtest.Overwrite {
		return discordtest.Overwrite{ID: guildA, Allow: allow, Deny: deny}
	}
	hidden := ch("333333333333333340", 0, everyone(0, discordgo.PermissionViewChannel))
	mute := ch("333333333333333341", 0, everyone(0, discordgo.PermissionSendMessages))
	noEmbed := ch("333333333333333342", 0, discordtest.Overwrite{ID: e.fake.AppID, Member: true, Deny: discordgo.PermissionEmbedLinks})
	allowed := ch("333333333333333343", 5, everyone(0, discordgo.PermissionSendMessages),
		discordtest.Overwrite{ID: botRole, Allow: discordgo.PermissionSendMessages})
	voice := ch("333333333333333344", discordgo.ChannelTypeGuildVoice)
	e.start()
	set := func(channel string, opts ...discordtest.Opt) discordtest.Reply {
		return e.do(guildA, admin, discordtest.Command("alerts set", append([]discordtest.Opt{discordtest.Channel("channel", channel)}, opts...)...))
	}
	for _, tt := range []struct {
		name    string
		channel string
		opts    []discordtest.Opt
		want    string
	}{
		{"another server's channel", chanB, nil, "is not a channel of this server"},
		{"another server's channel with a role", chanB, []discordtest.Opt{discordtest.Role("role", roleA)}, "is not a channel of this server"},
		{"unknown channel", "333333333333333399", nil, "is not a channel of this server"},
		{"voice channel", voice, nil, "not a text or announcement channel"},
		{"cannot view", hidden, nil, "I can't see <#" + hidden + ">: give me View Channel"},
		{"cannot send", mute, nil, "I can't send messages in <#" + mute + ">: give me Send Messages"},
		{"cannot embed", noEmbed, nil, "I can't embed links in <#" + noEmbed + ">: give me Embed Links"},
		{"role not mentionable", chanA, []discordtest.Opt{discordtest.Role("role", quiet)}, "I can't ping the role **quiet** in <#" + chanA + ">: make the role mentionable"},
		{"another server's role", chanA, []discordtest.Opt{discordtest.Role("role", "444444444444444499")}, "not one of this server's"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := set(tt.channel, tt.opts...)
			if !r.Ephemeral || !strings.Contains(r.Text(), tt.want) {
				t.Errorf("reply %q (ephemeral %v), want a refusal with %q", r.Text(), r.Ephemeral, tt.want)
			}
		})
	}
	if c := e.counts(guildA); c.Routes != 0 {
		t.Fatalf("%d routes saved by refused commands", c.Routes)
	}
	for _, tt := range []struct {
		name    string
		channel string
		opts    []discordtest.Opt
	}{
		{"role overwrite allows sending", allowed, nil},
		{"mentionable role", chanA, []discordtest.Opt{discordtest.Role("role", roleA)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if r := set(tt.channel, tt.opts...); r.Ephemeral || !strings.Contains(r.Text(), "<#"+tt.channel+">") {
				t.Errorf("reply %q (ephemeral %v), want the route", r.Text(), r.Ephemeral)
			}
		})
	}
	// Mention Everyone lets the bot ping a role that is not mentionable.
	e.fake.SetMemberRoles(guildA, e.fake.AppID, botRole, pinger)
	if r := set(chanA2, discordtest.Role("role", quiet)); r.Ephemeral {
		t.Errorf("with Mention Everyone: %q", r.Text())
	}
}

// TestAlertsSetInThisChannelUsesAppPermissions: for the channel where the
// command is used, the bot's permissions come with the interaction.
func TestAlertsSetInThisChannelUsesAppPermissions(t *testing.T) {
	e := newEnv(t)
	e.fake.AddChannel(discordtest.GuildChannel{ID: chanA2, GuildID: guildA, Name: "news",
		Overwrites: []discordtest.Overwrite{{ID: guildA, Deny: discordgo.PermissionEmbedLinks}}})
	e.start()
	r := e.ask(discordtest.Interaction{GuildID: guildA, ChannelID: chanA2, Data: discordtest.Command("alerts set", discordtest.Channel("channel", chanA2))})
	if !r.Ephemeral || !strings.Contains(r.Text(), "give me Embed Links") {
		t.Errorf("reply %q, want a refusal for Embed Links", r.Text())
	}
	for _, req := range e.fake.Requests() {
		if strings.HasPrefix(req.Path, "/guilds/") {
			t.Errorf("looked up %s although the interaction carried app_permissions", req.Path)
		}
	}
}

// TestGlobalFeedsAreReadOnly: no server can retry or remove a feed from the
// configuration.
func TestGlobalFeedsAreReadOnly(t *testing.T) {
	e := newEnv(t)
	global, err := e.db.EnsureFeed(e.ctx, "http://feeds.test/global", newswatch.GlobalScope, "config", 0)
	if err != nil {
		t.Fatal(err)
	}
	e.start()
	for _, cmd := range []string{"feed retry", "feed remove"} {
		r := e.do(guildA, admin, discordtest.Command(cmd, discordtest.Str("feed", itoa(global.ID))))
		if !r.Ephemeral || !strings.Contains(r.Text(), "cannot be removed from Discord") && !strings.Contains(r.Text(), "read-only from Discord") {
			t.Errorf("/%s of a global feed: %q (ephemeral %v)", cmd, r.Text(), r.Ephemeral)
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.feedsAdded) != 0 {
		t.Errorf("FeedAdded called %v", e.feedsAdded)
	}
}

// TestLocalizedReplies: Russian and Ukrainian clients get replies in their
// language, every other locale English.
func TestLocalizedReplies(t *testing.T) {
	e := newEnv(t)
	f := e.feed(guildA, "http://feeds.test/a")
	e.items(f.ID, guildA, "one", "two")
	e.start()
	for _, tt := range []struct {
		name, locale string
		data         map[string]any
		perms        string
		want         []string
		ephemeral    bool
	}{
		{"ru stats", "ru", discordtest.Command("stats"), "0", []string{"Статистика newswatch", "Материалы"}, false},
		{"uk stats", "uk", discordtest.Command("stats"), "0", []string{"Статистика newswatch", "Матеріали"}, false},
		{"de stats", "de", discordtest.Command("stats"), "0", []string{"newswatch statistics"}, false},
		{"uk error", "uk", discordtest.Command("mentions", discordtest.Str("name", "x"), discordtest.Str("since", "soon")), "0", []string{"Не розумію час"}, true},
		{"ru admin refusal", "ru", discordtest.Command("watch add", discordtest.Str("name", "Lviv"), discordtest.Str("kind", "city")), nonAdmin, []string{"Для /watch add нужно право"}, true},
		{"ru empty", "ru", discordtest.Command("search", discordtest.Str("query", "zzzz")), "0", []string{"Ничего не найдено"}, false},
		{"ru pager", "ru", discordtest.Command("latest", discordtest.Int("limit", 1)), "0", []string{"Последние материалы", "Страница 1 · продолжение"}, false},
		{"uk store not found", "uk", discordtest.Command("watch remove", discordtest.Str("name", "Nowhere")), admin, []string{"Немає відстеження з назвою"}, true},
		{"ru alerts off", "ru", discordtest.Command("alerts off", discordtest.Channel("channel", chanA)), admin, []string{"оповещения не отправляются"}, true},
		{"uk help", "uk", discordtest.Command("help"), "0", []string{"/пошук", "/стрічка повторити", "Для адміністраторів"}, true},
		{"en help", "en-GB", discordtest.Command("help"), "0", []string{"/search", "/alerts set", "For admins", "Integrations"}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.ask(discordtest.Interaction{GuildID: guildA, Permissions: tt.perms, Locale: tt.locale, Data: tt.data})
			for _, w := range tt.want {
				if !strings.Contains(r.Text(), w) {
					t.Errorf("reply %q lacks %q", r.Text(), w)
				}
			}
			if r.Ephemeral != tt.ephemeral {
				t.Errorf("ephemeral %v, want %v", r.Ephemeral, tt.ephemeral)
			}
		})
	}
	r := e.ask(discordtest.Interaction{GuildID: guildA, Permissions: "0", Locale: "ru", Data: discordtest.Command("latest", discordtest.Int("limit", 1))})
	if !strings.Contains(string(r.Components), "Далее ▶") {
		t.Errorf("buttons %s, want Russian labels", r.Components)
	}
	// The button answers in the language of whoever clicks it.
	r, err := e.fake.Interact(discordtest.Interaction{Type: 3, GuildID: guildA, Locale: "uk", Data: discordtest.Component(customIDs(t, r)[1]), MessageID: "1"}, wait)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Text(), "Сторінка 2") {
		t.Errorf("page 2 for a Ukrainian client: %q", r.Text())
	}
}

// TestStringOptionsHaveMaxLength: the lengths are registered, Discord's
// client (the fake) does not send longer values, and the bot refuses a
// forged one.
func TestStringOptionsHaveMaxLength(t *testing.T) {
	e := newEnv(t)
	e.start()
	var cmds []struct {
		Name    string `json:"name"`
		Options []struct {
			Name      string `json:"name"`
			MaxLength int    `json:"max_length"`
		} `json:"options"`
	}
	if err := json.Unmarshal(e.fake.Commands(guildA), &cmds); err != nil {
		t.Fatal(err)
	}
	got := 0
	for _, c := range cmds {
		if c.Name == "search" {
			got = c.Options[0].MaxLength
		}
	}
	if got != 300 {
		t.Errorf("registered max_length of /search query = %d, want 300", got)
	}
	long := discordtest.Command("search", discordtest.Str("query", strings.Repeat("я", 301)))
	if _, err := e.fake.Interact(discordtest.Interaction{GuildID: guildA, Data: long}, wait); err == nil {
		t.Error("the fake sent a value over max_length")
	}
	r := e.ask(discordtest.Interaction{GuildID: guildA, Data: long, Forged: true})
	if !r.Ephemeral || !strings.Contains(r.Text(), "at most 300 characters") {
		t.Errorf("forged long query: %q", r.Text())
	}
	ok := discordtest.Command("search", discordtest.Str("query", strings.Repeat("я", 300)))
	if r := e.ask(discordtest.Interaction{GuildID: guildA, Data: ok}); strings.Contains(r.Text(), "at most") {
		t.Errorf("300 characters refused: %q", r.Text())
	}
}
