package incentive

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseDecimal(t *testing.T) {
	tests := []struct {
		in, out string
		err     error
	}{
		{"0", "0", nil},
		{"97.5", "97.5", nil},
		{"-0.035", "-0.035", nil},
		{"+12", "12", nil},
		{"6.50", "6.50", nil},
		{".5", "0.5", nil},
		{"0.000000000000000001", "0.000000000000000001", nil},
		{"9223372036854775807", "9223372036854775807", nil},
		{"9223372036854775808", "", ErrOverflow},
		{"0.0000000000000000001", "", ErrPrecision},
		{"", "", ErrSyntax},
		{"-", "", ErrSyntax},
		{".", "", ErrSyntax},
		{"1.", "", ErrSyntax},
		{"1e3", "", ErrSyntax},
		{"1.2.3", "", ErrSyntax},
		{" 1", "", ErrSyntax},
		{"NaN", "", ErrSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := ParseDecimal(tt.in)
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.out, d.String())
		})
	}
}

func TestDecimalArithmetic(t *testing.T) {
	d := MustDecimal
	sum, err := d("0.1").Add(d("0.2"))
	require.NoError(t, err)
	assert.Equal(t, "0.3", sum.String())
	diff, err := d("1").Sub(d("0.999"))
	require.NoError(t, err)
	assert.Equal(t, "0.001", diff.String())
	prod, err := d("97.5").Mul(d("0.35"))
	require.NoError(t, err)
	assert.Equal(t, "34.125", prod.String())
	_, err = d("9223372036854775807").Add(d("1"))
	require.ErrorIs(t, err, ErrOverflow)
	_, err = d("10000000000").Mul(d("1000000000"))
	require.ErrorIs(t, err, ErrOverflow)
	_, err = d("0.000000001").Mul(d("0.0000000001"))
	require.ErrorIs(t, err, ErrPrecision)
	// trailing zeros are shed when the scale would exceed MaxScale
	p, err := d("0.000000010").Mul(d("0.0000000010"))
	require.NoError(t, err)
	assert.True(t, p.Equal(d("0.00000000000000001")))

	assert.Equal(t, 0, d("6.50").Cmp(d("6.5")))
	assert.Equal(t, -1, d("-1").Cmp(d("0.1")))
	assert.Equal(t, 1, d("9223372036854775807").Cmp(d("0.000000000000000001")))
	assert.Equal(t, -1, d("-9223372036854775807").Cmp(d("-922337203685477580.7")))
	assert.Equal(t, "6.5", d("6.500").Normalize().String())
	n, ok := d("12.000").Int64()
	assert.True(t, ok)
	assert.Equal(t, int64(12), n)
	_, ok = d("12.5").Int64()
	assert.False(t, ok)
}

func TestRoundingModes(t *testing.T) {
	tests := []struct {
		in                         string
		halfEven, halfUp, down, up string
	}{
		{"2.5", "2", "3", "2", "3"},
		{"3.5", "4", "4", "3", "4"},
		{"-2.5", "-2", "-3", "-2", "-3"},
		{"2.51", "3", "3", "2", "3"},
		{"2.49", "2", "2", "2", "3"},
		{"-2.49", "-2", "-2", "-2", "-3"},
		{"2", "2", "2", "2", "2"},
		{"0.5", "0", "1", "0", "1"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			for mode, want := range map[RoundingMode]string{HalfEven: tt.halfEven, HalfUp: tt.halfUp, Down: tt.down, Up: tt.up} {
				got, err := MustDecimal(tt.in).Round(0, mode)
				require.NoError(t, err)
				assert.Equal(t, want, got.String(), "mode %s", mode)
			}
		})
	}
}

func TestQuo(t *testing.T) {
	d := MustDecimal
	q, err := d("2").Quo(d("3"), 4, HalfEven)
	require.NoError(t, err)
	assert.Equal(t, "0.6667", q.String())
	q, err = d("2").Quo(d("3"), 4, Down)
	require.NoError(t, err)
	assert.Equal(t, "0.6666", q.String())
	q, err = d("-1").Quo(d("8"), 2, HalfEven) // -0.125 → -0.12
	require.NoError(t, err)
	assert.Equal(t, "-0.12", q.String())
	q, err = d("0.000000000000000001").Quo(d("1000000000000"), 18, Up) // slow path
	require.NoError(t, err)
	assert.Equal(t, "0.000000000000000001", q.String())
	_, err = d("1").Quo(d("0"), 2, HalfEven)
	require.ErrorIs(t, err, ErrDivisionByZero)
	_, err = d("9223372036854775807").Quo(d("0.1"), 0, HalfEven)
	require.ErrorIs(t, err, ErrOverflow)
}

func TestDecimalJSON(t *testing.T) {
	type doc struct {
		A Decimal `json:"a"`
		B Decimal `json:"b"`
	}
	var v doc
	require.NoError(t, json.Unmarshal([]byte(`{"a":"97.5","b":0.1}`), &v))
	assert.Equal(t, "97.5", v.A.String())
	assert.Equal(t, "0.1", v.B.String())
	out, err := json.Marshal(v)
	require.NoError(t, err)
	assert.JSONEq(t, `{"a":"97.5","b":"0.1"}`, string(out))
	require.Error(t, json.Unmarshal([]byte(`{"a":"1e5"}`), &v))
	var m RoundingMode
	require.NoError(t, json.Unmarshal([]byte(`"half-up"`), &m))
	assert.Equal(t, HalfUp, m)
	require.Error(t, json.Unmarshal([]byte(`"nearest"`), &m))
}

func TestNewDecimal(t *testing.T) {
	_, err := NewDecimal(1, 19)
	require.ErrorIs(t, err, ErrPrecision)
	_, err = NewDecimal(math.MinInt64, 0)
	require.ErrorIs(t, err, ErrOverflow)
	v, err := NewDecimal(975, 1)
	require.NoError(t, err)
	assert.Equal(t, "97.5", v.String())
	assert.Equal(t, "-9223372036854775807", DecimalFromInt(math.MinInt64).String())
}

// bigOf converts a Decimal to a big.Rat for reference checks.
func bigOf(d Decimal) *big.Rat {
	r, _ := new(big.Rat).SetString(d.String())
	return r
}

func FuzzDecimalArithmetic(f *testing.F) {
	f.Add("97.5", "0.35", uint8(2), uint8(0))
	f.Add("-2.5", "3", uint8(0), uint8(1))
	f.Add("9223372036854775807", "0.000000000000000001", uint8(18), uint8(3))
	f.Fuzz(func(t *testing.T, a, b string, scale, mode uint8) {
		x, err1 := ParseDecimal(a)
		y, err2 := ParseDecimal(b)
		if err1 != nil || err2 != nil {
			return
		}
		back, err := ParseDecimal(x.String())
		require.NoError(t, err)
		require.Equal(t, x, back, "String/Parse round trip of %q", a)
		rm := RoundingMode(mode % 5)
		bx, by := bigOf(x), bigOf(y)
		if s, err := x.Add(y); err == nil {
			require.Zero(t, bigOf(s).Cmp(new(big.Rat).Add(bx, by)))
		}
		if p, err := x.Mul(y); err == nil {
			require.Zero(t, bigOf(p).Cmp(new(big.Rat).Mul(bx, by)))
		}
		require.Equal(t, bx.Cmp(by), x.Cmp(y))
		sc := int(scale % 19)
		if !y.IsZero() {
			if q, err := x.Quo(y, sc, rm); err == nil {
				exact := new(big.Rat).Quo(bx, by)
				want := refRound(exact, sc, rm)
				require.Zero(t, bigOf(q).Cmp(want), "%s / %s at %d %s = %s", x, y, sc, rm, q)
			}
		}
		if r, err := x.Round(sc, rm); err == nil {
			require.Zero(t, bigOf(r).Cmp(refRound(bx, sc, rm)))
		}
	})
}

// refRound rounds r to sc places with big.Int arithmetic, as a reference.
func refRound(r *big.Rat, sc int, mode RoundingMode) *big.Rat {
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(sc)), nil)
	num := new(big.Int).Mul(r.Num(), p)
	q := bigRoundQuo(num, r.Denom(), mode)
	return new(big.Rat).SetFrac(q, p)
}

func TestErrorsWrapSentinels(t *testing.T) {
	_, err := ParseDecimal("x")
	assert.True(t, errors.Is(err, ErrSyntax))
	assert.Contains(t, err.Error(), "incentive:")
}

func TestArithmeticShedsTrailingZeros(t *testing.T) {
	d := MustDecimal
	// A value written with many trailing zeros has a large coefficient; an
	// exact result that fits once the zeros are dropped is not an overflow.
	p, err := d("5.000000000000000000").Mul(d("6.50"))
	require.NoError(t, err)
	assert.True(t, p.Equal(d("32.5")), "got %s", p)
	p, err = d("100000.00000000").Mul(d("100000.00000000"))
	require.NoError(t, err)
	assert.True(t, p.Equal(d("10000000000")), "got %s", p)
	s, err := d("1000000000").Add(d("0.000000000000000000"))
	require.NoError(t, err)
	assert.True(t, s.Equal(d("1000000000")), "got %s", s)
	s, err = d("1000000000").Sub(d("0.500000000000000000"))
	require.NoError(t, err)
	assert.Equal(t, "999999999.5", s.String())
	// Results that really do not fit still fail.
	_, err = d("10000000000").Mul(d("1000000000.0"))
	require.ErrorIs(t, err, ErrOverflow)
	_, err = d("1000000000").Add(d("0.000000000000000001"))
	require.ErrorIs(t, err, ErrOverflow)
}
