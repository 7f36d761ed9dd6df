package emergency

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLevelText(t *testing.T) {
	tests := []struct {
		level Level
		text  string
	}{
		{None, "none"}, {Yellow, "yellow"}, {Orange, "orange"}, {Red, "red"},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			assert.Equal(t, tc.text, tc.level.String())
			b, err := tc.level.MarshalText()
			require.NoError(t, err)
			assert.Equal(t, tc.text, string(b))
			var l Level
			require.NoError(t, l.UnmarshalText([]byte(tc.text)))
			assert.Equal(t, tc.level, l)
			j, err := json.Marshal(tc.level)
			require.NoError(t, err)
			assert.Equal(t, `"`+tc.text+`"`, string(j))
			back := decode[Level](t, j)
			assert.Equal(t, tc.level, back)
		})
	}
}

func TestLevelOrderAndParse(t *testing.T) {
	assert.True(t, None < Yellow && Yellow < Orange && Orange < Red)
	assert.True(t, slices.IsSorted(AllLevels()))
	assert.Equal(t, Red, max(Yellow, Red, Orange))

	l, err := ParseLevel("  ReD ")
	require.NoError(t, err)
	assert.Equal(t, Red, l)
	for _, bad := range []string{"", "amber", "critical", "4", "redd"} {
		_, err := ParseLevel(bad)
		assert.ErrorIs(t, err, ErrUnknownLevel, bad)
	}
	var x Level = 7
	assert.False(t, x.Valid())
	assert.Equal(t, "Level(7)", x.String())
	_, err = x.MarshalText()
	assert.ErrorIs(t, err, ErrUnknownLevel)
	_, err = json.Marshal(x)
	assert.ErrorIs(t, err, ErrUnknownLevel)
	var y Level
	assert.ErrorIs(t, json.Unmarshal([]byte(`"purple"`), &y), ErrUnknownLevel)
	assert.Error(t, json.Unmarshal([]byte(`2`), &y), "levels are text in JSON")
}

func TestDirectionText(t *testing.T) {
	for _, d := range []Direction{HigherIsWorse, LowerIsWorse} {
		b, err := d.MarshalText()
		require.NoError(t, err)
		var back Direction
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, d, back)
	}
	var d Direction
	assert.Error(t, d.UnmarshalText([]byte("sideways")))
	_, err := Direction(9).MarshalText()
	assert.Error(t, err)
	assert.Equal(t, "Direction(9)", Direction(9).String())
}

func FuzzParseLevel(f *testing.F) {
	for _, s := range []string{"none", "yellow", "ORANGE", " red ", "", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseLevel(s)
		if err != nil {
			require.ErrorIs(t, err, ErrUnknownLevel)
			return
		}
		require.True(t, l.Valid())
		again, err := ParseLevel(l.String())
		require.NoError(t, err)
		require.Equal(t, l, again)
	})
}
