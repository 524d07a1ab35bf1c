package discordtest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// HeartbeatInterval is the heartbeat interval the fake announces in HELLO.
var HeartbeatInterval = 41250 * time.Millisecond

type gateway struct {
	sessions   map[string]*gwSession
	conn       *websocket.Conn
	sess       *gwSession
	wmu        sync.Mutex // serialises writes to conn
	queue      []queued   // dispatches waiting for a connection
	identifies int
	resumes    int
	silent     bool // new connections get no HELLO
}

type gwSession struct {
	id  string
	seq int64
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

func (f *Fake) serveGateway(w http.ResponseWriter, r *http.Request) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer conn.Close()
	f.mu.Lock()
	silent := f.gw.silent
	f.mu.Unlock()
	if silent { // accept the connection, then say nothing until the client goes
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
		}
	}
	hello, _ := json.Marshal(map[string]int64{"heartbeat_interval": HeartbeatInterval.Milliseconds()})
	if f.write(conn, gwPayload{Op: 10, D: hello}) != nil {
		return
	}
	for {
		_, data, err := conn.ReadMessage()
		if err != nil {
			f.mu.Lock()
			if f.gw.conn == conn {
				f.gw.conn, f.gw.sess = nil, nil
			}
			f.changed.Broadcast()
			f.mu.Unlock()
			return
		}
		var p gwPayload
		if json.Unmarshal(data, &p) != nil {
			continue
		}
		switch p.Op {
		case 1:
			_ = f.write(conn, gwPayload{Op: 11, D: json.RawMessage("null")})
		case 2:
			if !f.identify(conn, p.D) {
				return
			}
		case 6:
			if !f.resume(conn, p.D) {
				return
			}
		}
	}
}

func (f *Fake) write(conn *websocket.Conn, p gwPayload) error {
	f.gw.wmu.Lock()
	defer f.gw.wmu.Unlock()
	_ = conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return conn.WriteJSON(p)
}

func (f *Fake) tokenOK(t string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return t == f.token || t == "Bot "+f.token
}

func (f *Fake) closeWith(conn *websocket.Conn, code int, text string) {
	f.gw.wmu.Lock()
	_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
	f.gw.wmu.Unlock()
}

func (f *Fake) identify(conn *websocket.Conn, d json.RawMessage) bool {
	var id struct {
		Token string `json:"token"`
	}
	_ = json.Unmarshal(d, &id)
	if !f.tokenOK(id.Token) {
		f.closeWith(conn, 4004, "Authentication failed.")
		return false
	}
	f.mu.Lock()
	f.gw.identifies++
	s := &gwSession{id: "session-" + strconv.Itoa(f.gw.identifies)}
	f.gw.sessions[s.id] = s
	ready, _ := json.Marshal(map[string]any{
		"v": 9, "session_id": s.id, "resume_gateway_url": f.wsURL(),
		"user":        f.botUser(),
		"application": map[string]any{"id": f.AppID, "flags": 0},
		"guilds":      []any{},
	})
	f.attach(conn, s, "READY", ready)
	f.mu.Unlock()
	return true
}

func (f *Fake) resume(conn *websocket.Conn, d json.RawMessage) bool {
	var rs struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
	}
	_ = json.Unmarshal(d, &rs)
	if !f.tokenOK(rs.Token) {
		f.closeWith(conn, 4004, "Authentication failed.")
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.gw.sessions[rs.SessionID]
	if !ok {
		_ = f.write(conn, gwPayload{Op: 9, D: json.RawMessage("false")})
		return true
	}
	f.gw.resumes++
	f.attach(conn, s, "RESUMED", json.RawMessage("{}"))
	return true
}

// attach makes conn the live connection of session s, sends the first
// dispatch and then every queued one. f.mu is held.
func (f *Fake) attach(conn *websocket.Conn, s *gwSession, t string, d json.RawMessage) {
	if f.gw.conn != nil && f.gw.conn != conn {
		_ = f.gw.conn.Close()
	}
	f.gw.conn, f.gw.sess = conn, s
	f.sendLocked(t, d)
	q := f.gw.queue
	f.gw.queue = nil
	for _, e := range q {
		f.sendLocked(e.t, e.d)
	}
	f.changed.Broadcast()
}

// sendLocked dispatches an event on the live connection or queues it.
func (f *Fake) sendLocked(t string, d json.RawMessage) {
	if f.gw.conn == nil {
		f.gw.queue = append(f.gw.queue, queued{t, d})
		return
	}
	f.gw.sess.seq++
	seq := f.gw.sess.seq
	if err := f.write(f.gw.conn, gwPayload{Op: 0, T: t, S: &seq, D: d}); err != nil {
		f.gw.queue = append(f.gw.queue, queued{t, d})
		_ = f.gw.conn.Close()
		f.gw.conn, f.gw.sess = nil, nil
	}
}

// DropGateway closes the live gateway connection without a close frame, as a
// network failure would; the client is expected to resume.
func (f *Fake) DropGateway() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gw.conn != nil {
		_ = f.gw.conn.Close()
		f.gw.conn, f.gw.sess = nil, nil
	}
	f.changed.Broadcast()
}

// GatewayStats returns how many IDENTIFYs and RESUMEs the fake accepted and
// whether a session is connected now.
func (f *Fake) GatewayStats() (identifies, resumes int, connected bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.gw.identifies, f.gw.resumes, f.gw.conn != nil
}

// WaitConnected waits until a session is connected with at least the given
// numbers of accepted IDENTIFYs and RESUMEs.
func (f *Fake) WaitConnected(identifies, resumes int, timeout time.Duration) bool {
	return f.waitFor(timeout, func() bool {
		return f.gw.conn != nil && f.gw.identifies >= identifies && f.gw.resumes >= resumes
	})
}

// SetGatewaySilent makes the gateway accept new connections and then send
// nothing at all (no HELLO), as a gateway in trouble may; false restores it.
func (f *Fake) SetGatewaySilent(silent bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gw.silent = silent
}
