package incentive

import (
	"fmt"
	"strconv"
)

// Bounds declares which ends of a tier's range belong to it, in interval
// notation: "[)" (from inclusive, to exclusive), "(]", "[]" or "()".
type Bounds string

// The four bound kinds.
const (
	ClosedOpen   Bounds = "[)" // from <= q < to
	OpenClosed   Bounds = "(]" // from < q <= to (Stripe's "up_to" semantics)
	ClosedClosed Bounds = "[]" // from <= q <= to
	OpenOpen     Bounds = "()" // from < q < to
)

func (b Bounds) valid() bool {
	return b == ClosedOpen || b == OpenClosed || b == ClosedClosed || b == OpenOpen
}
func (b Bounds) fromIncl() bool { return b == ClosedOpen || b == ClosedClosed }
func (b Bounds) toIncl() bool   { return b == OpenClosed || b == ClosedClosed }

// Mode says how a Table prices a quantity.
type Mode string

const (
	// Graduated prices each part of the quantity at the rate of the tier it
	// falls in, and adds the flat amount of every tier the quantity reaches.
	Graduated Mode = "graduated"
	// Volume prices the whole quantity at the rate of the one tier it lands
	// in, plus that tier's flat amount. Volume totals need not be monotone:
	// crossing into a cheaper tier can lower the total.
	Volume Mode = "volume"
)

// Tier is one band of a Table. Rate is paid per unit of quantity and Flat
// once when the tier applies; both are in major units of the table's
// currency (Rate may have more places than the currency, Flat may not).
type Tier struct {
	Name   string   `json:"name"`
	From   Decimal  `json:"from"`
	To     *Decimal `json:"to,omitempty"` // nil: open-ended (last tier only)
	Bounds Bounds   `json:"bounds"`
	Rate   Decimal  `json:"rate"`
	Flat   Decimal  `json:"flat"`
}

// contains reports whether q lies in the tier.
func (t *Tier) contains(q Decimal) bool {
	return t.reached(q) && !t.passed(q)
}

// reached reports whether q is at or above the tier's lower end.
func (t *Tier) reached(q Decimal) bool {
	c := q.Cmp(t.From)
	return c > 0 || (c == 0 && t.Bounds.fromIncl())
}

// passed reports whether q lies above the tier.
func (t *Tier) passed(q Decimal) bool {
	if t.To == nil {
		return false
	}
	c := q.Cmp(*t.To)
	return c > 0 || (c == 0 && !t.Bounds.toIncl())
}

func (t *Tier) rangeString() string {
	lo, hi := byte('?'), byte('?') // bounds not (yet) validated
	if t.Bounds.valid() {
		lo, hi = t.Bounds[0], t.Bounds[1]
	}
	if t.To == nil { // an open end is never included
		return fmt.Sprintf("%c%s, ∞)", lo, t.From)
	}
	return fmt.Sprintf("%c%s, %s%c", lo, t.From, t.To, hi)
}

// Table is a tiered bonus (or pricing) table: a plain, JSON-serialisable
// definition. Tiers must be sorted, contiguous and non-overlapping; the last
// may be open-ended. Min and Max, in major units, floor and cap the total.
// Each line is rounded to the currency's minor units with Rounding before
// the lines are summed.
//
// A Table is a value; Evaluate only reads it, so a Table that is not being
// modified is safe for concurrent use.
type Table struct {
	Name     string       `json:"name"`
	Mode     Mode         `json:"mode"`
	Currency Currency     `json:"currency"`
	Rounding RoundingMode `json:"rounding,omitempty"`
	Tiers    []Tier       `json:"tiers"`
	Min      *Decimal     `json:"min,omitempty"`
	Max      *Decimal     `json:"max,omitempty"`
}

// Validate reports every problem with t at once (errors.Join of
// FieldErrors wrapping ErrInvalid): unknown mode, currency or rounding,
// missing or duplicate tier names, bad bounds, empty ranges, an open tier
// that is not last, and every gap or overlap between neighbours, naming
// both tiers.
func (t *Table) Validate() error {
	var p problems
	t.validate(&p)
	return p.err()
}

func (t *Table) validate(p *problems) {
	if t.Mode != Graduated && t.Mode != Volume {
		p.add("mode", "must be %q or %q, got %q", Graduated, Volume, t.Mode)
	}
	digits, ok := p.money(t.Currency, t.Rounding)
	if len(t.Tiers) == 0 {
		p.add("tiers", "at least one tier is required")
	}
	for i := range t.Tiers {
		tr := &t.Tiers[i]
		path := tierPath(i) // formats only when a problem is reported
		if tr.Name == "" {
			p.add(path()+".name", "is required")
		}
		for j := 0; j < i; j++ {
			if tr.Name != "" && t.Tiers[j].Name == tr.Name {
				p.add(path()+".name", "duplicate name %q (also tiers[%d])", tr.Name, j)
			}
		}
		if !tr.Bounds.valid() {
			p.add(path()+".bounds", "must be one of \"[)\", \"(]\", \"[]\", \"()\", got %q", tr.Bounds)
		}
		if tr.To == nil {
			if i != len(t.Tiers)-1 {
				p.add(path()+".to", "only the last tier may be open-ended (tier %q)", tr.Name)
			}
		} else if c := tr.To.Cmp(tr.From); c < 0 || (c == 0 && tr.Bounds.valid() && tr.Bounds != ClosedClosed) {
			p.add(path()+".to", "tier %q has an empty range %s", tr.Name, tr.rangeString())
		}
		if ok && tooPrecise(tr.Flat, digits) {
			p.add(path()+".flat", placesMsg, tr.Flat, t.Currency, digits)
		}
		if i > 0 && tr.Bounds.valid() && t.Tiers[i-1].Bounds.valid() && t.Tiers[i-1].To != nil {
			prev := &t.Tiers[i-1]
			c := prev.To.Cmp(tr.From)
			switch {
			case tr.From.Cmp(prev.From) < 0:
				p.add(path()+".from", "tiers not sorted: %q %s starts before %q %s", tr.Name, tr.rangeString(), prev.Name, prev.rangeString())
			case c < 0:
				p.add(path()+".from", "gap between tiers %q %s and %q %s", prev.Name, prev.rangeString(), tr.Name, tr.rangeString())
			case c > 0:
				p.add(path()+".from", "overlap between tiers %q %s and %q %s", prev.Name, prev.rangeString(), tr.Name, tr.rangeString())
			case prev.Bounds.toIncl() && tr.Bounds.fromIncl():
				p.add(path()+".bounds", "overlap at %s: both tiers %q and %q include it", tr.From, prev.Name, tr.Name)
			case !prev.Bounds.toIncl() && !tr.Bounds.fromIncl():
				p.add(path()+".bounds", "gap at %s: neither tier %q nor %q includes it", tr.From, prev.Name, tr.Name)
			}
		}
	}
	p.places("min", t.Min, t.Currency, digits, ok)
	p.places("max", t.Max, t.Currency, digits, ok)
	if t.Min != nil && t.Max != nil && t.Min.Cmp(*t.Max) > 0 {
		p.add("min", "min %s exceeds max %s", t.Min, t.Max)
	}
}

// tierPath returns a lazy "tiers[i]" path builder, so validating a good
// table formats nothing.
func tierPath(i int) func() string {
	return func() string { return "tiers[" + strconv.Itoa(i) + "]" }
}

// LineKind names what a statement or evaluation line is. The zero value
// names none.
type LineKind string

// Line kinds.
const (
	LineTier        LineKind = "tier"         // quantity × rate of one tier
	LineFlat        LineKind = "flat"         // a tier's flat amount
	LineFloor       LineKind = "floor"        // raises a total to its minimum
	LineCap         LineKind = "cap"          // lowers a total to its maximum
	LineTargetBase  LineKind = "target-base"  // base paid for meeting a target
	LineTargetExtra LineKind = "target-extra" // extra per unit above the target
	LineTargetMiss  LineKind = "target-miss"  // target not met: nothing paid
	LineGate        LineKind = "gate"         // a failed gate zeroes the bonus
)

func (k LineKind) valid() bool {
	switch k {
	case LineTier, LineFlat, LineFloor, LineCap, LineTargetBase, LineTargetExtra, LineTargetMiss, LineGate:
		return true
	}
	return false
}

// Line explains one amount: which rule (Source, Tier) applied to what
// Quantity at what Rate, the Exact product in major units, the Rounding
// applied, and the rounded Amount. Lines are rounded one by one and then
// summed.
type Line struct {
	Kind     LineKind     `json:"kind"`
	Source   string       `json:"source,omitempty"`
	Tier     string       `json:"tier,omitempty"`
	Quantity Decimal      `json:"quantity"`
	Rate     Decimal      `json:"rate"`
	Exact    Decimal      `json:"exact"`
	Rounding RoundingMode `json:"rounding"`
	Amount   Money        `json:"amount"`
	Note     string       `json:"note,omitempty"`
}

// Result is the outcome of evaluating a Table or TargetBonus: its lines and
// their sum.
type Result struct {
	Lines []Line `json:"lines"`
	Total Money  `json:"total"`
}

// newLine computes quantity × rate, rounds it to minor units and returns
// the explained line.
func newLine(kind LineKind, source, tier string, c Currency, digits int, q, rate Decimal, mode RoundingMode) (Line, error) {
	exact, err := q.Mul(rate)
	if err != nil {
		return Line{}, fmt.Errorf("incentive: %s %s: %w", source, tier, err)
	}
	r, err := exact.Round(digits, mode)
	if err != nil {
		return Line{}, fmt.Errorf("incentive: %s %s: %w", source, tier, err)
	}
	return Line{Kind: kind, Source: source, Tier: tier, Quantity: q, Rate: rate, Exact: exact,
		Rounding: mode.Applied(), Amount: Money{Currency: c, Minor: r.coef}}, nil
}

var one = Decimal{coef: 1}

// Evaluate prices quantity q. It validates t on every call (for a valid
// table this formats and allocates nothing); a Plan made with Compile
// validates its table once. A quantity below the first tier or above a
// closed last tier is ErrOutOfRange. Fractional quantities are exact.
func (t *Table) Evaluate(q Decimal) (Result, error) {
	if err := t.Validate(); err != nil {
		return Result{}, err
	}
	digits, _ := t.Currency.Digits()
	return t.evaluate(q, digits, nil)
}

// evaluate assumes a valid table; lines are appended to buf.
func (t *Table) evaluate(q Decimal, digits int, buf []Line) (Result, error) {
	if buf == nil {
		buf = make([]Line, 0, len(t.Tiers)+2)
	}
	res := Result{Lines: buf, Total: Money{Currency: t.Currency}}
	first, last := &t.Tiers[0], &t.Tiers[len(t.Tiers)-1]
	if !first.reached(q) || last.passed(q) {
		return Result{}, fmt.Errorf("%w: %s outside %s..%s of table %q", ErrOutOfRange, q, first.rangeString(), last.rangeString(), t.Name)
	}
	switch t.Mode {
	case Graduated:
		for i := range t.Tiers {
			tr := &t.Tiers[i]
			if !tr.reached(q) {
				break
			}
			upper := q
			if tr.To != nil && q.Cmp(*tr.To) > 0 {
				upper = *tr.To
			}
			part, err := upper.Sub(tr.From)
			if err != nil {
				return Result{}, err
			}
			l, err := newLine(LineTier, t.Name, tr.Name, t.Currency, digits, part, tr.Rate, t.Rounding)
			if err != nil {
				return Result{}, err
			}
			if err := res.add(l); err != nil {
				return Result{}, err
			}
			if err := res.addFlat(t, tr, digits); err != nil {
				return Result{}, err
			}
		}
	default: // Volume
		for i := range t.Tiers {
			tr := &t.Tiers[i]
			if !tr.contains(q) {
				continue
			}
			l, err := newLine(LineTier, t.Name, tr.Name, t.Currency, digits, q, tr.Rate, t.Rounding)
			if err != nil {
				return Result{}, err
			}
			if err := res.add(l); err != nil {
				return Result{}, err
			}
			if err := res.addFlat(t, tr, digits); err != nil {
				return Result{}, err
			}
			break
		}
	}
	if err := clampTotal(&res, t.Name, t.Min, t.Max, digits, t.Rounding); err != nil {
		return Result{}, err
	}
	return res, nil
}

// add appends a line and adds its amount to the total.
func (r *Result) add(l Line) error {
	r.Lines = append(r.Lines, l)
	var err error
	r.Total, err = r.Total.Add(l.Amount)
	return err
}

// addFlat appends the tier's flat amount, if any.
func (r *Result) addFlat(t *Table, tr *Tier, digits int) error {
	if tr.Flat.IsZero() {
		return nil
	}
	l, err := newLine(LineFlat, t.Name, tr.Name, t.Currency, digits, one, tr.Flat, t.Rounding)
	if err != nil {
		return err
	}
	return r.add(l)
}

// clampTotal appends a floor or cap line when the total is outside [min, max].
func clampTotal(res *Result, source string, min, max *Decimal, digits int, mode RoundingMode) error {
	bound := func(d *Decimal) int64 {
		r, _ := d.Round(digits, mode) // validated: fits the currency
		return r.coef
	}
	var target int64
	var kind LineKind
	switch {
	case min != nil && res.Total.Minor < bound(min):
		target, kind = bound(min), LineFloor
	case max != nil && res.Total.Minor > bound(max):
		target, kind = bound(max), LineCap
	default:
		return nil
	}
	diff := Money{Currency: res.Total.Currency, Minor: target}
	diff, err := diff.Sub(res.Total)
	if err != nil {
		return err
	}
	exact, _ := NewDecimal(diff.Minor, digits)
	res.Lines = append(res.Lines, Line{Kind: kind, Source: source, Quantity: one, Rate: exact, Exact: exact,
		Rounding: mode.Applied(), Amount: diff, Note: fmt.Sprintf("total limited to %s", Money{Currency: res.Total.Currency, Minor: target})})
	res.Total.Minor = target
	return nil
}

// TargetBonus pays nothing below Target, Base at Target, and PerUnit for
// every unit (or fraction of a unit) above it, up to an optional Cap on the
// total. Amounts are in major units of Currency. It is the seeds' "base
// bonus for meeting the target, extra reward for exceeding it".
type TargetBonus struct {
	Name     string       `json:"name"`
	Currency Currency     `json:"currency"`
	Rounding RoundingMode `json:"rounding,omitempty"`
	Target   Decimal      `json:"target"`
	Base     Decimal      `json:"base"`
	PerUnit  Decimal      `json:"per_unit"`
	Cap      *Decimal     `json:"cap,omitempty"`
}

// Validate reports every problem with b at once.
func (b *TargetBonus) Validate() error {
	var p problems
	b.validate(&p)
	return p.err()
}

func (b *TargetBonus) validate(p *problems) {
	digits, ok := p.money(b.Currency, b.Rounding)
	if b.Base.Sign() < 0 {
		p.add("base", "must not be negative, got %s", b.Base)
	}
	if b.PerUnit.Sign() < 0 {
		p.add("per_unit", "must not be negative, got %s", b.PerUnit)
	}
	p.places("base", &b.Base, b.Currency, digits, ok)
	p.places("cap", b.Cap, b.Currency, digits, ok)
	if b.Cap != nil {
		if b.Cap.Cmp(b.Base) < 0 {
			p.add("cap", "cap %s is below the base %s", b.Cap, b.Base)
		}
	}
}

// Evaluate computes the bonus for achievement q (for example 97.5, an
// attainment percentage). It validates b first.
func (b *TargetBonus) Evaluate(q Decimal) (Result, error) {
	if err := b.Validate(); err != nil {
		return Result{}, err
	}
	digits, _ := b.Currency.Digits()
	return b.evaluate(q, digits, nil)
}

func (b *TargetBonus) evaluate(q Decimal, digits int, buf []Line) (Result, error) {
	res := Result{Lines: buf, Total: Money{Currency: b.Currency}}
	if q.Cmp(b.Target) < 0 {
		res.Lines = append(res.Lines, Line{Kind: LineTargetMiss, Source: b.Name, Quantity: q, Rounding: b.Rounding.Applied(),
			Amount: res.Total, Note: "below target " + b.Target.String()})
		return res, nil
	}
	base, err := newLine(LineTargetBase, b.Name, "", b.Currency, digits, one, b.Base, b.Rounding)
	if err != nil {
		return Result{}, err
	}
	res.Lines = append(res.Lines, base)
	res.Total = base.Amount
	above, err := q.Sub(b.Target)
	if err != nil {
		return Result{}, err
	}
	if above.Sign() > 0 && !b.PerUnit.IsZero() {
		extra, err := newLine(LineTargetExtra, b.Name, "", b.Currency, digits, above, b.PerUnit, b.Rounding)
		if err != nil {
			return Result{}, err
		}
		res.Lines = append(res.Lines, extra)
		if res.Total, err = res.Total.Add(extra.Amount); err != nil {
			return Result{}, err
		}
	}
	if err := clampTotal(&res, b.Name, nil, b.Cap, digits, b.Rounding); err != nil {
		return Result{}, err
	}
	return res, nil
}
