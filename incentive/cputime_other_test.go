//go:build !unix

package incentive

import "time"

// processCPU is not available on this platform; benchmarks then omit the
// CPU-time metrics.
func processCPU() time.Duration { return 0 }
