package bot

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch"
)

// Observer receives measurements of the bot's Discord traffic, for
// metrics. Every label it is given comes from a small fixed set (see
// RouteGroups, RateLimitScopes, AlertFailReasons, InteractionOutcomes; a
// command is one of the bot's command names, "autocomplete", "button" or
// "other"), never a raw id. Its methods are called from many goroutines
// and must be quick and safe for concurrent use.
type Observer interface {
	// HTTPResponse reports one REST round trip: the route group of its
	// path, the HTTP status (0 when no response arrived: a network error
	// or a timeout) and the time until the response headers arrived.
	HTTPResponse(route string, status int, d time.Duration)
	// RateLimitWait reports a wait for a rate limit: slept before a
	// request, or (scope "deferred") the time a channel or every delivery
	// is held back.
	RateLimitWait(scope string, d time.Duration)
	// Interaction reports an answered interaction: the time from its
	// receipt to the answer having been sent, and the handler's outcome.
	Interaction(command string, d time.Duration, outcome string)
	// AlertFailed reports the alerts of a message Discord refused for a
	// reason that retrying alone does not fix. Each refusal counts: unless
	// its route was disabled, the message is tried again later.
	AlertFailed(reason string, alerts int)
}

// RouteGroups are the route groups Observer.HTTPResponse reports.
var RouteGroups = []string{"channels/messages", "channels", "interactions/callback", "webhooks",
	"applications/commands", "gateway/bot", "users/@me", "guilds", "other"}

// RateLimitScopes are the scopes Observer.RateLimitWait reports: route (a
// 429 of one route, waited before the retry), global (a global 429),
// bucket (Discord's rate limit headers said the bucket is empty: waited
// before the request), invalid_budget (the bot slows itself down near
// Discord's invalid request limit) and deferred (a 429 too long to wait
// inline: the channel, or every channel for a global one, waits this long).
var RateLimitScopes = []string{"route", "global", "bucket", "invalid_budget", "deferred"}

// AlertFailReasons are the reasons Observer.AlertFailed reports:
// route_disabled (403/404: the route is disabled), refused_plain_fallback
// (400 for the message and for its plain version), too_large (413 for
// both) and other (any other 4xx refusal but a rate limit).
var AlertFailReasons = []string{"route_disabled", "refused_plain_fallback", "too_large", "other"}

// InteractionOutcomes are the outcomes Observer.Interaction reports: ok,
// user_error (invalid input, not found, a conflict), denied (not allowed
// there or for that member) and error (an internal failure or a panic).
var InteractionOutcomes = []string{"ok", "user_error", "denied", "error"}

// nopObserver is the Observer used when Deps.Observer is nil.
type nopObserver struct{}

func (nopObserver) HTTPResponse(string, int, time.Duration)   {}
func (nopObserver) RateLimitWait(string, time.Duration)       {}
func (nopObserver) Interaction(string, time.Duration, string) {}
func (nopObserver) AlertFailed(string, int)                   {}

// observer returns Deps.Observer, or one that discards everything.
func (b *Bot) observer() Observer {
	if b.deps.Observer == nil {
		return nopObserver{}
	}
	return b.deps.Observer
}

// routeGroup maps a REST path (with or without the /api/vN prefix) to its
// route group, dropping every id and token.
func routeGroup(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) >= 2 && parts[0] == "api" && strings.HasPrefix(parts[1], "v") {
		parts = parts[2:]
	}
	if len(parts) == 0 {
		return "other"
	}
	switch parts[0] {
	case "channels":
		if len(parts) >= 3 && parts[2] == "messages" {
			return "channels/messages"
		}
		return "channels"
	case "interactions":
		return "interactions/callback"
	case "webhooks":
		return "webhooks"
	case "applications":
		if parts[len(parts)-1] == "commands" || (len(parts) >= 2 && parts[len(parts)-2] == "commands") {
			return "applications/commands"
		}
	case "gateway":
		if len(parts) == 2 && parts[1] == "bot" {
			return "gateway/bot"
		}
	case "users":
		if len(parts) == 2 && parts[1] == "@me" {
			return "users/@me"
		}
	case "guilds":
		return "guilds"
	}
	return "other"
}

// rateWait sleeps d for a rate limit of scope, or until ctx ends, and
// reports the time slept; it reports whether d passed.
func (b *Bot) rateWait(ctx context.Context, scope string, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	start := time.Now()
	ok := sleep(ctx, d)
	b.observer().RateLimitWait(scope, time.Since(start))
	return ok
}

// budgetWait waits as long as the invalid request budget asks, or until
// ctx ends.
func (b *Bot) budgetWait(ctx context.Context) error {
	b.rateWait(ctx, "invalid_budget", b.dl.budget.delay())
	return ctx.Err()
}

// rateScope is the scope of the wait a 429 asks for before the retry.
func rateScope(ce *callError) string {
	if ce.global {
		return "global"
	}
	return "route"
}

// failReason is the AlertFailReasons reason of a refused alert message:
// its last error, after the plain fallback.
func failReason(err error) string {
	var ce *callError
	if !errors.As(err, &ce) {
		return "other"
	}
	switch ce.status {
	case http.StatusForbidden, http.StatusNotFound:
		return "route_disabled"
	case http.StatusBadRequest:
		return "refused_plain_fallback"
	case http.StatusRequestEntityTooLarge:
		return "too_large"
	}
	return "other"
}

// interactionTrace measures one interaction for Observer.Interaction.
type interactionTrace struct {
	b       *Bot
	command string
	start   time.Time
	outcome string // set by the handler wrapped by wrap; "error" until then (a panic)
}

// traceInteraction starts measuring interaction i at its receipt.
func (b *Bot) traceInteraction(i *discordgo.Interaction) *interactionTrace {
	tr := &interactionTrace{b: b, command: "other", start: time.Now(), outcome: "error"}
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		if name := commandName(i); b.handlers()[name] != nil {
			tr.command = name
		}
	case discordgo.InteractionApplicationCommandAutocomplete:
		tr.command, tr.outcome = "autocomplete", "ok" // failures give no choices, not an error
	case discordgo.InteractionMessageComponent:
		tr.command = "button"
	}
	return tr
}

// commandName is the command of i, "" when its data cannot be read (the
// handler answers that with an error; the trace must not panic before it).
func commandName(i *discordgo.Interaction) (name string) {
	defer func() {
		if recover() != nil {
			name = ""
		}
	}()
	return parse(i).name
}

// wrap records the outcome of fn.
func (tr *interactionTrace) wrap(fn func(context.Context) (*reply, error)) func(context.Context) (*reply, error) {
	return func(ctx context.Context) (*reply, error) {
		r, err := fn(ctx)
		tr.outcome = outcome(err)
		return r, err
	}
}

// done reports the interaction, once its answer was sent.
func (tr *interactionTrace) done() {
	tr.b.observer().Interaction(tr.command, time.Since(tr.start), tr.outcome)
}

// outcome is the InteractionOutcomes outcome of a handler's error.
func outcome(err error) string {
	if err == nil {
		return "ok"
	}
	switch newswatch.ErrorCode(err) {
	case newswatch.EFORBIDDEN:
		return "denied"
	case newswatch.EINVALID, newswatch.ENOTFOUND, newswatch.ECONFLICT:
		return "user_error"
	}
	return "error"
}
