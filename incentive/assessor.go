package incentive

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/benbjohnson/clock"
)

// Assessor applies assessment rules to the rankings of consecutive
// periods (bottom 10 % two periods running gives a yellow card; below a
// threshold for six months triggers a review), grades the outcomes, posts
// their penalties to a Book as compensating adjustments, and handles their
// appeals within a deadline. It emits plain Outcomes: the host maps them
// onto warning levels or other consequences itself.
//
// Periods are consecutive in the order they are assessed; a person absent
// from a period's ranking, or not meeting a rule's condition in it, breaks
// the run. Time runs forward: every operation dated before the latest one
// is refused (ErrTimeBackwards).
//
// An Assessor is safe for concurrent use. It calls its Book under its own
// lock (the Book never calls back), and no user callback runs under it.
type Assessor struct {
	mu     sync.Mutex
	clock  clock.Clock
	book   *Book
	ledger penaltyLedger
	cfg    AssessmentConfig
	rule   map[string]int // rule index by name

	periods  []string
	index    map[string]int // period index by name
	streaks  map[streakKey]streak
	graded   map[streakKey]int // outcomes in force per person and rule
	outcomes []Outcome
	byID     map[string]int
	log      []AssessmentEvent
	last     time.Time
}

type streakKey struct {
	person string
	rule   int
}

// streak is a run of periods in which a rule's condition held: n periods
// (0 right after the rule gave its outcome) ending at period index at.
type streak struct{ n, at int }

// NewAssessor validates cfg (see AssessmentConfig.Validate) and returns an
// Assessor with no period assessed. Its clock comes from WithClock; rules
// that deduct penalties need the Book they post to (WithBook), or
// NewAssessor returns an error matching ErrInvalid.
func NewAssessor(cfg AssessmentConfig, opts ...Option) (*Assessor, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	o := newConfig(opts)
	a := &Assessor{clock: o.clock, book: o.book, ledger: liveLedger{o.book}, cfg: cloneAssessmentConfig(cfg),
		rule: map[string]int{}, index: map[string]int{}, streaks: map[streakKey]streak{}, graded: map[streakKey]int{},
		byID: map[string]int{}}
	for i, r := range a.cfg.Rules {
		a.rule[r.Name] = i
		if a.book == nil && slices.ContainsFunc(r.Penalties, func(m Money) bool { return !m.IsZero() }) {
			return nil, fmt.Errorf("%w: rule %q deducts penalties: give the Book they post to (WithBook)", ErrInvalid, r.Name)
		}
	}
	return a, nil
}

func cloneAssessmentConfig(c AssessmentConfig) AssessmentConfig {
	c.Rules = slices.Clone(c.Rules)
	for i := range c.Rules {
		r := &c.Rules[i]
		r.Penalties = slices.Clone(r.Penalties)
		if r.Below != nil {
			b := *r.Below
			r.Below = &b
		}
	}
	return c
}

// Config returns a deep copy of the configuration.
func (a *Assessor) Config() AssessmentConfig { return cloneAssessmentConfig(a.cfg) }

// Assess assesses a period now. See AssessAt.
func (a *Assessor) Assess(period string, ranked []Ranked) ([]Outcome, error) {
	return a.AssessAt(a.clock.Now(), period, ranked)
}

// AssessAt assesses period, whose ranking is ranked (from Rank, with the
// bottom share flagged), at t, as the period following the last one
// assessed. Every rule whose condition held for a person over its number
// of consecutive periods gives an Outcome, graded and with the appeal
// deadline t + AppealWindow; its penalty, if any, is deducted from the
// person's statement for period in the Book, all penalties of the period
// at once or none (a missing or frozen statement refuses them all, and the
// period is not assessed). The new outcomes are returned by rule, then
// person.
//
// It refuses an empty period, one already assessed (ErrDuplicate), entries
// without an ID or with a repeated one, a zero t (ErrInput) and a t before
// the latest operation (ErrTimeBackwards).
func (a *Assessor) AssessAt(t time.Time, period string, ranked []Ranked) ([]Outcome, error) {
	var p problems
	p.required("period", period)
	seen := make(map[string]int, len(ranked))
	for i, e := range ranked {
		path := fmt.Sprintf("ranked[%d].id", i)
		if j, dup := seen[e.ID]; dup {
			p.add(path, "%q again (also ranked[%d])", e.ID, j)
		}
		p.required(path, e.ID)
		seen[e.ID] = i
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, dup := a.index[period]; dup {
		return nil, fmt.Errorf("%w: period %q already assessed", ErrDuplicate, period)
	}
	if err := a.at(t); err != nil {
		return nil, err
	}
	return a.assessLocked(t, period, ranked)
}

// at checks that t may be recorded: not zero, not before the latest
// operation. Called with the lock held.
func (a *Assessor) at(t time.Time) error {
	if t.IsZero() {
		return errZeroInstant
	}
	if t.Before(a.last) {
		return fmt.Errorf("incentive: %v is before the assessor's latest operation at %v: %w", t, a.last, ErrTimeBackwards)
	}
	return nil
}

func (a *Assessor) assessLocked(t time.Time, period string, ranked []Ranked) ([]Outcome, error) {
	k := len(a.periods)
	people := slices.Clone(ranked)
	slices.SortFunc(people, func(x, y Ranked) int { return cmp.Compare(x.ID, y.ID) })
	runs := map[streakKey]streak{}
	grades := map[streakKey]int{}
	flagged := map[string]bool{}
	var outs []Outcome
	for ri := range a.cfg.Rules {
		r := &a.cfg.Rules[ri]
		for _, e := range people {
			if !r.holds(e) {
				continue
			}
			flagged[e.ID] = true
			key := streakKey{e.ID, ri}
			s := a.streaks[key]
			if s.at == k-1 {
				s.n++
			} else {
				s.n = 1
			}
			s.at = k
			if s.n >= r.Periods {
				grade := a.graded[key] + 1
				o := Outcome{ID: period + "/" + r.Name + "/" + e.ID, Person: e.ID, Period: period,
					Periods: append(slices.Clone(a.periods[k-s.n+1:]), period), Rule: r.Name, Outcome: r.Outcome,
					Grade: grade, Score: e.Score, Reason: r.Reason, At: t, AppealBy: t.Add(a.cfg.AppealWindow.D()),
					Status: OutcomeStanding}
				if pen := r.penalty(grade); !pen.IsZero() {
					o.Penalty = &pen
				}
				if _, dup := a.byID[o.ID]; dup {
					return nil, fmt.Errorf("%w: outcome %q", ErrDuplicate, o.ID)
				}
				outs = append(outs, o)
				grades[key] = grade
				s.n = 0
			}
			runs[key] = s
		}
	}
	if err := a.postPenalties(t, outs); err != nil {
		return nil, fmt.Errorf("incentive: period %q not assessed: %w", period, err)
	}
	a.index[period] = k
	a.periods = append(a.periods, period)
	for key, s := range runs {
		a.streaks[key] = s
	}
	for key, g := range grades {
		a.graded[key] = g
	}
	ev := AssessmentEvent{Kind: AssessmentAssessed, At: t, Period: period}
	for _, e := range people {
		if flagged[e.ID] {
			ev.Flagged = append(ev.Flagged, e)
		}
	}
	a.log = append(a.log, ev)
	out := make([]Outcome, len(outs))
	for i, o := range outs {
		a.byID[o.ID] = len(a.outcomes)
		a.outcomes = append(a.outcomes, o)
		out[i] = o.clone()
	}
	a.last = t
	return out, nil
}

// postPenalties deducts the penalties of outs, all or none, and records
// their adjustments on them.
func (a *Assessor) postPenalties(t time.Time, outs []Outcome) error {
	var penalised []*Outcome
	var reqs []AdjustmentRequest
	for i := range outs {
		o := &outs[i]
		if o.Penalty == nil {
			continue
		}
		amount, err := o.Penalty.Neg()
		if err != nil {
			return err
		}
		penalised = append(penalised, o)
		reqs = append(reqs, AdjustmentRequest{Person: o.Person, Period: o.Period, Amount: amount,
			Reason: fmt.Sprintf("%s grade %d (%s): %s", o.Outcome, o.Grade, o.Rule, o.Reason), Approver: a.cfg.Approver})
	}
	if len(reqs) == 0 {
		return nil
	}
	return a.ledger.post(t, penalised, reqs)
}

// OutcomeAppealRequest appeals an outcome.
type OutcomeAppealRequest struct {
	Outcome string `json:"outcome"`
	Reason  string `json:"reason"`
	FiledBy string `json:"filed_by,omitempty"`
}

// OutcomeDecision decides the appeal of an outcome: Overturn withdraws the
// outcome and gives its penalty back; otherwise the outcome is upheld.
type OutcomeDecision struct {
	Outcome   string `json:"outcome"`
	Overturn  bool   `json:"overturn,omitempty"`
	Reason    string `json:"reason"`
	DecidedBy string `json:"decided_by"`
}

// Appeal appeals an outcome now. See AppealAt.
func (a *Assessor) Appeal(req OutcomeAppealRequest) (Outcome, error) {
	return a.AppealAt(a.clock.Now(), req)
}

// AppealAt appeals a standing outcome at t, before its deadline: at or
// after Outcome.AppealBy it is refused with ErrAppealDeadline. A penalised
// outcome's appeal is filed in the Book too, which freezes the statement
// until the decision. It refuses an unknown outcome (ErrNotFound), one
// not standing (ErrAppealState), a missing reason (ErrInvalid) and
// instants as AssessAt does.
func (a *Assessor) AppealAt(t time.Time, req OutcomeAppealRequest) (Outcome, error) {
	var p problems
	p.required("reason", req.Reason)
	return a.change(t, req.Outcome, OutcomeStanding, p, func(o *Outcome) (AssessmentEvent, error) {
		if !t.Before(o.AppealBy) {
			return AssessmentEvent{}, fmt.Errorf("%w: outcome %q could be appealed before %v, not at %v", ErrAppealDeadline, o.ID, o.AppealBy, t)
		}
		if o.Adjustment != "" {
			if err := a.ledger.appeal(t, o, req); err != nil {
				return AssessmentEvent{}, err
			}
		}
		o.Status = OutcomeAppealed
		o.Appeal = &OutcomeAppeal{Reason: req.Reason, FiledBy: req.FiledBy, FiledAt: t}
		return AssessmentEvent{Kind: AssessmentAppealed, Reason: req.Reason, By: req.FiledBy}, nil
	})
}

// change applies do, under the lock, to the outcome id, which must be in
// status want, at t, once the request has no problems p; do changes the
// outcome and returns the log entry, which change dates and appends.
func (a *Assessor) change(t time.Time, id string, want OutcomeStatus, p problems, do func(o *Outcome) (AssessmentEvent, error)) (Outcome, error) {
	if err := p.err(); err != nil {
		return Outcome{}, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	i, ok := a.byID[id]
	if !ok {
		return Outcome{}, fmt.Errorf("%w: outcome %q", ErrNotFound, id)
	}
	o := &a.outcomes[i]
	if o.Status != want {
		return Outcome{}, fmt.Errorf("%w: outcome %q is %s", ErrAppealState, id, o.Status)
	}
	if err := a.at(t); err != nil {
		return Outcome{}, err
	}
	ev, err := do(o)
	if err != nil {
		return Outcome{}, err
	}
	ev.At, ev.Outcome = t, id
	a.log = append(a.log, ev)
	a.last = t
	return o.clone(), nil
}

// Decide decides an appeal now. See DecideAt.
func (a *Assessor) Decide(d OutcomeDecision) (Outcome, error) { return a.DecideAt(a.clock.Now(), d) }

// DecideAt decides the pending appeal of an outcome at t. Overturning
// withdraws the outcome: it no longer counts towards the person's grades,
// and its penalty is given back by a compensating adjustment, the Book's
// decision of the statement's appeal. Upholding keeps it. Reason and
// DecidedBy are required (ErrInvalid); an outcome not appealed is
// ErrAppealState; instants are refused as AssessAt refuses them.
func (a *Assessor) DecideAt(t time.Time, d OutcomeDecision) (Outcome, error) {
	var p problems
	p.required("reason", d.Reason)
	p.required("decided_by", d.DecidedBy)
	return a.change(t, d.Outcome, OutcomeAppealed, p, func(o *Outcome) (AssessmentEvent, error) {
		reversal := ""
		if o.Adjustment != "" {
			var err error
			if reversal, err = a.ledger.decide(t, o, d); err != nil {
				return AssessmentEvent{}, err
			}
		}
		at := t
		o.Appeal.DecidedBy, o.Appeal.Decision, o.Appeal.DecidedAt, o.Appeal.Reversal = d.DecidedBy, d.Reason, &at, reversal
		o.Status = OutcomeUpheld
		if d.Overturn {
			o.Status = OutcomeOverturned
			a.graded[streakKey{o.Person, a.rule[o.Rule]}]--
		}
		return AssessmentEvent{Kind: AssessmentDecided, Overturn: d.Overturn, Reason: d.Reason, By: d.DecidedBy}, nil
	})
}

// Outcome returns an outcome by ID.
func (a *Assessor) Outcome(id string) (Outcome, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	i, ok := a.byID[id]
	if !ok {
		return Outcome{}, fmt.Errorf("%w: outcome %q", ErrNotFound, id)
	}
	return a.outcomes[i].clone(), nil
}

// Outcomes returns a person's outcomes in the order they were given ("":
// everyone's).
func (a *Assessor) Outcomes(person string) []Outcome {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []Outcome
	for _, o := range a.outcomes {
		if person == "" || o.Person == person {
			out = append(out, o.clone())
		}
	}
	return out
}

// Periods returns the periods assessed, in order.
func (a *Assessor) Periods() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.periods)
}
