package discordtest_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch/bot/discordtest"
)

// TestEditMessage: PATCH /channels/{id}/messages/{id} through discordgo
// changes only what the body names, sets edited_timestamp, and refuses
// unknown messages (10008) and other users' messages (50005).
func TestEditMessage(t *testing.T) {
	f := discordtest.New("tok")
	defer f.Close()
	s := session(t, f)
	m, err := s.ChannelMessageSendComplex("9", &discordgo.MessageSend{Content: "first",
		Embeds: []*discordgo.MessageEmbed{{Title: "Kyiv", Description: "body"}}})
	if err != nil {
		t.Fatal(err)
	}
	if m.EditedTimestamp != nil {
		t.Errorf("a new message has edited_timestamp %v", m.EditedTimestamp)
	}
	embeds := []*discordgo.MessageEmbed{{Title: "Kyiv", Description: "body\nAlso reported by: AP"}}
	e, err := s.ChannelMessageEditComplex(&discordgo.MessageEdit{Channel: "9", ID: m.ID, Embeds: &embeds})
	if err != nil {
		t.Fatal(err)
	}
	if e.ID != m.ID || e.Content != "first" || len(e.Embeds) != 1 || e.Embeds[0].Description != "body\nAlso reported by: AP" || e.EditedTimestamp == nil {
		t.Errorf("edited: %+v", e)
	}
	got := f.Messages("9")
	if len(got) != 1 || got[0].Embeds[0].Description != "body\nAlso reported by: AP" || got[0].Content != "first" || got[0].Edited.IsZero() {
		t.Errorf("stored after edit: %+v", got)
	}
	if _, err := s.ChannelMessageEdit("9", m.ID, "second"); err != nil {
		t.Fatal(err)
	}
	if got := f.Messages("9"); got[0].Content != "second" || len(got[0].Embeds) != 1 {
		t.Errorf("content edit: %+v", got[0])
	}
	if f.Edits() != 2 {
		t.Errorf("%d edits, want 2", f.Edits())
	}
	var rerr *discordgo.RESTError
	_, err = s.ChannelMessageEdit("9", "424242", "x")
	if !errors.As(err, &rerr) || rerr.Response.StatusCode != http.StatusNotFound || rerr.Message == nil || rerr.Message.Code != 10008 {
		t.Errorf("unknown message: %v, want 404 10008", err)
	}
	other := f.AddMessage(discordtest.Message{ChannelID: "9", Content: "a member's", AuthorID: "77"})
	_, err = s.ChannelMessageEdit("9", other.ID, "x")
	if !errors.As(err, &rerr) || rerr.Response.StatusCode != http.StatusForbidden || rerr.Message == nil || rerr.Message.Code != 50005 {
		t.Errorf("another user's message: %v, want 403 50005", err)
	}
	if f.Edits() != 2 {
		t.Errorf("%d edits after refusals, want 2", f.Edits())
	}
}
