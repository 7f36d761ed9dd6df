package incentive

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in   string
		want Money
		err  error
	}{
		{"USD 12.34", NewMoney("USD", 1234), nil},
		{"12.34 USD", NewMoney("USD", 1234), nil},
		{"USD 12.3", NewMoney("USD", 1230), nil},
		{"USD 12.340", NewMoney("USD", 1234), nil},
		{"USD -0.05", NewMoney("USD", -5), nil},
		{"JPY 1200", NewMoney("JPY", 1200), nil},
		{"KWD 1.005", NewMoney("KWD", 1005), nil},
		{"USD 12.345", Money{}, ErrPrecision},
		{"JPY 1.5", Money{}, ErrPrecision},
		{"XXX 1", Money{}, ErrUnknownCurrency},
		{"USD", Money{}, ErrSyntax},
		{"USD 1,000", Money{}, ErrSyntax},
		{"USD 92233720368547758.08", Money{}, ErrOverflow},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			m, err := ParseMoney(tt.in)
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, m)
		})
	}
}

func TestMoneyString(t *testing.T) {
	assert.Equal(t, "USD 12.34", NewMoney("USD", 1234).String())
	assert.Equal(t, "USD -0.05", NewMoney("USD", -5).String())
	assert.Equal(t, "JPY 7", NewMoney("JPY", 7).String())
	assert.Equal(t, "KWD 0.001", NewMoney("KWD", 1).String())
	assert.Equal(t, "USD -92233720368547758.08", NewMoney("USD", math.MinInt64).String())
}

func TestMoneyArithmetic(t *testing.T) {
	a := NewMoney("USD", 1050)
	s, err := a.Add(NewMoney("USD", 25))
	require.NoError(t, err)
	assert.Equal(t, int64(1075), s.Minor)
	_, err = a.Add(NewMoney("EUR", 1))
	require.ErrorIs(t, err, ErrCurrencyMismatch)
	_, err = NewMoney("USD", math.MaxInt64).Add(NewMoney("USD", 1))
	require.ErrorIs(t, err, ErrOverflow)
	_, err = NewMoney("USD", math.MinInt64).Neg()
	require.ErrorIs(t, err, ErrOverflow)
	d, err := a.Sub(NewMoney("USD", 2000))
	require.NoError(t, err)
	assert.Equal(t, int64(-950), d.Minor)
	c, err := a.Cmp(d)
	require.NoError(t, err)
	assert.Equal(t, 1, c)

	// 12.5 % of USD 10.50 = 131.25 cents
	for mode, want := range map[RoundingMode]int64{HalfEven: 131, HalfUp: 131, Down: 131, Up: 132} {
		r, err := a.MulRate(MustDecimal("0.125"), mode)
		require.NoError(t, err)
		assert.Equal(t, want, r.Minor, mode.String())
	}
	// 0.5 % of USD 1.00 = 0.5 cent: a tie
	for mode, want := range map[RoundingMode]int64{HalfEven: 0, HalfUp: 1, Down: 0, Up: 1} {
		r, err := NewMoney("USD", 100).MulRate(MustDecimal("0.005"), mode)
		require.NoError(t, err)
		assert.Equal(t, want, r.Minor, mode.String())
	}
	_, err = NewMoney("USD", math.MaxInt64).MulRate(MustDecimal("2"), HalfEven)
	require.ErrorIs(t, err, ErrOverflow)
	total, err := Sum("USD", NewMoney("USD", 1), NewMoney("USD", 2))
	require.NoError(t, err)
	assert.Equal(t, int64(3), total.Minor)
	m, err := MoneyFromDecimal("USD", MustDecimal("34.125"), HalfEven)
	require.NoError(t, err)
	assert.Equal(t, int64(3412), m.Minor)
	maj, err := NewMoney("USD", 1234).Major()
	require.NoError(t, err)
	assert.Equal(t, "12.34", maj.String())
}

func TestSplit(t *testing.T) {
	d := MustDecimal
	tests := []struct {
		name    string
		total   int64
		weights []Decimal
		want    []int64
	}{
		{"thirds tie to first", 100, []Decimal{d("1"), d("1"), d("1")}, []int64{34, 33, 33}},
		{"largest remainder", 100, []Decimal{d("0.5"), d("0.3"), d("0.2")}, []int64{50, 30, 20}},
		{"remainders decide", 10, []Decimal{d("0.33"), d("0.33"), d("0.34")}, []int64{3, 3, 4}},
		{"two left over", 200, []Decimal{d("1"), d("1"), d("1")}, []int64{67, 67, 66}},
		{"zero weight gets nothing", 5, []Decimal{d("0"), d("1"), d("1")}, []int64{0, 3, 2}},
		{"negative total", -100, []Decimal{d("1"), d("1"), d("1")}, []int64{-34, -33, -33}},
		{"scores", 1000001, []Decimal{d("0.95"), d("1.1"), d("0.8"), d("0.95")}, []int64{250000, 289474, 210527, 250000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts, err := NewMoney("USD", tt.total).Split(tt.weights)
			require.NoError(t, err)
			var got []int64
			var sum int64
			for _, p := range parts {
				got = append(got, p.Minor)
				sum += p.Minor
				assert.Equal(t, Currency("USD"), p.Currency)
			}
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.total, sum)
		})
	}
	_, err := NewMoney("USD", 1).Split(nil)
	require.ErrorIs(t, err, ErrInvalid)
	_, err = NewMoney("USD", 1).Split([]Decimal{d("0"), d("0")})
	require.ErrorIs(t, err, ErrInvalid)
	_, err = NewMoney("USD", 1).Split([]Decimal{d("-1"), d("2")})
	require.ErrorIs(t, err, ErrInvalid)
}

func TestMoneyJSON(t *testing.T) {
	m := NewMoney("CNY", 123456)
	b, err := json.Marshal(m)
	require.NoError(t, err)
	assert.JSONEq(t, `{"currency":"CNY","minor":123456}`, string(b))
	var back Money
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, m, back)
}

func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"USD 12.34", "12.34 USD", "JPY -5", "KWD 0.001", "USD 1.", "EUR .5", "USD 92233720368547758.07"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMoney(s)
		if err != nil {
			return
		}
		back, err := ParseMoney(m.String())
		require.NoError(t, err, "reparse %q", m.String())
		require.Equal(t, m, back)
	})
}

func FuzzSplit(f *testing.F) {
	f.Add(int64(100), int64(1), int64(1), int64(1), uint8(0))
	f.Add(int64(-7), int64(3), int64(0), int64(5), uint8(2))
	f.Fuzz(func(t *testing.T, total, a, b, c int64, scale uint8) {
		ws := make([]Decimal, 0, 3)
		for _, x := range []int64{a, b, c} {
			w, err := NewDecimal(x, int(scale%19))
			if err != nil {
				return
			}
			ws = append(ws, w)
		}
		parts, err := NewMoney("USD", total).Split(ws)
		if err != nil {
			return
		}
		var sum int64
		for _, p := range parts {
			sum += p.Minor
		}
		require.Equal(t, total, sum)
	})
}

func TestSplitWeightsWithTrailingZeros(t *testing.T) {
	// Ten weights of 1 written with 18 places would sum to a coefficient of
	// 10^19; the split depends on their values, not on how they are written.
	w := make([]Decimal, 10)
	for i := range w {
		w[i] = MustDecimal("1.000000000000000000")
	}
	w[9] = MustDecimal("2.5")
	parts, err := NewMoney("USD", 1000).Split(w)
	require.NoError(t, err)
	var got []int64
	for _, p := range parts {
		got = append(got, p.Minor)
	}
	// 1000 / 11.5 = 86.956...: floors 86 × 9 + 217 = 991, nine cents to
	// the largest remainders (0.956 each beat 0.391), earliest first.
	assert.Equal(t, []int64{87, 87, 87, 87, 87, 87, 87, 87, 87, 217}, got)
}

func TestSplitWeightsTooFarApart(t *testing.T) {
	_, err := NewMoney("USD", 100).Split([]Decimal{MustDecimal("100000000000000000"), MustDecimal("0.01")})
	require.ErrorIs(t, err, ErrOverflow)
}
