// Package holidays fills sqkit business calendars ([sla.CalendarSpec]) with
// holidays from outside: iCalendar (RFC 5545) feeds, and China's official
// public holidays and make-up working days. It lives in a module of its own
// so that users of the core module do not inherit its dependencies.
//
// # Concepts
//
// A holiday is a date, not an instant. "National Day, 1 October" is the
// same civil date in every location, so this package works in [Date] values
// (year, month, day) and [Range] spans of them, and never turns an all-day
// event into a UTC midnight that would land on 30 September in New York.
//
// A [Day] is what a source contributes to a calendar for one date: a
// holiday that closes the whole day or only some windows of it (Closed), or
// a make-up working day (KindMakeUpDay: a Saturday or Sunday that becomes a
// working day, as Chinese calendars do around long holidays). Days are plain
// JSON-serialisable values with a Validate method.
//
// [Merge] writes Days into a copy of a [sla.CalendarSpec]: holidays into
// Holidays, make-up days into MakeUpDays. A date the spec already holds is
// a conflict unless the entry is identical (re-importing the same feed
// changes nothing); [MergeOptions].OnConflict says whether a conflict
// fails the merge (the default: every conflict reported, nothing changed),
// keeps the spec's entry (the host's own entries win) or replaces it (the
// newest import wins). The spec's Overrides count as entries too. The
// result is checked as [sla.NewCalendar] checks it.
//
// A make-up day needs working hours. Unless a Day carries its own, it
// receives the hours of one weekday of the spec's regular week, Monday by
// default ([MergeOptions].MakeUpHoursFrom), or fixed hours
// ([MergeOptions].MakeUpHours). Monday is the default because a make-up
// day stands in for an ordinary working day; a desk whose Mondays differ
// from the rest of its week names the weekday to copy.
//
// # iCalendar feeds
//
// [Parse] reads a feed: CRLF or LF line ends, folded lines, a byte-order
// mark, several VCALENDAR objects in one stream. Every problem is a
// [*ParseError] that names the physical line (the first line of a folded
// one) and, inside an event, the event's UID; a malformed feed never
// panics. Structure and syntax errors stop at the first; invalid event
// values are all reported at once, or skipped with [SkipInvalidEvents].
//
// [Feed.Occurrences] expands the events over a [Range] in the calendar's
// location:
//   - DTSTART with VALUE=DATE is an all-day event; DTEND is exclusive, so
//     DTSTART 20261001 and DTEND 20261008 cover 1 to 7 October. Without DTEND
//     or DURATION an all-day event lasts one day.
//   - A DATE-TIME is UTC ("Z"), in its TZID's zone (IANA names, or any name
//     a [TZResolver] maps), or floating (read in the calendar's location). A
//     local time that a DST change skips is read with the offset before the
//     change; one it repeats is its first occurrence (RFC 5545, 3.3.5).
//   - RRULE (DAILY, WEEKLY, MONTHLY, YEARLY with INTERVAL, COUNT, UNTIL,
//     WKST and BYMONTH, BYWEEKNO, BYYEARDAY, BYMONTHDAY, BYDAY, BYSETPOS),
//     RDATE (DATE, DATE-TIME, PERIOD) and EXDATE; an event with a
//     RECURRENCE-ID replaces one occurrence; STATUS:CANCELLED removes an
//     event or an occurrence. Sub-daily rules and BYHOUR, BYMINUTE and
//     BYSECOND are refused with [ErrUnsupported]: closures recur at most
//     daily.
//
// The expansion is bounded by the range, not by the rule: a rule that never
// matches ends at the range's end, and the total work and the number of
// occurrences are capped ([MaxOccurrences], [ErrTooManyOccurrences]), so an
// untrusted feed cannot stall the host.
//
// [Feed.Days] turns occurrences into Days: each date of an all-day
// occurrence is closed; a timed occurrence closes, on each local date it
// touches, the wall-clock window it covers (whole minutes, widened
// outwards), and a whole local day when it covers one. Occurrences on the
// same date combine. [MakeUpDaysWhere] marks occurrences that are working
// days instead (for feeds that publish them).
//
// # China
//
// [China] provides the public holidays and make-up working days of a year
// as the State Council publishes them, built in for the years
// [ChinaBuiltinYears] reports; [China].Years lets a host supply a year
// that is not built in yet, the moment the notice appears, or correct one.
// [China.Fill] merges a year into a spec in one call.
//
// # Concurrency
//
// Parsed feeds, Days and options are values; a [Feed] and a [China] are safe
// for concurrent use while nothing modifies them. Nothing here reads the
// wall clock.
package holidays
