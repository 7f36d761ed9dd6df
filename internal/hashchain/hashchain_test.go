package hashchain

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/internal/sqerr"
)

type entry struct {
	Actor  string
	Reason string
	N      int64
	At     time.Time
	Done   bool
	Amount *int64
}

func encodeEntry(e *Encoder, v entry) {
	e.String(v.Actor)
	e.String(v.Reason)
	e.Int(v.N)
	e.Time(v.At)
	e.Bool(v.Done)
	if v.Amount == nil {
		e.Absent()
	} else {
		e.Int(*v.Amount)
	}
}

var testCodec = NewCodec("sqkit/test/v1", encodeEntry)

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

func history(n int) []entry {
	out := make([]entry, n)
	for i := range out {
		out[i] = entry{Actor: "agent", Reason: "step", N: int64(i), At: t0.Add(time.Duration(i) * time.Minute)}
	}
	return out
}

func TestVerifyAcceptsASealedHistory(t *testing.T) {
	for _, n := range []int{0, 1, 5} {
		h := history(n)
		links := testCodec.Links(h)
		require.Len(t, links, n)
		head := testCodec.HeadOf(links)
		assert.Equal(t, n, head.Len)
		assert.NoError(t, testCodec.Verify(h, links, nil))
		assert.NoError(t, testCodec.Verify(h, links, &head))
		if n > 0 {
			assert.Equal(t, testCodec.Genesis(), links[0].Prev)
		}
	}
}

func TestStateMatchesLinks(t *testing.T) {
	h := history(10)
	s := testCodec.NewState()
	assert.Equal(t, Head{Hash: testCodec.Genesis()}, s.Head())
	assert.Nil(t, s.Links())
	for _, v := range h {
		s.Append(v)
	}
	assert.Equal(t, testCodec.Links(h), s.Links())
	assert.Equal(t, testCodec.HeadOf(testCodec.Links(h)), s.Head())
	assert.Equal(t, 10, s.Len())
	sealed, ok := s.Sealed()
	assert.True(t, ok)
	assert.Equal(t, s.Head(), sealed)
	var none *State[entry]
	_, ok = none.Sealed()
	assert.False(t, ok)
	sealed, ok = testCodec.SealedBy(s.Links())
	assert.True(t, ok)
	assert.Equal(t, s.Head(), sealed)
	_, ok = testCodec.SealedBy(nil)
	assert.False(t, ok)

	r := testCodec.Resume(testCodec.Links(h[:4]))
	for _, v := range h[4:] {
		r.Append(v)
	}
	assert.Equal(t, s.Links(), r.Links(), "a resumed chain continues as the live one")
	r.Append(entry{Actor: "undone"})
	r.Truncate(10)
	assert.Equal(t, s.Links(), r.Links(), "truncated, the chain is as before")
}

func TestAppendDoesNotAllocate(t *testing.T) {
	s := testCodec.NewState()
	v := history(1)[0]
	for range 64 {
		s.Append(v)
	}
	s.hashes = s.hashes[:0]
	assert.Zero(t, testing.AllocsPerRun(32, func() { s.Append(v) }))
}

// TestEncodingIgnoresLocation: an instant hashes alike in every location
// and without its monotonic reading, so a restored history verifies.
func TestEncodingIgnoresLocation(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	a := entry{At: t0}
	b := entry{At: t0.In(shanghai)}
	assert.Equal(t, testCodec.Hash(Digest{}, a), testCodec.Hash(Digest{}, b))
	c := entry{At: t0.Add(time.Nanosecond)}
	assert.NotEqual(t, testCodec.Hash(Digest{}, a), testCodec.Hash(Digest{}, c))
	zero := int64(0)
	assert.NotEqual(t, testCodec.Hash(Digest{}, a), testCodec.Hash(Digest{}, entry{At: t0, Amount: &zero}),
		"absent and zero differ")
}

func TestDomainsDiffer(t *testing.T) {
	other := NewCodec("sqkit/other/v1", encodeEntry)
	h := history(3)
	assert.NotEqual(t, testCodec.Genesis(), other.Genesis())
	var ce *Error
	require.ErrorAs(t, other.Verify(h, testCodec.Links(h), nil), &ce)
	assert.Equal(t, &Error{Index: 0, Kind: Reordered}, ce)
}

// TestTamperKinds tampers with a sealed history of five entries in every
// way and checks the first bad entry and the kind Verify names.
func TestTamperKinds(t *testing.T) {
	type tamper func(h []entry, l []Link) ([]entry, []Link)
	cases := []struct {
		name   string
		tamper tamper
		head   bool
		want   *Error
	}{
		{"edit a field", func(h []entry, l []Link) ([]entry, []Link) { h[2].Reason = "other"; return h, l }, false,
			&Error{Index: 2, Kind: Edited}},
		{"edit an instant", func(h []entry, l []Link) ([]entry, []Link) { h[4].At = h[4].At.Add(time.Second); return h, l }, false,
			&Error{Index: 4, Kind: Edited}},
		{"edit a hash", func(h []entry, l []Link) ([]entry, []Link) { l[1].Hash[0] ^= 1; return h, l }, false,
			&Error{Index: 1, Kind: Edited}},
		{"delete an entry and its link", func(h []entry, l []Link) ([]entry, []Link) {
			return append(h[:1], h[2:]...), append(l[:1], l[2:]...)
		}, false, &Error{Index: 1, Kind: Reordered}},
		{"delete the first entry", func(h []entry, l []Link) ([]entry, []Link) { return h[1:], l[1:] }, false,
			&Error{Index: 0, Kind: Reordered}},
		{"delete an entry, keep its link", func(h []entry, l []Link) ([]entry, []Link) { return append(h[:3], h[4:]...), l }, false,
			&Error{Index: 3, Kind: Edited}},
		{"swap two entries with their links", func(h []entry, l []Link) ([]entry, []Link) {
			h[1], h[2] = h[2], h[1]
			l[1], l[2] = l[2], l[1]
			return h, l
		}, false, &Error{Index: 1, Kind: Reordered}},
		{"swap two entries only", func(h []entry, l []Link) ([]entry, []Link) { h[3], h[4] = h[4], h[3]; return h, l }, false,
			&Error{Index: 3, Kind: Edited}},
		{"insert a sealed entry", func(h []entry, l []Link) ([]entry, []Link) {
			v := entry{Actor: "intruder"}
			nl := Link{Prev: l[1].Hash, Hash: testCodec.Hash(l[1].Hash, v)}
			return append(h[:2:2], append([]entry{v}, h[2:]...)...), append(l[:2:2], append([]Link{nl}, l[2:]...)...)
		}, false, &Error{Index: 3, Kind: Reordered}},
		{"add an entry without a link", func(h []entry, l []Link) ([]entry, []Link) { return append(h, entry{}), l }, false,
			&Error{Index: 5, Kind: Unlinked}},
		{"truncate the entries only", func(h []entry, l []Link) ([]entry, []Link) { return h[:3], l }, false,
			&Error{Index: 3, Kind: Truncated}},
		{"truncate the tail, no head", func(h []entry, l []Link) ([]entry, []Link) { return h[:3], l[:3] }, false, nil},
		{"truncate the tail, known head", func(h []entry, l []Link) ([]entry, []Link) { return h[:3], l[:3] }, true,
			&Error{Index: 3, Kind: Truncated}},
		{"truncate to nothing, known head", func(h []entry, l []Link) ([]entry, []Link) { return nil, nil }, true,
			&Error{Index: 0, Kind: Truncated}},
		{"edit and recompute every link, known head", func(h []entry, l []Link) ([]entry, []Link) {
			h[1].Actor = "someone else"
			return h, testCodec.Links(h)
		}, true, &Error{Index: 4, Kind: Rewritten}},
		{"edit and recompute every link, no head", func(h []entry, l []Link) ([]entry, []Link) {
			h[1].Actor = "someone else"
			return h, testCodec.Links(h)
		}, false, nil},
		{"grown since the head was taken", func(h []entry, l []Link) ([]entry, []Link) {
			h = append(h, entry{Actor: "later"})
			return h, testCodec.Links(h)
		}, true, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := history(5)
			links := testCodec.Links(h)
			head := testCodec.HeadOf(links)
			h, links = c.tamper(h, links)
			var hp *Head
			if c.head {
				hp = &head
			}
			err := testCodec.Verify(h, links, hp)
			if c.want == nil {
				assert.NoError(t, err)
				return
			}
			var ce *Error
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, c.want, ce)
			assert.ErrorIs(t, err, ErrBroken)
		})
	}
}

func TestHeads(t *testing.T) {
	empty := Head{Hash: testCodec.Genesis()}
	assert.NoError(t, testCodec.Verify(nil, nil, &empty))
	assert.NoError(t, testCodec.Verify(history(2), testCodec.Links(history(2)), &empty), "every chain grows from the empty head")
	assert.NoError(t, testCodec.Verify(history(1), testCodec.Links(history(1)), &Head{}), "the zero head is the empty chain")
	assert.EqualError(t, testCodec.Verify(nil, nil, &Head{Len: -1}), "sqkit: expected head of negative length -1")
}

func TestErrorAndField(t *testing.T) {
	e := &Error{Index: 3, Kind: Reordered}
	assert.Equal(t, "sqkit: hash chain broken at entry 3: reordered or missing", e.Error())
	assert.Equal(t, "Kind(9)", Kind(9).String())
	assert.Equal(t, "Kind(0)", Kind(0).String())

	sentinel := errors.New("pkg: bad snapshot")
	err := Field(e, sentinel, "history")
	var fe *sqerr.FieldError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "history[3]", fe.Path)
	assert.Equal(t, "pkg: history[3]: hash chain broken: reordered or missing", err.Error())
	assert.ErrorIs(t, err, sentinel)
	assert.ErrorIs(t, err, ErrBroken)
	var ce *Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, e, ce)

	other := Field(errors.New("boom"), sentinel, "history")
	assert.ErrorIs(t, other, sentinel)
	assert.NotErrorIs(t, other, ErrBroken)
	assert.NoError(t, Field(nil, sentinel, "history"))
}

func TestDigestText(t *testing.T) {
	links := testCodec.Links(history(2))
	b, err := json.Marshal(links)
	require.NoError(t, err)
	var back []Link
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, links, back)
	assert.Len(t, links[0].Hash.String(), 64)

	var d Digest
	assert.Error(t, d.UnmarshalText([]byte("abc")))
	assert.Error(t, d.UnmarshalText([]byte(string(make([]byte, 64)))))
	assert.Error(t, json.Unmarshal([]byte(`{"prev":"00","hash":"00"}`), &Link{}))
}
