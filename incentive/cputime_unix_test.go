//go:build unix

package incentive

import (
	"syscall"
	"time"
)

// processCPU returns the user+system CPU time of the whole process (all
// threads, GC workers included). On a loaded machine it stays close to the
// work done, where wall time also counts waiting for a core.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
