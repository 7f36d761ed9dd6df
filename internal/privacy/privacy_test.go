package privacy

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var key = []byte("0123456789abcdef-host-key")

func TestMask(t *testing.T) {
	p := Mask()
	assert.Equal(t, MethodMask, p.Method())
	assert.Equal(t, MethodMask, Policy{}.Method(), "the zero policy masks")
	assert.Equal(t, Masked, p.Apply("Zhang Wei 13800138000"))
	assert.Equal(t, "", p.Apply(""))
	assert.Equal(t, Masked, p.Apply(Masked))
}

func TestKeyedHash(t *testing.T) {
	p, err := KeyedHash(key)
	require.NoError(t, err)
	assert.Equal(t, MethodKeyedHash, p.Method())
	a := p.Apply("13800138000")
	assert.True(t, strings.HasPrefix(a, HashPrefix))
	assert.Len(t, a, len(HashPrefix)+32)
	assert.True(t, IsPlaceholder(a))
	assert.Equal(t, a, p.Apply("13800138000"), "stable: equal values hash equally")
	assert.NotEqual(t, a, p.Apply("13800138001"))
	assert.Equal(t, a, p.Apply(a), "a placeholder stays")
	assert.Equal(t, "", p.Apply(""))
	// RFC 4231 test case 2 truncated: HMAC-SHA256("Jefe", "what do ya want for nothing?").
	q := Policy{key: []byte("Jefe")}
	assert.Equal(t, HashPrefix+"5bdcc146bf60754e6a042426089575c7", q.Apply("what do ya want for nothing?"))

	other, err := KeyedHash([]byte("another key of sixteen+"))
	require.NoError(t, err)
	assert.NotEqual(t, a, other.Apply("13800138000"), "another key, other placeholders")
}

func TestKeyIsCopiedAndLongEnough(t *testing.T) {
	k := append([]byte(nil), key...)
	p, err := KeyedHash(k)
	require.NoError(t, err)
	before := p.Apply("x")
	k[0] ^= 0xff
	assert.Equal(t, before, p.Apply("x"))

	_, err = KeyedHash([]byte("short"))
	assert.ErrorIs(t, err, ErrShortKey)
	assert.EqualError(t, err, "sqkit: redaction key shorter than 16 bytes (got 5)")
	_, err = KeyedHash(nil)
	assert.ErrorIs(t, err, ErrShortKey)
}

func TestApplyAllAndRedact(t *testing.T) {
	p := Mask()
	assert.Nil(t, p.ApplyAll(nil))
	in := []string{"a", "", "b"}
	out := p.ApplyAll(in)
	assert.Equal(t, []string{Masked, "", Masked}, out)
	assert.Equal(t, []string{"a", "", "b"}, in, "the input is not changed")
	x, y := "secret", ""
	p.Redact(&x, &y)
	assert.Equal(t, Masked, x)
	assert.Equal(t, "", y)
}

func TestIsPlaceholder(t *testing.T) {
	for s, want := range map[string]bool{
		Masked: true, "": false, "hmac:": false, "hmac:0123456789abcdef0123456789abcdef": true,
		"hmac:0123456789ABCDEF0123456789abcdef": false, "hmac:0123456789abcdef0123456789abcde": false,
		"hmac:0123456789abcdef0123456789abcdeg": false, "[redacted] ": false,
	} {
		assert.Equal(t, want, IsPlaceholder(s), s)
	}
}

func FuzzApply(f *testing.F) {
	f.Add("13800138000")
	f.Add("")
	f.Add(Masked)
	p, _ := KeyedHash(key)
	f.Fuzz(func(t *testing.T, s string) {
		for _, pol := range []Policy{Mask(), p} {
			r := pol.Apply(s)
			assert.Equal(t, r, pol.Apply(r), "idempotent")
			if s == "" {
				assert.Equal(t, "", r)
				continue
			}
			assert.True(t, IsPlaceholder(r))
			if !IsPlaceholder(s) {
				assert.NotEqual(t, s, r)
				if pol.Method() == MethodMask {
					assert.Equal(t, Masked, r, "nothing of the value survives")
				}
			}
		}
	})
}

func TestEach(t *testing.T) {
	type rec struct{ A, B string }
	p := Mask()
	assert.Nil(t, Each([]rec(nil), func(r *rec) { p.Redact(&r.A) }))
	in := []rec{{"a", "b"}, {"", "c"}}
	out := Each(in, func(r *rec) { p.Redact(&r.A) })
	assert.Equal(t, []rec{{Masked, "b"}, {"", "c"}}, out)
	assert.Equal(t, "a", in[0].A, "the input is not changed")
	assert.NotNil(t, Each([]rec{}, func(*rec) {}))
}
