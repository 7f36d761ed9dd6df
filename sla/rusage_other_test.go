//go:build !unix

package sla

import "time"

func tkCPUTime() (time.Duration, bool) { return 0, false }
