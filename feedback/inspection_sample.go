package feedback

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strconv"
	"time"
)

// DefaultSampleRate is the share of handled work a spot check covers when
// a SamplePlan leaves Rate at zero: the seeds ask "double
// random" spot checks to cover at least 20 %.
const DefaultSampleRate = 0.20

// ClosedItem is one piece of handled work that may be inspected: a closed
// ticket, a call, a chat. Dimensions say whose and where it was (Agent,
// Team, ...; no question, no sheet).
type ClosedItem struct {
	ID       string    `json:"id"`
	ClosedAt time.Time `json:"closed_at"`
	Dimensions
}

// SamplePlan says how to draw a stratified spot-check sample.
//
// The items are split into strata by the dimensions of By (default
// team+agent: one stratum per agent within each team). Each stratum of n
// items gives up ⌈n × Rate⌉ of them, at least MinPerStratum (or all n when
// it has fewer), so every agent and every team is covered at the rate
// whatever its size. Rate is read as the decimal it prints as (0.2 is
// exactly one fifth), so 20 % of 10 items is 2, never 3. Seed makes the
// draw reproducible: the same plan and the same items, in any order, give
// the same sample on every run and platform. Draw each period with a seed
// of its own (see PeriodSeed) and keep it with the sample, so anyone can
// redraw it to audit.
//
// With Inspectors, each picked item also gets an inspector drawn at random
// from them, never the item's own agent: the second random of "double
// random" spot checks.
type SamplePlan struct {
	Rate          float64  `json:"rate,omitempty"`
	MinPerStratum int      `json:"min_per_stratum,omitempty"`
	By            Slicing  `json:"by,omitempty"`
	Seed          uint64   `json:"seed"`
	Inspectors    []string `json:"inspectors,omitempty"`
}

// rate returns the plan's rate with its default.
func (p SamplePlan) rate() float64 { return cmp.Or(p.Rate, DefaultSampleRate) }

// by returns the plan's slicing with its default.
func (p SamplePlan) by() Slicing { return cmp.Or(p.By, SliceBy(DimAgent, DimTeam)) }

// Validate reports every problem of the plan at once: a rate outside
// (0, 1], a negative minimum, an invalid slicing or one by question or
// sheet, and empty or repeated inspectors.
func (p SamplePlan) Validate() error {
	var errs []error
	if r := p.rate(); !(r > 0 && r <= 1) {
		errs = append(errs, fieldErr("rate", "must be in (0, 1], got %v", p.Rate))
	}
	if p.MinPerStratum < 0 {
		errs = append(errs, fieldErr("min_per_stratum", "must not be negative, got %d", p.MinPerStratum))
	}
	if err := p.by().Validate(); err != nil {
		errs = append(errs, prefix("by", err))
	} else if p.by()&noQuestionNoSheet != 0 {
		errs = append(errs, fieldErr("by", "items are work, not answers: %q has no question or sheet to stratify by", p.by()))
	}
	errs = append(errs, checkIDs(len(p.Inspectors), func(i int) string { return p.Inspectors[i] }, indexed("inspectors[%d]"), "inspector")...)
	return errors.Join(errs...)
}

// Pick is one item drawn for inspection, with its inspector (empty when
// the plan names none).
type Pick struct {
	ClosedItem
	Inspector string `json:"inspector,omitempty"`
}

// Stratum is one stratum of a sample (or a roll-up of several, see
// Sample.CoverageBy): its values, how many items it had and how many were
// drawn.
type Stratum struct {
	Slice   Dimensions `json:"slice,omitzero"`
	Items   int        `json:"items"`
	Sampled int        `json:"sampled"`
}

// Coverage returns the percentage of the stratum's items that were drawn
// (0 for a stratum without items).
func (s Stratum) Coverage() float64 {
	if s.Items == 0 {
		return 0
	}
	return 100 * float64(s.Sampled) / float64(s.Items)
}

// Sample is a drawn spot-check sample: the plan (its defaults filled in,
// so that the stored plan redraws the same sample even if a default
// changes), the picks (by stratum, then by item id) and every stratum
// (ordered by its values). It is a plain value, ready to store.
type Sample struct {
	Plan   SamplePlan `json:"plan"`
	Picks  []Pick     `json:"picks"`
	Strata []Stratum  `json:"strata"`
}

// DrawSample draws a stratified sample of items by plan (see SamplePlan).
// Every problem of the plan and the items is reported at once (items with
// an empty or repeated id, a zero closing time, a question or a sheet; at
// most 20 of them are listed); an item whose only possible inspector is
// its own agent is an error too.
func DrawSample(plan SamplePlan, items []ClosedItem) (Sample, error) {
	errs := []error{prefix("plan", plan.Validate())}
	bad := checkIDs(len(items), func(i int) string { return items[i].ID }, indexed("items[%d].id"), "item")
	for i, it := range items {
		path := pathf("items[%d]", i)
		if it.ClosedAt.IsZero() {
			bad = append(bad, fieldErr(path+".closed_at", "zero time"))
		}
		for _, d := range noQuestionNoSheet.Dimensions() {
			if it.Get(d) != "" {
				bad = append(bad, fieldErr(path+"."+d.String(), "an item of work carries no %s", d))
			}
		}
	}
	if len(bad) > maxBatchErrors {
		bad = append(bad[:maxBatchErrors], fieldErr("items", "%d more problems", len(bad)-maxBatchErrors))
	}
	if err := errors.Join(append(errs, bad...)...); err != nil {
		return Sample{}, err
	}
	return draw(plan, items)
}

// draw samples checked items.
func draw(plan SamplePlan, items []ClosedItem) (Sample, error) {
	by, rate := plan.by(), decimalRate(plan.rate())
	type ranked struct {
		key  uint64
		item *ClosedItem
	}
	strata := map[Dimensions][]ranked{}
	for i := range items {
		k := items[i].keep(by)
		strata[k] = append(strata[k], ranked{mix(plan.Seed, items[i].ID, 0), &items[i]})
	}
	keys := slices.SortedFunc(maps.Keys(strata), compareDims)
	inspectors := slices.Sorted(slices.Values(plan.Inspectors))
	s := Sample{Plan: plan, Picks: []Pick{}, Strata: make([]Stratum, 0, len(keys))}
	s.Plan.Rate, s.Plan.By, s.Plan.Inspectors = plan.rate(), by, slices.Clone(plan.Inspectors)
	var errs []error
	for _, k := range keys {
		rs := strata[k]
		slices.SortFunc(rs, func(a, b ranked) int { return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.item.ID, b.item.ID)) })
		n := sampleSize(len(rs), rate, plan.MinPerStratum)
		picked := rs[:n]
		slices.SortFunc(picked, func(a, b ranked) int { return cmp.Compare(a.item.ID, b.item.ID) })
		for _, r := range picked {
			p := Pick{ClosedItem: *r.item}
			if len(inspectors) > 0 {
				var err error
				if p.Inspector, err = inspectorFor(plan.Seed, r.item, inspectors); err != nil {
					errs = append(errs, err)
				}
			}
			s.Picks = append(s.Picks, p)
		}
		s.Strata = append(s.Strata, Stratum{Slice: k, Items: len(rs), Sampled: n})
	}
	if err := errors.Join(errs...); err != nil {
		return Sample{}, err
	}
	return s, nil
}

// inspectorFor draws the inspector of an item among the sorted inspectors,
// leaving out the item's agent.
func inspectorFor(seed uint64, it *ClosedItem, inspectors []string) (string, error) {
	eligible := inspectors
	if i, ok := slices.BinarySearch(inspectors, it.Agent); ok {
		eligible = append(slices.Clone(inspectors[:i]), inspectors[i+1:]...)
	}
	if len(eligible) == 0 {
		return "", fieldErr("plan.inspectors", "item %q: no inspector but its own agent %q", it.ID, it.Agent)
	}
	return eligible[mix(seed, it.ID, 1)%uint64(len(eligible))], nil
}

// CoverageBy rolls the strata up to a coarser slicing, one whose
// dimensions are all in the plan's (for example the teams of a sample
// stratified by team+agent); by 0 gives one stratum for the whole sample.
func (s Sample) CoverageBy(by Slicing) ([]Stratum, error) {
	if by != 0 {
		if err := by.Validate(); err != nil {
			return nil, prefix("by", err)
		}
	}
	if planBy := s.Plan.by(); by&^planBy != 0 {
		return nil, fieldErr("by", "%q is not within the sample's strata %q", by, planBy)
	}
	at := map[Dimensions]int{}
	var out []Stratum
	for _, st := range s.Strata {
		k := st.Slice.keep(by)
		i, ok := at[k]
		if !ok {
			i, at[k] = len(out), len(out)
			out = append(out, Stratum{Slice: k})
		}
		out[i].Items += st.Items
		out[i].Sampled += st.Sampled
	}
	slices.SortFunc(out, func(a, b Stratum) int { return compareDims(a.Slice, b.Slice) })
	return out, nil
}

// PeriodSeed derives the seed of one period's sample from a base seed and
// the period's window, so that each period's draw differs and any one can
// be redrawn from the base seed and the window.
func PeriodSeed(base uint64, w Window) uint64 {
	return mix(base, w.Granularity.String()+" "+w.Label(), 2)
}

// decimalRate returns rate as the decimal that prints it (0.2 as 1/5).
func decimalRate(rate float64) *big.Rat {
	r, ok := new(big.Rat).SetString(strconv.FormatFloat(rate, 'g', -1, 64))
	if !ok { // unreachable for a finite rate; the binary value is exact too
		r = new(big.Rat).SetFloat64(rate)
	}
	return r
}

// sampleSize returns how many of n items a stratum gives up: ⌈n × rate⌉,
// at least min(minimum, n), at most n.
func sampleSize(n int, rate *big.Rat, minimum int) int {
	if n <= 0 {
		return 0
	}
	num := new(big.Int).Mul(big.NewInt(int64(n)), rate.Num())
	den := rate.Denom()
	k, m := new(big.Int).QuoRem(num, den, new(big.Int))
	if m.Sign() > 0 {
		k.Add(k, big.NewInt(1))
	}
	size := n
	if k.IsInt64() && k.Int64() < int64(n) {
		size = int(k.Int64())
	}
	return min(max(size, minimum, 0), n)
}

// mix hashes id (FNV-1a) and mixes it with seed and salt (SplitMix64): the
// rank of an item in its stratum (salt 0) and the draw of its inspector
// (salt 1), the same on every platform.
func mix(seed uint64, id string, salt uint64) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= 1099511628211
	}
	return splitmix(h ^ splitmix(seed+salt*0x9e3779b97f4a7c15))
}

func splitmix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// String formats the stratum for a report line, e.g.
// "agent=a-1 team=t-1: 3 of 12 (25.0 %)".
func (s Stratum) String() string {
	var parts []byte
	for _, d := range s.Slice.Slicing().Dimensions() {
		parts = fmt.Appendf(parts, "%s=%s ", d, s.Slice.Get(d))
	}
	if len(parts) == 0 {
		parts = []byte("all ")
	}
	return fmt.Sprintf("%s: %d of %d (%.1f %%)", parts[:len(parts)-1], s.Sampled, s.Items, s.Coverage())
}
