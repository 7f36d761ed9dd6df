package holidays

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/teambition/rrule-go"
)

// BenchmarkExpandUSYear expands the nine yearly rules of the US holiday
// feed (DTSTART in 2020) over 2026: with this package, and with rrule-go,
// the library a user would otherwise reach for, asked for the same dates.
func BenchmarkExpandUSYear(b *testing.B) {
	data, err := os.ReadFile("testdata/us-holidays.ics")
	if err != nil {
		b.Fatal(err)
	}
	feed, err := Parse(bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("holidays", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := feed.Occurrences(ny, Year(2026)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rrule-go", func(b *testing.B) {
		var rules []*rrule.RRule
		for _, e := range feed.Events {
			r := e.rule
			o := rrule.ROption{Freq: map[freq]rrule.Frequency{freqYearly: rrule.YEARLY}[r.freq], Bymonth: r.byMonth, Bymonthday: r.byMonthDay,
				Dtstart: time.Date(e.start.date.Year, e.start.date.Month, e.start.date.Day, 0, 0, 0, 0, time.UTC)}
			for _, wd := range r.byDay {
				o.Byweekday = append(o.Byweekday, []rrule.Weekday{rrule.SU, rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA}[wd.wd].Nth(wd.n))
			}
			rr, err := rrule.NewRRule(o)
			if err != nil {
				b.Fatal(err)
			}
			rules = append(rules, rr)
		}
		from, to := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC)
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			for _, rr := range rules {
				n += len(rr.Between(from, to, true))
			}
			if n != 9 {
				b.Fatalf("%d occurrences", n)
			}
		}
	})
}

// BenchmarkParseCompanyFeed parses the company fixture (CRLF, folded
// lines, a VTIMEZONE, recurring events and overrides).
func BenchmarkParseCompanyFeed(b *testing.B) {
	data, err := os.ReadFile("testdata/company.ics")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
