package duration

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJSON(t *testing.T) {
	b, err := json.Marshal(struct{ D Duration }{Duration(90 * time.Minute)})
	require.NoError(t, err)
	assert.JSONEq(t, `{"D":"1h30m0s"}`, string(b))
	var v struct{ D Duration }
	require.NoError(t, json.Unmarshal([]byte(`{"D":"45m"}`), &v))
	assert.Equal(t, 45*time.Minute, v.D.D())
	require.NoError(t, json.Unmarshal([]byte(`{"D":60000000000}`), &v))
	assert.Equal(t, "1m0s", v.D.String())
	for _, bad := range []string{`"soon"`, `true`, `1.5`, `"\x"`, `null1`} {
		var d Duration
		assert.ErrorIs(t, d.UnmarshalJSON([]byte(bad)), ErrSyntax, bad)
		assert.Zero(t, d, bad)
	}
}

// FuzzJSON: decoding never panics, and what decodes encodes back to the
// same duration.
func FuzzJSON(f *testing.F) {
	for _, s := range []string{`"1h30m"`, `90`, `"-5s"`, `"soon"`, `true`, `"9999999999h"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var d Duration
		if d.UnmarshalJSON(data) != nil {
			return
		}
		b, err := d.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var back Duration
		if err := back.UnmarshalJSON(b); err != nil || back != d {
			t.Fatalf("%s -> %v -> %s -> %v (%v)", data, d, b, back, err)
		}
	})
}
