package workforce

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/sqkit/sqkit/sla"
)

// maxQueueTerms bounds the queue states Erlang A sums over.
const maxQueueTerms = 10_000_000

// AbandonPerformance is what Erlang A (M/M/N+M, Palm's model with
// exponential patience) predicts for a number of agents facing a load
// whose callers give up after Patience on average. Unlike Erlang C the
// queue is stable at any load: callers who wait too long leave.
type AbandonPerformance struct {
	Agents   int          `json:"agents"`
	Erlangs  float64      `json:"erlangs"`
	Patience sla.Duration `json:"patience"`
	// ProbWait is the probability that a contact has to wait at all.
	ProbWait float64 `json:"prob_wait"`
	// ProbAbandon is the share of offered contacts that hang up before an
	// agent answers.
	ProbAbandon float64 `json:"prob_abandon"`
	// MeanWait is the mean time in queue over all offered contacts, those
	// answered at once and those who abandon included (Little's law on the
	// queue length).
	MeanWait sla.Duration `json:"mean_wait"`
	// Occupancy is the carried traffic per agent, Erlangs*(1-ProbAbandon)/Agents.
	Occupancy float64 `json:"occupancy"`
}

// ErlangA returns the Erlang A performance of agents facing load l when
// callers abandon after an exponentially distributed patience with mean
// patience. It sums the birth-death chain of the model: the states up to
// N agents busy weigh 1/B(N, A) relative to the state with all N busy (the
// Erlang B recursion, no factorials), and queue state N+k weighs
// prod_{i<=k} A/(N + i*h/patience); sums are kept rescaled so that no term
// overflows, and the series stops once its remaining tail is below 1e-16
// of the sum. The service level within a time is not computed (it needs
// incomplete gamma functions); use ErlangC's as a bound, since abandonment
// only improves the wait of those who stay.
func ErlangA(agents int, l Load, patience time.Duration) (AbandonPerformance, error) {
	var errs []error
	if agents < 0 || agents > MaxAgents {
		errs = append(errs, inputErr("agents must be between 0 and %d, got %d", MaxAgents, agents))
	}
	if patience <= 0 {
		errs = append(errs, inputErr("patience must be positive, got %s", patience))
	}
	errs = append(errs, l.validate("load.")...)
	if len(errs) > 0 {
		return AbandonPerformance{}, errors.Join(errs...)
	}
	a := l.erlangs()
	p := AbandonPerformance{Agents: agents, Erlangs: a, Patience: sla.Duration(patience)}
	if a == 0 {
		return p, nil
	}
	n := float64(agents)
	r := float64(l.HandleTime) / float64(patience) // theta/mu
	if k := (a - n) / r; k > maxQueueTerms/2 {
		return p, fmt.Errorf("%w: %.6g Erlangs on %d agents with patience %s would need more than %d queue states; use ErlangC",
			ErrUnreachable, a, agents, patience, maxQueueTerms)
	}
	inv := 1.0 // 1/B(N, A): the weight of states 0..N relative to state N
	if agents > 0 {
		inv = invB(agents, a)
	}
	const (
		big     = 1e250
		logBig  = 575.6462732485114 // ln(1e250)
		epsTail = 1e-16
	)
	t, s, q, logScale := 1.0, 0.0, 0.0, 0.0 // t = t_k, s = sum t_k (k>=1), q = sum k t_k, all times exp(-logScale)
	for k := 1; ; k++ {
		if k > maxQueueTerms {
			return p, fmt.Errorf("%w: the queue series did not converge within %d states", ErrUnreachable, maxQueueTerms)
		}
		ratio := a / (n + float64(k)*r)
		t *= ratio
		s += t
		q += float64(k) * t
		if t > big {
			t, s, q, logScale = t/big, s/big, q/big, logScale+logBig
		}
		if ratio < 1 {
			// Later ratios are smaller still, so the tails are bounded by
			// geometric series with ratio `ratio`.
			tailS := t * ratio / (1 - ratio)
			tailQ := t * ratio * (float64(k) + 1/(1-ratio)) / (1 - ratio)
			if tailS <= epsTail*s && tailQ <= epsTail*q || t == 0 {
				break
			}
		}
	}
	// Z = inv + S (actual values); P(wait) = (1 + S)/Z; E[Q] = Q/Z.
	scale := math.Exp(-logScale) // weight of actual-scale values in stored units
	z := inv*scale + s
	if math.IsInf(inv, 1) || math.IsInf(z, 1) {
		return p, nil // all agents essentially never busy: nobody waits
	}
	p.ProbWait = clamp01((scale + s) / z)
	meanQ := q / z
	p.ProbAbandon = clamp01(r * meanQ / a)
	p.MeanWait = durationOf(meanQ / a * float64(l.HandleTime))
	if agents > 0 {
		p.Occupancy = clamp01(a * (1 - p.ProbAbandon) / n)
	}
	return p, nil
}

func clamp01(x float64) float64 {
	if math.IsNaN(x) {
		return 0
	}
	return min(max(x, 0), 1)
}
