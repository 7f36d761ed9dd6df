package feedback

import (
	"errors"
	"fmt"
	"strings"
)

// Dimension names one attribute an Aggregator can slice its metrics by.
// The zero value is unset and invalid.
type Dimension uint8

// The dimensions of [Dimensions], in the order a [Slicing] lists them.
const (
	DimAgent    Dimension = iota + 1 // the agent who handled the work
	DimTeam                          // the agent's team (or a branch, a store)
	DimChannel                       // phone, chat, e-mail, bot, ...
	DimCategory                      // the root-cause or business category
	DimTier                          // the customer tier
	DimQuestion                      // the survey question a response answers
	DimSheet                         // the score sheet of an inspection
)

// dimCount is the number of dimensions.
const dimCount = 7

var dimensions = enum[Dimension]{what: "dimension", err: ErrInvalidConfig, names: []string{
	DimAgent: "agent", DimTeam: "team", DimChannel: "channel", DimCategory: "category",
	DimTier: "tier", DimQuestion: "question", DimSheet: "sheet",
}}

// Valid reports whether d is one of the dimensions above.
func (d Dimension) Valid() bool { return dimensions.valid(d) }

// String returns "agent", "team", "channel", "category", "tier",
// "question" or "sheet".
func (d Dimension) String() string { return dimensions.string(d) }

// MarshalText implements encoding.TextMarshaler.
func (d Dimension) MarshalText() ([]byte, error) { return dimensions.marshal(d) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Dimension) UnmarshalText(b []byte) error { return dimensions.unmarshal(d, b) }

// Dimensions are the attributes of one response, record, survey
// invitation, bot session or inspection that an Aggregator slices by. Every
// field is optional; an empty field is unknown, and the observation is then
// left out of the slices that need it (it still counts in the window's
// totals).
//
// Question is the survey question a [Response] answers ("overall",
// "problem_resolution", ...): responses to different questions are
// different figures with different targets, so slice by [DimQuestion]
// when a survey asks several. Sheet is the score sheet an inspection used.
// Only responses carry a question and only inspections a sheet; the other
// observations refuse them.
type Dimensions struct {
	Agent    string `json:"agent,omitempty"`
	Team     string `json:"team,omitempty"`
	Channel  string `json:"channel,omitempty"`
	Category string `json:"category,omitempty"`
	Tier     string `json:"tier,omitempty"`
	Question string `json:"question,omitempty"`
	Sheet    string `json:"sheet,omitempty"`
}

// fields returns the address of every field, in the order of the
// dimensions (DimAgent first).
func (d *Dimensions) fields() [dimCount]*string {
	return [...]*string{&d.Agent, &d.Team, &d.Channel, &d.Category, &d.Tier, &d.Question, &d.Sheet}
}

// Get returns the value of dimension dim ("" for an invalid one).
func (d Dimensions) Get(dim Dimension) string { return d.field(int8(dim) - 1) }

// field returns the field of index i (DimAgent - 1 for the agent), "" for
// an index out of range: what the slicer reads per observation, without
// building the array of fields.
func (d *Dimensions) field(i int8) string {
	switch i {
	case 0:
		return d.Agent
	case 1:
		return d.Team
	case 2:
		return d.Channel
	case 3:
		return d.Category
	case 4:
		return d.Tier
	case 5:
		return d.Question
	case 6:
		return d.Sheet
	}
	return ""
}

// Slicing returns the dimensions d sets, as a Slicing: the slice a
// [Target] or [Aggregator.SliceReportAt] with these dimensions names.
func (d Dimensions) Slicing() Slicing {
	var s Slicing
	for i, p := range d.fields() {
		if *p != "" {
			s |= 1 << i
		}
	}
	return s
}

// keep returns d with only the dimensions of s.
func (d Dimensions) keep(s Slicing) Dimensions {
	var out Dimensions
	mine, theirs := out.fields(), d.fields()
	for i := range mine {
		if s&(1<<i) != 0 {
			*mine[i] = *theirs[i]
		}
	}
	return out
}

// refuse returns the *RecordError of each dimension of s that d sets: what
// an observation that cannot carry them says.
func (d Dimensions) refuse(index int, id string, s Slicing, what string) []error {
	var errs []error
	for _, dim := range s.Dimensions() {
		if d.Get(dim) != "" {
			errs = append(errs, recordErr(index, id, dim.String(), "%s carries no %s", what, dim))
		}
	}
	return errs
}

// Slicing is a set of dimensions an Aggregator slices by: each distinct
// combination of their values is a slice with counters of its own. A
// slicing of one dimension (agent) gives one slice per agent; one of
// several (team+channel) gives one per team and channel. Build it with
// [SliceBy]. In JSON and text it is the names joined by "+", in the order
// of the dimension constants ("team+channel"). The zero value is empty and
// invalid in a configuration.
type Slicing uint8

// MaxSliceDimensions is the number of dimensions a Slicing may combine.
const MaxSliceDimensions = 3

// SliceBy returns the slicing by dims (repeats are ignored). Check it with
// Validate, or in a Config.
func SliceBy(dims ...Dimension) Slicing {
	var s Slicing
	for _, d := range dims {
		if d.Valid() {
			s |= 1 << (d - 1)
		} else {
			s |= 1 << 7 // marks the slicing invalid
		}
	}
	return s
}

// Dimensions lists the dimensions of s, in the order of the constants.
func (s Slicing) Dimensions() []Dimension {
	var out []Dimension
	for i := range dimCount {
		if s&(1<<i) != 0 {
			out = append(out, Dimension(i+1))
		}
	}
	return out
}

// Has reports whether s includes dimension d.
func (s Slicing) Has(d Dimension) bool { return d.Valid() && s&(1<<(d-1)) != 0 }

// Validate checks that s names one to MaxSliceDimensions valid dimensions.
func (s Slicing) Validate() error {
	n := len(s.Dimensions())
	switch {
	case s>>dimCount != 0:
		return fieldErr("", "unknown dimension in slicing %#x", uint8(s))
	case n == 0:
		return fieldErr("", "empty slicing")
	case n > MaxSliceDimensions:
		return fieldErr("", "slicing %s combines %d dimensions, at most %d", s, n, MaxSliceDimensions)
	}
	return nil
}

// String returns the dimension names joined by "+" ("team+channel"), "" for
// the empty slicing.
func (s Slicing) String() string {
	var names []string
	for _, d := range s.Dimensions() {
		names = append(names, d.String())
	}
	if s>>dimCount != 0 {
		names = append(names, fmt.Sprintf("dimension(%#x)", uint8(s>>dimCount<<dimCount)))
	}
	return strings.Join(names, "+")
}

// MarshalText implements encoding.TextMarshaler; an invalid slicing is an
// error.
func (s Slicing) MarshalText() ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return []byte(s.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler: names joined by "+",
// in any order.
func (s *Slicing) UnmarshalText(b []byte) error {
	var out Slicing
	var errs []error
	for _, name := range strings.Split(string(b), "+") {
		var d Dimension
		if err := d.UnmarshalText([]byte(name)); err != nil {
			errs = append(errs, err)
			continue
		}
		out |= SliceBy(d)
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if err := out.Validate(); err != nil {
		return err
	}
	*s = out
	return nil
}
