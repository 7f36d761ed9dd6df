package incentive

import (
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"strconv"
)

// MaxScale is the largest number of decimal places a Decimal carries.
const MaxScale = 18

// pow10 holds 10^0 .. 10^19; all fit in a uint64.
var pow10 = [20]uint64{
	1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
	1_000_000_000, 10_000_000_000, 100_000_000_000, 1_000_000_000_000,
	10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000,
	10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000,
	10_000_000_000_000_000_000,
}

// Decimal is an exact decimal number coef × 10^-scale with an int64
// coefficient (never math.MinInt64) and 0 <= scale <= MaxScale. The zero
// value is 0. Decimals are immutable values, safe to copy and to share
// between goroutines.
//
// Arithmetic is exact: Add, Sub and Mul return ErrOverflow or ErrPrecision
// rather than lose a digit. Only Quo and Round discard digits, and they take
// an explicit RoundingMode. The fast paths use 64- and 128-bit integer
// arithmetic; rare cases that need more bits fall back to math/big.
//
// Decimals encode to JSON as strings ("97.5") so no float64 ever touches
// them; decoding also accepts bare JSON numbers, read digit by digit.
type Decimal struct {
	coef  int64
	scale uint8
}

// NewDecimal returns coef × 10^-scale. It fails with ErrPrecision if scale
// is outside [0, MaxScale] and with ErrOverflow if coef is math.MinInt64.
func NewDecimal(coef int64, scale int) (Decimal, error) {
	if scale < 0 || scale > MaxScale {
		return Decimal{}, fmt.Errorf("%w: scale %d outside [0,%d]", ErrPrecision, scale, MaxScale)
	}
	if coef == math.MinInt64 {
		return Decimal{}, fmt.Errorf("%w: coefficient %d", ErrOverflow, coef)
	}
	return Decimal{coef: coef, scale: uint8(scale)}, nil
}

// DecimalFromInt returns i as a Decimal with scale 0. math.MinInt64 is
// clamped to -math.MaxInt64.
func DecimalFromInt(i int64) Decimal {
	if i == math.MinInt64 {
		i = -math.MaxInt64
	}
	return Decimal{coef: i}
}

// MustDecimal is like ParseDecimal but panics on error. It is meant for
// literals in tests, examples and package-level tables.
func MustDecimal(s string) Decimal {
	d, err := ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

// ParseDecimal parses an exact decimal literal: an optional sign, digits,
// and an optional fraction ("97.5", "-0.035", "12"). Exponents, spaces,
// "NaN" and "Inf" are rejected. The scale of the result is the number of
// fraction digits written, so "6.50" keeps scale 2.
func ParseDecimal(s string) (Decimal, error) {
	if len(s) == 0 {
		return Decimal{}, fmt.Errorf("%w: decimal %q", ErrSyntax, s)
	}
	i := 0
	neg := false
	if s[0] == '+' || s[0] == '-' {
		neg = s[0] == '-'
		i++
	}
	var mag uint64
	digits, scale := 0, 0
	seenDot := false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.' && !seenDot:
			seenDot = true
		case c >= '0' && c <= '9':
			digits++
			if seenDot {
				scale++
				if scale > MaxScale {
					return Decimal{}, fmt.Errorf("%w: %q has more than %d decimal places", ErrPrecision, s, MaxScale)
				}
			}
			hi, lo := bits.Mul64(mag, 10)
			lo, carry := bits.Add64(lo, uint64(c-'0'), 0)
			if hi != 0 || carry != 0 || lo > math.MaxInt64 {
				return Decimal{}, fmt.Errorf("%w: %q does not fit in 18 digits", ErrOverflow, s)
			}
			mag = lo
		default:
			return Decimal{}, fmt.Errorf("%w: decimal %q", ErrSyntax, s)
		}
	}
	if digits == 0 || (seenDot && s[len(s)-1] == '.') {
		return Decimal{}, fmt.Errorf("%w: decimal %q", ErrSyntax, s)
	}
	c := int64(mag)
	if neg {
		c = -c
	}
	return Decimal{coef: c, scale: uint8(scale)}, nil
}

// Coefficient returns the integer coefficient c of d = c × 10^-Scale().
func (d Decimal) Coefficient() int64 { return d.coef }

// Scale returns the number of decimal places of d.
func (d Decimal) Scale() int { return int(d.scale) }

// Sign returns -1, 0 or +1.
func (d Decimal) Sign() int {
	switch {
	case d.coef < 0:
		return -1
	case d.coef > 0:
		return 1
	}
	return 0
}

// IsZero reports whether d == 0.
func (d Decimal) IsZero() bool { return d.coef == 0 }

// Neg returns -d. It never overflows because the coefficient is never
// math.MinInt64.
func (d Decimal) Neg() Decimal { return Decimal{coef: -d.coef, scale: d.scale} }

// Abs returns |d|.
func (d Decimal) Abs() Decimal {
	if d.coef < 0 {
		return d.Neg()
	}
	return d
}

// Normalize returns d with trailing fraction zeros removed ("6.50" → "6.5",
// "2.000" → "2"). Equal values normalise to identical Decimals.
func (d Decimal) Normalize() Decimal {
	if d.coef == 0 {
		return Decimal{}
	}
	for d.scale > 0 && d.coef%10 == 0 {
		d.coef /= 10
		d.scale--
	}
	return d
}

// Int64 returns d as an int64 if it is an integer.
func (d Decimal) Int64() (int64, bool) {
	n := d.Normalize()
	if n.scale != 0 {
		return 0, false
	}
	return n.coef, true
}

// String formats d exactly, keeping its scale ("6.50", "-0.035", "12").
func (d Decimal) String() string {
	var buf [48]byte
	return string(d.appendTo(buf[:0]))
}

func (d Decimal) appendTo(b []byte) []byte {
	if d.coef < 0 {
		b = append(b, '-')
	}
	mag := uabs(d.coef)
	var tmp [24]byte
	digits := strconv.AppendUint(tmp[:0], mag, 10)
	sc := int(d.scale)
	if sc == 0 {
		return append(b, digits...)
	}
	if len(digits) <= sc {
		b = append(b, '0', '.')
		for i := len(digits); i < sc; i++ {
			b = append(b, '0')
		}
		return append(b, digits...)
	}
	b = append(b, digits[:len(digits)-sc]...)
	b = append(b, '.')
	return append(b, digits[len(digits)-sc:]...)
}

// MarshalJSON encodes d as a JSON string.
func (d Decimal) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 24)
	b = append(b, '"')
	b = d.appendTo(b)
	return append(b, '"'), nil
}

// UnmarshalJSON decodes a JSON string or number exactly.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	v, err := ParseDecimal(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

func uabs(c int64) uint64 {
	if c < 0 {
		return uint64(-c)
	}
	return uint64(c)
}

// signed turns a magnitude into an int64, refusing math.MinInt64 and beyond.
func signed(neg bool, mag uint64) (int64, bool) {
	if mag > math.MaxInt64 {
		return 0, false
	}
	if neg {
		return -int64(mag), true
	}
	return int64(mag), true
}

// rescale returns coef × 10^n, reporting overflow.
func rescale(coef int64, n int) (int64, bool) {
	if n == 0 {
		return coef, true
	}
	if n > 18 {
		return 0, coef == 0
	}
	hi, lo := bits.Mul64(uabs(coef), pow10[n])
	if hi != 0 {
		return 0, false
	}
	return signed(coef < 0, lo)
}

// align brings a and b to a common scale.
func align(a, b Decimal) (ac, bc int64, scale uint8, ok bool) {
	switch {
	case a.scale == b.scale:
		return a.coef, b.coef, a.scale, true
	case a.scale < b.scale:
		ac, ok = rescale(a.coef, int(b.scale-a.scale))
		return ac, b.coef, b.scale, ok
	default:
		bc, ok = rescale(b.coef, int(a.scale-b.scale))
		return a.coef, bc, a.scale, ok
	}
}

func addInt(a, b int64) (int64, bool) {
	s := a + b
	if (a > 0 && b > 0 && s < 0) || (a < 0 && b < 0 && s >= 0) || s == math.MinInt64 {
		return 0, false
	}
	return s, true
}

// Add returns a + b exactly, or ErrOverflow. The result has the larger of
// the two scales unless its coefficient would not fit; then trailing
// fraction zeros of the operands are dropped first ("1000000000" +
// "0.500000000000000000" is "1000000000.5"), and only a sum that still
// does not fit is ErrOverflow.
func (d Decimal) Add(o Decimal) (Decimal, error) {
	if s, ok := d.add(o); ok {
		return s, nil
	}
	if nd, no := d.Normalize(), o.Normalize(); nd != d || no != o {
		if s, ok := nd.add(no); ok {
			return s, nil
		}
	}
	return Decimal{}, fmt.Errorf("%w: %s + %s", ErrOverflow, d, o)
}

func (d Decimal) add(o Decimal) (Decimal, bool) {
	ac, bc, sc, ok := align(d, o)
	if ok {
		if s, ok := addInt(ac, bc); ok {
			return Decimal{coef: s, scale: sc}, true
		}
	}
	return Decimal{}, false
}

// Sub returns a - b exactly, or ErrOverflow.
func (d Decimal) Sub(o Decimal) (Decimal, error) { return d.Add(o.Neg()) }

// Mul returns d × o exactly. It fails with ErrOverflow if the product's
// coefficient does not fit in an int64 and with ErrPrecision if the result
// needs more than MaxScale decimal places, in both cases after trailing
// fraction zeros of the operands are dropped ("5.000000000000000000" ×
// "6.50" is 32.5).
func (d Decimal) Mul(o Decimal) (Decimal, error) {
	p, err := d.mul(o)
	if err != nil {
		if nd, no := d.Normalize(), o.Normalize(); nd != d || no != o {
			if p, err2 := nd.mul(no); err2 == nil {
				return p, nil
			}
		}
	}
	return p, err
}

func (d Decimal) mul(o Decimal) (Decimal, error) {
	hi, lo := bits.Mul64(uabs(d.coef), uabs(o.coef))
	scale := int(d.scale) + int(o.scale)
	for hi == 0 && scale > MaxScale && lo%10 == 0 && lo != 0 {
		lo /= 10
		scale--
	}
	if lo == 0 && hi == 0 {
		return Decimal{}, nil
	}
	if scale > MaxScale {
		return Decimal{}, fmt.Errorf("%w: %s × %s", ErrPrecision, d, o)
	}
	if hi != 0 {
		return Decimal{}, fmt.Errorf("%w: %s × %s", ErrOverflow, d, o)
	}
	c, ok := signed((d.coef < 0) != (o.coef < 0), lo)
	if !ok {
		return Decimal{}, fmt.Errorf("%w: %s × %s", ErrOverflow, d, o)
	}
	return Decimal{coef: c, scale: uint8(scale)}, nil
}

// Cmp compares d and o exactly and returns -1, 0 or +1.
func (d Decimal) Cmp(o Decimal) int {
	ds, os := d.Sign(), o.Sign()
	if ds != os {
		if ds < os {
			return -1
		}
		return 1
	}
	if ds == 0 {
		return 0
	}
	ah, al := bits.Mul64(uabs(d.coef), pow10[MaxScale-int(d.scale)])
	bh, bl := bits.Mul64(uabs(o.coef), pow10[MaxScale-int(o.scale)])
	c := 0
	switch {
	case ah < bh || (ah == bh && al < bl):
		c = -1
	case ah > bh || (ah == bh && al > bl):
		c = 1
	}
	if ds < 0 {
		c = -c
	}
	return c
}

// Equal reports whether d and o have the same value (regardless of scale).
func (d Decimal) Equal(o Decimal) bool { return d.Cmp(o) == 0 }

// Round returns d rounded to scale decimal places with mode. Increasing the
// scale is exact (and may overflow). A mode that is not one of the defined
// ones is refused with a *RoundingModeError, even when nothing is rounded.
func (d Decimal) Round(scale int, mode RoundingMode) (Decimal, error) {
	if err := mode.check(); err != nil {
		return Decimal{}, err
	}
	if scale < 0 || scale > MaxScale {
		return Decimal{}, fmt.Errorf("%w: scale %d", ErrPrecision, scale)
	}
	if scale >= int(d.scale) {
		c, ok := rescale(d.coef, scale-int(d.scale))
		if !ok {
			return Decimal{}, fmt.Errorf("%w: %s to %d places", ErrOverflow, d, scale)
		}
		return Decimal{coef: c, scale: uint8(scale)}, nil
	}
	q, _ := roundQuo(0, uabs(d.coef), pow10[int(d.scale)-scale], mode)
	c, _ := signed(d.coef < 0, q) // |q| <= |coef| (+1 only when coef is not at the limit)
	return Decimal{coef: c, scale: uint8(scale)}, nil
}

// Quo returns d / o rounded to scale decimal places with mode. A mode that
// is not one of the defined ones is refused with a *RoundingModeError, even
// when the quotient is exact.
func (d Decimal) Quo(o Decimal, scale int, mode RoundingMode) (Decimal, error) {
	if err := mode.check(); err != nil {
		return Decimal{}, err
	}
	if o.coef == 0 {
		return Decimal{}, fmt.Errorf("%w: %s / 0", ErrDivisionByZero, d)
	}
	if scale < 0 || scale > MaxScale {
		return Decimal{}, fmt.Errorf("%w: scale %d", ErrPrecision, scale)
	}
	neg := (d.coef < 0) != (o.coef < 0)
	k := scale - int(d.scale) + int(o.scale)
	if k >= 0 && k <= 19 {
		hi, lo := bits.Mul64(uabs(d.coef), pow10[k])
		if q, ok := roundQuo(hi, lo, uabs(o.coef), mode); ok {
			if c, ok := signed(neg, q); ok {
				return Decimal{coef: c, scale: uint8(scale)}, nil
			}
		}
		return Decimal{}, fmt.Errorf("%w: %s / %s", ErrOverflow, d, o)
	}
	// Slow path: exponents too far apart for 128 bits.
	num := new(big.Int).SetInt64(d.coef)
	den := new(big.Int).SetInt64(o.coef)
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(absInt(k))), nil)
	if k > 0 {
		num.Mul(num, p)
	} else {
		den.Mul(den, p)
	}
	q := bigRoundQuo(num, den, mode)
	if !q.IsInt64() || q.Int64() == math.MinInt64 {
		return Decimal{}, fmt.Errorf("%w: %s / %s", ErrOverflow, d, o)
	}
	return Decimal{coef: q.Int64(), scale: uint8(scale)}, nil
}

func absInt(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

// roundQuo returns (hi:lo)/d rounded with mode (one of the defined modes)
// applied to the magnitude.
// ok is false if the quotient does not fit in 64 bits.
func roundQuo(hi, lo, d uint64, mode RoundingMode) (uint64, bool) {
	if hi >= d {
		return 0, false
	}
	q, r := bits.Div64(hi, lo, d)
	if r != 0 && mode.roundsUp(q, r, d) {
		q++
		if q == 0 {
			return 0, false
		}
	}
	return q, true
}

// bigRoundQuo returns num/den rounded with mode (symmetric about zero); mode
// is one of the defined modes or RoundingUnset.
func bigRoundQuo(num, den *big.Int, mode RoundingMode) *big.Int {
	neg := (num.Sign() < 0) != (den.Sign() < 0)
	n := new(big.Int).Abs(num)
	dd := new(big.Int).Abs(den)
	q, r := new(big.Int).QuoRem(n, dd, new(big.Int))
	if r.Sign() != 0 {
		twice := new(big.Int).Lsh(r, 1)
		c := twice.Cmp(dd)
		up := false
		switch mode {
		case Up:
			up = true
		case HalfUp:
			up = c >= 0
		case HalfEven, RoundingUnset:
			up = c > 0 || (c == 0 && q.Bit(0) == 1)
		}
		if up {
			q.Add(q, big.NewInt(1))
		}
	}
	if neg {
		q.Neg(q)
	}
	return q
}
