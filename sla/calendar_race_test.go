//go:build race

package sla

// calRaceEnabled is true when the race detector is on; the long reference
// tests of the calendar (an immutable value) then check fewer cases.
const calRaceEnabled = true
