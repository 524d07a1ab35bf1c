package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"runtime"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Gateway opcodes.
const (
	opDispatch       = 0
	opHeartbeat      = 1
	opIdentify       = 2
	opResume         = 6
	opReconnect      = 7
	opInvalidSession = 9
	opHello          = 10
	opHeartbeatACK   = 11
)

// query is what every gateway URL is opened with.
const query = "/?v=10&encoding=json"

// closeReconnect is the code the client closes with when it means to resume:
// a close with 1000 or 1001 would end the session on Discord's side.
const closeReconnect = 4000

const writeTimeout = 10 * time.Second

// payload is one gateway frame.
type payload struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  *int64          `json:"s,omitempty"`
	T  string          `json:"t,omitempty"`
}

// shard is one gateway connection [id, n] and its session, across
// reconnects. Only its own goroutine touches it.
type shard struct {
	c     *Client
	id, n int

	sessionID  string
	resumeURL  string
	seq        int64
	ready      bool // READY or RESUMED on the current connection
	identified bool // the shard identified before: read the budget again first
}

// outcome is how one connection ended.
type outcome struct {
	reason  string        // for the log
	fatal   error         // do not reconnect: return this from Run
	stopped bool          // ctx ended
	wait    time.Duration // > 0: wait this long instead of the backoff (op 9)
	ready   bool          // the connection got READY or RESUMED
}

// run keeps the shard connected until ctx ends or a fatal error.
func (s *shard) run(ctx context.Context) error {
	defer s.setReady(false)
	for attempt := 0; ; attempt++ {
		out := s.connect(ctx)
		s.setReady(false)
		if out.stopped || ctx.Err() != nil {
			return nil
		}
		if out.fatal != nil {
			return out.fatal
		}
		if out.ready {
			attempt = 0
		}
		wait := out.wait
		if wait == 0 {
			wait = s.c.cfg.Timing.Backoff(attempt)
		}
		s.c.reconnects.Add(1)
		s.c.log.Warn("Discord gateway connection lost; reconnecting", "shard", s.id, "reason", out.reason,
			"resume", s.sessionID != "", "in", wait.Round(time.Millisecond))
		if !sleep(ctx, wait) {
			return nil
		}
	}
}

func (s *shard) setReady(ready bool) {
	if s.ready == ready {
		return
	}
	s.ready = ready
	if ready {
		s.c.ready.Add(1)
	} else {
		s.c.ready.Add(-1)
	}
}

// stopOr turns an error of the identify budget into an outcome.
func (s *shard) stopOr(ctx context.Context, err error) outcome {
	if ctx.Err() != nil {
		return outcome{stopped: true}
	}
	if errors.Is(err, ErrTokenRejected) {
		return outcome{fatal: ErrTokenRejected}
	}
	return outcome{reason: err.Error()}
}

// dispatch handles one op 0 event; it reports whether the shard became ready.
func (s *shard) dispatch(ctx context.Context, p payload) bool {
	switch p.T {
	case "READY":
		var r struct {
			SessionID        string `json:"session_id"`
			ResumeGatewayURL string `json:"resume_gateway_url"`
			User             struct {
				ID       string `json:"id"`
				Username string `json:"username"`
			} `json:"user"`
		}
		if err := json.Unmarshal(p.D, &r); err != nil || r.SessionID == "" {
			s.c.log.Warn("READY without a session id", "shard", s.id)
			return false
		}
		s.sessionID, s.resumeURL = r.SessionID, r.ResumeGatewayURL
		if s.resumeURL == "" {
			s.resumeURL = s.c.url
		}
		s.setReady(true)
		s.c.log.Info("connected to the Discord gateway", "shard", fmt.Sprintf("%d/%d", s.id, s.n), "user", r.User.Username)
		return true
	case "RESUMED":
		s.setReady(true)
		s.c.log.Info("Discord gateway session resumed", "shard", fmt.Sprintf("%d/%d", s.id, s.n))
		return true
	case "INTERACTION_CREATE":
		var i discordgo.Interaction
		if err := json.Unmarshal(p.D, &i); err != nil {
			s.c.log.Warn("unreadable INTERACTION_CREATE", "shard", s.id, "err", err)
			return false
		}
		s.c.cfg.OnInteraction(ctx, &i)
	}
	return false
}

// closed classifies the end of the connection by the server or the network.
func (s *shard) closed(err error) outcome {
	var ce *websocket.CloseError
	if !errors.As(err, &ce) {
		return outcome{reason: "connection lost: " + err.Error(), ready: s.ready}
	}
	if fatal := fatalClose(ce.Code, s.n); fatal != nil {
		return outcome{fatal: fatal}
	}
	switch ce.Code {
	case 4003, 4007, 4009: // not authenticated, invalid seq, session timed out: a new session
		s.sessionID, s.resumeURL, s.seq = "", "", 0
	}
	return outcome{reason: fmt.Sprintf("closed by Discord with code %d %s", ce.Code, ce.Text), ready: s.ready}
}

// fatalClose returns the error for a close code after which Discord says not
// to reconnect, or nil; n is the number of shards identified with.
func fatalClose(code, n int) error {
	switch code {
	case 4004:
		return ErrTokenRejected
	case 4010:
		return &CloseError{code, "Discord refused the shard number (close 4010 invalid shard): check [discord] shards and shard_ids"}
	case 4011:
		return &CloseError{code, fmt.Sprintf("Discord requires sharding (close 4011 sharding required): %d shard(s) are too few for the bot's guilds; set [discord] shards higher, or to 0 to take Discord's recommendation", n)}
	case 4012:
		return &CloseError{code, "Discord refused the gateway API version (close 4012 invalid API version): this newswatch is too old, upgrade it"}
	case 4013:
		return &CloseError{code, "Discord refused the gateway intents (close 4013 invalid intents): this is a bug in newswatch, please report it"}
	case 4014:
		return &CloseError{code, "Discord refused an intent the application may not use (close 4014 disallowed intents): enable it in the Developer Portal under Bot, Privileged Gateway Intents"}
	}
	return nil
}

func (s *shard) send(ws *websocket.Conn, op int, d any) error {
	_ = ws.SetWriteDeadline(time.Now().Add(writeTimeout))
	return ws.WriteJSON(map[string]any{"op": op, "d": d})
}

func (s *shard) heartbeat(ws *websocket.Conn) error {
	var d any // null before the first dispatch
	if s.seq > 0 {
		d = s.seq
	}
	return s.send(ws, opHeartbeat, d)
}

func (s *shard) identify(ws *websocket.Conn) error {
	s.sessionID, s.resumeURL, s.seq = "", "", 0
	s.identified = true
	return s.send(ws, opIdentify, map[string]any{
		"token":   s.c.cfg.Token,
		"intents": s.c.cfg.Intents,
		"properties": map[string]string{
			"os": runtime.GOOS, "browser": "newswatch", "device": "newswatch",
		},
		"shard": [2]int{s.id, s.n},
	})
}

func (s *shard) resume(ws *websocket.Conn) error {
	return s.send(ws, opResume, map[string]any{"token": s.c.cfg.Token, "session_id": s.sessionID, "seq": s.seq})
}

// closeWith sends a close frame and closes the connection.
func closeWith(ws *websocket.Conn, code int, text string) {
	_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
	_ = ws.Close()
}

// dial opens a websocket connection. gorilla/websocket stops a handshake
// only at a deadline, not when ctx is cancelled, so dial closes the TCP
// connection itself when ctx ends during the handshake.
func (c *Client) dial(ctx context.Context, url string) (*websocket.Conn, error) {
	d := *c.cfg.Dialer
	next := d.NetDialContext
	if next == nil {
		var nd net.Dialer
		next = nd.DialContext
	}
	var mu sync.Mutex
	var conns []net.Conn
	d.NetDialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		nc, err := next(ctx, network, addr)
		if err == nil {
			mu.Lock()
			conns = append(conns, nc)
			mu.Unlock()
		}
		return nc, err
	}
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		for _, nc := range conns {
			_ = nc.Close()
		}
	})
	ws, _, err := d.DialContext(ctx, url, nil)
	if !stop() && err == nil { // ctx ended as the handshake succeeded
		_ = ws.Close()
		return nil, ctx.Err()
	}
	return ws, err
}
