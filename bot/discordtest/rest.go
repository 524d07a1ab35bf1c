package discordtest

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// NonceWindow is how long a message nonce is remembered for enforce_nonce.
const NonceWindow = 5 * time.Minute

type restReply struct {
	status int
	header http.Header
	body   any
	drop   bool // close the connection instead of answering
}

// dropConnection closes the client's connection without an answer.
func dropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	c, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // a reset, as a dropped connection looks
	}
	_ = c.Close()
}

func (f *Fake) serveREST(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	path := strings.TrimPrefix(r.URL.Path, "/api/v9")
	if r.URL.RawQuery != "" {
		path += "?" + r.URL.RawQuery
	}
	h := r.Header.Clone()
	if h.Get("Authorization") != "" {
		h.Set("Authorization", "[redacted]")
	}

	f.mu.Lock()
	before := f.reqHook
	f.mu.Unlock()
	if before != nil && before(Request{Method: r.Method, Path: path, Header: h, Body: body, At: time.Now()}) {
		f.mu.Lock()
		f.requests = append(f.requests, Request{Method: r.Method, Path: path, Header: h, Body: body, At: time.Now()})
		f.changed.Broadcast()
		f.mu.Unlock()
		dropConnection(w)
		return
	}

	var hook func(Message)
	var created *Message
	f.mu.Lock()
	var rep restReply
	switch up, bad := f.multipart(r, body); {
	case f.unreachable:
		rep.drop = true
	case bad != nil:
		rep = *bad
	default:
		f.upload = up
		rep = f.route(r, strings.SplitN(path, "?", 2)[0], up.body(body), &created)
		f.upload = nil
	}
	if created != nil {
		hook = f.hook
	}
	status := rep.status
	if rep.drop {
		status = 0
	}
	f.requests = append(f.requests, Request{Method: r.Method, Path: path, Header: h, Body: body, Status: status, At: time.Now()})
	f.changed.Broadcast()
	f.mu.Unlock()

	if hook != nil {
		hook(*created)
	}
	if rep.drop {
		dropConnection(w)
		return
	}
	for k, vs := range rep.header {
		w.Header()[k] = vs
	}
	if rep.status == http.StatusNoContent {
		w.WriteHeader(rep.status)
		return
	}
	writeJSON(w, rep.status, rep.body)
}

// route answers one REST request with f.mu held.
func (f *Fake) route(r *http.Request, path string, body []byte, created **Message) restReply {
	if f.down {
		return restReply{status: http.StatusServiceUnavailable, body: errorBody(0, "upstream unavailable")}
	}
	rep, faulted := f.fault(r.Method, path, body)
	if faulted && !rep.drop {
		return rep
	}
	if faulted {
		out := f.dispatch(r, path, body, created)
		out.drop = true
		return out
	}
	return f.dispatch(r, path, body, created)
}

// dispatch acts on a request that passed the outage and fault checks.
func (f *Fake) dispatch(r *http.Request, path string, body []byte, created **Message) restReply {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case r.Method == http.MethodGet && path == "/gateway":
		return restReply{status: 200, body: map[string]any{"url": f.wsURL()}}
	case r.Method == http.MethodPost && len(parts) == 4 && parts[0] == "interactions" && parts[3] == "callback":
		return f.callback(parts[1], parts[2], body)
	case len(parts) >= 3 && parts[0] == "webhooks":
		return f.webhook(r.Method, parts, body)
	}
	if !f.authorized(r) {
		return restReply{status: http.StatusUnauthorized, body: errorBody(0, "401: Unauthorized")}
	}
	if rep, ok := f.channelRoute(r.Method, parts); ok {
		return rep
	}
	switch {
	case r.Method == http.MethodGet && path == "/gateway/bot":
		return f.gatewayBot()
	case r.Method == http.MethodGet && path == "/users/@me":
		return restReply{status: 200, body: f.botUser()}
	case r.Method == http.MethodPut && len(parts) == 3 && parts[0] == "applications" && parts[2] == "commands":
		return f.putCommands(parts[1], "", body)
	case r.Method == http.MethodPut && len(parts) == 5 && parts[0] == "applications" && parts[2] == "guilds" && parts[4] == "commands":
		return f.putCommands(parts[1], parts[3], body)
	case r.Method == http.MethodPost && len(parts) == 3 && parts[0] == "channels" && parts[2] == "messages":
		return f.postMessage(parts[1], body, created)
	case r.Method == http.MethodGet && len(parts) == 3 && parts[0] == "channels" && parts[2] == "messages":
		return f.listMessages(parts[1], r.URL.Query())
	case r.Method == http.MethodPatch && len(parts) == 4 && parts[0] == "channels" && parts[2] == "messages":
		return f.editMessage(parts[1], parts[3], body) // edit.go
	}
	return restReply{status: http.StatusNotFound, body: errorBody(0, "404: Not Found")}
}

func (f *Fake) botUser() map[string]any {
	return map[string]any{"id": f.AppID, "username": "newswatch", "discriminator": "0", "bot": true}
}

// fault consumes the first injected fault matching the request.
func (f *Fake) fault(method, path string, body []byte) (restReply, bool) {
	for i := range f.faults {
		ft := &f.faults[i]
		if (ft.Method != "" && ft.Method != method) || !strings.HasPrefix(path, ft.PathPrefix) ||
			!bytes.Contains(body, []byte(ft.BodyContains)) {
			continue
		}
		ft.Times--
		cp := *ft // the slice shifts when the fault is used up
		ft = &cp
		if ft.Times <= 0 {
			f.faults = append(f.faults[:i], f.faults[i+1:]...)
		}
		if ft.Drop {
			return restReply{drop: true}, true
		}
		rep := restReply{status: ft.Status, header: http.Header{}}
		if ft.Scope != "" {
			rep.header.Set("X-RateLimit-Scope", ft.Scope)
		}
		if ft.Status != http.StatusTooManyRequests {
			rep.body = errorBody(0, http.StatusText(ft.Status))
			return rep, true
		}
		b := map[string]any{"message": "You are being rate limited.", "global": ft.Global}
		if ft.RetryAfter >= 0 {
			b["retry_after"] = ft.RetryAfter
		}
		if ft.RetryAfterHeader != "" {
			rep.header.Set("Retry-After", ft.RetryAfterHeader)
		}
		if ft.Global {
			rep.header.Set("X-RateLimit-Global", "true")
		}
		rep.body = b
		return rep, true
	}
	return restReply{}, false
}

func (f *Fake) putCommands(app, guild string, body []byte) restReply {
	if app != f.AppID {
		return restReply{status: http.StatusForbidden, body: errorBody(50001, "Missing Access")}
	}
	var cmds []map[string]any
	if err := json.Unmarshal(body, &cmds); err != nil {
		return restReply{status: http.StatusBadRequest, body: errorBody(50035, "Invalid Form Body")}
	}
	if rep, ok := checkCommands(body); !ok {
		return rep
	}
	for _, c := range cmds {
		c["id"] = f.newID()
		c["application_id"] = app
		if guild != "" {
			c["guild_id"] = guild
		}
	}
	f.commands[guild] = append(json.RawMessage(nil), body...)
	return restReply{status: 200, body: cmds}
}

// outgoing is the body of a message post, as Discord reads it.
type outgoing struct {
	Content         string                    `json:"content"`
	Embeds          []*discordgo.MessageEmbed `json:"embeds"`
	AllowedMentions json.RawMessage           `json:"allowed_mentions"`
	Nonce           json.RawMessage           `json:"nonce"`
	EnforceNonce    bool                      `json:"enforce_nonce"`
	Flags           int                       `json:"flags"`
	Components      json.RawMessage           `json:"components"`
}

func (o *outgoing) nonce() string {
	var s string
	if json.Unmarshal(o.Nonce, &s) == nil {
		return s
	}
	return string(o.Nonce)
}

func (f *Fake) postMessage(channelID string, body []byte, created **Message) restReply {
	if code := f.channelCode[channelID]; code != 0 {
		if code == http.StatusNotFound {
			return restReply{status: code, body: errorBody(10003, "Unknown Channel")}
		}
		return restReply{status: code, body: errorBody(50001, "Missing Access")}
	}
	var o outgoing
	if err := json.Unmarshal(body, &o); err != nil {
		return restReply{status: http.StatusBadRequest, body: errorBody(50109, "The request body contains invalid JSON.")}
	}
	if msg := validateMessage(&o); msg != "" {
		return restReply{status: http.StatusBadRequest, body: errorBody(50035, "Invalid Form Body: "+msg)}
	}
	if o.Content == "" && len(o.Embeds) == 0 && len(f.upload.attachments()) == 0 {
		return restReply{status: http.StatusBadRequest, body: errorBody(50006, "Cannot send an empty message")}
	}
	header := http.Header{}
	if f.rateLimit > 0 {
		now := time.Now()
		if now.Sub(f.windowStart) >= f.ratePer {
			f.windowStart, f.windowCount = now, 0
		}
		resetAfter := f.windowStart.Add(f.ratePer).Sub(now).Seconds()
		resetAfter = math.Ceil(resetAfter*1000) / 1000
		header.Set("X-RateLimit-Limit", strconv.Itoa(f.rateLimit))
		header.Set("X-RateLimit-Bucket", "fake-messages")
		header.Set("X-RateLimit-Reset-After", strconv.FormatFloat(resetAfter, 'f', 3, 64))
		if f.windowCount >= f.rateLimit {
			f.rateLimited++
			header.Set("X-RateLimit-Remaining", "0")
			header.Set("Retry-After", strconv.Itoa(int(math.Ceil(resetAfter))))
			return restReply{status: http.StatusTooManyRequests, header: header,
				body: map[string]any{"message": "You are being rate limited.", "retry_after": resetAfter, "global": false}}
		}
		f.windowCount++
		header.Set("X-RateLimit-Remaining", strconv.Itoa(f.rateLimit-f.windowCount))
	}
	nonce := o.nonce()
	key := channelID + "\x00" + nonce
	if nonce != "" && o.EnforceNonce {
		if e, ok := f.nonces[key]; ok && f.now().Sub(e.at) < f.nonceWindow {
			return restReply{status: 200, header: header, body: f.createdJSON(e.msg)}
		}
	}
	now := f.now()
	m := Message{ID: f.newSnowflake(now), ChannelID: channelID, Content: o.Content, Embeds: o.Embeds,
		AllowedMentions: o.AllowedMentions, Nonce: nonce, EnforceNonce: o.EnforceNonce, Raw: body, Timestamp: now,
		Attachments: f.upload.attachments()}
	f.messages[channelID] = append(f.messages[channelID], m)
	if nonce != "" {
		f.nonces[key] = nonceEntry{msg: m, at: now}
	}
	*created = &m
	return restReply{status: 200, header: header, body: f.createdJSON(m)}
}

// validateMessage applies Discord's length limits; it returns "" when valid.
func validateMessage(o *outgoing) string {
	if len([]rune(o.Content)) > 2000 {
		return "content: Must be 2000 or fewer in length."
	}
	if len(o.Embeds) > 10 {
		return "embeds: Must be 10 or fewer in length."
	}
	total := 0
	for _, e := range o.Embeds {
		n := func(s string) int { c := len([]rune(s)); total += c; return c }
		if n(e.Title) > 256 || n(e.Description) > 4096 {
			return "embeds: title or description too long."
		}
		if len(e.URL) > 2048 {
			return "embeds: url: Must be 2048 or fewer in length."
		}
		if len(e.Fields) > 25 {
			return "embeds: more than 25 fields."
		}
		for _, fl := range e.Fields {
			if n(fl.Name) > 256 || n(fl.Value) > 1024 {
				return "embeds: field too long."
			}
		}
		if e.Footer != nil && n(e.Footer.Text) > 2048 {
			return "embeds: footer too long."
		}
		if e.Author != nil && n(e.Author.Name) > 256 {
			return "embeds: author too long."
		}
	}
	if total > 6000 {
		return "embeds: Embed size exceeds maximum size of 6000"
	}
	if n := len(o.Nonce); n > 0 && len(o.nonce()) > 25 {
		return "nonce: Must be 25 or fewer in length."
	}
	return ""
}

// messageJSON is a message object with a nonce, as answers to interactions
// carry it.
func messageJSON(m Message) map[string]any {
	var embeds any = m.Embeds
	if m.Embeds == nil {
		embeds = []any{}
	}
	return map[string]any{"id": m.ID, "channel_id": m.ChannelID, "content": m.Content,
		"embeds": embeds, "nonce": m.Nonce, "type": 0,
		"timestamp": time.Now().UTC().Format(time.RFC3339)}
}

// createdJSON is a message object as the create response carries it: with
// the nonce, which Discord echoes there but not reliably in message lists
// (the fake's lists leave it out).
func (f *Fake) createdJSON(m Message) map[string]any {
	out := f.listedJSON(m)
	out["nonce"] = m.Nonce
	return out
}

// listedJSON is a message object as GET /channels/{id}/messages returns it.
func (f *Fake) listedJSON(m Message) map[string]any {
	var embeds any = m.Embeds
	if m.Embeds == nil {
		embeds = []any{}
	}
	ts := m.Timestamp
	if ts.IsZero() {
		ts = time.Now()
	}
	author := f.botUser()
	if m.AuthorID != "" {
		author = map[string]any{"id": m.AuthorID, "username": "member", "discriminator": "0"}
	}
	return map[string]any{"id": m.ID, "channel_id": m.ChannelID, "content": m.Content, "author": author,
		"embeds": embeds, "type": 0, "tts": false, "mention_everyone": false, "pinned": false,
		"mentions": []any{}, "mention_roles": []any{}, "attachments": attachmentsJSON(m.ID, m.Attachments),
		"timestamp": ts.UTC().Format(time.RFC3339Nano), "edited_timestamp": editedJSON(m)}
}

// decodeOutgoing parses a message body for Response; errors leave it empty.
func decodeOutgoing(body []byte) outgoing {
	var o outgoing
	_ = json.NewDecoder(bytes.NewReader(body)).Decode(&o)
	return o
}
