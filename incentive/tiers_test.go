package incentive

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func dp(s string) *Decimal { d := MustDecimal(s); return &d }

// stripeTiers is the table of Stripe's tiered-pricing guide (fonts per
// month): 1-5 at USD 7, 6-10 at USD 6.50, 11+ at USD 6, with Stripe's
// "up to and including" upper bounds.
func stripeTiers(mode Mode) Table {
	return Table{
		Name: "fonts", Mode: mode, Currency: "USD",
		Tiers: []Tier{
			{Name: "first", From: MustDecimal("0"), To: dp("5"), Bounds: ClosedClosed, Rate: MustDecimal("7")},
			{Name: "second", From: MustDecimal("5"), To: dp("10"), Bounds: OpenClosed, Rate: MustDecimal("6.50")},
			{Name: "third", From: MustDecimal("10"), Bounds: OpenClosed, Rate: MustDecimal("6")},
		},
	}
}

func total(t *testing.T, tb Table, q string) string {
	t.Helper()
	r, err := tb.Evaluate(MustDecimal(q))
	require.NoError(t, err)
	var sum int64
	for _, l := range r.Lines {
		sum += l.Amount.Minor
	}
	require.Equal(t, r.Total.Minor, sum, "lines must sum to the total")
	return r.Total.String()
}

func TestStripeVolume(t *testing.T) {
	tb := stripeTiers(Volume)
	// Stripe's published volume figures.
	for q, want := range map[string]string{"1": "USD 7.00", "5": "USD 35.00", "6": "USD 39.00", "20": "USD 120.00", "25": "USD 150.00"} {
		assert.Equal(t, want, total(t, tb, q), "q=%s", q)
	}
	// Hand-computed boundaries: 5 is in "first", anything above in "second".
	assert.Equal(t, "USD 0.00", total(t, tb, "0"))
	assert.Equal(t, "USD 32.50", total(t, tb, "5.0000001")) // 5.0000001 × 6.50 = 32.50000065
	assert.Equal(t, "USD 65.00", total(t, tb, "10"))
	// Stripe warns that volume totals "might decrease". With these rates an
	// exact fractional quantity shows it: 10 fonts cost 65.00, 10.5 cost 63.00.
	assert.Equal(t, "USD 63.00", total(t, tb, "10.5"))
	assert.Equal(t, "USD 66.00", total(t, tb, "11"))
	// Below the table.
	_, err := tb.Evaluate(MustDecimal("-1"))
	require.ErrorIs(t, err, ErrOutOfRange)
}

func TestVolumeNotMonotone(t *testing.T) {
	// A reconstructed table with a steeper discount: 1-10 at 10.00, 11+ at 8.00.
	tb := Table{Name: "steep", Mode: Volume, Currency: "USD", Tiers: []Tier{
		{Name: "a", From: MustDecimal("0"), To: dp("10"), Bounds: ClosedClosed, Rate: MustDecimal("10")},
		{Name: "b", From: MustDecimal("10"), Bounds: OpenClosed, Rate: MustDecimal("8")},
	}}
	assert.Equal(t, "USD 100.00", total(t, tb, "10"))
	assert.Equal(t, "USD 88.00", total(t, tb, "11")) // buying more costs less
	tb.Mode = Graduated
	assert.Equal(t, "USD 100.00", total(t, tb, "10"))
	assert.Equal(t, "USD 108.00", total(t, tb, "11")) // graduated stays monotone
}

func TestStripeGraduated(t *testing.T) {
	tb := stripeTiers(Graduated)
	for q, want := range map[string]string{
		"0": "USD 0.00", "1": "USD 7.00", "5": "USD 35.00", "6": "USD 41.50",
		"10": "USD 67.50", "11": "USD 73.50", "20": "USD 127.50", "25": "USD 157.50",
		"97.5": "USD 592.50", // 35 + 32.50 + 87.5 × 6
	} {
		assert.Equal(t, want, total(t, tb, q), "q=%s", q)
	}
	r, err := tb.Evaluate(MustDecimal("6"))
	require.NoError(t, err)
	require.Len(t, r.Lines, 2)
	assert.Equal(t, "first", r.Lines[0].Tier)
	assert.Equal(t, "5", r.Lines[0].Quantity.String())
	assert.Equal(t, "second", r.Lines[1].Tier)
	assert.Equal(t, "1", r.Lines[1].Quantity.String())
	assert.Equal(t, "6.50", r.Lines[1].Exact.String())
}

func TestFlatAmounts(t *testing.T) {
	tb := stripeTiers(Graduated)
	tb.Tiers[0].Flat = MustDecimal("1")
	tb.Tiers[1].Flat = MustDecimal("2")
	tb.Tiers[2].Flat = MustDecimal("3")
	assert.Equal(t, "USD 36.00", total(t, tb, "5"))  // 35 + first flat
	assert.Equal(t, "USD 44.50", total(t, tb, "6"))  // 41.50 + 1 + 2
	assert.Equal(t, "USD 70.50", total(t, tb, "10")) // 67.50 + 1 + 2: 10 does not reach "third"
	assert.Equal(t, "USD 79.50", total(t, tb, "11")) // 73.50 + 1 + 2 + 3
	tb.Mode = Volume
	assert.Equal(t, "USD 41.00", total(t, tb, "6")) // 39 + 2
	assert.Equal(t, "USD 69.00", total(t, tb, "11"))
}

func TestPerLineRounding(t *testing.T) {
	// Two tiers each yield half a cent; half-even rounds each line, then sums.
	tb := Table{Name: "r", Mode: Graduated, Currency: "USD", Tiers: []Tier{
		{Name: "a", From: MustDecimal("0"), To: dp("1"), Bounds: ClosedOpen, Rate: MustDecimal("0.125")},
		{Name: "b", From: MustDecimal("1"), Bounds: ClosedOpen, Rate: MustDecimal("0.135")},
	}}
	// a: 0.125 → 0.12 (even); b: 1 × 0.135 → 0.14 (even); total 0.26, the
	// same as rounding the exact sum 0.26. The other modes show the lines
	// being rounded one by one:
	assert.Equal(t, "USD 0.26", total(t, tb, "2"))
	tb.Rounding = Down
	assert.Equal(t, "USD 0.25", total(t, tb, "2")) // 0.12 + 0.13; the exact sum 0.26 would not drop a cent
	tb.Rounding = Up
	assert.Equal(t, "USD 0.27", total(t, tb, "2"))
	tb.Rounding = HalfUp
	assert.Equal(t, "USD 0.27", total(t, tb, "2"))
}

func TestMinMax(t *testing.T) {
	tb := stripeTiers(Volume)
	tb.Min = dp("10")
	tb.Max = dp("100")
	assert.Equal(t, "USD 10.00", total(t, tb, "1"))
	assert.Equal(t, "USD 100.00", total(t, tb, "20"))
	r, err := tb.Evaluate(MustDecimal("20"))
	require.NoError(t, err)
	assert.Equal(t, LineCap, r.Lines[len(r.Lines)-1].Kind)
	assert.Equal(t, int64(-2000), r.Lines[len(r.Lines)-1].Amount.Minor)
}

func TestTableValidate(t *testing.T) {
	tb := Table{Name: "bad", Mode: "tiered", Currency: "XYZ", Rounding: 9, Tiers: []Tier{
		{Name: "a", From: MustDecimal("0"), To: dp("10"), Bounds: ClosedOpen},
		{Name: "b", From: MustDecimal("12"), To: dp("20"), Bounds: ClosedOpen}, // gap 10..12
		{Name: "c", From: MustDecimal("15"), To: dp("30"), Bounds: ClosedOpen}, // overlap 15..20
		{Name: "c", From: MustDecimal("30"), To: dp("40"), Bounds: OpenClosed}, // gap at 30, dup name
		{Name: "e", From: MustDecimal("40"), To: dp("40"), Bounds: "[x"},
		{Name: "", From: MustDecimal("40"), Bounds: ClosedOpen},
	}}
	err := tb.Validate()
	require.Error(t, err)
	require.ErrorIs(t, err, ErrInvalid)
	msg := err.Error()
	for _, want := range []string{
		`mode: must be`, `currency:`, `rounding:`,
		`tiers[1].from: gap between tiers "a" [0, 10) and "b" [12, 20)`,
		`tiers[2].from: overlap between tiers "b" [12, 20) and "c" [15, 30)`,
		`tiers[3].bounds: gap at 30: neither tier "c" nor "c" includes it`,
		`tiers[3].name: duplicate name "c"`,
		`tiers[4].bounds: must be one of`,
		`tiers[5].name: is required`,
	} {
		assert.Contains(t, msg, want)
	}
	var fe *FieldError
	require.True(t, errors.As(err, &fe))

	overlap := stripeTiers(Volume)
	overlap.Tiers[1].Bounds = ClosedClosed
	require.ErrorContains(t, overlap.Validate(), `overlap at 5: both tiers "first" and "second" include it`)
	open := stripeTiers(Volume)
	open.Tiers[0].To = nil
	require.ErrorContains(t, open.Validate(), `only the last tier may be open-ended`)
	empty := stripeTiers(Volume)
	empty.Tiers[1].To = dp("4")
	require.ErrorContains(t, empty.Validate(), `empty range`)
	_, err = empty.Evaluate(MustDecimal("1"))
	require.ErrorIs(t, err, ErrInvalid)
	ok := stripeTiers(Graduated)
	require.NoError(t, ok.Validate())
	flat := stripeTiers(Volume)
	flat.Tiers[0].Flat = MustDecimal("0.001")
	require.ErrorContains(t, flat.Validate(), "tiers[0].flat")
}

func TestClosedLastTier(t *testing.T) {
	tb := stripeTiers(Volume)
	tb.Tiers[2].To = dp("100")
	assert.Equal(t, "USD 600.00", total(t, tb, "100"))
	_, err := tb.Evaluate(MustDecimal("100.01"))
	require.ErrorIs(t, err, ErrOutOfRange)
}

func TestTargetBonus(t *testing.T) {
	b := TargetBonus{Name: "attainment", Currency: "USD", Target: MustDecimal("100"),
		Base: MustDecimal("500"), PerUnit: MustDecimal("20"), Cap: dp("800")}
	for q, want := range map[string]string{
		"99.99": "USD 0.00", "100": "USD 500.00", "100.001": "USD 500.02",
		"102.5": "USD 550.00", "115": "USD 800.00", "120": "USD 800.00",
	} {
		r, err := b.Evaluate(MustDecimal(q))
		require.NoError(t, err)
		assert.Equal(t, want, r.Total.String(), "q=%s", q)
	}
	r, err := b.Evaluate(MustDecimal("120"))
	require.NoError(t, err)
	require.Len(t, r.Lines, 3)
	assert.Equal(t, []LineKind{LineTargetBase, LineTargetExtra, LineCap}, []LineKind{r.Lines[0].Kind, r.Lines[1].Kind, r.Lines[2].Kind})
	r, err = b.Evaluate(MustDecimal("97.5"))
	require.NoError(t, err)
	assert.Equal(t, LineTargetMiss, r.Lines[0].Kind)

	bad := TargetBonus{Currency: "USD", Base: MustDecimal("-1"), PerUnit: MustDecimal("-2"), Cap: dp("-3"), Rounding: 7}
	err = bad.Validate()
	require.ErrorIs(t, err, ErrInvalid)
	for _, want := range []string{"base:", "per_unit:", "cap:", "rounding:"} {
		assert.Contains(t, err.Error(), want)
	}
}

func TestTableJSONRoundTrip(t *testing.T) {
	tb := stripeTiers(Graduated)
	tb.Tiers[1].Flat = MustDecimal("2.50")
	tb.Max = dp("1000")
	tb.Rounding = HalfUp
	b, err := json.Marshal(tb)
	require.NoError(t, err)
	var back Table
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, tb, back)
	assert.Contains(t, string(b), `"bounds":"(]"`)
	assert.Contains(t, string(b), `"rounding":"half-up"`)

	tg := TargetBonus{Name: "t", Currency: "CNY", Target: MustDecimal("97.5"), Base: MustDecimal("100"), PerUnit: MustDecimal("3.5"), Cap: dp("200")}
	b, err = json.Marshal(tg)
	require.NoError(t, err)
	var tgBack TargetBonus
	require.NoError(t, json.Unmarshal(b, &tgBack))
	assert.Equal(t, tg, tgBack)
}

func FuzzTierEvaluate(f *testing.F) {
	f.Add("6", "0.5", uint8(0))
	f.Add("10", "0.000001", uint8(1))
	f.Add("-3", "100", uint8(2))
	f.Add("9223372036854775807", "1", uint8(3))
	f.Fuzz(func(t *testing.T, qs, ds string, mode uint8) {
		q, err := ParseDecimal(qs)
		if err != nil {
			return
		}
		delta, err := ParseDecimal(ds)
		if err != nil || delta.Sign() < 0 {
			return
		}
		grad := stripeTiers(Graduated)
		grad.Rounding = RoundingMode(mode % 5)
		vol := stripeTiers(Volume)
		vol.Rounding = grad.Rounding
		for _, tb := range []Table{grad, vol} {
			r, err := tb.Evaluate(q)
			if err != nil {
				require.True(t, errors.Is(err, ErrOutOfRange) || errors.Is(err, ErrOverflow) || errors.Is(err, ErrPrecision), err)
				continue
			}
			var sum int64
			for _, l := range r.Lines {
				sum += l.Amount.Minor
			}
			require.Equal(t, r.Total.Minor, sum)
			require.GreaterOrEqual(t, r.Total.Minor, int64(0))
		}
		// Graduated totals never decrease as the quantity grows.
		q2, err := q.Add(delta)
		if err != nil {
			return
		}
		grad.Rounding = Down
		a, err1 := grad.Evaluate(q)
		b, err2 := grad.Evaluate(q2)
		if err1 == nil && err2 == nil {
			require.LessOrEqual(t, a.Total.Minor, b.Total.Minor+2, "q=%s q2=%s", q, q2) // per-line Down rounding may cost a cent per line
		}
	})
}

func TestClosedOpenBoundaries(t *testing.T) {
	tb := *servicePlan().Table // [0,100) 0.50, [100,200) 0.75, [200,∞) 1.00
	tb.Mode = Volume
	for q, want := range map[string]string{
		"0": "USD 0.00", "99.99": "USD 50.00" /* 49.995 half-even */, "100": "USD 75.00",
		"199.999": "USD 150.00", "200": "USD 200.00",
	} {
		r, err := tb.Evaluate(MustDecimal(q))
		require.NoError(t, err)
		assert.Equal(t, want, r.Total.String(), "q=%s", q)
	}
	r, err := tb.Evaluate(MustDecimal("100"))
	require.NoError(t, err)
	assert.Equal(t, "busy", r.Lines[0].Tier)
	tb.Mode = Graduated
	for q, want := range map[string]string{"100": "USD 50.00", "100.01": "USD 50.01", "200": "USD 125.00", "200.5": "USD 125.50"} {
		r, err := tb.Evaluate(MustDecimal(q))
		require.NoError(t, err)
		assert.Equal(t, want, r.Total.String(), "q=%s", q)
	}
}

func TestTableNotSorted(t *testing.T) {
	tb := stripeTiers(Volume)
	tb.Tiers[0], tb.Tiers[1] = tb.Tiers[1], tb.Tiers[0]
	require.ErrorContains(t, tb.Validate(), `tiers not sorted: "first" [0, 5] starts before "second" (5, 10]`)
}

// FuzzTableJSON decodes arbitrary JSON as a table and evaluates it: bad
// definitions must be rejected by Validate, never panic.
func FuzzTableJSON(f *testing.F) {
	good, _ := json.Marshal(stripeTiers(Graduated))
	f.Add(string(good), "7.5")
	f.Add(`{"mode":"volume","currency":"JPY","tiers":[{"name":"a","from":"0","bounds":"[)","rate":"1.5"}]}`, "3")
	f.Add(`{"mode":"graduated","currency":"USD","tiers":[{"name":"a","from":"5","to":"1","bounds":"[]"}]}`, "2")
	f.Add(`{"mode":"volume","currency":"USD","tiers":[{"name":"a","from":"5","to":"1"}]}`, "2") // no bounds: once a panic
	f.Fuzz(func(t *testing.T, def, qs string) {
		var tb Table
		if json.Unmarshal([]byte(def), &tb) != nil {
			return
		}
		q, err := ParseDecimal(qs)
		if err != nil {
			return
		}
		r, err := tb.Evaluate(q)
		if err != nil {
			return
		}
		var sum int64
		for _, l := range r.Lines {
			sum += l.Amount.Minor
		}
		require.Equal(t, r.Total.Minor, sum)
	})
}

func TestCurrencyDigitsInTables(t *testing.T) {
	jpy := Table{Name: "jpy", Mode: Volume, Currency: "JPY", Tiers: []Tier{
		{Name: "all", From: MustDecimal("0"), Bounds: ClosedOpen, Rate: MustDecimal("0.5")},
	}}
	for q, want := range map[string]string{"3": "JPY 2", "5": "JPY 2", "7": "JPY 4", "2.5": "JPY 1"} {
		assert.Equal(t, want, total(t, jpy, q), "q=%s", q) // 1.5→2, 2.5→2, 3.5→4, 1.25→1 (half-even)
	}
	jpy.Tiers[0].Flat = MustDecimal("10.5")
	require.ErrorContains(t, jpy.Validate(), "tiers[0].flat: 10.5 has more places than JPY allows (0)")
	kwd := Table{Name: "kwd", Mode: Graduated, Currency: "KWD", Rounding: Up, Tiers: []Tier{
		{Name: "all", From: MustDecimal("0"), Bounds: ClosedOpen, Rate: MustDecimal("0.0001")},
	}}
	assert.Equal(t, "KWD 0.001", total(t, kwd, "1"))
	assert.Equal(t, "KWD 0.002", total(t, kwd, "11"))
}

func TestQuantityWithTrailingZeros(t *testing.T) {
	// 18 written decimal places of zeros price like the plain quantity.
	assert.Equal(t, "USD 35.00", total(t, stripeTiers(Graduated), "5.000000000000000000"))
	assert.Equal(t, "USD 63.00", total(t, stripeTiers(Volume), "10.50000000000000000"))
}

func TestAllBoundKinds(t *testing.T) {
	// Every bound kind in one table: [0,10] (10,20) [20,30] (30,∞).
	tb := Table{Name: "kinds", Mode: Volume, Currency: "USD", Tiers: []Tier{
		{Name: "a", From: MustDecimal("0"), To: dp("10"), Bounds: ClosedClosed, Rate: MustDecimal("1")},
		{Name: "b", From: MustDecimal("10"), To: dp("20"), Bounds: OpenOpen, Rate: MustDecimal("2")},
		{Name: "c", From: MustDecimal("20"), To: dp("30"), Bounds: ClosedClosed, Rate: MustDecimal("3")},
		{Name: "d", From: MustDecimal("30"), Bounds: OpenClosed, Rate: MustDecimal("4")},
	}}
	require.NoError(t, tb.Validate())
	for q, want := range map[string]string{
		"0": "USD 0.00", "10": "USD 10.00", "10.01": "USD 20.02", "19.99": "USD 39.98",
		"20": "USD 60.00", "30": "USD 90.00", "30.01": "USD 120.04",
	} {
		assert.Equal(t, want, total(t, tb, q), "volume q=%s", q)
	}
	tb.Mode = Graduated
	for q, want := range map[string]string{
		"10": "USD 10.00", "10.01": "USD 10.02", "20": "USD 30.00", "20.5": "USD 31.50",
		"30": "USD 60.00", "30.5": "USD 62.00",
	} {
		assert.Equal(t, want, total(t, tb, q), "graduated q=%s", q)
	}
	_, err := tb.Evaluate(MustDecimal("-0.01"))
	require.ErrorIs(t, err, ErrOutOfRange)
	assert.ErrorContains(t, err, "-0.01 outside [0, 10]..(30, ∞)")
}

func TestValidateReversedTierWithBadBounds(t *testing.T) {
	// A reversed range with missing or malformed bounds is reported, not a panic.
	for _, b := range []Bounds{"", "[", "x"} {
		tb := Table{Name: "t", Mode: Volume, Currency: "USD", Tiers: []Tier{
			{Name: "a", From: MustDecimal("10"), To: dp("5"), Bounds: b, Rate: MustDecimal("1")},
		}}
		var err error
		require.NotPanics(t, func() { err = tb.Validate() }, "bounds %q", b)
		require.ErrorIs(t, err, ErrInvalid)
		assert.ErrorContains(t, err, "tiers[0].bounds")
		assert.ErrorContains(t, err, "tiers[0].to")
	}
}
