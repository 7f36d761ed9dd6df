//go:build !unix

package workforce

import "time"

func cpuTime() (time.Duration, bool) { return 0, false }
