package discordtest

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"
)

// editMessage answers PATCH /channels/{channel}/messages/{message} as
// Discord's Edit Message does: only the fields present in the body change
// (content null or "" clears it; embeds replace the old ones), only the
// bot's own messages may have their content or embeds edited (50005),
// an unknown channel is 10003 and an unknown message 10008 (404), and the
// answer is the message with its edited_timestamp set. Edits do not
// notify: nothing is dispatched on the gateway here.
func (f *Fake) editMessage(channelID, messageID string, body []byte) restReply {
	if code := f.channelCode[channelID]; code != 0 {
		if code == http.StatusNotFound {
			return restReply{status: code, body: errorBody(10003, "Unknown Channel")}
		}
		return restReply{status: code, body: errorBody(50001, "Missing Access")}
	}
	msgs := f.messages[channelID]
	i := -1
	for k := range msgs {
		if msgs[k].ID == messageID {
			i = k
			break
		}
	}
	if i < 0 {
		return restReply{status: http.StatusNotFound, body: errorBody(10008, "Unknown Message")}
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return restReply{status: http.StatusBadRequest, body: errorBody(50109, "The request body contains invalid JSON.")}
	}
	m := msgs[i]
	_, hasContent := fields["content"]
	_, hasEmbeds := fields["embeds"]
	if (hasContent || hasEmbeds) && m.AuthorID != "" {
		return restReply{status: http.StatusForbidden, body: errorBody(50005, "Cannot edit a message authored by another user")}
	}
	o := outgoing{Content: m.Content, Embeds: m.Embeds}
	if hasContent {
		o.Content = ""
		if string(fields["content"]) != "null" && json.Unmarshal(fields["content"], &o.Content) != nil {
			return restReply{status: http.StatusBadRequest, body: errorBody(50035, "Invalid Form Body: content")}
		}
	}
	if hasEmbeds {
		o.Embeds = nil
		if string(fields["embeds"]) != "null" {
			var embeds []*discordgo.MessageEmbed
			if json.Unmarshal(fields["embeds"], &embeds) != nil {
				return restReply{status: http.StatusBadRequest, body: errorBody(50035, "Invalid Form Body: embeds")}
			}
			o.Embeds = embeds
		}
	}
	if raw, ok := fields["allowed_mentions"]; ok {
		m.AllowedMentions = raw
	}
	if msg := validateMessage(&o); msg != "" {
		return restReply{status: http.StatusBadRequest, body: errorBody(50035, "Invalid Form Body: "+msg)}
	}
	if o.Content == "" && len(o.Embeds) == 0 {
		return restReply{status: http.StatusBadRequest, body: errorBody(50006, "Cannot send an empty message")}
	}
	m.Content, m.Embeds, m.Edited = o.Content, o.Embeds, f.now()
	msgs[i] = m
	f.edits++
	return restReply{status: 200, body: f.listedJSON(m)}
}

// Edits returns how many message edits the fake has applied.
func (f *Fake) Edits() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.edits
}

// editedJSON is the edited_timestamp of m as message objects carry it.
func editedJSON(m Message) any {
	if m.Edited.IsZero() {
		return nil
	}
	return m.Edited.UTC().Format(time.RFC3339Nano)
}
