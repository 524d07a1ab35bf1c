package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

// frame is one message read from the connection, or the read error.
type frame struct {
	data []byte
	err  error
}

// link is one gateway connection of a shard, from dial to close. Only the
// shard's goroutine uses it, apart from its reader and identify-permit
// goroutines, which it owns.
type link struct {
	s      *shard
	ws     *websocket.Conn
	resume bool // RESUME after HELLO; else IDENTIFY

	frames     chan frame
	stop       chan struct{}
	readerDone chan struct{}

	acked     bool          // the last heartbeat was acknowledged
	interval  time.Duration // from HELLO
	hb        *time.Timer   // nil until HELLO
	handshake *time.Timer   // HELLO, then READY/RESUMED, must come before it fires

	// The IDENTIFY permit is taken in a goroutine while the connection keeps
	// heartbeating: a bucket wait can take a while with many shards.
	idCancel context.CancelFunc
	permit   chan error
	permitCh <-chan error // permit while a take is running, else nil
}

// connect opens one connection, identifies or resumes, and serves it until
// it ends.
func (s *shard) connect(ctx context.Context) outcome {
	resume := s.sessionID != "" && s.resumeURL != ""
	base := s.c.url
	if resume {
		base = s.resumeURL
	} else {
		if s.identified {
			if err := s.c.budget.refresh(ctx); err != nil {
				return s.stopOr(ctx, err)
			}
		}
		if err := s.c.budget.wait(ctx); err != nil {
			return s.stopOr(ctx, err)
		}
	}
	ws, err := s.c.dial(ctx, strings.TrimSuffix(base, "/")+query)
	if err != nil {
		if ctx.Err() != nil {
			return outcome{stopped: true}
		}
		return outcome{reason: "dial: " + err.Error()}
	}
	l := &link{s: s, ws: ws, resume: resume, acked: true,
		frames: make(chan frame), stop: make(chan struct{}), readerDone: make(chan struct{}),
		handshake: time.NewTimer(s.c.cfg.Timing.HandshakeTimeout), permit: make(chan error, 1)}
	go l.read()
	defer l.close()
	return l.serve(ctx)
}

// read passes every frame to the serve loop until the connection fails.
func (l *link) read() {
	defer close(l.readerDone)
	for {
		_, data, err := l.ws.ReadMessage()
		select {
		case l.frames <- frame{data, err}:
		case <-l.stop:
			return
		}
		if err != nil {
			return
		}
	}
}

// close ends the connection and waits for the goroutines of the link.
func (l *link) close() {
	if l.idCancel != nil {
		l.idCancel()
	}
	if l.permitCh != nil {
		<-l.permit
	}
	_ = l.ws.Close()
	close(l.stop)
	<-l.readerDone
	l.handshake.Stop()
	if l.hb != nil {
		l.hb.Stop()
	}
}

// serve runs the connection until it ends and says how.
func (l *link) serve(ctx context.Context) outcome {
	for {
		var beat <-chan time.Time
		if l.hb != nil {
			beat = l.hb.C
		}
		var out *outcome
		select {
		case <-ctx.Done():
			closeWith(l.ws, websocket.CloseNormalClosure, "shutting down")
			return outcome{stopped: true}
		case <-l.handshake.C:
			closeWith(l.ws, closeReconnect, "handshake timeout")
			return outcome{reason: fmt.Sprintf("no answer from the gateway within %v", l.s.c.cfg.Timing.HandshakeTimeout)}
		case <-beat:
			out = l.beat()
		case err := <-l.permitCh:
			out = l.identify(ctx, err)
		case f := <-l.frames:
			out = l.frame(ctx, f)
		}
		if out != nil {
			return *out
		}
	}
}

// beat sends the next heartbeat, or ends a connection whose last one was
// not acknowledged.
func (l *link) beat() *outcome {
	if !l.acked {
		// A zombie connection: close it with a non-1000 code and resume.
		closeWith(l.ws, closeReconnect, "heartbeat not acknowledged")
		return &outcome{reason: "no heartbeat ACK (zombie connection)", ready: l.s.ready}
	}
	if err := l.s.heartbeat(l.ws); err != nil {
		return &outcome{reason: "send heartbeat: " + err.Error(), ready: l.s.ready}
	}
	l.acked = false
	l.hb.Reset(l.interval)
	return nil
}

// identify sends IDENTIFY once the permit came.
func (l *link) identify(ctx context.Context, err error) *outcome {
	l.permitCh = nil
	if err != nil {
		out := l.s.stopOr(ctx, err)
		return &out
	}
	if err := l.s.identify(l.ws); err != nil {
		return &outcome{reason: "send IDENTIFY: " + err.Error()}
	}
	l.handshake.Reset(l.s.c.cfg.Timing.HandshakeTimeout)
	return nil
}

// frame handles one frame from Discord.
func (l *link) frame(ctx context.Context, f frame) *outcome {
	s := l.s
	if f.err != nil {
		out := s.closed(f.err)
		return &out
	}
	var p payload
	if err := json.Unmarshal(f.data, &p); err != nil {
		s.c.log.Warn("unreadable gateway frame", "shard", s.id, "err", err)
		return nil
	}
	switch p.Op {
	case opHello:
		return l.hello(ctx, p.D)
	case opHeartbeatACK:
		l.acked = true
	case opHeartbeat: // Discord asks for a beat now
		if err := s.heartbeat(l.ws); err != nil {
			return &outcome{reason: "send heartbeat: " + err.Error(), ready: s.ready}
		}
	case opReconnect:
		closeWith(l.ws, closeReconnect, "reconnect requested")
		return &outcome{reason: "Discord asked to reconnect (op 7)", ready: s.ready}
	case opInvalidSession:
		var resumable bool
		_ = json.Unmarshal(p.D, &resumable)
		if !resumable {
			s.sessionID, s.resumeURL, s.seq = "", "", 0
		}
		closeWith(l.ws, closeReconnect, "invalid session")
		return &outcome{reason: fmt.Sprintf("invalid session (op 9, resumable %v)", resumable),
			ready: s.ready, wait: s.c.cfg.Timing.invalidSessionWait()}
	case opDispatch:
		if p.S != nil {
			s.seq = *p.S
		}
		if s.dispatch(ctx, p) {
			l.handshake.Stop()
		}
	}
	return nil
}

// hello starts heartbeating, then RESUMEs or starts taking the IDENTIFY
// permit.
func (l *link) hello(ctx context.Context, d json.RawMessage) *outcome {
	if l.hb != nil { // a second HELLO changes nothing
		return nil
	}
	var h struct {
		Interval int64 `json:"heartbeat_interval"`
	}
	if json.Unmarshal(d, &h) != nil || h.Interval <= 0 {
		closeWith(l.ws, closeReconnect, "bad HELLO")
		return &outcome{reason: "HELLO without a heartbeat interval"}
	}
	l.interval = time.Duration(h.Interval) * time.Millisecond
	// The first beat at interval × jitter, so that many clients reconnecting
	// at once do not beat in step.
	l.hb = time.NewTimer(time.Duration(float64(l.interval) * rand.Float64()))
	l.handshake.Reset(l.s.c.cfg.Timing.HandshakeTimeout)
	if l.resume {
		if err := l.s.resume(l.ws); err != nil {
			return &outcome{reason: "send RESUME: " + err.Error()}
		}
		return nil
	}
	idCtx, cancel := context.WithCancel(ctx)
	l.idCancel = cancel
	l.permitCh = l.permit
	go func() { l.permit <- l.s.c.budget.take(idCtx, l.s.id) }()
	return nil
}
