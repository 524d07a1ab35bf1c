package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// LockedError is returned by LockWriter when another process holds the
// writer lock: it names that process.
type LockedError struct {
	Holder string // what the other process is doing ("ingest", "run")
	PID    int    // its process id, 0 when unknown
}

// Error implements error.
func (e *LockedError) Error() string {
	if e.PID == 0 {
		return fmt.Sprintf("another newswatch %s is running", e.Holder)
	}
	return fmt.Sprintf("another newswatch %s is running (pid %d)", e.Holder, e.PID)
}

// LockWriter takes the exclusive lock of the long-running writers of the
// database at path (the daemon and `newswatch ingest`): a lock on the file
// path+".lock", which the kernel releases when the process ends, however it
// ends. holder says what the caller is doing; it is written into the file
// with the pid so that a second process can say who holds the lock. When it
// is held, LockWriter returns a *LockedError at once instead of waiting.
// The returned func releases the lock.
func LockWriter(path, holder string) (release func() error, err error) {
	name := path + ".lock"
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return nil, fmt.Errorf("store: lock %s: %w", name, err)
	}
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("store: lock %s: %w", name, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, readLockHolder(f)
		}
		return nil, fmt.Errorf("store: lock %s: %w", name, err)
	}
	// Only the holder writes the file, so a reader of it sees either the
	// previous holder's line or this one.
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(fmt.Sprintf("%d %s\n", os.Getpid(), holder)), 0)
	}
	return func() error {
		f.Truncate(0)
		return f.Close() // closing the descriptor releases the lock
	}, nil
}

// readLockHolder reads "PID HOLDER" from a held lock file. The holder
// writes its line just after it takes the lock, so an empty file is read
// again for a short while before giving up on naming the holder.
func readLockHolder(f *os.File) *LockedError {
	e := &LockedError{Holder: "writer"}
	buf := make([]byte, 128)
	var line string
	for i := 0; i < 100 && line == ""; i++ {
		if i > 0 {
			time.Sleep(10 * time.Millisecond)
		}
		n, _ := f.ReadAt(buf, 0)
		line = strings.TrimSpace(string(buf[:n]))
	}
	pid, holder, _ := strings.Cut(line, " ")
	e.PID, _ = strconv.Atoi(pid)
	if holder != "" {
		e.Holder = holder
	}
	return e
}
