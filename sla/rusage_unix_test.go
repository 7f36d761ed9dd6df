//go:build unix

package sla

import (
	"syscall"
	"time"
)

// tkCPUTime returns the CPU time (user + system) the process has used, so
// benchmarks can report a figure that does not depend on how busy a shared
// machine is.
func tkCPUTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
