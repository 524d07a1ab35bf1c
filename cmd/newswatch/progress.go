package main

import (
	"fmt"
	"io"
	"os"
	"time"
)

// progress reports the advance of a long CLI job on standard error. On a
// terminal it redraws one line ("\r") with the count and the rate, at most
// a few times a second; elsewhere (a log file, a pipe) it prints nothing
// until the end and then one summary line, so logs get no "\r" counters.
type progress struct {
	w     io.Writer
	what  string
	tty   bool
	start time.Time
	last  time.Time
	drawn bool
}

// newProgress starts a progress report for the job named what.
func (c *cli) newProgress(what string) *progress {
	now := time.Now()
	return &progress{w: c.stderr, what: what, tty: c.isTerminal(c.stderr), start: now, last: now}
}

// isTerminal reports whether w is a terminal (a character device): the
// cli's terminal func when a test set one, else a look at the file mode.
func (c *cli) isTerminal(w io.Writer) bool {
	if c.terminal != nil {
		return c.terminal()
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// update reports done of total (total 0: unknown).
func (p *progress) update(done, total int) {
	if !p.tty || (time.Since(p.last) < 200*time.Millisecond && done != total) {
		return
	}
	p.last = time.Now()
	p.drawn = true
	if total > 0 {
		fmt.Fprintf(p.w, "\r%s: %d/%d (%s)\x1b[K", p.what, done, total, p.rate(done))
		return
	}
	fmt.Fprintf(p.w, "\r%s: %d (%s)\x1b[K", p.what, done, p.rate(done))
}

// printf prints a line of its own, keeping the progress line below it.
func (p *progress) printf(format string, args ...any) {
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
	fmt.Fprintf(p.w, format, args...)
}

// done ends the report with one summary line.
func (p *progress) done(n int) {
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
	fmt.Fprintf(p.w, "%s: %d in %s (%s)\n", p.what, n, time.Since(p.start).Round(time.Millisecond), p.rate(n))
}

func (p *progress) rate(n int) string {
	s := time.Since(p.start).Seconds()
	if s <= 0 {
		return "- /s"
	}
	return fmt.Sprintf("%.0f/s", float64(n)/s)
}
