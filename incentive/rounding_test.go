package incentive

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// badModes are rounding modes outside the defined ones (RoundingUnset and
// the four modes).
var badModes = []RoundingMode{5, 7, 255}

// requireBadMode checks that err refuses mode with a *RoundingModeError.
func requireBadMode(t *testing.T, err error, mode RoundingMode) {
	t.Helper()
	require.ErrorIs(t, err, ErrRoundingMode)
	require.ErrorIs(t, err, ErrInvalid)
	var re *RoundingModeError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, mode, re.Mode)
	assert.Empty(t, re.Text)
	assert.Contains(t, err.Error(), "incentive:")
	assert.Contains(t, err.Error(), fmt.Sprint(int(mode)))
}

func TestOutOfRangeRoundingModeIsRefused(t *testing.T) {
	d := MustDecimal
	ops := map[string]func(RoundingMode) error{
		// Round discarding digits, and Round that discards nothing.
		"Round discarding": func(m RoundingMode) error { _, err := d("2.5").Round(0, m); return err },
		"Round exact":      func(m RoundingMode) error { _, err := d("2.5").Round(3, m); return err },
		// Quo's 128-bit fast path and its math/big slow path.
		"Quo fast": func(m RoundingMode) error { _, err := d("2").Quo(d("3"), 4, m); return err },
		"Quo slow": func(m RoundingMode) error {
			_, err := d("0.000000000000000001").Quo(d("1000000000000"), 18, m)
			return err
		},
		"Quo exact":   func(m RoundingMode) error { _, err := d("6").Quo(d("3"), 0, m); return err },
		"MulRate":     func(m RoundingMode) error { _, err := NewMoney("USD", 1050).MulRate(d("0.125"), m); return err },
		"MulRate nil": func(m RoundingMode) error { _, err := NewMoney("USD", 0).MulRate(d("0"), m); return err },
		"MoneyFromDecimal": func(m RoundingMode) error {
			_, err := MoneyFromDecimal("USD", d("34.125"), m)
			return err
		},
		"TeamScores": func(m RoundingMode) error {
			_, err := TeamScores([]Member{{ID: "a", Team: "t", Score: d("1")}, {ID: "b", Team: "t", Score: d("0")}}, 4, m)
			return err
		},
		"BlendScores": func(m RoundingMode) error {
			_, err := BlendScores(d("1.1"), d("0.9"), d("0.3"), 4, m)
			return err
		},
		"MarshalText": func(m RoundingMode) error { _, err := m.MarshalText(); return err },
		"json.Marshal": func(m RoundingMode) error {
			_, err := json.Marshal(struct {
				R RoundingMode `json:"r"`
			}{m})
			return err
		},
	}
	for name, op := range ops {
		t.Run(name, func(t *testing.T) {
			for _, m := range badModes {
				requireBadMode(t, op(m), m)
			}
			// The defined modes still work.
			for _, m := range []RoundingMode{HalfEven, HalfUp, Down, Up} {
				require.NoError(t, op(m), "mode %s", m)
			}
		})
	}
}

func TestOutOfRangeRoundingModeRefusedByValidation(t *testing.T) {
	d := MustDecimal
	for _, m := range badModes {
		tb := Table{Name: "t", Mode: Graduated, Currency: "USD", Rounding: m, Tiers: []Tier{
			{Name: "a", From: d("0"), Bounds: ClosedOpen, Rate: d("1.5")},
		}}
		err := tb.Validate()
		require.ErrorIs(t, err, ErrInvalid)
		assert.Contains(t, err.Error(), "rounding:")
		_, err = tb.Evaluate(d("3"))
		require.ErrorIs(t, err, ErrInvalid)

		bonus := TargetBonus{Currency: "USD", Target: d("100"), Base: d("10"), Rounding: m}
		_, err = bonus.Evaluate(d("101"))
		require.ErrorIs(t, err, ErrInvalid)
		assert.Contains(t, err.Error(), "rounding:")

		for _, mutate := range []func(p *Plan){
			func(p *Plan) { p.Table.Rounding = m },
			func(p *Plan) { p.Target.Rounding = m },
			func(p *Plan) { p.Scorecard.Rounding = m },
		} {
			p := servicePlan()
			mutate(&p)
			err := p.Validate()
			require.ErrorIs(t, err, ErrInvalid)
			assert.Contains(t, err.Error(), "rounding:")
			_, err = Compile(p)
			require.ErrorIs(t, err, ErrInvalid)
			_, err = RulesHash(p)
			requireBadMode(t, err, m)
		}
	}
}

func TestRoundingModeJSONAndText(t *testing.T) {
	// Every defined mode round-trips by name through JSON and text.
	for _, m := range []RoundingMode{HalfEven, HalfUp, Down, Up} {
		b, err := json.Marshal(m)
		require.NoError(t, err)
		assert.Equal(t, `"`+m.String()+`"`, string(b))
		var back RoundingMode = 9
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, m, back)
		back = 9
		require.NoError(t, back.UnmarshalText([]byte(m.String())))
		assert.Equal(t, m, back)
	}
	var m RoundingMode = Up
	require.NoError(t, json.Unmarshal([]byte(`null`), &m))
	assert.Equal(t, Up, m, "null leaves the mode alone")
	require.NoError(t, json.Unmarshal([]byte(`"HALF-UP"`), &m))
	assert.Equal(t, HalfUp, m)
	require.NoError(t, json.Unmarshal([]byte(`"\u0064own"`), &m))
	assert.Equal(t, Down, m)

	// Anything else is refused with a typed error and leaves m alone.
	for _, in := range []string{`7`, `3`, `-1`, `0`, `1e0`, `"7"`, `"nearest"`, `"half_up"`, `true`, `{}`, `[]`, `"up "`} {
		t.Run(in, func(t *testing.T) {
			m := Down
			err := json.Unmarshal([]byte(in), &m)
			require.ErrorIs(t, err, ErrRoundingMode)
			require.ErrorIs(t, err, ErrSyntax)
			var re *RoundingModeError
			require.ErrorAs(t, err, &re)
			assert.NotEmpty(t, re.Text)
			assert.Contains(t, err.Error(), "incentive:")
			assert.Equal(t, Down, m)
		})
	}
	for _, in := range []string{"7", "nearest", "4"} {
		m := Down
		err := m.UnmarshalText([]byte(in))
		require.ErrorIs(t, err, ErrRoundingMode)
		require.ErrorIs(t, err, ErrSyntax)
		assert.Equal(t, Down, m)
		_, err = ParseRoundingMode(in)
		var re *RoundingModeError
		require.ErrorAs(t, err, &re)
		assert.Equal(t, in, re.Text)
	}

	// A numeric mode in a table, target or scorecard is refused while
	// decoding, with the typed error.
	for _, doc := range []string{
		`{"name":"t","mode":"graduated","currency":"USD","rounding":9,"tiers":[]}`,
		`{"currency":"USD","rounding":2}`,
		`{"name":"s","rounding":"sideways"}`,
	} {
		var tb Table
		var tg TargetBonus
		var sc Scorecard
		for _, v := range []any{&tb, &tg, &sc} {
			err := json.Unmarshal([]byte(doc), v)
			require.ErrorIs(t, err, ErrRoundingMode, "%s into %T", doc, v)
		}
	}
}

func TestRoundingModeErrorMessages(t *testing.T) {
	err := error(&RoundingModeError{Mode: 7})
	assert.Equal(t, "incentive: unknown rounding mode 7 (want half-even, half-up, down or up)", err.Error())
	assert.True(t, errors.Is(err, ErrInvalid))
	assert.False(t, errors.Is(err, ErrSyntax))
	err = &RoundingModeError{Text: "nearest"}
	assert.Equal(t, `incentive: unknown rounding mode "nearest" (want half-even, half-up, down or up)`, err.Error())
	assert.True(t, errors.Is(err, ErrSyntax))
	assert.False(t, errors.Is(err, ErrInvalid))
}

// FuzzRoundQuoAgree checks that Round and Quo by one agree for every mode:
// both give the same value for a defined mode and both refuse any other
// with a *RoundingModeError.
func FuzzRoundQuoAgree(f *testing.F) {
	f.Add("0.000000000000000026", uint8(17), uint8(7))
	f.Add("2.5", uint8(0), uint8(1))
	f.Add("-0.35", uint8(1), uint8(3))
	f.Fuzz(func(t *testing.T, s string, scale, mode uint8) {
		x, err := ParseDecimal(s)
		if err != nil {
			return
		}
		m := RoundingMode(mode)
		sc := int(scale % (MaxScale + 1))
		r, errR := x.Round(sc, m)
		q, errQ := x.Quo(Decimal{coef: 1}, sc, m)
		if !m.Valid() {
			requireBadMode(t, errR, m)
			requireBadMode(t, errQ, m)
			return
		}
		if errR != nil || errQ != nil {
			// Only increasing the scale can overflow, and then both must.
			require.ErrorIs(t, errR, ErrOverflow)
			require.ErrorIs(t, errQ, ErrOverflow)
			return
		}
		require.Equal(t, r, q, "%s to %d places, %s", x, sc, m)
	})
}

// The zero RoundingMode means "not set": it rounds as the default,
// HalfEven, lines record the mode applied, and rules that leave it unset
// hash like rules that say HalfEven.
func TestRoundingUnsetIsTheDefault(t *testing.T) {
	var zero RoundingMode
	assert.Equal(t, RoundingUnset, zero)
	assert.NotEqual(t, HalfEven, zero, "the zero value is not a mode of its own")
	assert.True(t, zero.Valid())
	assert.Equal(t, HalfEven, zero.Applied())
	assert.Equal(t, Down, Down.Applied())
	assert.Equal(t, "unset", zero.String())
	for _, in := range []string{"", "unset", "UNSET"} {
		m, err := ParseRoundingMode(in)
		require.NoError(t, err)
		assert.Equal(t, RoundingUnset, m, "%q", in)
	}
	for _, in := range []string{"2.5", "3.5", "-2.5", "0.125"} {
		a, err := MustDecimal(in).Round(0, zero)
		require.NoError(t, err)
		b, err := MustDecimal(in).Round(0, HalfEven)
		require.NoError(t, err)
		assert.Equal(t, b, a, in)
	}
	// Ties through Quo's math/big path (scales too far apart for 128 bits).
	differs := map[RoundingMode]bool{}
	for _, in := range []string{"0.000000000000000035", "-0.000000000000000015", "0.000000000000000025"} {
		div := MustDecimal("0.00000000000000001")
		got, err := MustDecimal(in).Quo(div, 0, zero)
		require.NoError(t, err)
		for _, m := range []RoundingMode{HalfEven, HalfUp, Down} {
			want, err := MustDecimal(in).Quo(div, 0, m)
			require.NoError(t, err)
			if m == HalfEven {
				assert.Equal(t, want, got, in)
			}
			differs[m] = differs[m] || want != got
		}
	}
	assert.Equal(t, map[RoundingMode]bool{HalfEven: false, HalfUp: true, Down: true}, differs)

	tb := stripeTiers(Graduated)
	require.Equal(t, RoundingUnset, tb.Rounding)
	r, err := tb.Evaluate(MustDecimal("7.5"))
	require.NoError(t, err)
	for _, l := range r.Lines {
		assert.Equal(t, HalfEven, l.Rounding, "a line records the mode applied")
	}
	data, err := json.Marshal(tb)
	require.NoError(t, err)
	assert.NotContains(t, string(data), "rounding", "an unset mode is left out")

	p := servicePlan()
	p.Table.Rounding, p.Target.Rounding, p.Scorecard.Rounding = RoundingUnset, RoundingUnset, RoundingUnset
	unset, err := RulesHash(p)
	require.NoError(t, err)
	p.Table.Rounding, p.Target.Rounding, p.Scorecard.Rounding = HalfEven, HalfEven, HalfEven
	explicit, err := RulesHash(p)
	require.NoError(t, err)
	assert.Equal(t, explicit, unset)
}
