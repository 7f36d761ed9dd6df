package holidays

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sqkit/sqkit/sla"
)

// FuzzParse feeds arbitrary bytes to Parse and expands whatever parses.
// Nothing may panic; every parse error is a *ParseError (or ErrTooLarge)
// naming a line that exists; every Days result merges into a spec that
// sla.NewCalendar accepts.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"testdata/company.ics", "testdata/us-holidays.ics"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(ics("BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:x", "DTSTART;TZID=America/New_York:20260308T023000",
		"RRULE:FREQ=MONTHLY;BYDAY=-1SU,2MO;BYSETPOS=-1;COUNT=40", "EXDATE:20260412T023000", "END:VEVENT", "END:VCALENDAR")))
	f.Add([]byte(ics("BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20261231", "DURATION:P2W",
		"RDATE;VALUE=PERIOD:20260101T000000Z/PT36H", "RRULE:FREQ=YEARLY;BYWEEKNO=-1,1;BYYEARDAY=-1", "END:VEVENT", "END:VCALENDAR")))
	f.Add([]byte("BEGIN:VCALENDAR\n BEGIN;X=\"a,b\":\nEND:VCALENDAR"))
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		f.Fatal(err)
	}
	spec := sla.CalendarSpec{Location: "Asia/Shanghai", Week: sla.CalendarWeek{Monday: []sla.CalendarWindow{{Start: "09:00", End: "17:00"}}}}
	f.Fuzz(func(t *testing.T, data []byte) {
		feed, err := Parse(bytes.NewReader(data), WithMaxBytes(1<<16))
		if err != nil {
			checkParseError(t, err, bytes.Count(data, []byte("\n"))+1)
			return
		}
		for _, r := range []Range{Year(2026), {NewDate(1, 1, 1), NewDate(150, 1, 1)}} {
			days, err := feed.Days(sh, r)
			if err != nil {
				var ce *ConflictError
				if !errors.As(err, &ce) && !errors.Is(err, ErrTooManyOccurrences) {
					t.Fatalf("Days: unexpected error %v", err)
				}
				continue
			}
			for i, d := range days {
				if err := d.Validate(); err != nil {
					t.Fatalf("Days gave invalid day %d: %+v: %v", i, d, err)
				}
				if !r.Contains(d.Date) {
					t.Fatalf("Days gave %s outside %v", d.Date, r)
				}
			}
			if _, _, err := Merge(spec, days, MergeOptions{MakeUpHours: []sla.CalendarWindow{{Start: "09:00", End: "12:00"}}}); err != nil {
				t.Fatalf("Merge of valid days failed: %v", err)
			}
		}
	})
}

func checkParseError(t *testing.T, err error, lines int) {
	t.Helper()
	if errors.Is(err, ErrTooLarge) {
		return
	}
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	for _, e := range errs {
		var pe *ParseError
		if !errors.As(e, &pe) {
			t.Fatalf("error is not a *ParseError: %v", e)
		}
		if pe.Line < 1 || pe.Line > lines {
			t.Fatalf("error names line %d of %d: %v", pe.Line, lines, e)
		}
		if !strings.Contains(e.Error(), "line ") {
			t.Fatalf("error does not say its line: %v", e)
		}
	}
}

// FuzzRule parses and expands arbitrary RRULE values over a range, checking
// that occurrences come out strictly increasing, inside the range, and
// never more than COUNT.
func FuzzRule(f *testing.F) {
	for _, s := range []string{
		"FREQ=YEARLY;BYMONTH=11;BYDAY=4TH", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2",
		"FREQ=WEEKLY;INTERVAL=2;WKST=SU;BYDAY=TU,TH;COUNT=8", "FREQ=YEARLY;BYWEEKNO=53;BYDAY=TH",
		"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "FREQ=YEARLY;INTERVAL=1000000;BYYEARDAY=-366",
		"FREQ=MONTHLY;BYMONTHDAY=-31,31;UNTIL=20300101",
	} {
		f.Add(s, int64(20000), int64(700))
	}
	tz := &tzCache{resolve: DefaultTZResolver}
	f.Fuzz(func(t *testing.T, rr string, startDay, span int64) {
		startDay = startDay%(3_000_000) + 30_000 // about 1900 to 10000
		span = span%(366*20) + 1
		start := dateFromDays(startDay)
		if !start.IsValid() {
			return
		}
		st := icsTime{date: start, isDate: true}
		r, err := parseRule(&contentLine{line: 1, name: "RRULE", value: rr}, st, tz)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line != 1 {
				t.Fatalf("rule error without its line: %v", err)
			}
			return
		}
		from := startDay + span/3
		limit := from + span
		budget := int64(maxExpandDays)
		var got []int64
		r.expand(expandArgs{start: start, skipBefore: from, limit: limit, budget: &budget,
			emit: func(n int64) bool { got = append(got, n); return len(got) < 100_000 }})
		for i, n := range got {
			if n < from || n >= limit || n < startDay {
				t.Fatalf("%s: occurrence %s outside [%s, %s)", rr, dateFromDays(n), dateFromDays(from), dateFromDays(limit))
			}
			if i > 0 && n <= got[i-1] {
				t.Fatalf("%s: occurrences out of order", rr)
			}
		}
		if r.count > 0 && int64(len(got)) > r.count {
			t.Fatalf("%s: %d occurrences, COUNT=%d", rr, len(got), r.count)
		}
	})
}
