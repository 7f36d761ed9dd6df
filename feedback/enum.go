package feedback

import "fmt"

// enum gives an enum of small values its names for String, MarshalText and
// UnmarshalText: names[v] is the name of value v, and names[0] is empty. The
// zero value marshals to "" when zero is set (it means "unset"), and is an
// error otherwise.
type enum[T ~uint8] struct {
	what  string // "survey kind"
	names []string
	err   error // the sentinel of a bad value
	zero  bool
}

// valid reports whether v has a name.
func (e enum[T]) valid(v T) bool { return v > 0 && int(v) < len(e.names) }

// String returns the name of v, or "what(v)" for a value without one.
func (e enum[T]) string(v T) string {
	if !e.valid(v) {
		return fmt.Sprintf("%s(%d)", e.what, uint8(v))
	}
	return e.names[v]
}

func (e enum[T]) marshal(v T) ([]byte, error) {
	switch {
	case v == 0 && e.zero:
		return []byte{}, nil
	case !e.valid(v):
		return nil, fmt.Errorf("%w: unknown %s %d", e.err, e.what, uint8(v))
	}
	return []byte(e.names[v]), nil
}

func (e enum[T]) unmarshal(p *T, b []byte) error {
	if len(b) == 0 && e.zero {
		*p = 0
		return nil
	}
	for i := 1; i < len(e.names); i++ {
		if e.names[i] == string(b) {
			*p = T(i)
			return nil
		}
	}
	return fmt.Errorf("%w: unknown %s %q", e.err, e.what, b)
}
