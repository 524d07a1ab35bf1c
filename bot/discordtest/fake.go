// Package discordtest is a fake Discord for tests: the REST API and the
// gateway on 127.0.0.1, enough of both for a discordgo session to connect,
// register commands, receive interactions, answer them and post messages.
//
// It records every request (the token never: the Authorization header is
// redacted), keeps the messages posted to each channel in order, enforces
// message nonces like Discord's enforce_nonce, and lets a test inject faults:
// 429s with and without retry_after, 5xx, 403 for a channel, a rate limit with
// Discord's bucket headers and dropped gateway connections.
package discordtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Request is one recorded REST request.
type Request struct {
	Method string
	Path   string      // without the /api/v9 prefix, with the query
	Header http.Header // Authorization replaced by "[redacted]"
	Body   []byte
	Status int       // the status the fake answered (0: the connection was dropped)
	At     time.Time // when it arrived (real time)
}

// Message is one message posted to a channel.
type Message struct {
	ID              string
	ChannelID       string
	Content         string
	Embeds          []*discordgo.MessageEmbed
	AllowedMentions json.RawMessage // as sent; nil when absent
	Nonce           string
	EnforceNonce    bool
	Raw             []byte       // the request body
	Timestamp       time.Time    // when it was created, on the fake's clock (see Advance)
	AuthorID        string       // "" for the bot user; see AddMessage
	Edited          time.Time    // when it was last edited (zero: never); see edit.go
	Attachments     []Attachment // files uploaded with it (multipart.go)
}

// Fault is an injected failure for matching REST requests.
type Fault struct {
	Method       string // "" matches every method
	PathPrefix   string // matched against the path without /api/v9, e.g. "/channels/"
	BodyContains string // "" matches every body; else only bodies containing it
	Status       int
	Times        int // how many requests it fails; at least 1
	// For 429: RetryAfter seconds in the JSON body (negative: no retry_after
	// field at all), RetryAfterHeader the Retry-After header ("" for none)
	// and Global marks a global rate limit.
	RetryAfter       float64
	RetryAfterHeader string
	Global           bool
	// Scope is the 429's X-RateLimit-Scope header ("user", "global" or
	// "shared"; "" for none). Discord does not count shared-scope 429s
	// toward the invalid request limit.
	Scope string
	// Drop lets the request through (a message post creates its message)
	// and then closes the connection without an answer, as a lost response
	// or a connection reset after Discord acted looks to the client. Status
	// is ignored.
	Drop bool
}

// Fake is a fake Discord. Create it with New and close it with Close.
type Fake struct {
	// URL is the base URL to give the bot as its API base, e.g. http://127.0.0.1:1234.
	URL string
	// AppID is the application (and bot user) id.
	AppID string

	token string
	srv   *httptest.Server

	mu          sync.Mutex
	edits       int // message edits applied (edit.go)
	requests    []Request
	messages    map[string][]Message
	nonces      map[string]nonceEntry
	commands    map[string]json.RawMessage // "" for global, else guild id
	interacts   map[string]*Response
	guilds      map[string]*guildState  // see AddGuild
	channels    map[string]GuildChannel // see AddChannel
	faults      []Fault
	channelCode map[string]int
	down        bool
	rateLimit   int
	ratePer     time.Duration
	windowStart time.Time
	windowCount int
	rateLimited int
	hook        func(Message)
	reqHook     func(Request) bool // see SetRequestHook
	nextID      int64
	nonceWindow time.Duration   // how long enforce_nonce remembers a nonce
	clockOffset time.Duration   // the fake's clock is real time plus this
	lastFlake   int64           // the last message snowflake handed out
	unreachable bool            // every REST connection is closed unanswered
	noHistory   map[string]bool // channels whose history the bot may not read
	upload      *upload         // the files of the request being routed (multipart.go)
	gw          gateway
	changed     *sync.Cond
}

type nonceEntry struct {
	msg Message
	at  time.Time
}

// New starts a fake Discord that accepts token (the bare token; "Bot " is
// accepted in front of it).
func New(token string) *Fake {
	f := &Fake{
		AppID:       "100000000000000001",
		token:       token,
		messages:    map[string][]Message{},
		nonces:      map[string]nonceEntry{},
		commands:    map[string]json.RawMessage{},
		interacts:   map[string]*Response{},
		guilds:      map[string]*guildState{},
		channels:    map[string]GuildChannel{},
		channelCode: map[string]int{},
		nextID:      200000000000000000,
		nonceWindow: NonceWindow,
	}
	f.changed = sync.NewCond(&f.mu)
	f.gw.init()
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v9/", f.serveREST)
	mux.HandleFunc("/gw/", f.serveGateway)
	mux.HandleFunc("/resume-gw/", f.serveGateway)
	f.srv = httptest.NewServer(mux)
	f.URL = f.srv.URL
	return f
}

// Close stops the server and drops every gateway connection.
func (f *Fake) Close() {
	f.DropGateway()
	f.srv.CloseClientConnections()
	f.srv.Close()
}

// SetToken changes the token the fake accepts, as a token reset in the
// developer portal would; sessions already connected stay connected.
func (f *Fake) SetToken(token string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.token = token
}

// Requests returns a copy of every recorded REST request, in order.
func (f *Fake) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.requests...)
}

// Messages returns the messages posted to a channel, in order.
func (f *Fake) Messages(channelID string) []Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Message(nil), f.messages[channelID]...)
}

// MessageCount returns how many messages were posted in all channels.
func (f *Fake) MessageCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, ms := range f.messages {
		n += len(ms)
	}
	return n
}

// RateLimited returns how many 429s the rate limit of SetRateLimit answered.
func (f *Fake) RateLimited() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rateLimited
}

// WaitMessages waits until a channel has at least n messages or the timeout
// passes, and returns its messages.
func (f *Fake) WaitMessages(channelID string, n int, timeout time.Duration) []Message {
	f.waitFor(timeout, func() bool { return len(f.messages[channelID]) >= n })
	return f.Messages(channelID)
}

// Commands returns the last bulk-overwritten command list for a guild ("" for
// the global commands), as JSON; nil when none was registered.
func (f *Fake) Commands(guildID string) json.RawMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.commands[guildID]
}

// WaitCommands waits until commands for guildID ("" global) were registered.
func (f *Fake) WaitCommands(guildID string, timeout time.Duration) bool {
	return f.waitFor(timeout, func() bool { return f.commands[guildID] != nil })
}

// Inject adds a fault; faults are consumed in the order they were added.
func (f *Fake) Inject(ft Fault) {
	if ft.Times < 1 {
		ft.Times = 1
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, ft)
}

// SetChannelStatus makes every message post to channelID fail with status
// (403 Missing Access, 404 Unknown Channel); 0 clears it.
func (f *Fake) SetChannelStatus(channelID string, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if status == 0 {
		delete(f.channelCode, channelID)
		return
	}
	f.channelCode[channelID] = status
}

// SetDown makes every REST request answer 503 while down is true.
func (f *Fake) SetDown(down bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down = down
}

// SetRateLimit limits message posts (all channels together) to limit per
// period, with Discord's bucket headers; beyond it the fake answers 429 with
// retry_after. limit 0 removes the limit.
func (f *Fake) SetRateLimit(limit int, per time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rateLimit, f.ratePer = limit, per
	f.windowStart, f.windowCount = time.Time{}, 0
}

// SetMessageHook sets a function called for every new message after it is
// stored and before the response is written (nil removes it). It runs
// without the fake's lock held.
func (f *Fake) SetMessageHook(hook func(Message)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hook = hook
}

// AddMessage stores m in its channel as written by someone else (AuthorID,
// a member when not the bot) and returns it with its id and time.
func (f *Fake) AddMessage(m Message) Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	m.Timestamp = f.now()
	m.ID = f.newSnowflake(m.Timestamp)
	if m.AuthorID == "" {
		m.AuthorID = "900000000000000009"
	}
	f.messages[m.ChannelID] = append(f.messages[m.ChannelID], m)
	f.changed.Broadcast()
	return m
}

// SetNonceWindow sets how long enforce_nonce remembers a message nonce
// (default NonceWindow, a few minutes as on Discord); 0 forgets at once.
func (f *Fake) SetNonceWindow(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nonceWindow = d
}

// Advance moves the fake's clock forward by d: nonces remembered for
// enforce_nonce age by d (a restart "long after the nonce window"), and
// later messages get snowflakes and timestamps d later.
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.clockOffset += d
}

// SetUnreachable makes the fake close every REST connection without an
// answer while on is true, as when Discord cannot be reached (the client
// sees a connection reset or EOF).
func (f *Fake) SetUnreachable(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.unreachable = on
	f.changed.Broadcast()
}

// WaitRequests waits until at least n recorded requests satisfy match or
// the timeout passes; it reports whether they did.
func (f *Fake) WaitRequests(n int, timeout time.Duration, match func(Request) bool) bool {
	return f.waitFor(timeout, func() bool {
		c := 0
		for _, r := range f.requests {
			if match(r) {
				c++
			}
		}
		return c >= n
	})
}

// now is the fake's clock, with f.mu held.
func (f *Fake) now() time.Time { return time.Now().Add(f.clockOffset) }

// discordEpoch is the first millisecond of 2015, the epoch of Discord's
// snowflakes.
const discordEpoch = 1420070400000

// newSnowflake returns a message id as Discord makes them: the creation
// time in milliseconds since discordEpoch, shifted left by 22 bits, so that
// ids sort by time and a time can serve as before/after. Ids are strictly
// increasing. f.mu is held.
func (f *Fake) newSnowflake(at time.Time) string {
	id := (at.UnixMilli() - discordEpoch) << 22
	if id <= f.lastFlake {
		id = f.lastFlake + 1
	}
	f.lastFlake = id
	return strconv.FormatInt(id, 10)
}

// SetRequestHook sets a function called with every REST request before the
// fake acts on it, without the fake's lock held (nil removes it). When it
// returns true the fake drops the request unanswered and without acting on
// it, as if it never arrived; the request is recorded with status 0.
func (f *Fake) SetRequestHook(hook func(Request) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reqHook = hook
}

func (f *Fake) waitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	timer := time.AfterFunc(timeout, func() {
		f.mu.Lock()
		f.changed.Broadcast()
		f.mu.Unlock()
	})
	defer timer.Stop()
	f.mu.Lock()
	defer f.mu.Unlock()
	for !cond() {
		if !time.Now().Before(deadline) {
			return false
		}
		f.changed.Wait()
	}
	return true
}

func (f *Fake) newID() string {
	f.nextID++
	return strconv.FormatInt(f.nextID, 10)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func errorBody(code int, msg string) map[string]any {
	return map[string]any{"code": code, "message": msg}
}

// authorized reports whether the request carries the fake's token.
func (f *Fake) authorized(r *http.Request) bool {
	a := r.Header.Get("Authorization")
	return a == "Bot "+f.token || a == f.token
}

func (f *Fake) wsURL() string {
	return "ws" + strings.TrimPrefix(f.URL, "http") + "/gw"
}

// String describes the fake for test logs.
func (f *Fake) String() string { return fmt.Sprintf("fake discord at %s", f.URL) }
