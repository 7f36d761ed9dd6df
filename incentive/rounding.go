package incentive

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// RoundingMode says how a discarded fraction is rounded. Every mode is
// symmetric about zero: it is applied to the magnitude and the sign is
// restored, so -2.5 rounds like 2.5 with the opposite sign.
//
// Only the four modes below exist, and the zero value, RoundingUnset,
// which means "not set": wherever a mode is taken it stands for the
// default, HalfEven, and every line a Table, TargetBonus or Statement
// writes records the mode it actually applied, never RoundingUnset. Every
// operation taking a mode (Round, Quo, MulRate, MoneyFromDecimal and what
// is built on them) refuses any other value with a *RoundingModeError
// rather than guess how to round; Validate of a Table, TargetBonus,
// Scorecard or Plan reports it; and decoding accepts only the names, never
// numbers.
type RoundingMode uint8

const (
	// RoundingUnset is the zero value: no mode was chosen, so the default,
	// HalfEven, applies. Its name is "unset"; the empty string parses as it
	// too.
	RoundingUnset RoundingMode = iota
	// HalfEven rounds to the nearest, ties to the even neighbour (banker's
	// rounding). It is the default.
	HalfEven
	// HalfUp rounds to the nearest, ties away from zero (commercial rounding).
	HalfUp
	// Down truncates toward zero.
	Down
	// Up rounds away from zero whenever anything is discarded.
	Up
)

var roundingNames = [...]string{"unset", "half-even", "half-up", "down", "up"}

// ErrRoundingMode matches every *RoundingModeError: a rounding mode that is
// none of HalfEven, HalfUp, Down and Up.
var ErrRoundingMode = errors.New("incentive: unknown rounding mode")

// RoundingModeError reports a rounding mode that is none of HalfEven,
// HalfUp, Down and Up. Text is empty for an out-of-range value passed to an
// operation (then Mode holds it), and holds the rejected input when a name
// is parsed or decoded (an unknown name, or a JSON value that is not a
// name, such as 7).
//
// It matches ErrRoundingMode with errors.Is, and also ErrInvalid (for a
// value) or ErrSyntax (for text).
type RoundingModeError struct {
	Mode RoundingMode
	Text string
}

// Error implements error.
func (e *RoundingModeError) Error() string {
	if e.Text != "" {
		return fmt.Sprintf("incentive: unknown rounding mode %q (want half-even, half-up, down or up)", e.Text)
	}
	return fmt.Sprintf("incentive: unknown rounding mode %d (want half-even, half-up, down or up)", e.Mode)
}

// Is matches ErrRoundingMode, and ErrSyntax for text or ErrInvalid for a
// value.
func (e *RoundingModeError) Is(target error) bool {
	switch target {
	case ErrRoundingMode:
		return true
	case ErrSyntax:
		return e.Text != ""
	case ErrInvalid:
		return e.Text == ""
	}
	return false
}

// String returns "half-even", "half-up", "down", "up" or "unset" (and
// "RoundingMode(n)" for an undefined value).
func (m RoundingMode) String() string {
	if int(m) < len(roundingNames) {
		return roundingNames[m]
	}
	return "RoundingMode(" + strconv.Itoa(int(m)) + ")"
}

// Valid reports whether m is one of the defined modes or RoundingUnset.
func (m RoundingMode) Valid() bool { return int(m) < len(roundingNames) }

// Applied returns the mode m stands for: HalfEven for RoundingUnset, m
// itself otherwise.
func (m RoundingMode) Applied() RoundingMode {
	if m == RoundingUnset {
		return HalfEven
	}
	return m
}

// check returns a *RoundingModeError unless m is one of the defined modes.
func (m RoundingMode) check() error {
	if !m.Valid() {
		return &RoundingModeError{Mode: m}
	}
	return nil
}

// ParseRoundingMode parses the String form of a mode, ignoring case (""
// means RoundingUnset, like "unset"). Anything else is a
// *RoundingModeError matching ErrSyntax.
func ParseRoundingMode(s string) (RoundingMode, error) {
	if s == "" {
		return RoundingUnset, nil
	}
	for i, n := range roundingNames {
		if strings.EqualFold(s, n) {
			return RoundingMode(i), nil
		}
	}
	return 0, &RoundingModeError{Text: s}
}

// MarshalText encodes the mode by name; an undefined mode is a
// *RoundingModeError.
func (m RoundingMode) MarshalText() ([]byte, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	return []byte(m.String()), nil
}

// UnmarshalText decodes a mode name (see ParseRoundingMode); on error m is
// unchanged.
func (m *RoundingMode) UnmarshalText(b []byte) error {
	v, err := ParseRoundingMode(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// UnmarshalJSON decodes a mode from a JSON string holding its name; null
// leaves m unchanged. Any other JSON value, numbers included, is a
// *RoundingModeError matching ErrSyntax, and m is unchanged.
func (m *RoundingMode) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		return nil
	}
	var name string
	if !strings.HasPrefix(s, `"`) || json.Unmarshal(b, &name) != nil {
		return &RoundingModeError{Text: s}
	}
	return m.UnmarshalText([]byte(name))
}

// roundsUp decides, for quotient q and non-zero remainder r of a division
// by d, whether the magnitude is increased. m is one of the defined modes.
func (m RoundingMode) roundsUp(q, r, d uint64) bool {
	switch m {
	case Up:
		return true
	case Down:
		return false
	case HalfUp:
		return r >= d-r
	default: // HalfEven, or RoundingUnset standing for it
		half := d - r
		return r > half || (r == half && q&1 == 1)
	}
}
