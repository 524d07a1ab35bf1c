package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch"
)

// editBody is an Edit Message request: only the fields sent change.
type editBody struct {
	Content         string                            `json:"content"`
	Embeds          []*discordgo.MessageEmbed         `json:"embeds"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions,omitempty"`
}

// editAlertMessage replaces the body of Discord message m.EditOf with the
// stored body of edit m (a messages row of kind 'edit', see
// store.CreateEditMessage), PATCH /channels/{id}/messages/{id}.
//
// An edit needs neither a nonce nor reconciling: it is idempotent, so a
// retry after a crash or a lost answer sends the same body again and
// leaves the message as a single edit would. The body is stored whole
// (footer marker included) by whoever made the edit.
//
// Edits do not notify: Discord sends no notification and no ping for an
// edited message. That is why a later item of a story that brings a watched
// name the story had not mentioned alerts with a new message, while one
// that only adds a source edits the story's alert ("Also reported by").
//
// A message that no longer exists (10008 Unknown Message: someone deleted
// it) has nothing left to edit; the edit is done, not posted anew.
func (b *Bot) editAlertMessage(ctx context.Context, m newswatch.AlertMessage) error {
	var out outMessage
	if err := json.Unmarshal(m.Payload, &out); err != nil {
		return fmt.Errorf("bot: edit message %d has an unreadable body: %w", m.ID, err)
	}
	body := editBody{Content: out.Content, Embeds: out.Embeds, AllowedMentions: out.AllowedMentions}
	if body.Embeds == nil {
		body.Embeds = []*discordgo.MessageEmbed{}
	}
	retries := b.cfg.MaxRetries
	if b.dl.probing() {
		retries = 0
	}
	endpoint := discordgo.EndpointChannelMessage(m.Route.ChannelID, m.EditOf)
	bucket := discordgo.EndpointChannelMessage(m.Route.ChannelID, "")
	err := b.callRetry(ctx, retries, true, func(opts ...discordgo.RequestOption) error {
		if err := b.budgetWait(ctx); err != nil {
			return err
		}
		if err := b.limiter.Wait(ctx); err != nil {
			return err
		}
		if err := b.waitBucket(ctx, bucket); err != nil {
			return err
		}
		_, err := b.s.RequestWithBucketID(http.MethodPatch, endpoint, body, bucket, opts...)
		return err
	})
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Message != nil && re.Message.Code == discordgo.ErrCodeUnknownMessage {
		b.log.Info("the message to edit is gone; edit dropped", "message", m.ID, "discord_message", m.EditOf)
		return nil
	}
	return err
}
