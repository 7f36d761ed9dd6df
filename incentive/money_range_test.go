package incentive

import (
	"math"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// usable checks that a Money result can be negated, subtracted and split,
// which math.MinInt64 minor units could not.
func usable(t *testing.T, m Money) {
	t.Helper()
	assert.NotEqual(t, int64(math.MinInt64), m.Minor)
	_, err := m.Neg()
	require.NoError(t, err)
	_, err = NewMoney(m.Currency, 0).Sub(m)
	require.NoError(t, err)
	parts, err := m.Split([]Decimal{MustDecimal("1"), MustDecimal("2")})
	require.NoError(t, err)
	require.Len(t, parts, 2)
}

func TestMoneyNeverMinInt64(t *testing.T) {
	usd := func(minor int64) Money { return NewMoney("USD", minor) }
	tests := []struct {
		name string
		op   func() (Money, error)
		want int64 // when ok
		ok   bool
	}{
		{"Add to MinInt64", func() (Money, error) { return usd(-math.MaxInt64).Add(usd(-1)) }, 0, false},
		{"Add MinInt64 halves", func() (Money, error) { return usd(math.MinInt64 / 2).Add(usd(math.MinInt64 / 2)) }, 0, false},
		{"Add to -MaxInt64", func() (Money, error) { return usd(-math.MaxInt64 + 1).Add(usd(-1)) }, -math.MaxInt64, true},
		{"Add MinInt64 operand and zero", func() (Money, error) { return usd(math.MinInt64).Add(usd(0)) }, 0, false},
		{"Add zero and MinInt64 operand", func() (Money, error) { return usd(0).Add(usd(math.MinInt64)) }, 0, false},
		{"Add MinInt64 operand and one", func() (Money, error) { return usd(math.MinInt64).Add(usd(1)) }, 0, false},
		{"Add MaxInt64 and MinInt64 operand", func() (Money, error) { return usd(math.MaxInt64).Add(usd(math.MinInt64)) }, 0, false},
		{"Sub to MinInt64", func() (Money, error) { return usd(-1).Sub(usd(math.MaxInt64)) }, 0, false},
		{"Sub from -MaxInt64", func() (Money, error) { return usd(-math.MaxInt64).Sub(usd(1)) }, 0, false},
		{"Sub to -MaxInt64", func() (Money, error) { return usd(0).Sub(usd(math.MaxInt64)) }, -math.MaxInt64, true},
		{"Sub MinInt64 operand", func() (Money, error) { return usd(math.MinInt64).Sub(usd(0)) }, 0, false},
		{"Sum to MinInt64", func() (Money, error) { return Sum("USD", usd(-math.MaxInt64), usd(-1)) }, 0, false},
		{"Sum of a MinInt64", func() (Money, error) { return Sum("USD", usd(math.MinInt64)) }, 0, false},
		{"Sum back in range", func() (Money, error) { return Sum("USD", usd(-math.MaxInt64), usd(-1), usd(2)) }, 0, false},
		{"Sum to -MaxInt64", func() (Money, error) { return Sum("USD", usd(-math.MaxInt64+5), usd(-5)) }, -math.MaxInt64, true},
		{"MulRate to MinInt64", func() (Money, error) { return usd(math.MinInt64/2).MulRate(MustDecimal("2"), HalfEven) }, 0, false},
		{"MulRate to MinInt64 by negative rate", func() (Money, error) { return usd(math.MaxInt64/2+1).MulRate(MustDecimal("-2"), HalfEven) }, 0, false},
		{"MulRate to -MaxInt64", func() (Money, error) { return usd(-math.MaxInt64).MulRate(MustDecimal("1"), HalfEven) }, -math.MaxInt64, true},
		{"ParseMoney MinInt64", func() (Money, error) { return ParseMoney("USD -92233720368547758.08") }, 0, false},
		{"ParseMoney -MaxInt64", func() (Money, error) { return ParseMoney("USD -92233720368547758.07") }, -math.MaxInt64, true},
		{"ParseAmount JPY MinInt64", func() (Money, error) { return ParseAmount("JPY", "-9223372036854775808") }, 0, false},
		{"MoneyFromDecimal rounds", func() (Money, error) {
			return MoneyFromDecimal("JPY", MustDecimal("-922337203685477580.7"), Down)
		}, -922337203685477580, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := tt.op()
			if !tt.ok {
				require.ErrorIs(t, err, ErrOverflow)
				assert.Equal(t, Money{}, m)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, m.Minor)
			usable(t, m)
		})
	}
}

// FuzzMoneyArithmetic checks Add, Sub, Neg, Sum and MulRate against
// math/big: a result is returned exactly when it lies in
// [-math.MaxInt64, math.MaxInt64], and every result can be negated,
// subtracted and split.
func FuzzMoneyArithmetic(f *testing.F) {
	f.Add(int64(1050), int64(25), int64(125), uint8(3))
	f.Add(int64(-math.MaxInt64), int64(-1), int64(2), uint8(0))
	f.Add(int64(math.MinInt64/2), int64(math.MinInt64/2), int64(-2), uint8(0))
	f.Add(int64(math.MinInt64), int64(0), int64(1), uint8(0))
	f.Add(int64(-1), int64(math.MaxInt64), int64(1), uint8(18))
	limit := big.NewInt(math.MaxInt64)
	inRange := func(v *big.Int) bool { return v.CmpAbs(limit) <= 0 }
	f.Fuzz(func(t *testing.T, a, b, rate int64, scale uint8) {
		x, y := NewMoney("USD", a), NewMoney("USD", b)
		operandsOK := a != math.MinInt64 && b != math.MinInt64
		check := func(op string, got Money, err error, want *big.Int) {
			if !operandsOK || !inRange(want) {
				require.ErrorIs(t, err, ErrOverflow, "%s(%d, %d) = %v", op, a, b, got)
				return
			}
			require.NoError(t, err, "%s(%d, %d)", op, a, b)
			require.Equal(t, want.Int64(), got.Minor, "%s(%d, %d)", op, a, b)
			_, err = got.Neg()
			require.NoError(t, err)
			_, err = got.Split([]Decimal{MustDecimal("1"), MustDecimal("3")})
			require.NoError(t, err)
		}
		ba, bb := big.NewInt(a), big.NewInt(b)
		s, err := x.Add(y)
		check("Add", s, err, new(big.Int).Add(ba, bb))
		d, err := x.Sub(y)
		check("Sub", d, err, new(big.Int).Sub(ba, bb))
		s, err = Sum("USD", x, y)
		check("Sum", s, err, new(big.Int).Add(ba, bb))

		r, err := NewDecimal(rate, int(scale%19))
		if err != nil {
			return
		}
		p, err := x.MulRate(r, Down)
		if a == math.MinInt64 {
			require.ErrorIs(t, err, ErrOverflow)
			return
		}
		// Truncated exact product: a × rate / 10^scale.
		num := new(big.Int).Mul(ba, big.NewInt(rate))
		want := new(big.Int).Quo(num, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(r.Scale())), nil))
		if !inRange(want) {
			require.ErrorIs(t, err, ErrOverflow, "MulRate(%d, %s) = %v", a, r, p)
			return
		}
		require.NoError(t, err)
		require.Equal(t, want.Int64(), p.Minor)
	})
}
