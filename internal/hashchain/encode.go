package hashchain

import (
	"encoding/binary"
	"time"
)

// Value tags of the canonical encoding. Every value starts with its tag, and
// strings and byte strings carry their length, so an encoding splits into
// its values in one way only: two entries of one codec encode alike exactly
// when their values are equal, field by field.
const (
	tagString byte = 's'
	tagInt    byte = 'i'
	tagTime   byte = 't'
	tagBool   byte = 'b'
	tagBytes  byte = 'x'
	tagAbsent byte = '-'
)

// Encoder builds the canonical encoding of one entry: its fields, in the
// order its codec writes them, each as a tag byte followed by a fixed-size
// value (integers, instants, booleans) or a uvarint length and the bytes
// (strings, byte strings). The encoding depends on values alone: an instant
// is encoded as Unix seconds and nanoseconds, whatever its location or
// monotonic reading.
//
// The zero Encoder is ready to use; it is not safe for concurrent use.
type Encoder struct {
	buf []byte
}

// String appends s.
func (e *Encoder) String(s string) {
	e.buf = append(e.buf, tagString)
	e.buf = binary.AppendUvarint(e.buf, uint64(len(s)))
	e.buf = append(e.buf, s...)
}

// Bytes appends the byte string b.
func (e *Encoder) Bytes(b []byte) {
	e.buf = append(e.buf, tagBytes)
	e.buf = binary.AppendUvarint(e.buf, uint64(len(b)))
	e.buf = append(e.buf, b...)
}

// Int appends v.
func (e *Encoder) Int(v int64) {
	e.buf = append(e.buf, tagInt)
	e.buf = binary.BigEndian.AppendUint64(e.buf, uint64(v))
}

// Time appends the instant t (the zero time included): its Unix seconds
// and nanoseconds, so the same instant in two locations encodes alike.
func (e *Encoder) Time(t time.Time) {
	e.buf = append(e.buf, tagTime)
	e.buf = binary.BigEndian.AppendUint64(e.buf, uint64(t.Unix()))
	e.buf = binary.BigEndian.AppendUint32(e.buf, uint32(t.Nanosecond()))
}

// Bool appends b.
func (e *Encoder) Bool(b bool) {
	v := byte(0)
	if b {
		v = 1
	}
	e.buf = append(e.buf, tagBool, v)
}

// Absent appends the mark of an optional field that is not set; a codec
// writes it instead of the field's value, so that "not set" and every value
// encode differently.
func (e *Encoder) Absent() { e.buf = append(e.buf, tagAbsent) }

// Encoded returns the bytes appended so far. They stay valid until the
// next call of an appending method or Reset.
func (e *Encoder) Encoded() []byte { return e.buf }

// Reset empties the encoder, keeping its buffer for reuse.
func (e *Encoder) Reset() { e.buf = e.buf[:0] }
