package hashchain

import (
	"encoding/binary"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decode reads an encoding of encodeEntry back; it fails unless the bytes
// are exactly one entry. That it always succeeds on an encoding and gives
// the entry back proves the encoding unambiguous (injective).
func decode(b []byte) (entry, error) {
	var v entry
	bad := errors.New("bad encoding")
	str := func() (string, error) {
		if len(b) == 0 || b[0] != tagString {
			return "", bad
		}
		n, k := binary.Uvarint(b[1:])
		if k <= 0 || uint64(len(b)-1-k) < n {
			return "", bad
		}
		s := string(b[1+k : 1+k+int(n)])
		b = b[1+k+int(n):]
		return s, nil
	}
	integer := func() (int64, error) {
		if len(b) < 9 || b[0] != tagInt {
			return 0, bad
		}
		x := int64(binary.BigEndian.Uint64(b[1:]))
		b = b[9:]
		return x, nil
	}
	var err error
	if v.Actor, err = str(); err != nil {
		return v, err
	}
	if v.Reason, err = str(); err != nil {
		return v, err
	}
	if v.N, err = integer(); err != nil {
		return v, err
	}
	if len(b) < 13 || b[0] != tagTime {
		return v, bad
	}
	v.At = time.Unix(int64(binary.BigEndian.Uint64(b[1:])), int64(binary.BigEndian.Uint32(b[9:]))).UTC()
	b = b[13:]
	if len(b) < 2 || b[0] != tagBool || b[1] > 1 {
		return v, bad
	}
	v.Done, b = b[1] == 1, b[2:]
	if len(b) > 0 && b[0] == tagAbsent {
		b = b[1:]
	} else {
		x, err := integer()
		if err != nil {
			return v, err
		}
		v.Amount = &x
	}
	if len(b) != 0 {
		return v, bad
	}
	return v, nil
}

func fuzzEntry(actor, reason string, n, sec int64, nsec uint32, done bool, amount int64, hasAmount bool) entry {
	v := entry{Actor: actor, Reason: reason, N: n, At: time.Unix(sec, int64(nsec%1e9)).UTC(), Done: done}
	if hasAmount {
		v.Amount = &amount
	}
	return v
}

// FuzzEncoding checks that the canonical encoding of an entry decodes back
// to the entry, so two entries encode alike only when they are equal, and
// that the hashes of two different entries differ.
func FuzzEncoding(f *testing.F) {
	f.Add("agent", "called back", int64(1), int64(1740819600), uint32(0), false, int64(0), false, "agent", "called bac", int64(1))
	f.Add("", "", int64(-1), int64(-62135596800), uint32(999999999), true, int64(-5), true, "a", "", int64(-1))
	f.Add("ab", "c", int64(0), int64(0), uint32(1), false, int64(0), true, "a", "bc", int64(0))
	f.Fuzz(func(t *testing.T, actor, reason string, n, sec int64, nsec uint32, done bool, amount int64, hasAmount bool,
		actor2, reason2 string, n2 int64) {
		v := fuzzEntry(actor, reason, n, sec, nsec, done, amount, hasAmount)
		var e Encoder
		encodeEntry(&e, v)
		back, err := decode(e.Encoded())
		require.NoError(t, err)
		assert.Equal(t, v, back)

		w := v
		w.Actor, w.Reason, w.N = actor2, reason2, n2
		same := actor == actor2 && reason == reason2 && n == n2
		assert.Equal(t, same, testCodec.Hash(Digest{}, v) == testCodec.Hash(Digest{}, w))
	})
}

// FuzzVerify seals a history, changes one byte of one field of one entry
// or of one link, or drops, swaps or duplicates entries as the fuzzer
// chooses, and checks that Verify never panics, passes the history when it
// is unchanged, and otherwise names the first entry that differs (or a
// later one, for changes the link layout cannot place sooner).
func FuzzVerify(f *testing.F) {
	f.Add(uint8(5), uint8(0), uint8(2), uint8(7))
	f.Add(uint8(3), uint8(1), uint8(0), uint8(0))
	f.Add(uint8(8), uint8(2), uint8(6), uint8(3))
	f.Add(uint8(4), uint8(3), uint8(1), uint8(2))
	f.Add(uint8(4), uint8(4), uint8(3), uint8(2))
	f.Fuzz(func(t *testing.T, size, op, at, arg uint8) {
		n := int(size%12) + 1
		h := history(n)
		links := testCodec.Links(h)
		head := testCodec.HeadOf(links)
		i := int(at) % n
		j := int(arg) % n
		changed := true
		switch op % 6 {
		case 0: // edit a field
			h[i].Reason += string(rune('a' + arg%26))
		case 1: // flip a bit of a link
			if arg%2 == 0 {
				links[i].Hash[arg%32] ^= 1 << (arg % 8)
			} else {
				links[i].Prev[arg%32] ^= 1 << (arg % 8)
			}
		case 2: // drop an entry and its link
			h, links = append(h[:i:i], h[i+1:]...), append(links[:i:i], links[i+1:]...)
		case 3: // swap two entries and their links
			h[i], h[j] = h[j], h[i]
			links[i], links[j] = links[j], links[i]
			changed = i != j
		case 4: // truncate
			h, links = h[:i], links[:i]
		case 5: // duplicate an entry and its link
			h = append(h[:i+1:i+1], h[i:]...)
			links = append(links[:i+1:i+1], links[i:]...)
		}
		err := testCodec.Verify(h, links, &head)
		if !changed {
			assert.NoError(t, err)
			return
		}
		var ce *Error
		require.ErrorAs(t, err, &ce)
		assert.GreaterOrEqual(t, ce.Index, min(i, j))
		assert.LessOrEqual(t, ce.Index, max(len(h), head.Len))
	})
}
