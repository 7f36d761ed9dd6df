//go:build race

package feedback

// raceEnabled: sync.Pool drops items at random under the race detector.
const raceEnabled = true
