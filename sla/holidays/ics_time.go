package holidays

import (
	"errors"
	"strings"
	"sync"
	"time"
)

// icsTime is a DATE or DATE-TIME value as written in a feed: a civil date,
// a time of day, and its frame (UTC, a TZID's location, or floating local
// time that takes the calendar's location).
type icsTime struct {
	date   Date
	sec    int32 // seconds since local midnight; 0 for a DATE
	isDate bool
	utc    bool
	loc    *time.Location // the TZID's location; nil when floating or UTC
}

// frame returns the location the value's wall clock is read in; floating
// values take def.
func (t icsTime) frame(def *time.Location) *time.Location {
	switch {
	case t.utc:
		return time.UTC
	case t.loc != nil:
		return t.loc
	}
	return def
}

// instant resolves a DATE-TIME (or the start of a DATE) to an instant.
func (t icsTime) instant(def *time.Location) time.Time {
	return localInstant(t.date, t.sec, t.frame(def))
}

// TZResolver maps a TZID parameter value to a location. The default,
// [DefaultTZResolver], accepts IANA names.
type TZResolver func(tzid string) (*time.Location, error)

// DefaultTZResolver resolves IANA time-zone names ("Asia/Shanghai"),
// also when written with a leading "/" as RFC 5545 allows for globally
// unique identifiers. It refuses "" and "Local" (the machine's own zone,
// which would make results depend on the host).
//
// Loaded zones are cached for the life of the process (only zones that
// exist, so the cache is bounded by the time-zone database).
func DefaultTZResolver(tzid string) (*time.Location, error) {
	name := strings.TrimLeft(tzid, "/")
	if name == "" || name == "Local" {
		return nil, errors.New("not an IANA time zone name")
	}
	if l, ok := zoneCache.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zoneCache.Store(name, l)
	return l, nil
}

// zoneCache holds the zones DefaultTZResolver loaded, by name.
var zoneCache sync.Map

// localInstant returns the instant at which the wall clock of loc shows
// date d at sec seconds after midnight, as RFC 5545 (3.3.5) reads local
// times: a time repeated by a fall-back change is its first occurrence; a
// time skipped by a spring-forward change is read with the offset in force
// before the gap (02:30 on a New York spring-forward day is 03:30 EDT).
// time.Date cannot be trusted here: it moves a skipped time backwards west
// of UTC.
func localInstant(d Date, sec int32, loc *time.Location) time.Time {
	w := d.days()*86400 + int64(sec)
	offAt := func(u int64) int64 {
		_, off := time.Unix(u, 0).In(loc).Zone()
		return int64(off)
	}
	o1 := offAt(w - 86400) // the offset before any nearby change
	o2 := offAt(w + 86400) // and after it
	u1, u2 := w-o1, w-o2
	ok1, ok2 := offAt(u1) == o1, offAt(u2) == o2
	switch {
	case ok1 && ok2:
		return time.Unix(min(u1, u2), 0).In(loc)
	case ok1:
		return time.Unix(u1, 0).In(loc)
	case ok2:
		return time.Unix(u2, 0).In(loc)
	}
	// Neither offset fits: a gap (or several changes within two days);
	// time.Date is right whenever its result shows the requested wall clock.
	t := time.Date(d.Year, d.Month, d.Day, int(sec/3600), int(sec%3600/60), int(sec%60), 0, loc)
	if DateOf(t) == d && int32(t.Hour()*3600+t.Minute()*60+t.Second()) == sec {
		return t
	}
	return time.Unix(u1, 0).In(loc)
}

// digits parses s as a non-negative decimal number of exactly len(s) digits.
func digits(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// parseDate parses a DATE value "YYYYMMDD".
func parseDate(s string) (Date, bool) {
	if len(s) != 8 {
		return Date{}, false
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[4:6])
	d, ok3 := digits(s[6:8])
	if !ok1 || !ok2 || !ok3 {
		return Date{}, false
	}
	dt := Date{y, time.Month(m), d}
	return dt, dt.IsValid()
}

// parseDateTime parses a DATE-TIME value "YYYYMMDDTHHMMSS" with an
// optional "Z" for UTC.
func parseDateTime(s string) (Date, int32, bool, bool) {
	utc := strings.HasSuffix(s, "Z")
	s = strings.TrimSuffix(s, "Z")
	if len(s) != 15 || s[8] != 'T' {
		return Date{}, 0, false, false
	}
	d, ok := parseDate(s[:8])
	h, ok1 := digits(s[9:11])
	m, ok2 := digits(s[11:13])
	sec, ok3 := digits(s[13:15])
	if !ok || !ok1 || !ok2 || !ok3 || h > 23 || m > 59 || sec > 60 {
		return Date{}, 0, false, false
	}
	if sec == 60 { // a leap second: read as the last second of the minute
		sec = 59
	}
	return d, int32(h*3600 + m*60 + sec), utc, true
}

// tzCache resolves TZIDs once per feed.
type tzCache struct {
	resolve TZResolver
	locs    map[string]*time.Location
}

func (c *tzCache) get(tzid string) (*time.Location, error) {
	if l, ok := c.locs[tzid]; ok {
		return l, nil
	}
	l, err := c.resolve(tzid)
	if err == nil && l == nil {
		err = errors.New("resolver returned no location")
	}
	if err != nil {
		return nil, err
	}
	if c.locs == nil {
		c.locs = map[string]*time.Location{}
	}
	c.locs[tzid] = l
	return l, nil
}

// parseTimeValue parses one DATE or DATE-TIME value s of property cl,
// honouring its VALUE and TZID parameters. A bare "YYYYMMDD" without
// VALUE=DATE is read as a DATE, as many producers write it.
func parseTimeValue(cl *contentLine, s string, tz *tzCache) (icsTime, error) {
	vt, _ := cl.param("VALUE")
	vt = strings.ToUpper(vt)
	if vt == "DATE" || (vt == "" && len(s) == 8) {
		d, ok := parseDate(s)
		if !ok {
			return icsTime{}, cl.errAt(ErrValue, "%s: %q is not a valid DATE (YYYYMMDD)", cl.name, clip(s))
		}
		return icsTime{date: d, isDate: true}, nil
	}
	if vt != "" && vt != "DATE-TIME" {
		return icsTime{}, cl.errAt(ErrValue, "%s: VALUE=%s is not a date or date-time", cl.name, clip(vt))
	}
	d, sec, utc, ok := parseDateTime(s)
	if !ok {
		return icsTime{}, cl.errAt(ErrValue, "%s: %q is not a valid DATE-TIME (YYYYMMDDTHHMMSS[Z])", cl.name, clip(s))
	}
	t := icsTime{date: d, sec: sec, utc: utc}
	if tzid, ok := cl.param("TZID"); ok && !utc {
		loc, err := tz.get(tzid)
		if err != nil {
			return icsTime{}, cl.errAt(ErrTimeZone, "%s: TZID %q: %v", cl.name, clip(tzid), err)
		}
		t.loc = loc
	}
	return t, nil
}

// icsDuration is a DURATION value (RFC 5545, 3.3.6): a nominal part in
// days (weeks count 7) and an exact part in seconds.
type icsDuration struct {
	days int64
	secs int64
}

// maxDurationDays bounds durations so that arithmetic never overflows.
const maxDurationDays = 100 * 366

// parseDuration parses "[+|-]P[nW][nD][T[nH][nM][nS]]". Negative durations
// are refused (no event ends before it starts).
func parseDuration(s string) (icsDuration, bool) {
	s = strings.TrimPrefix(s, "+")
	if strings.HasPrefix(s, "-") || !strings.HasPrefix(s, "P") || len(s) < 3 {
		return icsDuration{}, false
	}
	s = s[1:]
	var d icsDuration
	inTime := false
	seen := ""
	for len(s) > 0 {
		if s[0] == 'T' {
			if inTime || len(s) == 1 {
				return icsDuration{}, false
			}
			inTime = true
			s = s[1:]
			continue
		}
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i > 9 || i == len(s) {
			return icsDuration{}, false
		}
		n, _ := digits(s[:i])
		unit := s[i]
		order := "WD"
		if inTime {
			order = "HMS"
		}
		pos := strings.IndexByte(order, unit)
		if pos < 0 || strings.ContainsAny(seen, order[pos:]) {
			return icsDuration{}, false
		}
		seen += string(unit)
		switch {
		case !inTime && unit == 'W':
			d.days += int64(n) * 7
		case !inTime && unit == 'D':
			d.days += int64(n)
		case unit == 'H':
			d.secs += int64(n) * 3600
		case unit == 'M':
			d.secs += int64(n) * 60
		case unit == 'S':
			d.secs += int64(n)
		}
		s = s[i+1:]
	}
	if d.days+d.secs/86400 > maxDurationDays {
		return icsDuration{}, false
	}
	return d, true
}
