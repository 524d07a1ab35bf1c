package discordtest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Interaction describes an interaction a test sends to the bot.
type Interaction struct {
	Type        discordgo.InteractionType // 0 means an application command
	GuildID     string                    // "" sends it as from a DM
	ChannelID   string                    // defaults to "300000000000000001"
	UserID      string                    // defaults to "400000000000000001"
	Permissions string                    // the member's permissions, a decimal string such as "32"
	Roles       []string
	Data        any    // command data (see Command) or component data (see Component)
	MessageID   string // for a component interaction: the message clicked
	Locale      string // the user's client language, e.g. "ru"; defaults to "en-US"
	// GuildLocale is the guild's preferred locale (guild_locale, sent only
	// for an interaction in a guild, as Discord does); defaults to "en-US".
	GuildLocale string
	// Forged sends the interaction even when Discord's client would not
	// (a string option longer than its registered max_length), as a
	// crafted request could.
	Forged bool
}

// Reply is what the bot answered to an interaction.
type Reply struct {
	CallbackType    discordgo.InteractionResponseType
	Deferred        bool // the first answer was a type 5 deferral
	Content         string
	Embeds          []*discordgo.MessageEmbed
	Components      json.RawMessage
	Ephemeral       bool
	Choices         []*discordgo.ApplicationCommandOptionChoice // autocomplete
	AllowedMentions json.RawMessage
	Bodies          [][]byte // every body the bot sent for this interaction, in order
	// Attachments are the files uploaded (multipart) with the body the
	// reply shows: the callback's, the last edit's or the last follow-up's.
	Attachments []Attachment
}

// Text returns the content, embed titles, descriptions, field names and
// values and footers of the reply joined by newlines, for assertions.
func (r Reply) Text() string {
	var b strings.Builder
	b.WriteString(r.Content)
	for _, e := range r.Embeds {
		b.WriteString("\n" + e.Title + "\n" + e.Description)
		for _, f := range e.Fields {
			b.WriteString("\n" + f.Name + "\n" + f.Value)
		}
		if e.Footer != nil {
			b.WriteString("\n" + e.Footer.Text)
		}
	}
	return b.String()
}

// Response is the record of one interaction: the callback and what followed.
type Response struct {
	id, token string
	payload   json.RawMessage // the INTERACTION_CREATE data, for Resend
	itype     discordgo.InteractionType
	callback  []byte
	cbType    discordgo.InteractionResponseType
	cbFlags   int // the flags of the callback's data (64: ephemeral)
	edits     [][]byte
	followups [][]byte
	deleted   bool
	bodies    [][]byte
	// the files uploaded with the callback, the last edit and the last
	// follow-up (multipart.go)
	cbFiles, editFiles, followFiles []Attachment
}

func (r *Response) complete() bool {
	if r.callback == nil {
		return false
	}
	if r.cbType != discordgo.InteractionResponseDeferredChannelMessageWithSource &&
		r.cbType != discordgo.InteractionResponseDeferredMessageUpdate {
		return true
	}
	return len(r.edits) > 0 || len(r.followups) > 0
}

func (r *Response) reply() Reply {
	var cb struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data json.RawMessage                   `json:"data"`
	}
	_ = json.Unmarshal(r.callback, &cb)
	var data struct {
		outgoing
		Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
	}
	_ = json.Unmarshal(cb.Data, &data)
	rep := Reply{CallbackType: cb.Type, Bodies: r.bodies, Choices: data.Choices}
	rep.Deferred = cb.Type == discordgo.InteractionResponseDeferredChannelMessageWithSource ||
		cb.Type == discordgo.InteractionResponseDeferredMessageUpdate
	ephemeral := data.Flags&int(discordgo.MessageFlagsEphemeral) != 0
	o := data.outgoing
	rep.Attachments = r.cbFiles
	switch {
	case len(r.followups) > 0:
		o = decodeOutgoing(r.followups[len(r.followups)-1])
		ephemeral = o.Flags&int(discordgo.MessageFlagsEphemeral) != 0
		rep.Attachments = r.followFiles
	case len(r.edits) > 0 && !r.deleted:
		o = decodeOutgoing(r.edits[len(r.edits)-1])
		if r.editFiles != nil {
			rep.Attachments = r.editFiles
		}
	}
	rep.Content, rep.Embeds, rep.Components, rep.AllowedMentions = o.Content, o.Embeds, o.Components, o.AllowedMentions
	rep.Ephemeral = ephemeral
	return rep
}

func (f *Fake) callback(id, token string, body []byte) restReply {
	r, ok := f.interacts[id]
	if !ok || r.token != token {
		return restReply{status: http.StatusNotFound, body: errorBody(10062, "Unknown interaction")}
	}
	if r.callback != nil {
		return restReply{status: http.StatusBadRequest, body: errorBody(40060, "Interaction has already been acknowledged.")}
	}
	var cb struct {
		Type discordgo.InteractionResponseType `json:"type"`
	}
	if json.Unmarshal(body, &cb) != nil || cb.Type == 0 {
		return restReply{status: http.StatusBadRequest, body: errorBody(50035, "Invalid Form Body")}
	}
	var data struct {
		Data *struct {
			outgoing
			Choices json.RawMessage `json:"choices"`
		} `json:"data"`
	}
	if json.Unmarshal(body, &data) != nil {
		return restReply{status: http.StatusBadRequest, body: errorBody(50035, "Invalid Form Body")}
	}
	var o outgoing
	var choices json.RawMessage
	if data.Data != nil {
		o, choices = data.Data.outgoing, data.Data.Choices
	}
	if msg := validateCallback(r.itype, cb.Type, data.Data != nil, o, choices); msg != "" {
		return restReply{status: http.StatusBadRequest, body: errorBody(50035, "Invalid Form Body: "+msg)}
	}
	if data.Data != nil {
		r.cbFlags = data.Data.Flags
	}
	r.callback, r.cbType = body, cb.Type
	r.cbFiles = f.upload.attachments()
	r.bodies = append(r.bodies, body)
	return restReply{status: http.StatusNoContent}
}

// webhook serves follow-ups and edits of interaction responses:
// /webhooks/{app}/{token}[/messages/{id}].
func (f *Fake) webhook(method string, parts []string, body []byte) restReply {
	var r *Response
	for _, x := range f.interacts {
		if x.token == parts[2] {
			r = x
		}
	}
	if r == nil || parts[1] != f.AppID {
		return restReply{status: http.StatusNotFound, body: errorBody(10015, "Unknown Webhook")}
	}
	if r.callback == nil {
		return restReply{status: http.StatusNotFound, body: errorBody(10008, "Unknown Message")}
	}
	if method != http.MethodDelete {
		o := decodeOutgoing(body)
		if msg := validateMessage(&o); msg != "" {
			return restReply{status: http.StatusBadRequest, body: errorBody(50035, "Invalid Form Body: "+msg)}
		}
		r.bodies = append(r.bodies, body)
	}
	msg := Message{ID: f.newID(), ChannelID: "interaction"}
	switch {
	case len(parts) == 3 && method == http.MethodPost:
		// Discord's docs: the first follow-up after a deferred response
		// (type 5) edits the "thinking" message, which keeps the
		// visibility the deferral chose; its own ephemeral flag is ignored.
		if r.cbType == discordgo.InteractionResponseDeferredChannelMessageWithSource &&
			len(r.edits) == 0 && len(r.followups) == 0 {
			r.edits = append(r.edits, body)
			r.editFiles = f.upload.attachments()
			r.deleted = false
			return restReply{status: 200, body: messageJSON(msg)}
		}
		r.followups = append(r.followups, body)
		r.followFiles = f.upload.attachments()
		return restReply{status: 200, body: messageJSON(msg)}
	case len(parts) == 5 && parts[4] == "@original" && method == http.MethodPatch:
		if r.deleted {
			return restReply{status: http.StatusNotFound, body: errorBody(10008, "Unknown Message")}
		}
		r.edits = append(r.edits, body)
		if files := f.upload.attachments(); files != nil {
			r.editFiles = files // an edit without files keeps the attachments
		}
		return restReply{status: 200, body: messageJSON(msg)}
	case len(parts) == 5 && parts[4] == "@original" && method == http.MethodDelete:
		if r.deleted {
			return restReply{status: http.StatusNotFound, body: errorBody(10008, "Unknown Message")}
		}
		r.deleted = true
		return restReply{status: http.StatusNoContent}
	}
	return restReply{status: http.StatusNotFound, body: errorBody(0, "404: Not Found")}
}

// Interact sends an INTERACTION_CREATE to the connected session (queued until
// one connects) and waits for the bot's complete answer: a callback, or a
// deferral followed by an edit or a follow-up.
func (f *Fake) Interact(in Interaction, timeout time.Duration) (Reply, error) {
	id, err := f.Send(in)
	if err != nil {
		return Reply{}, err
	}
	f.mu.Lock()
	r := f.interacts[id]
	f.mu.Unlock()
	if !f.waitFor(timeout, r.complete) {
		f.mu.Lock()
		defer f.mu.Unlock()
		return r.reply(), fmt.Errorf("discordtest: interaction %s not answered within %v", id, timeout)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return r.reply(), nil
}

// Send sends an INTERACTION_CREATE like Interact but returns at once with
// the interaction's id; Answer reads what the bot answered so far.
func (f *Fake) Send(in Interaction) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if in.Type == 0 {
		in.Type = discordgo.InteractionApplicationCommand
	}
	if err := f.checkOptions(in); err != nil {
		return "", err
	}
	id := f.newID()
	token := "itoken-" + id
	r := &Response{id: id, token: token, itype: in.Type}
	payload, err := f.interactionJSON(in, id, token)
	if err != nil {
		return "", err
	}
	r.payload = payload
	f.interacts[id] = r
	f.sendLocked("INTERACTION_CREATE", payload)
	return id, nil
}

// Resend delivers the INTERACTION_CREATE of interaction id once more, as
// Discord may replay an event; the interaction keeps its id and token.
func (f *Fake) Resend(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.interacts[id]
	if !ok {
		return fmt.Errorf("discordtest: no interaction %s", id)
	}
	f.sendLocked("INTERACTION_CREATE", r.payload)
	return nil
}

// Answer returns what the bot answered to interaction id so far, and
// whether the answer is complete (a callback, or a deferral and its edit or
// follow-up).
func (f *Fake) Answer(id string) (Reply, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.interacts[id]
	if !ok {
		return Reply{}, false
	}
	return r.reply(), r.complete()
}

// Callbacks returns how many initial responses the bot attempted for
// interaction id, refused ones ("already acknowledged") included.
func (f *Fake) Callbacks(id string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, req := range f.requests {
		if strings.HasPrefix(req.Path, "/interactions/"+id+"/") && req.Method == http.MethodPost {
			n++
		}
	}
	return n
}

func (f *Fake) interactionJSON(in Interaction, id, token string) (json.RawMessage, error) {
	if in.Type == 0 {
		in.Type = discordgo.InteractionApplicationCommand
	}
	if in.ChannelID == "" {
		in.ChannelID = "300000000000000001"
	}
	if in.UserID == "" {
		in.UserID = "400000000000000001"
	}
	if in.Permissions == "" {
		in.Permissions = "0"
	}
	user := map[string]any{"id": in.UserID, "username": "user" + in.UserID[len(in.UserID)-2:], "discriminator": "0"}
	m := map[string]any{
		"id": id, "application_id": f.AppID, "type": in.Type, "data": f.withResolved(in),
		"channel_id": in.ChannelID, "token": token, "version": 1,
		"app_permissions": "2147483647", "locale": in.Locale,
	}
	if in.Locale == "" {
		m["locale"] = "en-US"
	}
	if in.GuildID != "" {
		m["guild_locale"] = cmp.Or(in.GuildLocale, "en-US")
	}
	if _, ok := f.channels[in.ChannelID]; ok && in.GuildID != "" {
		// Discord computes the bot's permissions in the channel.
		m["app_permissions"] = strconv.FormatInt(f.permissions(in.GuildID, f.AppID, in.ChannelID), 10)
	}
	if in.GuildID != "" {
		roles := in.Roles
		if roles == nil {
			roles = []string{}
		}
		m["guild_id"] = in.GuildID
		m["member"] = map[string]any{"user": user, "roles": roles, "permissions": in.Permissions}
		m["context"] = 0
	} else {
		m["user"] = user
		m["context"] = 1
	}
	if in.MessageID != "" {
		m["message"] = map[string]any{"id": in.MessageID, "channel_id": in.ChannelID, "content": "", "embeds": []any{}}
	}
	b, err := json.Marshal(m)
	return b, err
}

// Opt is one option of a command invocation.
type Opt struct {
	Name    string
	Type    discordgo.ApplicationCommandOptionType
	Value   any
	Focused bool // autocomplete: the option being typed
}

// Str is a string option.
func Str(name, v string) Opt {
	return Opt{Name: name, Type: discordgo.ApplicationCommandOptionString, Value: v}
}

// Int is an integer option.
func Int(name string, v int) Opt {
	return Opt{Name: name, Type: discordgo.ApplicationCommandOptionInteger, Value: v}
}

// Bool is a boolean option.
func Bool(name string, v bool) Opt {
	return Opt{Name: name, Type: discordgo.ApplicationCommandOptionBoolean, Value: v}
}

// Channel is a channel option.
func Channel(name, id string) Opt {
	return Opt{Name: name, Type: discordgo.ApplicationCommandOptionChannel, Value: id}
}

// Role is a role option.
func Role(name, id string) Opt {
	return Opt{Name: name, Type: discordgo.ApplicationCommandOptionRole, Value: id}
}

// Focused is a string option being typed, for autocomplete.
func Focused(name, v string) Opt {
	return Opt{Name: name, Type: discordgo.ApplicationCommandOptionString, Value: v, Focused: true}
}

// Command builds the data of a slash command invocation. path is the command
// and, for grouped commands, its subcommand: "search" or "watch add".
func Command(path string, opts ...Opt) map[string]any {
	names := strings.Fields(path)
	list := make([]map[string]any, 0, len(opts))
	for _, o := range opts {
		m := map[string]any{"name": o.Name, "type": o.Type, "value": o.Value}
		if o.Focused {
			m["focused"] = true
		}
		list = append(list, m)
	}
	data := map[string]any{"id": "500000000000000001", "name": names[0], "type": 1}
	if len(names) > 1 {
		data["options"] = []map[string]any{{"name": names[1], "type": discordgo.ApplicationCommandOptionSubCommand, "options": list}}
	} else {
		data["options"] = list
	}
	return data
}

// Component builds the data of a button click.
func Component(customID string) map[string]any {
	return map[string]any{"custom_id": customID, "component_type": discordgo.ButtonComponent}
}
