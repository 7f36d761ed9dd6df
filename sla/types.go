package sla

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sqkit/sqkit/internal/duration"
)

// BusinessTime measures business time. A clock's elapsed time is
// Between(start, now) over its running spans, and its due time is
// Add(anchor, remaining). *Calendar implements it; so can any host type.
//
// Implementations must be exact and consistent: Between(a, Add(a, d)) == d
// for d >= 0, Add monotone in d, and Add(a, d) the earliest instant at which
// d of business time has elapsed after a. They must be safe for concurrent
// use (a Tracker calls them from several goroutines).
type BusinessTime interface {
	Add(from time.Time, d time.Duration) time.Time
	Between(a, b time.Time) time.Duration
}

// Registry resolves calendar names used in policies and snapshots to
// business-time measures. Policies reference calendars by name so that they
// stay plain JSON; the host builds the registry (for example from
// CalendarSpec values it stores) and passes it when it resolves targets.
type Registry map[string]BusinessTime

// RegistryFromSpecs builds a Registry from named calendar definitions (as
// a host stores them, in JSON), reporting every bad calendar at once with
// its name.
func RegistryFromSpecs(specs map[string]CalendarSpec) (Registry, error) {
	reg := make(Registry, len(specs))
	var errs []error
	names := make([]string, 0, len(specs))
	for name := range specs {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if name == "" {
			errs = append(errs, fieldErr("calendars", "empty calendar name"))
			continue
		}
		c, err := NewCalendar(specs[name])
		if err != nil {
			errs = append(errs, fmt.Errorf("sla: calendar %q: %w", name, err))
			continue
		}
		reg[name] = c
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return reg, nil
}

// Lookup returns the calendar registered under name, or an error wrapping
// ErrUnknownCalendar.
func (r Registry) Lookup(name string) (BusinessTime, error) {
	if bt, ok := r[name]; ok && bt != nil {
		return bt, nil
	}
	return nil, fmt.Errorf("%w %q", ErrUnknownCalendar, name)
}

// Metric names what an SLA clock measures. The three metrics of a service
// ticket are predefined; other packages and hosts may measure their own
// (for example "assessment" for an incident milestone or "rectification"
// for a complaint) with any non-empty name without "/" or spaces.
type Metric string

// The metrics of a service ticket.
const (
	// FirstResponse: from the ticket's arrival to the first reply to the customer.
	FirstResponse Metric = "first_response"
	// NextResponse: from each customer message to the next reply (one cycle per message).
	NextResponse Metric = "next_response"
	// Resolution: from the ticket's arrival to its resolution (a reopened ticket
	// starts a new cycle).
	Resolution Metric = "resolution"
)

// Metrics lists the predefined metrics in order.
func Metrics() []Metric { return []Metric{FirstResponse, NextResponse, Resolution} }

// Valid reports whether m is a usable metric name: not empty, at most 64
// bytes, and free of "/" and white space.
func (m Metric) Valid() bool {
	if m == "" || len(m) > 64 {
		return false
	}
	return !strings.ContainsAny(string(m), "/ \t\r\n")
}

// String returns the metric name.
func (m Metric) String() string { return string(m) }

// Status is the state of an SLA clock's current cycle.
type Status uint8

// Clock statuses.
const (
	Idle    Status = iota // not started
	Running               // counting business time
	Paused                // not counting (for example waiting on the customer)
	Stopped               // the cycle ended (met, or stopped after a breach)
)

var statusNames = [...]string{"idle", "running", "paused", "stopped"}

// String returns the lower-case name used in JSON.
func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "status(" + strconv.Itoa(int(s)) + ")"
}

// MarshalText implements encoding.TextMarshaler.
func (s Status) MarshalText() ([]byte, error) {
	if int(s) >= len(statusNames) {
		return nil, fmt.Errorf("%w status %d", ErrInvalid, s)
	}
	return []byte(s.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Status) UnmarshalText(b []byte) error {
	for i, n := range statusNames {
		if n == string(b) {
			*s = Status(i)
			return nil
		}
	}
	return fmt.Errorf("%w status %q", ErrInvalid, b)
}

// Kind is the kind of an SLA event.
type Kind uint8

// Event kinds.
const (
	Warning  Kind = iota + 1 // a rung of the warning ladder was reached
	Breach                   // the target was reached: the cycle is breached
	Reminder                 // a reminder after the breach
	Met                      // the cycle was stopped within its target
	Timer                    // a timer set with Tracker.SetTimer fell due
)

var kindNames = [...]string{"", "warning", "breach", "reminder", "met", "timer"}

// String returns the lower-case name used in JSON and event ids.
func (k Kind) String() string {
	if k.valid() {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

func (k Kind) valid() bool { return k >= Warning && k <= Timer }

// MarshalText implements encoding.TextMarshaler.
func (k Kind) MarshalText() ([]byte, error) {
	if !k.valid() {
		return nil, fmt.Errorf("%w kind %d", ErrInvalid, k)
	}
	return []byte(k.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *Kind) UnmarshalText(b []byte) error {
	for i, n := range kindNames {
		if i > 0 && n == string(b) {
			*k = Kind(i)
			return nil
		}
	}
	return fmt.Errorf("%w kind %q", ErrInvalid, b)
}

// Duration is the SDK's one duration type (fsm.Duration and
// incentive.Duration are the same type): a time.Duration that encodes to
// JSON as a Go duration string ("15m0s", "1h30m0s") and decodes from such a
// string or from a number of nanoseconds. D returns the time.Duration.
type Duration = duration.Duration

// ErrDuration is matched by the error of decoding a malformed Duration.
var ErrDuration = duration.ErrSyntax

// RecordKey identifies one record on a Tracker: the namespace of the engine
// that owns it ("" for the host's own records) and the record's id (a
// ticket, an incident, an obligation). A record holds the SLA clocks of its
// subject, one per metric, and at most one timer; it is the unit a host
// saves and loads on its own (Tracker.Record, Tracker.Load, Tracker.Unload).
type RecordKey struct {
	Namespace string `json:"namespace,omitempty"`
	ID        string `json:"id"`
}

// String returns "id", or "namespace:id" outside the host's namespace.
func (k RecordKey) String() string {
	if k.Namespace == "" {
		return k.ID
	}
	return k.Namespace + ":" + k.ID
}

// ClockKey identifies one SLA clock on a Tracker: the record it belongs to
// (namespace and id) and the metric measured. A ticket with three metrics
// has three clocks sharing a record.
type ClockKey struct {
	Namespace string `json:"namespace,omitempty"`
	ID        string `json:"id"`
	Metric    Metric `json:"metric"`
}

// Record returns the key of the record the clock belongs to.
func (k ClockKey) Record() RecordKey { return RecordKey{Namespace: k.Namespace, ID: k.ID} }

// String returns "id/metric", or "namespace:id/metric" outside the host's
// namespace.
func (k ClockKey) String() string { return k.Record().String() + "/" + k.Metric.String() }

// validNamespace reports whether ns can name a namespace: "" (the host's
// own) or at most 64 bytes free of ':', '/' and white space.
func validNamespace(ns string) bool {
	return len(ns) <= 64 && !strings.ContainsAny(ns, ":/ \t\r\n")
}
