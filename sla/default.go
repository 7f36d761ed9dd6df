package sla

import "time"

// Calendar names used by DefaultPolicy.
const (
	// CalendarAlways names the 24x7 calendar.
	CalendarAlways = "24x7"
	// CalendarBusiness names the host's working-hours calendar.
	CalendarBusiness = "business"
)

// DefaultRegistry returns a Registry with the two calendars DefaultPolicy
// uses: "24x7" (AlwaysOpen) and "business" (the host's working hours, for
// example Monday to Friday 09:00-17:00 in its location).
func DefaultRegistry(business BusinessTime) Registry {
	return Registry{CalendarAlways: AlwaysOpen(), CalendarBusiness: business}
}

// DefaultPolicy returns the documented default policy, built from the seed
// figures of service desks that sqkit was designed with. Rules are tried in
// order on the ticket attributes "type", "channel", "priority" and
// "complexity"; a matching rule without a target for a metric defers to the
// fallback.
//
//	rule                  match                              first response  next response  resolution
//	complaint-fast-track  type=complaint, channel=fast_track  1h              -              24h
//	complaint             type=complaint                      24h             -              48h
//	urgent                priority=urgent                     10m             -              (fallback)
//	complex               complexity=complex                  15m             16h business   48h
//	normal                priority=normal                     30m             -              (fallback)
//	fallback (general)    -                                   15m             -              48h
//
// Every target runs on the "24x7" calendar except the next response of
// complex problems: "a preliminary solution within 2 working days", measured
// as 16h on the "business" calendar (two 8-hour working days; adjust Within
// if the host's working day is longer or shorter). The warning ladder is
// 50 %, 75 %, 90 % and 15 minutes before the due time (the last is dropped
// on targets of 15 minutes or less); an overdue cycle reminds its owner 15
// minutes after the due time. Changes mid-flight keep the elapsed time.
// The policy takes effect at the zero time; copy it and set ID, Version and
// EffectiveFrom for your own versions.
func DefaultPolicy() Policy {
	d := func(x time.Duration) Duration { return Duration(x) }
	return Policy{
		ID:          "default",
		Version:     1,
		Description: "sqkit default service policy (seed figures)",
		Calendar:    CalendarAlways,
		Warnings:    []Rung{{Percent: 50}, {Percent: 75}, {Percent: 90}, {Before: d(15 * time.Minute)}},
		Reminders:   []Duration{d(15 * time.Minute)},
		OnChange:    KeepElapsed,
		Rules: []Rule{
			{Name: "complaint-fast-track", Match: map[string][]string{"type": {"complaint"}, "channel": {"fast_track"}},
				Targets: []Target{{Metric: FirstResponse, Within: d(time.Hour)}, {Metric: Resolution, Within: d(24 * time.Hour)}}},
			{Name: "complaint", Match: map[string][]string{"type": {"complaint"}},
				Targets: []Target{{Metric: FirstResponse, Within: d(24 * time.Hour)}, {Metric: Resolution, Within: d(48 * time.Hour)}}},
			{Name: "urgent", Match: map[string][]string{"priority": {"urgent"}},
				Targets: []Target{{Metric: FirstResponse, Within: d(10 * time.Minute)}}},
			{Name: "complex", Match: map[string][]string{"complexity": {"complex"}},
				Targets: []Target{
					{Metric: FirstResponse, Within: d(15 * time.Minute)},
					{Metric: NextResponse, Within: d(16 * time.Hour), Calendar: CalendarBusiness},
					{Metric: Resolution, Within: d(48 * time.Hour)},
				}},
			{Name: "normal", Match: map[string][]string{"priority": {"normal"}},
				Targets: []Target{{Metric: FirstResponse, Within: d(30 * time.Minute)}}},
		},
		Fallback: &Rule{Name: "general",
			Targets: []Target{{Metric: FirstResponse, Within: d(15 * time.Minute)}, {Metric: Resolution, Within: d(48 * time.Hour)}}},
	}
}
