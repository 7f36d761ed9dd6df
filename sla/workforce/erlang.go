package workforce

import (
	"errors"
	"math"
	"time"

	"github.com/sqkit/sqkit/sla"
)

// MaxAgents is the largest number of agents the Erlang functions evaluate
// and search. Traffic of MaxAgents Erlangs or more cannot be staffed, and a
// target not met by MaxAgents agents is reported as ErrUnreachable. The
// arithmetic itself stays exact far beyond it; the bound keeps the cost of
// one call (linear in the number of agents) below a millisecond.
const MaxAgents = 100_000

// Load is the work offered in one interval: Contacts arriving during
// Interval, each needing HandleTime of an agent on average (talk plus
// wrap-up). Its traffic in Erlangs is Contacts*HandleTime/Interval.
type Load struct {
	Contacts   float64      `json:"contacts"`
	Interval   sla.Duration `json:"interval"`
	HandleTime sla.Duration `json:"handle_time"`
}

// Erlangs returns the offered traffic Contacts*HandleTime/Interval, or 0
// for a load that does not validate.
func (l Load) Erlangs() float64 {
	if l.Validate() != nil {
		return 0
	}
	return l.erlangs()
}

func (l Load) erlangs() float64 {
	return l.Contacts * (float64(l.HandleTime) / float64(l.Interval))
}

// Validate reports every problem of the load at once: a negative or
// non-finite contact count, a non-positive interval or handle time, and
// traffic of MaxAgents Erlangs or more.
func (l Load) Validate() error { return errors.Join(l.validate("")...) }

func (l Load) validate(p string) []error {
	var errs []error
	if math.IsNaN(l.Contacts) || math.IsInf(l.Contacts, 0) || l.Contacts < 0 {
		errs = append(errs, fieldErr(p+"contacts", "must be a finite number >= 0, got %v", l.Contacts))
	}
	if l.Interval <= 0 {
		errs = append(errs, fieldErr(p+"interval", "must be positive, got %s", l.Interval))
	}
	if l.HandleTime <= 0 {
		errs = append(errs, fieldErr(p+"handle_time", "must be positive, got %s", l.HandleTime))
	}
	if len(errs) == 0 {
		if a := l.erlangs(); !(a < MaxAgents) {
			errs = append(errs, fieldErr(p+"contacts", "traffic %.6g Erlangs is not below MaxAgents (%d)", a, MaxAgents))
		}
	}
	return errs
}

// Performance is what Erlang C predicts for a number of agents facing a
// load. When Stable is false (agents <= Erlangs) the queue grows without
// bound: ProbWait is 1, ServiceLevel 0, Occupancy 1 and ASA is not defined
// (reported as 0).
type Performance struct {
	Agents  int     `json:"agents"`
	Erlangs float64 `json:"erlangs"`
	Stable  bool    `json:"stable"`
	// ProbWait is the probability that a contact waits at all (Erlang C).
	ProbWait float64 `json:"prob_wait"`
	// ASA is the average speed of answer: the mean wait over all contacts,
	// those answered at once included.
	ASA sla.Duration `json:"asa"`
	// ServiceLevel is the share of all offered contacts answered within
	// AnswerWithin (the "X/T" service level; in Erlang C nobody abandons, so
	// answered-within-T over offered and over answered coincide).
	ServiceLevel float64      `json:"service_level"`
	AnswerWithin sla.Duration `json:"answer_within"`
	// Occupancy is the share of the agents' time spent handling contacts,
	// Erlangs/Agents.
	Occupancy float64 `json:"occupancy"`
}

// ErlangB returns the Erlang B blocking probability B(agents, erlangs): the
// share of contacts lost when there is no queue. It uses the recursion
// 1/B(k) = 1 + k/A * 1/B(k-1), exact for any number of agents, with no
// factorial or power that could overflow.
func ErlangB(agents int, erlangs float64) (float64, error) {
	if err := checkAgentsErlangs(agents, erlangs); err != nil {
		return 0, err
	}
	if agents == 0 {
		return 1, nil
	}
	return 1 / invB(agents, erlangs), nil
}

// ErlangC returns the Erlang C probability that a contact has to wait,
// C(agents, erlangs) = N*B / (N - A*(1-B)) with B the Erlang B value; it is
// 1 when agents <= erlangs (an unstable queue) and 0 for no traffic.
func ErlangC(agents int, erlangs float64) (float64, error) {
	if err := checkAgentsErlangs(agents, erlangs); err != nil {
		return 0, err
	}
	if erlangs == 0 {
		return 0, nil
	}
	if float64(agents) <= erlangs {
		return 1, nil
	}
	return erlangC(agents, erlangs, invB(agents, erlangs)), nil
}

// Evaluate returns the Erlang C performance of agents facing load l, with
// the service level measured against answerWithin.
func Evaluate(agents int, l Load, answerWithin time.Duration) (Performance, error) {
	var errs []error
	if agents < 0 || agents > MaxAgents {
		errs = append(errs, inputErr("agents must be between 0 and %d, got %d", MaxAgents, agents))
	}
	if answerWithin < 0 {
		errs = append(errs, inputErr("answer within must not be negative, got %s", answerWithin))
	}
	errs = append(errs, l.validate("load.")...)
	if len(errs) > 0 {
		return Performance{}, errors.Join(errs...)
	}
	a := l.erlangs()
	ib := math.Inf(1)
	if a > 0 {
		ib = invB(agents, a)
	}
	return perform(agents, a, ib, float64(l.HandleTime), answerWithin), nil
}

func checkAgentsErlangs(agents int, erlangs float64) error {
	var errs []error
	if agents < 0 || agents > MaxAgents {
		errs = append(errs, inputErr("agents must be between 0 and %d, got %d", MaxAgents, agents))
	}
	if math.IsNaN(erlangs) || erlangs < 0 || !(erlangs < MaxAgents) {
		errs = append(errs, inputErr("erlangs must be a number in [0, %d), got %v", MaxAgents, erlangs))
	}
	return errors.Join(errs...)
}

// invB returns 1/B(n, a) for a > 0 by the recursion I(0) = 1,
// I(k) = 1 + c_k I(k-1) with c_k = k/a. Four steps are folded into one,
// I(k+4) = α + β I(k) with α = 1 + c4 + c4c3 + c4c3c2 and β = c4c3c2c1
// (indices relative to k), so that the chain of dependent operations is a
// quarter as long; every term is positive, so folding adds no
// cancellation. I grows past the float range only when B is far below
// 1e-300, where +Inf (B = 0) is the right limit.
func invB(n int, a float64) float64 {
	r := 1 / a
	inv := 1.0
	k := 1
	for ; k+3 <= n; k += 4 {
		c1 := float64(k) * r
		c2 := float64(k+1) * r
		c3 := float64(k+2) * r
		c4 := float64(k+3) * r
		c43 := c4 * c3
		c432 := c43 * c2
		inv = (1 + c4 + c43 + c432) + c432*c1*inv
		if math.IsInf(inv, 1) {
			return inv
		}
	}
	for ; k <= n; k++ {
		inv = 1 + float64(k)*r*inv
	}
	return inv
}

// nextInvB returns I(n+1) from I(n).
func nextInvB(n int, a, inv float64) float64 { return 1 + float64(n+1)/a*inv }

// erlangC is N / ((N-A) I + A) with I = 1/B, for N > A > 0.
func erlangC(n int, a, inv float64) float64 {
	if math.IsInf(inv, 1) {
		return 0
	}
	c := float64(n) / ((float64(n)-a)*inv + a)
	return min(max(c, 0), 1)
}

// perform fills a Performance for n agents, traffic a, 1/B = inv, handle
// time h (nanoseconds) and answer-within t.
func perform(n int, a, inv, h float64, t time.Duration) Performance {
	p := Performance{Agents: n, Erlangs: a, AnswerWithin: sla.Duration(t)}
	switch {
	case a == 0:
		p.Stable, p.ServiceLevel = true, 1
		return p
	case float64(n) <= a:
		p.ProbWait, p.Occupancy = 1, 1
		return p
	}
	c := erlangC(n, a, inv)
	gap := float64(n) - a
	p.Stable = true
	p.ProbWait = c
	p.Occupancy = a / float64(n)
	p.ServiceLevel = serviceLevel(c, gap, float64(t)/h)
	p.ASA = durationOf(c * h / gap)
	return p
}

// serviceLevel is 1 - C exp(-(N-A) T/h), clamped to [0, 1].
func serviceLevel(c, gap, tOverH float64) float64 {
	return min(max(1-c*math.Exp(-gap*tOverH), 0), 1)
}

// durationOf converts nanoseconds to a Duration, saturating.
func durationOf(ns float64) sla.Duration {
	switch {
	case math.IsNaN(ns) || ns <= 0:
		return 0
	case ns >= math.MaxInt64:
		return sla.Duration(math.MaxInt64)
	}
	return sla.Duration(math.Round(ns))
}
