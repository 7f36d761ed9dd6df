package emergency

import (
	"fmt"
	"strings"
)

// Level is a warning level. Levels are ordered: None < Yellow < Orange < Red,
// so the usual comparison operators and max/min work on them.
//
// The text form (String, MarshalText, UnmarshalText) is the lower-case name:
// "none", "yellow", "orange", "red". JSON uses the text form.
type Level uint8

// The warning levels, from the calmest to the most severe.
const (
	None   Level = iota // no warning
	Yellow              // early warning: watch and plan a rectification
	Orange              // serious: act now
	Red                 // emergency: special task force at once
)

// AllLevels returns every valid level in ascending order.
func AllLevels() []Level { return []Level{None, Yellow, Orange, Red} }

var levelNames = [...]string{"none", "yellow", "orange", "red"}

// Valid reports whether l is one of None, Yellow, Orange or Red.
func (l Level) Valid() bool { return l <= Red }

// String returns the lower-case name of the level, or "Level(n)" for an
// invalid value.
func (l Level) String() string {
	if l.Valid() {
		return levelNames[l]
	}
	return fmt.Sprintf("Level(%d)", uint8(l))
}

// MarshalText implements encoding.TextMarshaler. An invalid level is an error
// wrapping ErrUnknownLevel.
func (l Level) MarshalText() ([]byte, error) {
	if !l.Valid() {
		return nil, fmt.Errorf("%w: %d", ErrUnknownLevel, uint8(l))
	}
	return []byte(levelNames[l]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler; it accepts what
// ParseLevel accepts.
func (l *Level) UnmarshalText(b []byte) error {
	v, err := ParseLevel(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// ParseLevel parses a level name ("none", "yellow", "orange", "red"; case
// and surrounding spaces are ignored). Any other text is an error wrapping
// ErrUnknownLevel.
func ParseLevel(s string) (Level, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for i, n := range levelNames {
		if n == t {
			return Level(i), nil
		}
	}
	return None, fmt.Errorf("%w: %q", ErrUnknownLevel, s)
}

// Direction says which way a measure gets worse.
//
// The text form is "higher-is-worse" or "lower-is-worse". The zero value is
// not a direction: a ThresholdRule must name one, and Validate refuses a
// rule that does not.
type Direction uint8

const (
	// HigherIsWorse: a larger value is worse (complaint rate, waiting time).
	HigherIsWorse Direction = iota + 1
	// LowerIsWorse: a smaller value is worse (NPS, CSAT, staff coverage).
	LowerIsWorse
)

// Valid reports whether d is HigherIsWorse or LowerIsWorse.
func (d Direction) Valid() bool { return d == HigherIsWorse || d == LowerIsWorse }

// String returns "higher-is-worse", "lower-is-worse", "unset" for the zero
// value, or "Direction(n)".
func (d Direction) String() string {
	switch d {
	case 0:
		return "unset"
	case HigherIsWorse:
		return "higher-is-worse"
	case LowerIsWorse:
		return "lower-is-worse"
	}
	return fmt.Sprintf("Direction(%d)", uint8(d))
}

// MarshalText implements encoding.TextMarshaler; the zero value and unknown
// values are errors wrapping ErrInvalidConfig.
func (d Direction) MarshalText() ([]byte, error) {
	if !d.Valid() {
		return nil, fmt.Errorf("%w: direction %v", ErrInvalidConfig, d)
	}
	return []byte(d.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler. It accepts
// "higher-is-worse" and "lower-is-worse" (case and surrounding spaces
// ignored); anything else, the empty text included, is an error wrapping
// ErrInvalidConfig.
func (d *Direction) UnmarshalText(b []byte) error {
	switch strings.ToLower(strings.TrimSpace(string(b))) {
	case "higher-is-worse":
		*d = HigherIsWorse
	case "lower-is-worse":
		*d = LowerIsWorse
	default:
		return fmt.Errorf("%w: unknown direction %q", ErrInvalidConfig, string(b))
	}
	return nil
}
