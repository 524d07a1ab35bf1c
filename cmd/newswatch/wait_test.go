package main

import "time"

// eventually polls cond until it holds or timeout passes and reports
// whether it held: the package's one way for a test to wait for a state no
// channel or callback announces.
func eventually(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond) // the polling interval, not a wait for an event
	}
	return true
}
