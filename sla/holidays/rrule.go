package holidays

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// freq is an RRULE frequency; only the day-based ones are supported.
type freq int

const (
	freqDaily freq = iota + 1
	freqWeekly
	freqMonthly
	freqYearly
)

// weekdayNum is one BYDAY value: an optional ordinal n (0 for none) and a
// weekday.
type weekdayNum struct {
	n  int
	wd time.Weekday
}

// rule is a parsed recurrence rule (RFC 5545, 3.3.10). Every occurrence
// keeps the time of day of DTSTART: BYHOUR, BYMINUTE, BYSECOND and the
// sub-daily frequencies are refused as unsupported, since a holiday or a
// closure recurs at most daily.
type rule struct {
	freq       freq
	interval   int64
	count      int64 // 0: no COUNT
	until      *icsTime
	wkst       time.Weekday
	byMonth    []int
	byWeekNo   []int
	byYearDay  []int
	byMonthDay []int
	byDay      []weekdayNum
	bySetPos   []int
}

var weekdayCodes = map[string]time.Weekday{
	"SU": time.Sunday, "MO": time.Monday, "TU": time.Tuesday, "WE": time.Wednesday,
	"TH": time.Thursday, "FR": time.Friday, "SA": time.Saturday,
}

// intList parses a comma-separated list of integers each within ±[lo, hi]
// (or [lo, hi] when signed is false).
func intList(v string, lo, hi int, signed bool) ([]int, bool) {
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimPrefix(f, "+"))
		if err != nil || f == "" {
			return nil, false
		}
		a := n
		if signed && a < 0 {
			a = -a
		}
		if a < lo || a > hi {
			return nil, false
		}
		out = append(out, n)
	}
	return out, true
}

// parseRule parses the value of an RRULE property. start is the event's
// DTSTART, needed to read UNTIL in its frame.
func parseRule(cl *contentLine, start icsTime, tz *tzCache) (*rule, error) {
	bad := func(format string, args ...any) error {
		return cl.errAt(ErrValue, "RRULE: "+format, args...)
	}
	r := &rule{interval: 1, wkst: time.Monday}
	seen := map[string]bool{}
	for _, part := range strings.Split(cl.value, ";") {
		k, v, ok := strings.Cut(part, "=")
		k = strings.ToUpper(k)
		if !ok || k == "" || v == "" {
			return nil, bad("%q is not NAME=VALUE", clip(part))
		}
		if seen[k] {
			return nil, bad("%s appears twice", k)
		}
		seen[k] = true
		uv := strings.ToUpper(v)
		var good bool
		switch k {
		case "FREQ":
			good = true
			switch uv {
			case "DAILY":
				r.freq = freqDaily
			case "WEEKLY":
				r.freq = freqWeekly
			case "MONTHLY":
				r.freq = freqMonthly
			case "YEARLY":
				r.freq = freqYearly
			case "HOURLY", "MINUTELY", "SECONDLY":
				return nil, cl.errAt(ErrUnsupported, "RRULE: FREQ=%s (closures recur at most daily)", uv)
			default:
				good = false
			}
		case "INTERVAL":
			n, err := strconv.ParseInt(v, 10, 64)
			good = err == nil && n >= 1 && n <= 1_000_000
			r.interval = n
		case "COUNT":
			n, err := strconv.ParseInt(v, 10, 64)
			good = err == nil && n >= 1
			r.count = n
		case "UNTIL":
			sub := *cl
			sub.params = nil
			if len(v) == 8 {
				sub.params = []param{{name: "VALUE", values: []string{"DATE"}}}
			}
			u, err := parseTimeValue(&sub, v, tz)
			if err != nil {
				return nil, bad("UNTIL=%q is not a DATE or DATE-TIME", clip(v))
			}
			if !u.utc && !u.isDate && !start.isDate {
				u.loc = start.loc // a local UNTIL is read in DTSTART's frame
			}
			r.until = &u
			good = true
		case "WKST":
			wd, ok := weekdayCodes[uv]
			good = ok
			r.wkst = wd
		case "BYMONTH":
			r.byMonth, good = intList(v, 1, 12, false)
		case "BYWEEKNO":
			r.byWeekNo, good = intList(v, 1, 53, true)
		case "BYYEARDAY":
			r.byYearDay, good = intList(v, 1, 366, true)
		case "BYMONTHDAY":
			r.byMonthDay, good = intList(v, 1, 31, true)
		case "BYSETPOS":
			r.bySetPos, good = intList(v, 1, 366, true)
		case "BYDAY":
			good = true
			for _, f := range strings.Split(uv, ",") {
				if len(f) < 2 {
					good = false
					break
				}
				wd, ok := weekdayCodes[f[len(f)-2:]]
				n := 0
				if num := f[:len(f)-2]; num != "" {
					var err error
					n, err = strconv.Atoi(strings.TrimPrefix(num, "+"))
					ok = ok && err == nil && n != 0 && n >= -53 && n <= 53 && num != "+"
				}
				if !ok {
					good = false
					break
				}
				r.byDay = append(r.byDay, weekdayNum{n, wd})
			}
		case "BYHOUR", "BYMINUTE", "BYSECOND":
			return nil, cl.errAt(ErrUnsupported, "RRULE: %s (an occurrence keeps the time of day of DTSTART)", k)
		default:
			if strings.HasPrefix(k, "X-") {
				good = true // experimental parts are ignored
				break
			}
			return nil, bad("unknown rule part %s", clip(k))
		}
		if !good {
			return nil, bad("%s=%s is not valid", k, clip(v))
		}
	}
	if r.freq == 0 {
		return nil, bad("FREQ is missing")
	}
	if r.count > 0 && r.until != nil {
		return nil, bad("COUNT and UNTIL must not both be given")
	}
	if err := r.checkCombinations(); err != "" {
		return nil, bad("%s", err)
	}
	return r, nil
}

// checkCombinations applies the restrictions of RFC 5545, 3.3.10, on
// which BYxxx parts go with which frequency.
func (r *rule) checkCombinations() string {
	if len(r.byWeekNo) > 0 && r.freq != freqYearly {
		return "BYWEEKNO is only valid with FREQ=YEARLY"
	}
	if len(r.byYearDay) > 0 && r.freq != freqYearly {
		return "BYYEARDAY is only valid with FREQ=YEARLY"
	}
	if len(r.byMonthDay) > 0 && r.freq == freqWeekly {
		return "BYMONTHDAY is not valid with FREQ=WEEKLY"
	}
	for _, d := range r.byDay {
		if d.n == 0 {
			continue
		}
		if r.freq != freqMonthly && r.freq != freqYearly {
			return fmt.Sprintf("BYDAY=%d%s: an ordinal is only valid with FREQ=MONTHLY or YEARLY", d.n, d.wd)
		}
		if r.freq == freqYearly && len(r.byWeekNo) > 0 {
			return "BYDAY with an ordinal is not valid with BYWEEKNO"
		}
	}
	return ""
}
