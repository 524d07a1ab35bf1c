package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch"
)

// reply is what a handler answers.
type reply struct {
	content    string
	embeds     []*discordgo.MessageEmbed
	components []discordgo.MessageComponent
	ephemeral  bool
}

// invocation is a parsed slash command (or the command behind a page button).
type invocation struct {
	guildID string
	name    string // "search", "watch add", ...
	opts    map[string]*discordgo.ApplicationCommandInteractionDataOption
	page    int    // 1-based
	pageKey string // the paging state of this list, "" until it has one
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

type handler func(ctx context.Context, v *invocation) (*reply, error)

func (b *Bot) handlers() map[string]handler {
	return map[string]handler{
		"search": b.search, "latest": b.latest, "mentions": b.mentions, "stats": b.stats,
		"watch add": b.watchAdd, "watch remove": b.watchRemove, "watch list": b.watchList, "watch show": b.watchShow,
		"feed add": b.feedAdd, "feed remove": b.feedRemove, "feed list": b.feedList, "feed retry": b.feedRetry,
		"alerts set": b.alertsSet, "alerts off": b.alertsOff, "alerts list": b.alertsList,
	}
}

// onInteraction answers one interaction. It runs in its own goroutine.
func (b *Bot) onInteraction(ctx context.Context, i *discordgo.Interaction) {
	defer func() {
		if r := recover(); r != nil {
			b.log.Error("interaction handler panicked", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		}
	}()
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		b.answer(ctx, i, false, func(ctx context.Context) (*reply, error) { return b.command(ctx, i) })
	case discordgo.InteractionApplicationCommandAutocomplete:
		b.autocomplete(ctx, i)
	case discordgo.InteractionMessageComponent:
		b.answer(ctx, i, true, func(ctx context.Context) (*reply, error) { return b.component(ctx, i) })
	}
}

var errDM = newswatch.Errorf(newswatch.EFORBIDDEN, "newswatch commands work in servers only, not in direct messages.")

// parse reads the command name and options of a command interaction.
func parse(i *discordgo.Interaction) *invocation {
	data := i.ApplicationCommandData()
	v := &invocation{guildID: i.GuildID, name: data.Name, page: 1,
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
	return v
}

// command runs a slash command after the DM and permission checks.
func (b *Bot) command(ctx context.Context, i *discordgo.Interaction) (*reply, error) {
	if i.GuildID == "" || i.Member == nil {
		return nil, errDM
	}
	v := parse(i)
	h := b.handlers()[v.name]
	if h == nil {
		return nil, newswatch.Errorf(newswatch.EINVALID, "Unknown command /%s.", v.name)
	}
	if adminCommands[v.name] && !b.isAdmin(i.Member) {
		b.log.Info("admin command refused", "command", v.name, "guild", i.GuildID)
		return nil, newswatch.Errorf(newswatch.EFORBIDDEN,
			"/%s needs the Manage Server permission or the bot's admin role.", v.name)
	}
	return h(ctx, v)
}

// isAdmin checks the member's permissions and roles as sent in the interaction.
func (b *Bot) isAdmin(m *discordgo.Member) bool {
	if m == nil {
		return false
	}
	if m.Permissions&(permManageGuild|permAdministrator) != 0 {
		return true
	}
	for _, r := range m.Roles {
		if b.cfg.AdminRoleID != "" && r == b.cfg.AdminRoleID {
			return true
		}
	}
	return false
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
	defer func() {
		if p := recover(); p != nil {
			b.log.Error("command panicked", "interaction", i.ID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			r = errorReply(fmt.Errorf("panic: %v", p))
		}
	}()
	r, err := fn(ctx)
	if err != nil {
		if newswatch.ErrorCode(err) == newswatch.EINTERNAL {
			b.log.Error("command failed", "interaction", i.ID, "err", b.redact(err.Error()))
		}
		return errorReply(err)
	}
	if r == nil {
		r = &reply{content: "Done."}
	}
	return r
}

func errorReply(err error) *reply {
	msg := newswatch.ErrorMessage(err)
	if newswatch.ErrorCode(err) == newswatch.EINTERNAL {
		msg = "Something went wrong on the bot's side; the details were logged. Please try again later."
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

// finish replaces a deferral with the reply. An ephemeral reply after a
// public deferral deletes the deferral and follows up privately.
func (b *Bot) finish(ctx context.Context, i *discordgo.Interaction, r *reply, update bool) {
	d := r.data()
	var err error
	if r.ephemeral {
		if !update {
			_ = b.call(ctx, func(opts ...discordgo.RequestOption) error {
				return b.s.InteractionResponseDelete(i, opts...)
			})
		}
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
				AllowedMentions: d.AllowedMentions}, opts...)
			return err
		})
	}
	if err != nil {
		b.log.Warn("finish deferred interaction", "err", b.redact(err.Error()))
	}
}

// ---- paging

const pageTTL = 30 * time.Minute

// pageStore remembers the command behind a paged list for its buttons.
type pageStore struct {
	mu sync.Mutex
	m  map[string]pageState
}

type pageState struct {
	v  invocation
	at time.Time
}

func (p *pageStore) put(v *invocation) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	for k, s := range p.m {
		if now.Sub(s.at) > pageTTL || len(p.m) > 5000 {
			delete(p.m, k)
		}
	}
	var buf [6]byte
	_, _ = rand.Read(buf[:])
	key := hex.EncodeToString(buf[:])
	p.m[key] = pageState{v: *v, at: now}
	return key
}

func (p *pageStore) get(key string) (invocation, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s, ok := p.m[key]
	if !ok || time.Since(s.at) > pageTTL {
		return invocation{}, false
	}
	s.at = time.Now()
	p.m[key] = s
	return s.v, true
}

// pager returns the Previous/Next buttons of a list page, or nil when the
// list has one page. custom_id is "page:<key>:<page>".
func (b *Bot) pager(v *invocation, hasNext bool) []discordgo.MessageComponent {
	if v.page <= 1 && !hasNext {
		return nil
	}
	if v.pageKey == "" {
		v.pageKey = b.pages.put(v)
	}
	btn := func(label string, page int, disabled bool) discordgo.Button {
		return discordgo.Button{Label: label, Style: discordgo.SecondaryButton, Disabled: disabled,
			CustomID: "page:" + v.pageKey + ":" + strconv.Itoa(page)}
	}
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		btn("◀ Previous", max(v.page-1, 1), v.page <= 1),
		btn("Next ▶", v.page+1, !hasNext),
	}}}
}

// component answers a page button.
func (b *Bot) component(ctx context.Context, i *discordgo.Interaction) (*reply, error) {
	if i.GuildID == "" || i.Member == nil {
		return nil, errDM
	}
	parts := strings.Split(i.MessageComponentData().CustomID, ":")
	if len(parts) != 3 || parts[0] != "page" {
		return nil, newswatch.Errorf(newswatch.EINVALID, "This button is not one of newswatch's.")
	}
	page, err := strconv.Atoi(parts[2])
	v, ok := b.pages.get(parts[1])
	if err != nil || page < 1 || !ok || v.guildID != i.GuildID {
		return nil, newswatch.Errorf(newswatch.ENOTFOUND,
			"This list has expired; run the command again (it has a page option).")
	}
	v.page, v.pageKey = page, parts[1]
	h := b.handlers()[v.name]
	if h == nil || adminCommands[v.name] {
		return nil, newswatch.Errorf(newswatch.EINVALID, "This button is not one of newswatch's.")
	}
	return h(ctx, &v)
}

// footer is the page line of a list.
func pageFooter(page, pages int, hasNext bool) *discordgo.MessageEmbedFooter {
	switch {
	case pages > 0:
		return &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("Page %d of %d", page, pages)}
	case hasNext:
		return &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("Page %d · more on the next page", page)}
	}
	return &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("Page %d", page)}
}
