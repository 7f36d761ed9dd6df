package incentive

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"
	"strings"
)

// Currency is an ISO 4217 alphabetic code such as "USD" or "CNY". Only the
// codes listed by Currencies are accepted; each has a fixed number of minor
// digits (2 for USD and CNY, 0 for JPY, 3 for KWD).
type Currency string

var currencyDigits = map[Currency]int{
	"AED": 2, "AUD": 2, "BHD": 3, "BRL": 2, "CAD": 2, "CHF": 2, "CLP": 0,
	"CNY": 2, "CZK": 2, "DKK": 2, "EUR": 2, "GBP": 2, "HKD": 2, "HUF": 2,
	"IDR": 2, "ILS": 2, "INR": 2, "ISK": 0, "JOD": 3, "JPY": 0, "KRW": 0,
	"KWD": 3, "MXN": 2, "MYR": 2, "NOK": 2, "NZD": 2, "OMR": 3, "PHP": 2,
	"PLN": 2, "SAR": 2, "SEK": 2, "SGD": 2, "THB": 2, "TND": 3, "TRY": 2,
	"TWD": 2, "USD": 2, "VND": 0, "ZAR": 2,
}

// Currencies returns the known currency codes, sorted.
func Currencies() []Currency {
	out := make([]Currency, 0, len(currencyDigits))
	for c := range currencyDigits {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Digits returns the number of minor-unit digits of c (2 for USD: 1 USD =
// 100 cents), or ErrUnknownCurrency.
func (c Currency) Digits() (int, error) {
	d, ok := currencyDigits[c]
	if !ok {
		return 0, fmt.Errorf("%w: %q", ErrUnknownCurrency, string(c))
	}
	return d, nil
}

// Money is an exact amount in integer minor units (cents for USD) of a
// currency. It is a plain value: JSON {"currency":"USD","minor":1234} is
// USD 12.34. Arithmetic never silently wraps; it returns ErrOverflow.
//
// The range of Money is symmetric: ±math.MaxInt64 minor units. No
// operation or parser of this package returns math.MinInt64 minor units
// (whose negation does not fit), so every result can be negated, subtracted
// and split; a Money built by hand with math.MinInt64 is refused by Add,
// Sub, Neg, Sum, MulRate and Split with ErrOverflow.
type Money struct {
	Currency Currency `json:"currency"`
	Minor    int64    `json:"minor"`
}

// NewMoney returns minor units of c.
func NewMoney(c Currency, minor int64) Money { return Money{Currency: c, Minor: minor} }

// ParseAmount parses a major-unit literal ("12.34") in currency c exactly.
// More fraction digits than the currency has ("12.345" USD) is ErrPrecision:
// parsing never rounds.
func ParseAmount(c Currency, s string) (Money, error) {
	digits, err := c.Digits()
	if err != nil {
		return Money{}, err
	}
	d, err := ParseDecimal(s)
	if err != nil {
		return Money{}, err
	}
	if d.Scale() > digits {
		n := d.Normalize()
		if n.Scale() > digits {
			return Money{}, fmt.Errorf("%w: %q has more than %d decimal places for %s", ErrPrecision, s, digits, c)
		}
		d = n
	}
	minor, ok := rescale(d.coef, digits-d.Scale())
	if !ok {
		return Money{}, fmt.Errorf("%w: %s %s", ErrOverflow, c, s)
	}
	return Money{Currency: c, Minor: minor}, nil
}

// ParseMoney parses "USD 12.34" or "12.34 USD" (one space) exactly, as
// printed by Money.String.
func ParseMoney(s string) (Money, error) {
	a, b, ok := strings.Cut(s, " ")
	if !ok {
		return Money{}, fmt.Errorf("%w: money %q: want \"CUR amount\"", ErrSyntax, s)
	}
	if _, known := currencyDigits[Currency(a)]; known {
		return ParseAmount(Currency(a), b)
	}
	if _, known := currencyDigits[Currency(b)]; known {
		return ParseAmount(Currency(b), a)
	}
	return Money{}, fmt.Errorf("%w: money %q", ErrUnknownCurrency, s)
}

// MustMoney is like ParseMoney but panics on error; for literals.
func MustMoney(s string) Money {
	m, err := ParseMoney(s)
	if err != nil {
		panic(err)
	}
	return m
}

// MoneyFromDecimal rounds a major-unit amount to minor units of c with mode
// (see Decimal.Round).
func MoneyFromDecimal(c Currency, major Decimal, mode RoundingMode) (Money, error) {
	digits, err := c.Digits()
	if err != nil {
		return Money{}, err
	}
	r, err := major.Round(digits, mode)
	if err != nil {
		return Money{}, err
	}
	return Money{Currency: c, Minor: r.coef}, nil
}

// Major returns m in major units as an exact Decimal (USD 12.34 → 12.34).
func (m Money) Major() (Decimal, error) {
	digits, err := m.Currency.Digits()
	if err != nil {
		return Decimal{}, err
	}
	return NewDecimal(m.Minor, digits)
}

// String formats m as "USD 12.34"; ParseMoney reads it back.
func (m Money) String() string {
	digits, err := m.Currency.Digits()
	if err != nil {
		return fmt.Sprintf("%s %d(minor)", m.Currency, m.Minor)
	}
	b := make([]byte, 0, 32)
	b = append(b, m.Currency...)
	b = append(b, ' ')
	// Decimal.appendTo handles math.MinInt64 through uint64 conversion.
	b = Decimal{coef: m.Minor, scale: uint8(digits)}.appendTo(b)
	return string(b)
}

// IsZero reports whether m has no minor units.
func (m Money) IsZero() bool { return m.Minor == 0 }

func (m Money) same(o Money) error {
	if m.Currency != o.Currency {
		return fmt.Errorf("%w: %s and %s", ErrCurrencyMismatch, m.Currency, o.Currency)
	}
	return nil
}

// Add returns m + o; both must have the same currency. A sum outside
// ±math.MaxInt64 minor units, or an operand of math.MinInt64, is
// ErrOverflow.
func (m Money) Add(o Money) (Money, error) {
	if err := m.same(o); err != nil {
		return Money{}, err
	}
	if m.Minor != math.MinInt64 && o.Minor != math.MinInt64 {
		if s, ok := addInt(m.Minor, o.Minor); ok { // addInt refuses math.MinInt64
			return Money{Currency: m.Currency, Minor: s}, nil
		}
	}
	return Money{}, fmt.Errorf("%w: %s + %s", ErrOverflow, m, o)
}

// Sub returns m - o; both must have the same currency. Like Add, it never
// returns math.MinInt64 minor units.
func (m Money) Sub(o Money) (Money, error) {
	n, err := o.Neg()
	if err != nil {
		return Money{}, err
	}
	return m.Add(n)
}

// Neg returns -m; it fails only for math.MinInt64 minor units.
func (m Money) Neg() (Money, error) {
	if m.Minor == math.MinInt64 {
		return Money{}, fmt.Errorf("%w: -(%s)", ErrOverflow, m)
	}
	return Money{Currency: m.Currency, Minor: -m.Minor}, nil
}

// Cmp compares m and o (same currency) and returns -1, 0 or +1.
func (m Money) Cmp(o Money) (int, error) {
	if err := m.same(o); err != nil {
		return 0, err
	}
	switch {
	case m.Minor < o.Minor:
		return -1, nil
	case m.Minor > o.Minor:
		return 1, nil
	}
	return 0, nil
}

// MulRate returns m × rate rounded to minor units with mode (for example a
// 12.5 % commission on a pool). A mode that is not one of the defined ones
// is refused with a *RoundingModeError.
func (m Money) MulRate(rate Decimal, mode RoundingMode) (Money, error) {
	if err := mode.check(); err != nil {
		return Money{}, err
	}
	if m.Minor == math.MinInt64 {
		return Money{}, fmt.Errorf("%w: %s", ErrOverflow, m)
	}
	hi, lo := bits.Mul64(uabs(m.Minor), uabs(rate.coef))
	q, ok := roundQuo(hi, lo, pow10[rate.scale], mode)
	if ok {
		if c, ok := signed((m.Minor < 0) != (rate.coef < 0), q); ok {
			return Money{Currency: m.Currency, Minor: c}, nil
		}
	}
	return Money{}, fmt.Errorf("%w: %s × %s", ErrOverflow, m, rate)
}

// Sum adds amounts of currency c; an empty list sums to zero.
func Sum(c Currency, amounts ...Money) (Money, error) {
	total := Money{Currency: c}
	for _, a := range amounts {
		var err error
		if total, err = total.Add(a); err != nil {
			return Money{}, err
		}
	}
	return total, nil
}

// Split divides m among len(weights) parts in proportion to the weights by
// the largest-remainder method: every part first gets the floor of its exact
// share (in minor units), then the minor units left over go one each to the
// parts with the largest remainders. Equal remainders are broken by position
// (the earlier part wins), so the result is deterministic; callers who want
// another tie-break order the weights accordingly (for example by person
// id). The parts always sum to m exactly. A negative m is split by its
// magnitude and every part negated.
//
// Weights must be non-negative with a positive sum; otherwise Split returns
// an ErrInvalid error and no parts. Weights brought to a common scale must
// sum to at most math.MaxInt64 (for example 1e17 and 0.01 do not), else
// the error is ErrOverflow.
func (m Money) Split(weights []Decimal) ([]Money, error) {
	if len(weights) == 0 {
		return nil, fmt.Errorf("%w: split into zero parts", ErrInvalid)
	}
	if m.Minor == math.MinInt64 {
		return nil, fmt.Errorf("%w: %s", ErrOverflow, m)
	}
	var scale uint8
	for i, w := range weights {
		if w.Sign() < 0 {
			return nil, fmt.Errorf("%w: weights[%d] = %s is negative", ErrInvalid, i, w)
		}
		// Trailing zeros are dropped so that how a weight is written
		// ("1.000000000000000000") cannot overflow the sum.
		if n := w.Normalize(); n.scale > scale {
			scale = n.scale
		}
	}
	ws := make([]uint64, len(weights))
	var total uint64
	for i, w := range weights {
		w = w.Normalize()
		c, ok := rescale(w.coef, int(scale-w.scale))
		if !ok {
			return nil, fmt.Errorf("%w: weights[%d] = %s", ErrOverflow, i, w)
		}
		ws[i] = uint64(c)
		var carry uint64
		total, carry = bits.Add64(total, ws[i], 0)
		if carry != 0 || total > math.MaxInt64 {
			return nil, fmt.Errorf("%w: sum of weights", ErrOverflow)
		}
	}
	if total == 0 {
		return nil, fmt.Errorf("%w: weights sum to zero", ErrInvalid)
	}
	mag := uabs(m.Minor)
	parts := make([]Money, len(weights))
	rems := make([]uint64, len(weights))
	var given uint64
	for i, w := range ws {
		hi, lo := bits.Mul64(mag, w)
		q, r := bits.Div64(hi, lo, total) // q <= mag because w <= total
		rems[i] = r
		parts[i] = Money{Currency: m.Currency, Minor: int64(q)}
		given += q
	}
	left := mag - given // < len(weights)
	if left > 0 {
		order := make([]int, len(weights))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(rems[b], rems[a]) })
		for _, i := range order[:left] {
			parts[i].Minor++
		}
	}
	if m.Minor < 0 {
		for i := range parts {
			parts[i].Minor = -parts[i].Minor
		}
	}
	return parts, nil
}
