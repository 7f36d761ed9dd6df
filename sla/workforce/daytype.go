package workforce

import (
	"fmt"
	"time"
)

// DayType classifies a date for forecasting: its weekday, or a holiday.
// A make-up working day (a weekend date the calendar turns into a working
// day) takes the type ForecastConfig.MakeUpAs, a weekday, so it borrows the
// demand profile of working days. The zero value is unset. Its text and
// JSON form is the lower-case name ("monday", ..., "holiday").
type DayType uint8

// The day types.
const (
	DayUnset DayType = iota
	DayMonday
	DayTuesday
	DayWednesday
	DayThursday
	DayFriday
	DaySaturday
	DaySunday
	DayHoliday
)

var dayTypeNames = [...]string{"", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "holiday"}

// DayTypeOf returns the day type of a weekday.
func DayTypeOf(wd time.Weekday) DayType {
	if wd == time.Sunday {
		return DaySunday
	}
	return DayType(wd)
}

// Valid reports whether d is one of the named day types.
func (d DayType) Valid() bool { return d >= DayMonday && d <= DayHoliday }

// String returns the lower-case name, or "unset".
func (d DayType) String() string {
	if !d.Valid() {
		if d == DayUnset {
			return "unset"
		}
		return fmt.Sprintf("DayType(%d)", uint8(d))
	}
	return dayTypeNames[d]
}

// MarshalText implements encoding.TextMarshaler; the unset value encodes as
// the empty string.
func (d DayType) MarshalText() ([]byte, error) {
	if d == DayUnset {
		return []byte{}, nil
	}
	if !d.Valid() {
		return nil, inputErr("day type %d", uint8(d))
	}
	return []byte(dayTypeNames[d]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *DayType) UnmarshalText(b []byte) error {
	for i, n := range dayTypeNames {
		if n == string(b) {
			*d = DayType(i)
			return nil
		}
	}
	return inputErr("unknown day type %q", string(b))
}
