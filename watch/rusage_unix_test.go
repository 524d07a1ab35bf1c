//go:build unix

package watch

import "syscall"

// cpuSeconds returns the user and system CPU time the process has used, in
// seconds, or -1 where it cannot be read. The benchmarks report it beside
// the wall time because the machines they run on are often shared.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}
