// Package sqerr holds the error types every sqkit package shares, so that
// errors.Is and errors.As work across packages: one FieldError for
// validation problems and one ErrTimeBackwards for instants earlier than the
// last one recorded. Each public package re-exports them (type alias and
// variable), so users match on sla.FieldError or fsm.ErrTimeBackwards and
// get the same type and the same sentinel.
package sqerr

import (
	"errors"
	"fmt"
	"strings"
)

// ErrTimeBackwards reports an operation dated before the last instant
// recorded on the thing it changes.
var ErrTimeBackwards = errors.New("sqkit: instant earlier than the last recorded one")

// FieldError is one validation problem: the path of the offending field (for
// example "rules[2].targets[0].within") and what is wrong with it. Validate
// methods and restores join several of them with errors.Join, so that every
// problem is reported at once.
//
// Err is the sentinel of the package that found the problem (for example
// sla.ErrInvalid or fsm.ErrInvalidSnapshot); errors.Is(fe, Err) holds, and
// the message starts with that package's name.
type FieldError struct {
	Path    string
	Message string
	Err     error
}

// Error returns "<package>: <path>: <message>", for example
// "sla: rules[0].within: must be positive", where the package is the part
// of the sentinel's text before its first colon.
func (e *FieldError) Error() string {
	prefix := "sqkit"
	if e.Err != nil {
		prefix, _, _ = strings.Cut(e.Err.Error(), ":")
	}
	if e.Path == "" {
		return prefix + ": " + e.Message
	}
	return prefix + ": " + e.Path + ": " + e.Message
}

// Unwrap returns the package's sentinel.
func (e *FieldError) Unwrap() error { return e.Err }

// Field returns a *FieldError of kind err at path, with a message formatted
// from format and args.
func Field(err error, path, format string, args ...any) *FieldError {
	if len(args) > 0 {
		format = fmt.Sprintf(format, args...)
	}
	return &FieldError{Path: path, Message: format, Err: err}
}

// Prefix returns err with every *FieldError it holds (alone or joined,
// however deeply) moved under prefix: "clock.elapsed" under "clocks[3]"
// becomes "clocks[3].clock.elapsed". Other errors are wrapped as
// "prefix: error". A nil err gives nil.
func Prefix(prefix string, err error) error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, Prefix(prefix, e))
		}
		return errors.Join(out...)
	}
	var fe *FieldError
	if errors.As(err, &fe) {
		c := *fe
		switch {
		case c.Path == "":
			c.Path = prefix
		case c.Path[0] == '[':
			c.Path = prefix + c.Path
		default:
			c.Path = prefix + "." + c.Path
		}
		return &c
	}
	return fmt.Errorf("%s: %w", prefix, err)
}
