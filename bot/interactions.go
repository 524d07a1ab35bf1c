package bot

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch"
)

// reply is what a handler answers.
type reply struct {
	content    string
	embeds     []*discordgo.MessageEmbed
	components []discordgo.MessageComponent
	ephemeral  bool
	files      []file // attachments, sent as multipart/form-data (trend.go)
}

// invocation is a parsed slash command (or the command behind a page button).
type invocation struct {
	guildID   string
	channelID string // where the command was used
	appPerms  int64  // the bot's permissions in channelID, from the interaction
	lang      lang   // the language of the user's Discord client
	// guildLocale is the guild's preferred locale (guild_locale), else the
	// user's: routes set by the command record it for their spike alerts
	// and digests.
	guildLocale discordgo.Locale
	name        string // "search", "watch add", ...
	opts        map[string]*discordgo.ApplicationCommandInteractionDataOption
	resolved    *discordgo.ApplicationCommandInteractionDataResolved // the objects of the options, nil when none came
	page        int                                                  // 1-based
	pageKey     string                                               // the paging state of this list, "" until it has one
	places      Places                                               // Deps.Places
}

func (v *invocation) str(name string) string {
	if o := v.opts[name]; o != nil {
		if s, ok := o.Value.(string); ok {
			return strings.TrimSpace(s)
		}
	}
	return ""
}

func (v *invocation) integer(name string, def, lo, hi int) int {
	if o := v.opts[name]; o != nil {
		if f, ok := o.Value.(float64); ok {
			return min(max(int(f), lo), hi)
		}
	}
	return def
}

func (v *invocation) boolean(name string) bool {
	if o := v.opts[name]; o != nil {
		b, _ := o.Value.(bool)
		return b
	}
	return false
}

// t is the message id in the user's language.
func (v *invocation) t(id string, args ...any) string { return v.lang.t(id, args...) }

// errorf is a domain error with a message in the user's language.
func (v *invocation) errorf(code, id string, args ...any) error {
	return newswatch.Errorf(code, "%s", v.lang.t(id, args...))
}

type handler func(ctx context.Context, v *invocation) (*reply, error)

func (b *Bot) handlers() map[string]handler {
	return map[string]handler{
		"search": b.search, "latest": b.latest, "mentions": b.mentions, "stats": b.stats, "help": b.help,
		"watch add": b.watchAdd, "watch remove": b.watchRemove, "watch list": b.watchList, "watch show": b.watchShow, "watch edit": b.watchEdit,
		"watch mute": b.watchMute, "watch unmute": b.watchUnmute,
		"feed add": b.feedAdd, "feed remove": b.feedRemove, "feed list": b.feedList, "feed retry": b.feedRetry,
		"alerts set": b.alertsSet, "alerts off": b.alertsOff, "alerts list": b.alertsList, "alerts digest": b.alertsDigest,
		"trend": b.trend,
		"story": b.story,
	}
}

// onInteraction answers one interaction. It runs in its own goroutine.
// Discord may deliver an INTERACTION_CREATE twice (a replayed event after a
// resume); only the first is answered, since a second callback would fail
// with "already acknowledged" after running the command a second time.
func (b *Bot) onInteraction(ctx context.Context, i *discordgo.Interaction) {
	defer func() {
		if r := recover(); r != nil {
			b.log.Error("interaction handler panicked", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		}
	}()
	if !b.seen.first(i.ID, time.Now()) {
		b.log.Info("interaction seen before; not answered again", "interaction", i.ID)
		return
	}
	tr := b.traceInteraction(i) // metrics: latency until answered, outcome
	defer tr.done()
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		b.answer(ctx, i, false, tr.wrap(func(ctx context.Context) (*reply, error) { return b.command(ctx, i) }))
	case discordgo.InteractionApplicationCommandAutocomplete:
		b.autocomplete(ctx, i)
	case discordgo.InteractionMessageComponent:
		b.answer(ctx, i, true, tr.wrap(func(ctx context.Context) (*reply, error) { return b.component(ctx, i) }))
	}
}

// parse reads the command name and options of a command interaction.
func parse(i *discordgo.Interaction) *invocation {
	data := i.ApplicationCommandData()
	v := &invocation{guildID: i.GuildID, channelID: i.ChannelID, appPerms: i.AppPermissions,
		lang: langOf(i.Locale), name: data.Name, page: 1, resolved: data.Resolved,
		opts: map[string]*discordgo.ApplicationCommandInteractionDataOption{}}
	opts := data.Options
	if len(opts) == 1 && (opts[0].Type == discordgo.ApplicationCommandOptionSubCommand ||
		opts[0].Type == discordgo.ApplicationCommandOptionSubCommandGroup) {
		v.name += " " + opts[0].Name
		opts = opts[0].Options
	}
	for _, o := range opts {
		if o != nil {
			v.opts[o.Name] = o
		}
	}
	v.page = v.integer("page", 1, 1, 1000)
	v.guildLocale = i.Locale
	if i.GuildLocale != nil && *i.GuildLocale != "" {
		v.guildLocale = *i.GuildLocale
	}
	return v
}

// command runs a slash command after the DM, permission and length checks.
func (b *Bot) command(ctx context.Context, i *discordgo.Interaction) (*reply, error) {
	l := langOf(i.Locale)
	if i.GuildID == "" || i.Member == nil {
		return nil, newswatch.Errorf(newswatch.EFORBIDDEN, "%s", l.t("err.dm"))
	}
	v := parse(i)
	v.places = b.deps.Places
	h := b.handlers()[v.name]
	if h == nil {
		return nil, v.errorf(newswatch.EINVALID, "err.unknown_command", v.name)
	}
	if adminCommands[v.name] && !b.isAdmin(i.Member) {
		b.log.Info("admin command refused", "command", v.name, "guild", i.GuildID)
		return nil, v.errorf(newswatch.EFORBIDDEN, "err.admin_only", v.name)
	}
	if err := checkLengths(v); err != nil {
		return nil, err
	}
	return h(ctx, v)
}

// checkLengths refuses string options longer than their registered
// max_length: Discord's client enforces it, but a request can be crafted.
func checkLengths(v *invocation) error {
	for name, o := range v.opts {
		s, ok := o.Value.(string)
		if !ok {
			continue
		}
		if n := maxLengths[v.name+" "+name]; n > 0 && utf8.RuneCountInString(s) > n {
			return v.errorf(newswatch.EINVALID, "err.too_long", name, n)
		}
	}
	return nil
}

// answer runs fn and answers with its reply: at once when it is quick,
// otherwise a deferral within DeferAfter and then an edit. update answers a
// component click by updating its message.
func (b *Bot) answer(ctx context.Context, i *discordgo.Interaction, update bool, fn func(context.Context) (*reply, error)) {
	done := make(chan *reply, 1)
	go func() { done <- b.run(ctx, i, fn) }()
	timer := time.NewTimer(b.cfg.DeferAfter)
	defer timer.Stop()
	select {
	case r := <-done:
		b.respond(ctx, i, r, update)
		return
	case <-timer.C:
	case <-ctx.Done():
		<-done // the handler sees the cancelled context; Run waits for it
		return
	}
	typ := discordgo.InteractionResponseDeferredChannelMessageWithSource
	if update {
		typ = discordgo.InteractionResponseDeferredMessageUpdate
	}
	if err := b.call(ctx, func(opts ...discordgo.RequestOption) error {
		return b.s.InteractionRespond(i, &discordgo.InteractionResponse{Type: typ}, opts...)
	}); err != nil {
		b.log.Warn("defer interaction", "err", b.redact(err.Error()))
	}
	var r *reply
	select {
	case r = <-done:
	case <-ctx.Done():
		<-done
		return
	}
	b.finish(ctx, i, r, update)
}

// run calls fn, turning errors and panics into replies.
func (b *Bot) run(ctx context.Context, i *discordgo.Interaction, fn func(context.Context) (*reply, error)) (r *reply) {
	l := langOf(i.Locale)
	defer func() {
		if p := recover(); p != nil {
			b.log.Error("command panicked", "interaction", i.ID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			r = errorReply(l, fmt.Errorf("panic: %v", p))
		}
	}()
	r, err := fn(ctx)
	if err != nil {
		if newswatch.ErrorCode(err) == newswatch.EINTERNAL {
			b.log.Error("command failed", "interaction", i.ID, "err", b.redact(err.Error()))
		}
		return errorReply(l, err)
	}
	if r == nil {
		r = &reply{content: l.t("done")}
	}
	return r
}

func errorReply(l lang, err error) *reply {
	msg := newswatch.ErrorMessage(err)
	if newswatch.ErrorCode(err) == newswatch.EINTERNAL {
		msg = l.t("err.internal")
	}
	return &reply{content: escapeError(msg), ephemeral: true}
}

// escapeError keeps a domain message readable but inert: no pings.
func escapeError(s string) string {
	return cut(strings.ReplaceAll(s, "@", "@\u200b"), maxContent)
}

func (r *reply) data() *discordgo.InteractionResponseData {
	d := &discordgo.InteractionResponseData{
		Content: cut(r.content, maxContent), Embeds: r.embeds, Components: r.components,
		AllowedMentions: noMentions(""),
	}
	if d.Embeds == nil {
		d.Embeds = []*discordgo.MessageEmbed{}
	}
	if d.Components == nil {
		d.Components = []discordgo.MessageComponent{}
	}
	if r.ephemeral {
		d.Flags = discordgo.MessageFlagsEphemeral
	}
	d.Files = discordFiles(r.files)
	return d
}

// respond answers within the 3 seconds with the reply itself.
func (b *Bot) respond(ctx context.Context, i *discordgo.Interaction, r *reply, update bool) {
	typ := discordgo.InteractionResponseChannelMessageWithSource
	if update && !r.ephemeral {
		typ = discordgo.InteractionResponseUpdateMessage
	}
	err := b.call(ctx, func(opts ...discordgo.RequestOption) error {
		return b.s.InteractionRespond(i, &discordgo.InteractionResponse{Type: typ, Data: r.data()}, opts...)
	})
	if err != nil {
		b.log.Warn("answer interaction", "err", b.redact(err.Error()))
	}
}

// finish replaces a deferral with the reply by editing the original
// response. A deferral decides for good whether the answer is ephemeral:
// Discord's docs say the first follow-up after a deferral edits the
// "thinking" message, keeping its visibility, so an ephemeral flag on it
// (or a delete first) cannot make an error private. An error after a
// public deferral is therefore shown publicly, as the edit it is. After a
// button's deferred update (which has no message of its own) an error goes
// privately to the user who clicked, as an ephemeral follow-up.
func (b *Bot) finish(ctx context.Context, i *discordgo.Interaction, r *reply, update bool) {
	d := r.data()
	var err error
	if r.ephemeral && update {
		err = b.call(ctx, func(opts ...discordgo.RequestOption) error {
			_, err := b.s.FollowupMessageCreate(i, true, &discordgo.WebhookParams{
				Content: d.Content, Embeds: d.Embeds, AllowedMentions: d.AllowedMentions,
				Flags: discordgo.MessageFlagsEphemeral}, opts...)
			return err
		})
	} else {
		err = b.call(ctx, func(opts ...discordgo.RequestOption) error {
			_, err := b.s.InteractionResponseEdit(i, &discordgo.WebhookEdit{
				Content: &d.Content, Embeds: &d.Embeds, Components: &d.Components,
				AllowedMentions: d.AllowedMentions, Files: discordFiles(r.files)}, opts...)
			return err
		})
	}
	if err != nil {
		b.log.Warn("finish deferred interaction", "err", b.redact(err.Error()))
	}
}
