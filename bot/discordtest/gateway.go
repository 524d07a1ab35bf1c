package discordtest

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// HeartbeatInterval is the default heartbeat interval the fake announces in
// HELLO; SetHeartbeatInterval changes it for one fake.
var HeartbeatInterval = 41250 * time.Millisecond

// Stage is a point of the gateway handshake at which the fake can hold a
// connection (see HoldGateway), so that tests can act in between.
type Stage int

// The stages HoldGateway can hold.
const (
	StageHello   Stage = iota // the connection is open, HELLO not sent yet
	StageReady                // IDENTIFY received, READY not sent yet
	StageResumed              // RESUME received, RESUMED not sent yet
)

// replayLimit is how many dispatches a session keeps for RESUME.
const replayLimit = 2000

// gateway is the fake's gateway state; f.mu guards it.
//
// The fake gateway follows Discord's: GET /gateway/bot with shards and
// session_start_limit, HELLO, heartbeats and ACKs, IDENTIFY with shard and
// intents checked, READY with a per-session resume_gateway_url (a RESUME
// anywhere else is refused with op 9 false), RESUME replaying the missed
// events, close codes 4001–4014, and events routed to shard
// (guild_id >> 22) % num_shards. Tests can send op 7 and op 9, close with
// any code, stop acknowledging heartbeats and hold a connection before
// HELLO, READY or RESUMED.
type gateway struct {
	conns      map[*gwConn]bool
	sessions   map[string]*gwSession // the valid sessions by id
	shards     map[int]*gwShard      // by shard id
	numShards  int                   // of the last IDENTIFY; 1 before any
	interval   time.Duration
	hold       [3]bool
	noACK      bool
	invalidRes int // the next RESUMEs answered with op 9 false

	identifies, resumes, wrongURL, heartbeats int
	bucketViolations, overBudget              int
	identifyLog                               []IdentifyRecord
	dropped                                   map[string]bool // interaction ids lost with an invalidated session
	clientCloses                              []int           // close codes clients closed with
	nextSession                               int

	limitTotal, limitRemaining, maxConc, recShards, requireShards int
	limitResetAt                                                  time.Time
	identifyWindow                                                time.Duration
	bucketLast                                                    map[int]time.Time
}

// IdentifyRecord is one IDENTIFY the fake accepted.
type IdentifyRecord struct {
	Shard [2]int
	At    time.Time
}

// GatewayCounts are the fake gateway's counters.
type GatewayCounts struct {
	Identifies       int // IDENTIFYs accepted
	Resumes          int // RESUMEs accepted
	WrongURLResumes  int // RESUMEs refused because they came to another URL than the session's resume_gateway_url
	BucketViolations int // IDENTIFYs of one max_concurrency bucket closer together than the identify window
	OverBudget       int // IDENTIFYs with no session_start_limit remaining (answered with close 4004, as a token reset would)
	Heartbeats       int
	Connections      int   // open gateway connections
	ClientCloses     []int // the close codes clients closed with, in order
	Identify         []IdentifyRecord
}

type gwConn struct {
	ws         *websocket.Conn
	wmu        sync.Mutex
	path       string // the URL path it connected to, without a trailing slash
	hello      bool   // HELLO sent
	identified bool   // IDENTIFY or RESUME received
	sess       *gwSession
	held       *gwSession // waiting for READY or RESUMED (HoldGateway)
	heldT      string
	heldSeq    int64
	// serverClosed is set when the fake closed the connection: a close
	// frame read after that is the client's echo, not the client closing.
	serverClosed atomic.Bool
}

type gwSession struct {
	num        int // the order of its IDENTIFY
	id         string
	resumePath string
	shard      [2]int
	seq        int64
	log        []event // the last dispatches, for RESUME
	conn       *gwConn // nil while disconnected
}

type event struct {
	seq int64
	t   string
	d   json.RawMessage
}

type gwShard struct {
	sess    *gwSession
	pending []queued // dispatches for the shard while it has no session
}

type queued struct {
	t string
	d json.RawMessage
}

type gwPayload struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  *int64          `json:"s,omitempty"`
	T  string          `json:"t,omitempty"`
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (g *gateway) init() {
	g.conns = map[*gwConn]bool{}
	g.sessions = map[string]*gwSession{}
	g.shards = map[int]*gwShard{}
	g.dropped = map[string]bool{}
	g.bucketLast = map[int]time.Time{}
	g.numShards = 1
	g.interval = HeartbeatInterval
	g.limitTotal, g.limitRemaining, g.maxConc, g.recShards = 1000, 1000, 1, 1
	g.limitResetAt = time.Now().Add(24 * time.Hour)
	g.identifyWindow = 5 * time.Second
}

// gatewayBot answers GET /gateway/bot. f.mu is held.
func (f *Fake) gatewayBot() restReply {
	g := &f.gw
	g.refillLocked()
	return restReply{status: 200, body: map[string]any{"url": f.wsURL(), "shards": g.recShards,
		"session_start_limit": map[string]int{"total": g.limitTotal, "remaining": g.limitRemaining,
			"reset_after": int(time.Until(g.limitResetAt).Milliseconds()), "max_concurrency": g.maxConc}}}
}

func (g *gateway) refillLocked() {
	if !time.Now().Before(g.limitResetAt) {
		g.limitRemaining = g.limitTotal
		g.limitResetAt = time.Now().Add(24 * time.Hour)
	}
}

func (f *Fake) serveGateway(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer ws.Close()
	c := &gwConn{ws: ws, path: strings.TrimSuffix(r.URL.Path, "/")}
	if v := r.URL.Query().Get("v"); v != "9" && v != "10" {
		c.close(4012, "Invalid API version.")
		return
	}
	if e := r.URL.Query().Get("encoding"); e != "" && e != "json" {
		c.close(4002, "Error while decoding payload.")
		return
	}
	f.mu.Lock()
	f.gw.conns[c] = true
	if !f.gw.hold[StageHello] {
		f.helloLocked(c)
	}
	f.changed.Broadcast()
	f.mu.Unlock()
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			f.gone(c, err)
			return
		}
		var p gwPayload
		if json.Unmarshal(data, &p) != nil {
			c.close(4002, "Error while decoding payload.")
			f.gone(c, nil)
			return
		}
		f.mu.Lock()
		ok := f.handleLocked(c, p)
		f.changed.Broadcast()
		f.mu.Unlock()
		if !ok {
			f.gone(c, nil)
			return
		}
	}
}

// gone forgets a connection that ended; a client that closed with 1000 or
// 1001 ends its session, as on Discord.
func (f *Fake) gone(c *gwConn, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.gw.conns, c)
	var ce *websocket.CloseError
	if errors.As(err, &ce) && ce.Code != websocket.CloseAbnormalClosure && !c.serverClosed.Load() {
		f.gw.clientCloses = append(f.gw.clientCloses, ce.Code)
	}
	if s := c.sess; s != nil && s.conn == c {
		s.conn = nil
		if !c.serverClosed.Load() && websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway) {
			f.invalidateLocked(s)
		}
	}
	f.changed.Broadcast()
}

func (f *Fake) helloLocked(c *gwConn) {
	c.hello = true
	hello, _ := json.Marshal(map[string]int64{"heartbeat_interval": f.gw.interval.Milliseconds()})
	_ = c.write(gwPayload{Op: 10, D: hello})
}

// handleLocked answers one client payload; false ends the connection.
func (f *Fake) handleLocked(c *gwConn, p gwPayload) bool {
	switch p.Op {
	case 1:
		f.gw.heartbeats++
		if !f.gw.noACK {
			_ = c.write(gwPayload{Op: 11, D: json.RawMessage("null")})
		}
	case 2:
		return f.identifyLocked(c, p.D)
	case 6:
		return f.resumeLocked(c, p.D)
	default:
		c.close(4001, "Unknown opcode.")
		return false
	}
	return true
}

func (c *gwConn) write(p gwPayload) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteJSON(p)
}

// close sends a close frame with code and closes the connection.
func (c *gwConn) close(code int, text string) {
	c.serverClosed.Store(true)
	c.wmu.Lock()
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
	c.wmu.Unlock()
	_ = c.ws.Close()
}

func (f *Fake) tokenOKLocked(t string) bool {
	return t == f.token || t == "Bot "+f.token
}

func (f *Fake) identifyLocked(c *gwConn, d json.RawMessage) bool {
	var id struct {
		Token      string             `json:"token"`
		Intents    *int               `json:"intents"`
		Properties *map[string]string `json:"properties"`
		Shard      *[2]int            `json:"shard"`
	}
	g := &f.gw
	switch {
	case json.Unmarshal(d, &id) != nil || id.Properties == nil:
		c.close(4002, "Error while decoding payload.")
		return false
	case c.identified:
		c.close(4005, "Already authenticated.")
		return false
	case !f.tokenOKLocked(id.Token):
		c.close(4004, "Authentication failed.")
		return false
	case id.Intents == nil || *id.Intents < 0:
		c.close(4013, "Invalid intent(s).")
		return false
	}
	sh := [2]int{0, 1}
	if id.Shard != nil {
		sh = *id.Shard
	}
	if sh[1] < 1 || sh[0] < 0 || sh[0] >= sh[1] {
		c.close(4010, "Invalid shard.")
		return false
	}
	if sh[1] < g.requireShards {
		c.close(4011, "Sharding required.")
		return false
	}
	g.refillLocked()
	if g.limitRemaining <= 0 {
		g.overBudget++
		c.close(4004, "Authentication failed.")
		return false
	}
	g.limitRemaining--
	now := time.Now()
	bucket := sh[0] % g.maxConc
	if last, ok := g.bucketLast[bucket]; ok && now.Sub(last) < g.identifyWindow {
		g.bucketViolations++
	}
	g.bucketLast[bucket] = now
	g.identifyLog = append(g.identifyLog, IdentifyRecord{Shard: sh, At: now})
	c.identified = true
	g.numShards = sh[1]
	g.nextSession++
	n := strconv.Itoa(g.nextSession)
	s := &gwSession{num: g.nextSession, id: "session-" + n, resumePath: "/resume-gw/" + n, shard: sh}
	g.sessions[s.id] = s
	if g.hold[StageReady] {
		c.held, c.heldT = s, "READY"
		return true
	}
	f.readyLocked(c, s)
	return true
}

// readyLocked makes s the live session of its shard on c and sends READY,
// then what waited for the shard.
func (f *Fake) readyLocked(c *gwConn, s *gwSession) {
	g := &f.gw
	if _, ok := g.sessions[s.id]; !ok { // invalidated while held
		_ = c.write(gwPayload{Op: 9, D: json.RawMessage("false")})
		return
	}
	g.identifies++
	sh := g.shards[s.shard[0]]
	if sh == nil {
		sh = &gwShard{}
		g.shards[s.shard[0]] = sh
	}
	if sh.sess != nil && sh.sess.num > s.num { // a later IDENTIFY of the shard got READY first
		f.invalidateLocked(s)
		c.close(4009, "Session timed out.")
		return
	}
	if sh.sess != nil && sh.sess != s {
		f.invalidateLocked(sh.sess)
	}
	sh.sess = s
	s.conn, c.sess = c, s
	base := "ws" + strings.TrimPrefix(f.URL, "http")
	ready, _ := json.Marshal(map[string]any{
		"v": 10, "session_id": s.id, "resume_gateway_url": base + s.resumePath,
		"user":        f.botUser(),
		"application": map[string]any{"id": f.AppID, "flags": 0},
		"guilds":      []any{},
		"shard":       s.shard,
	})
	f.dispatchLocked(s, "READY", ready)
	q := sh.pending
	sh.pending = nil
	for _, e := range q {
		f.dispatchLocked(s, e.t, e.d)
	}
}

func (f *Fake) resumeLocked(c *gwConn, d json.RawMessage) bool {
	var rs struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	g := &f.gw
	if json.Unmarshal(d, &rs) != nil {
		c.close(4002, "Error while decoding payload.")
		return false
	}
	if !f.tokenOKLocked(rs.Token) {
		c.close(4004, "Authentication failed.")
		return false
	}
	c.identified = true
	s, ok := g.sessions[rs.SessionID]
	if ok && c.path != s.resumePath {
		// Discord asks clients to resume on resume_gateway_url; the fake
		// refuses a resume anywhere else.
		g.wrongURL++
		f.invalidateLocked(s)
		ok = false
	}
	if ok && g.invalidRes > 0 {
		g.invalidRes--
		f.invalidateLocked(s)
		ok = false
	}
	if !ok {
		_ = c.write(gwPayload{Op: 9, D: json.RawMessage("false")})
		return true
	}
	if rs.Seq > s.seq || (len(s.log) > 0 && rs.Seq < s.log[0].seq-1) {
		f.invalidateLocked(s)
		c.close(4007, "Invalid seq.")
		return false
	}
	if g.hold[StageResumed] {
		c.held, c.heldT, c.heldSeq = s, "RESUMED", rs.Seq
		return true
	}
	f.resumedLocked(c, s, rs.Seq)
	return true
}

// resumedLocked attaches c to s, replays the dispatches after seq and sends
// RESUMED.
func (f *Fake) resumedLocked(c *gwConn, s *gwSession, seq int64) {
	g := &f.gw
	if _, ok := g.sessions[s.id]; !ok {
		_ = c.write(gwPayload{Op: 9, D: json.RawMessage("false")})
		return
	}
	g.resumes++
	if old := s.conn; old != nil && old != c {
		old.sess = nil
		_ = old.ws.Close()
	}
	s.conn, c.sess = c, s
	for _, e := range s.log {
		if e.seq > seq {
			if f.writeEvent(s, e) != nil {
				return
			}
		}
	}
	f.dispatchLocked(s, "RESUMED", json.RawMessage("{}"))
}

// invalidateLocked ends a session: it can no longer be resumed, and the
// interactions it was sent that are still unanswered are lost, as on Discord.
func (f *Fake) invalidateLocked(s *gwSession) {
	g := &f.gw
	if _, ok := g.sessions[s.id]; !ok {
		return
	}
	delete(g.sessions, s.id)
	if sh := g.shards[s.shard[0]]; sh != nil && sh.sess == s {
		sh.sess = nil
	}
	for _, e := range s.log {
		if e.t != "INTERACTION_CREATE" {
			continue
		}
		var in struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(e.d, &in)
		if r := f.interacts[in.ID]; r != nil && r.callback == nil {
			g.dropped[in.ID] = true
		}
	}
	s.log = nil
}

// dispatchLocked numbers an event of session s, keeps it for RESUME and
// writes it if s is connected.
func (f *Fake) dispatchLocked(s *gwSession, t string, d json.RawMessage) {
	s.seq++
	e := event{seq: s.seq, t: t, d: d}
	s.log = append(s.log, e)
	if len(s.log) > replayLimit {
		s.log = append([]event(nil), s.log[len(s.log)-replayLimit/2:]...)
	}
	if s.conn != nil {
		_ = f.writeEvent(s, e)
	}
}

func (f *Fake) writeEvent(s *gwSession, e event) error {
	seq := e.seq
	err := s.conn.write(gwPayload{Op: 0, T: e.t, S: &seq, D: e.d})
	if err != nil {
		_ = s.conn.ws.Close()
		s.conn.sess = nil
		s.conn = nil
	}
	return err
}

// sendLocked dispatches an event to the shard its guild_id belongs to,
// (guild_id >> 22) % num_shards as on Discord (shard 0 without a guild),
// or queues it until that shard has a session.
func (f *Fake) sendLocked(t string, d json.RawMessage) {
	var in struct {
		GuildID string `json:"guild_id"`
	}
	_ = json.Unmarshal(d, &in)
	id := 0
	if g, err := strconv.ParseUint(in.GuildID, 10, 64); err == nil {
		id = int((g >> 22) % uint64(f.gw.numShards))
	}
	sh := f.gw.shards[id]
	if sh == nil {
		sh = &gwShard{}
		f.gw.shards[id] = sh
	}
	if sh.sess == nil {
		sh.pending = append(sh.pending, queued{t, d})
		return
	}
	f.dispatchLocked(sh.sess, t, d)
}

// ShardOf returns the shard that a guild's events go to with n shards.
func ShardOf(guildID string, n int) int {
	g, _ := strconv.ParseUint(guildID, 10, 64)
	return int((g >> 22) % uint64(n))
}

// DropGateway closes every gateway connection without a close frame, as a
// network failure would; the client is expected to resume.
func (f *Fake) DropGateway() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for c := range f.gw.conns {
		_ = c.ws.Close()
	}
	f.changed.Broadcast()
}

// GatewayReconnect sends op 7 Reconnect on every open gateway connection, in
// whatever state it is.
func (f *Fake) GatewayReconnect() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for c := range f.gw.conns {
		_ = c.write(gwPayload{Op: 7, D: json.RawMessage("null")})
	}
}

// GatewayHeartbeatRequest sends op 1 on every open connection: Discord
// asks for a heartbeat at once.
func (f *Fake) GatewayHeartbeatRequest() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for c := range f.gw.conns {
		_ = c.write(gwPayload{Op: 1, D: json.RawMessage("null")})
	}
}

// GatewayInvalidSession sends op 9 Invalid Session with d = resumable on
// every open connection; with false the sessions of those connections end.
func (f *Fake) GatewayInvalidSession(resumable bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for c := range f.gw.conns {
		if !resumable {
			for _, s := range []*gwSession{c.sess, c.held} {
				if s != nil {
					f.invalidateLocked(s)
				}
			}
		}
		_ = c.write(gwPayload{Op: 9, D: json.RawMessage(strconv.FormatBool(resumable))})
	}
}

// GatewayClose closes every open connection with a close code. 4003, 4007
// and 4009 also end the sessions, as Discord's do.
func (f *Fake) GatewayClose(code int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for c := range f.gw.conns {
		if code == 4003 || code == 4007 || code == 4009 {
			for _, s := range []*gwSession{c.sess, c.held} {
				if s != nil {
					f.invalidateLocked(s)
				}
			}
		}
		c.close(code, "closed by the test")
	}
	f.changed.Broadcast()
}

// SetHeartbeatACK makes the gateway acknowledge heartbeats (true, the
// default) or ignore them (false), as a zombie connection would.
func (f *Fake) SetHeartbeatACK(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gw.noACK = !on
}

// SetHeartbeatInterval sets the interval announced in HELLO from now on.
func (f *Fake) SetHeartbeatInterval(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gw.interval = d
}

// HoldGateway holds new connections at a stage (true) or lets the held ones
// go on (false): HELLO, READY or RESUMED is sent only on release.
func (f *Fake) HoldGateway(st Stage, hold bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gw.hold[st] = hold
	if hold {
		return
	}
	for c := range f.gw.conns {
		switch {
		case st == StageHello && !c.hello:
			f.helloLocked(c)
		case st == StageReady && c.held != nil && c.heldT == "READY":
			s := c.held
			c.held = nil
			f.readyLocked(c, s)
		case st == StageResumed && c.held != nil && c.heldT == "RESUMED":
			s := c.held
			c.held = nil
			f.resumedLocked(c, s, c.heldSeq)
		}
	}
	f.changed.Broadcast()
}

// WaitHeld waits until at least n open connections are held at a stage.
func (f *Fake) WaitHeld(st Stage, n int, timeout time.Duration) bool {
	return f.waitFor(timeout, func() bool {
		k := 0
		for c := range f.gw.conns {
			switch {
			case st == StageHello && !c.hello,
				st == StageReady && c.held != nil && c.heldT == "READY",
				st == StageResumed && c.held != nil && c.heldT == "RESUMED":
				k++
			}
		}
		return k >= n
	})
}

// InvalidateResumes answers the next n RESUMEs with op 9 false (the session
// ends), as Discord does when a session expired.
func (f *Fake) InvalidateResumes(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gw.invalidRes = n
}

// SetSessionStartLimit sets GET /gateway/bot's session_start_limit: the
// total and remaining IDENTIFYs, when remaining resets to total, and
// max_concurrency. An IDENTIFY with none remaining is closed with 4004.
func (f *Fake) SetSessionStartLimit(total, remaining int, resetAfter time.Duration, maxConcurrency int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	g := &f.gw
	g.limitTotal, g.limitRemaining, g.maxConc = total, remaining, max(maxConcurrency, 1)
	g.limitResetAt = time.Now().Add(resetAfter)
}

// SetIdentifyWindow sets how far apart two IDENTIFYs of one max_concurrency
// bucket must be (Discord: 5s); closer ones are counted as BucketViolations.
func (f *Fake) SetIdentifyWindow(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gw.identifyWindow = d
}

// SetShards sets the shard count GET /gateway/bot recommends and the least
// number of shards an IDENTIFY must declare (more guilds than one shard
// may serve: close 4011); required 0 requires nothing.
func (f *Fake) SetShards(recommended, required int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gw.recShards, f.gw.requireShards = max(recommended, 1), required
}

// GatewayStats returns how many IDENTIFYs and RESUMEs the fake accepted and
// whether a session is connected now.
func (f *Fake) GatewayStats() (identifies, resumes int, connected bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.gw.identifies, f.gw.resumes, f.connectedLocked() > 0
}

// GatewayCounts returns the gateway's counters.
func (f *Fake) GatewayCounts() GatewayCounts {
	f.mu.Lock()
	defer f.mu.Unlock()
	g := &f.gw
	return GatewayCounts{Identifies: g.identifies, Resumes: g.resumes, WrongURLResumes: g.wrongURL,
		BucketViolations: g.bucketViolations, OverBudget: g.overBudget, Heartbeats: g.heartbeats,
		Connections: len(g.conns), ClientCloses: append([]int(nil), g.clientCloses...), Identify: append([]IdentifyRecord(nil), g.identifyLog...)}
}

// connectedLocked counts the shards whose live session is connected.
func (f *Fake) connectedLocked() int {
	n := 0
	for _, sh := range f.gw.shards {
		if sh.sess != nil && sh.sess.conn != nil {
			n++
		}
	}
	return n
}

// WaitConnected waits until a session is connected with at least the given
// numbers of accepted IDENTIFYs and RESUMEs.
func (f *Fake) WaitConnected(identifies, resumes int, timeout time.Duration) bool {
	return f.waitFor(timeout, func() bool {
		return f.connectedLocked() > 0 && f.gw.identifies >= identifies && f.gw.resumes >= resumes
	})
}

// WaitShards waits until n shards are connected.
func (f *Fake) WaitShards(n int, timeout time.Duration) bool {
	return f.waitFor(timeout, func() bool { return f.connectedLocked() >= n })
}

// DroppedInteractions returns the ids of the interactions that were sent to
// a session that ended before they were answered: Discord does not deliver
// those again.
func (f *Fake) DroppedInteractions() map[string]bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := make(map[string]bool, len(f.gw.dropped))
	for id := range f.gw.dropped {
		m[id] = true
	}
	return m
}

// UnansweredInteractions returns the ids of the interactions sent with
// Interact that have no complete answer.
func (f *Fake) UnansweredInteractions() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []string
	for id, r := range f.interacts {
		if !r.complete() {
			ids = append(ids, id)
		}
	}
	return ids
}

// SetGatewaySilent makes the gateway accept new connections and then send
// nothing at all (no HELLO), as a gateway in trouble may; false restores it.
// It is HoldGateway(StageHello, silent).
func (f *Fake) SetGatewaySilent(silent bool) {
	f.HoldGateway(StageHello, silent)
}
