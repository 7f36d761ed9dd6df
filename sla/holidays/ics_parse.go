package holidays

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Feed is a parsed iCalendar feed: the events of one or more VCALENDAR
// objects. A Feed is immutable once parsed and safe for concurrent use.
type Feed struct {
	// Name is the feed's X-WR-CALNAME, if it has one.
	Name string
	// Events are the VEVENT components in the order of the feed.
	Events []Event
	// Skipped holds one error per event left out because it was invalid;
	// it is filled only when parsing with [SkipInvalidEvents].
	Skipped []error
}

// Event is one VEVENT of a feed. Its dates, recurrence rule and exceptions
// are kept unexported; [Feed.Occurrences] expands them.
type Event struct {
	// UID is the event's unique identifier (may be empty).
	UID string
	// Summary is the event's SUMMARY, unescaped.
	Summary string
	// Categories lists the event's CATEGORIES values.
	Categories []string
	// Line is the physical line of the event's BEGIN:VEVENT.
	Line int
	// AllDay reports a DTSTART of type DATE.
	AllDay bool
	// Recurring reports an RRULE or RDATE.
	Recurring bool
	// Override reports a RECURRENCE-ID: the event replaces one occurrence of
	// the recurring event with the same UID.
	Override bool
	// Cancelled reports STATUS:CANCELLED: the event (or, for an override, the
	// occurrence it names) takes no effect.
	Cancelled bool

	start    icsTime
	end      *icsTime     // DTEND, when given
	dur      *icsDuration // DURATION, when given
	rule     *rule
	ruleLine int
	rdates   []rdate
	exdates  []icsTime
	recurID  icsTime
}

// rdate is one RDATE value: a start and, for a PERIOD, an end or duration.
type rdate struct {
	start icsTime
	end   *icsTime
	dur   *icsDuration
}

// ParseOption configures [Parse].
type ParseOption func(*parseConfig)

type parseConfig struct {
	tz       TZResolver
	maxBytes int64
	skip     bool
}

// DefaultMaxBytes is the size limit of a feed unless [WithMaxBytes] says
// otherwise.
const DefaultMaxBytes = 32 << 20

// maxDepth bounds the nesting of components.
const maxDepth = 16

// maxErrors bounds the number of event errors one parse reports.
const maxErrors = 100

// WithTZResolver resolves TZID parameters with f instead of
// [DefaultTZResolver] (for example to map Windows zone names that a feed
// defines in VTIMEZONE components to IANA names). A nil f is ignored.
func WithTZResolver(f TZResolver) ParseOption {
	return func(c *parseConfig) {
		if f != nil {
			c.tz = f
		}
	}
}

// WithMaxBytes sets the largest feed Parse reads; a longer one fails with
// [ErrTooLarge]. n <= 0 is ignored.
func WithMaxBytes(n int64) ParseOption {
	return func(c *parseConfig) {
		if n > 0 {
			c.maxBytes = n
		}
	}
}

// SkipInvalidEvents makes Parse leave out events with invalid values
// (recording their errors in [Feed.Skipped]) instead of failing. Syntax and
// structure errors still fail the whole feed.
func SkipInvalidEvents() ParseOption {
	return func(c *parseConfig) { c.skip = true }
}

// Parse reads an iCalendar feed (RFC 5545): CRLF or LF line ends, folded
// lines, one or more VCALENDAR objects. Components other than VEVENT
// (VTIMEZONE, VTODO, VALARM, ...) are checked for structure and skipped;
// TZID parameters are resolved with the [TZResolver] (IANA names by
// default) rather than from VTIMEZONE definitions.
//
// Every problem is a [*ParseError] naming the physical line. A malformed
// line or structure stops the parse at the first problem; invalid event
// values are all reported at once, joined with errors.Join (at most 100),
// unless [SkipInvalidEvents] is given.
func Parse(r io.Reader, opts ...ParseOption) (*Feed, error) {
	cfg := parseConfig{tz: DefaultTZResolver, maxBytes: DefaultMaxBytes}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	data, err := io.ReadAll(io.LimitReader(r, cfg.maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("holidays: reading feed: %w", err)
	}
	if int64(len(data)) > cfg.maxBytes {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, cfg.maxBytes)
	}
	lines, err := readContentLines(data)
	if err != nil {
		return nil, err
	}
	return buildFeed(lines, &cfg)
}

// frame is an open component while walking the feed.
type frame struct {
	name  string
	line  int
	props []contentLine
}

func buildFeed(lines []contentLine, cfg *parseConfig) (*Feed, error) {
	f := &Feed{}
	tz := &tzCache{resolve: cfg.tz}
	var stack []frame
	var errs []error
	calendars := 0
	for i := range lines {
		cl := &lines[i]
		switch cl.name {
		case "BEGIN":
			name := strings.ToUpper(cl.value)
			if name == "" || strings.IndexFunc(name, func(r rune) bool { return r > 127 || !isNameChar(byte(r)) }) >= 0 {
				return nil, cl.errAt(ErrSyntax, "BEGIN:%q is not a component name", clip(cl.value))
			}
			if len(stack) == 0 && name != "VCALENDAR" {
				return nil, cl.errAt(ErrStructure, "expected BEGIN:VCALENDAR, found BEGIN:%s", clip(name))
			}
			if len(stack) >= maxDepth {
				return nil, cl.errAt(ErrStructure, "components nested deeper than %d", maxDepth)
			}
			if name == "VCALENDAR" && len(stack) > 0 {
				return nil, cl.errAt(ErrStructure, "BEGIN:VCALENDAR inside BEGIN:%s of line %d", stack[len(stack)-1].name, stack[len(stack)-1].line)
			}
			stack = append(stack, frame{name: name, line: cl.line})
		case "END":
			name := strings.ToUpper(cl.value)
			if len(stack) == 0 {
				return nil, cl.errAt(ErrStructure, "END:%s with no open component", clip(name))
			}
			top := stack[len(stack)-1]
			if name != top.name {
				return nil, cl.errAt(ErrStructure, "END:%s does not close BEGIN:%s of line %d", clip(name), top.name, top.line)
			}
			stack = stack[:len(stack)-1]
			switch {
			case top.name == "VCALENDAR":
				calendars++
			case top.name == "VEVENT" && len(stack) == 1:
				ev, evErrs := parseEvent(top, tz)
				switch {
				case len(evErrs) == 0:
					f.Events = append(f.Events, ev)
				case cfg.skip:
					f.Skipped = append(f.Skipped, evErrs...)
				default:
					errs = append(errs, evErrs...)
					if len(errs) >= maxErrors {
						return nil, errors.Join(errs[:maxErrors]...)
					}
				}
			}
		default:
			if len(stack) == 0 {
				return nil, cl.errAt(ErrStructure, "property %s outside BEGIN:VCALENDAR", cl.name)
			}
			top := &stack[len(stack)-1]
			switch {
			case top.name == "VEVENT":
				top.props = append(top.props, *cl)
			case top.name == "VCALENDAR" && cl.name == "X-WR-CALNAME" && f.Name == "":
				f.Name = unescapeText(cl.value)
			}
		}
	}
	if len(stack) > 0 {
		top := stack[len(stack)-1]
		return nil, &ParseError{Line: top.line, Err: ErrStructure, Detail: fmt.Sprintf("BEGIN:%s is never closed", top.name)}
	}
	if calendars == 0 {
		return nil, &ParseError{Line: 1, Err: ErrStructure, Detail: "no BEGIN:VCALENDAR ... END:VCALENDAR"}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return f, nil
}

// parseEvent reads the properties of one VEVENT; it returns every problem.
func parseEvent(fr frame, tz *tzCache) (Event, []error) {
	ev := Event{Line: fr.line}
	for _, p := range fr.props {
		if p.name == "UID" && ev.UID == "" {
			ev.UID = p.value
		}
	}
	var errs []error
	fail := func(err error) {
		var pe *ParseError
		if errors.As(err, &pe) {
			pe.UID = ev.UID
		}
		errs = append(errs, err)
	}
	var ruleProp *contentLine
	seen := map[string]int{}
	for i := range fr.props {
		p := &fr.props[i]
		switch p.name {
		case "DTSTART", "DTEND", "DURATION", "RRULE", "RECURRENCE-ID":
			if prev, dup := seen[p.name]; dup {
				sentinel := ErrValue
				if p.name == "RRULE" {
					sentinel = ErrUnsupported
				}
				fail(p.errAt(sentinel, "%s appears again (first at line %d)", p.name, prev))
				continue
			}
			seen[p.name] = p.line
		}
		switch p.name {
		case "SUMMARY":
			ev.Summary = unescapeText(p.value)
		case "CATEGORIES":
			for _, c := range splitText(p.value) {
				ev.Categories = append(ev.Categories, unescapeText(c))
			}
		case "STATUS":
			ev.Cancelled = strings.EqualFold(p.value, "CANCELLED")
		case "DTSTART":
			t, err := parseTimeValue(p, p.value, tz)
			if err != nil {
				fail(err)
				continue
			}
			ev.start = t
		case "DTEND":
			t, err := parseTimeValue(p, p.value, tz)
			if err != nil {
				fail(err)
				continue
			}
			ev.end = &t
		case "DURATION":
			d, ok := parseDuration(p.value)
			if !ok {
				fail(p.errAt(ErrValue, "DURATION: %q is not a non-negative duration", clip(p.value)))
				continue
			}
			ev.dur = &d
		case "RECURRENCE-ID":
			t, err := parseTimeValue(p, p.value, tz)
			if err != nil {
				fail(err)
				continue
			}
			ev.recurID, ev.Override = t, true
		case "RRULE":
			ruleProp = p
		case "EXDATE":
			for _, v := range strings.Split(p.value, ",") {
				t, err := parseTimeValue(p, v, tz)
				if err != nil {
					fail(err)
					break
				}
				ev.exdates = append(ev.exdates, t)
			}
		case "RDATE":
			if err := ev.addRDates(p, tz); err != nil {
				fail(err)
			}
		}
	}
	startLine, hasStart := seen["DTSTART"]
	if !hasStart {
		fail(&ParseError{Line: fr.line, Err: ErrValue, Detail: "event has no DTSTART"})
		return ev, errs
	}
	if len(errs) > 0 {
		return ev, errs
	}
	ev.AllDay = ev.start.isDate
	if ruleProp != nil {
		r, err := parseRule(ruleProp, ev.start, tz)
		if err != nil {
			fail(err)
		} else {
			ev.rule, ev.ruleLine = r, ruleProp.line
		}
	}
	ev.Recurring = ev.rule != nil || len(ev.rdates) > 0
	if err := ev.checkEnd(startLine, seen); err != nil {
		fail(err)
	}
	return ev, errs
}

// checkEnd checks DTEND and DURATION against DTSTART.
func (ev *Event) checkEnd(startLine int, seen map[string]int) error {
	at := func(name string) *contentLine { return &contentLine{line: seen[name], name: name} }
	switch {
	case ev.end != nil && ev.dur != nil:
		return at("DURATION").errAt(ErrValue, "DTEND (line %d) and DURATION must not both be given", seen["DTEND"])
	case ev.end != nil:
		if ev.end.isDate != ev.start.isDate {
			return at("DTEND").errAt(ErrValue, "DTEND and DTSTART (line %d) must both be dates or both date-times", startLine)
		}
		if ev.start.isDate && ev.end.date.Before(ev.start.date) {
			return at("DTEND").errAt(ErrValue, "DTEND %s is before DTSTART %s", ev.end.date, ev.start.date)
		}
		// Floating values are compared as UTC: exact for two values in one frame.
		if !ev.start.isDate && ev.end.instant(time.UTC).Before(ev.start.instant(time.UTC)) {
			return at("DTEND").errAt(ErrValue, "DTEND is before DTSTART (line %d)", startLine)
		}
	case ev.dur != nil:
		if ev.start.isDate && ev.dur.secs != 0 {
			return at("DURATION").errAt(ErrValue, "an all-day event's DURATION must be whole days or weeks")
		}
	}
	return nil
}

// addRDates parses the values of one RDATE property (DATE, DATE-TIME or
// PERIOD).
func (ev *Event) addRDates(p *contentLine, tz *tzCache) error {
	vt, _ := p.param("VALUE")
	period := strings.EqualFold(vt, "PERIOD")
	sub := *p
	if period {
		sub.params = nil
		for _, q := range p.params {
			if q.name != "VALUE" {
				sub.params = append(sub.params, q)
			}
		}
	}
	for _, v := range strings.Split(p.value, ",") {
		if !period {
			t, err := parseTimeValue(p, v, tz)
			if err != nil {
				return err
			}
			ev.rdates = append(ev.rdates, rdate{start: t})
			continue
		}
		a, b, ok := strings.Cut(v, "/")
		if !ok {
			return p.errAt(ErrValue, "RDATE: period %q has no '/'", clip(v))
		}
		s, err := parseTimeValue(&sub, a, tz)
		if err != nil {
			return err
		}
		if s.isDate {
			return p.errAt(ErrValue, "RDATE: period %q must start with a DATE-TIME", clip(v))
		}
		rd := rdate{start: s}
		if strings.HasPrefix(b, "P") || strings.HasPrefix(b, "+P") {
			d, ok := parseDuration(b)
			if !ok {
				return p.errAt(ErrValue, "RDATE: %q is not a non-negative duration", clip(b))
			}
			rd.dur = &d
		} else {
			e, err := parseTimeValue(&sub, b, tz)
			if err != nil {
				return err
			}
			if e.isDate || e.instant(time.UTC).Before(s.instant(time.UTC)) {
				return p.errAt(ErrValue, "RDATE: period %q ends before it starts", clip(v))
			}
			rd.end = &e
		}
		ev.rdates = append(ev.rdates, rd)
	}
	return nil
}

// splitText splits a TEXT list on commas that are not escaped.
func splitText(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ',':
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
