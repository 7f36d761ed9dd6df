package incentive

import (
	"fmt"
	"time"
)

// Outcome labels of the seeds' assessment rules. A rule's outcome is a
// plain label the host maps onto its own consequences (a warning level, a
// coaching plan, a review meeting); these are the two the seeds name.
const (
	// OutcomeYellowCard: in the bottom share two periods running.
	OutcomeYellowCard = "yellow_card"
	// OutcomeReview: below a score threshold for six periods running.
	OutcomeReview = "review"
)

// DefaultAppealWindow is a common appeal window, 7 days; the seeds ask for
// an appeal deadline without fixing it, so AssessmentConfig requires one.
const DefaultAppealWindow = Duration(7 * 24 * time.Hour)

// AssessmentRule turns a run of consecutive periods in which a person met
// a condition into an outcome: in the bottom share of the period's ranking
// (Bottom, Ranked.Bottom from Rank), or with a score below a threshold
// (Below), or both at once when both are set. After the rule gives its
// outcome the run starts again, so four bottom periods in a row give two
// yellow cards, at the second and the fourth.
//
// Outcomes are graded: a person's first outcome of the rule is grade 1,
// the next grade 2, and so on (outcomes overturned on appeal do not count).
// Penalties[g-1] (the last one for higher grades) is deducted from the
// person's statement for the period as a compensating adjustment; a zero
// penalty, or none, deducts nothing.
type AssessmentRule struct {
	// Name identifies the rule (unique).
	Name string `json:"name"`
	// Bottom and Below are the condition; at least one must be set.
	Bottom bool     `json:"bottom,omitempty"`
	Below  *Decimal `json:"below,omitempty"`
	// Periods is how many consecutive periods the condition must hold.
	Periods int `json:"periods"`
	// Outcome is the label of what the rule gives (OutcomeYellowCard,
	// OutcomeReview or the host's own).
	Outcome string `json:"outcome"`
	// Penalties are the amounts deducted at grade 1, 2, ... (positive or
	// zero; posted as negative adjustments).
	Penalties []Money `json:"penalties,omitempty"`
	// Reason explains the rule; it is the reason of its outcomes and
	// adjustments.
	Reason string `json:"reason"`
}

// holds reports whether r's condition holds for e.
func (r *AssessmentRule) holds(e Ranked) bool {
	return (!r.Bottom || e.Bottom) && (r.Below == nil || e.Score.Cmp(*r.Below) < 0)
}

// penalty returns the penalty of grade g (zero Money for none).
func (r *AssessmentRule) penalty(g int) Money {
	if len(r.Penalties) == 0 {
		return Money{}
	}
	return r.Penalties[min(g, len(r.Penalties))-1]
}

// AssessmentConfig configures an Assessor.
type AssessmentConfig struct {
	// Rules are applied in order to every period.
	Rules []AssessmentRule `json:"rules"`
	// AppealWindow is how long after an outcome it may be appealed: an
	// appeal at or after Outcome.AppealBy is refused (ErrAppealDeadline).
	AppealWindow Duration `json:"appeal_window"`
	// Approver is recorded as the approver of penalty adjustments (for
	// example "assessment board"); required when a rule has penalties.
	Approver string `json:"approver,omitempty"`
}

// SeedAssessmentRules returns the seeds' rules: a yellow card for the
// bottom share two periods running, and a review after six periods
// running below threshold. They deduct nothing; add Penalties to grade
// them.
func SeedAssessmentRules(threshold Decimal) []AssessmentRule {
	return []AssessmentRule{
		{Name: "bottom-two-periods", Bottom: true, Periods: 2, Outcome: OutcomeYellowCard,
			Reason: "in the bottom share two periods running"},
		{Name: "below-six-periods", Below: &threshold, Periods: 6, Outcome: OutcomeReview,
			Reason: "below " + threshold.String() + " six periods running"},
	}
}

// Validate reports every problem of the configuration at once, joined with
// errors.Join; each is a *FieldError matching ErrInvalid: no rules, rules
// without a name or with a repeated one, without a condition, a period
// count below 1, an outcome label or reason missing, penalties that are
// negative or in an unknown currency, penalties without an approver, and
// an appeal window that is not positive.
func (c AssessmentConfig) Validate() error {
	var p problems
	if len(c.Rules) == 0 {
		p.add("rules", "no rules")
	}
	names := map[string]int{}
	penalties := false
	for i, r := range c.Rules {
		p.part(fmt.Sprintf("rules[%d]", i), func(p *problems) {
			p.required("name", r.Name)
			if j, dup := names[r.Name]; dup && r.Name != "" {
				p.add("name", "rule %q again (also rules[%d])", r.Name, j)
			}
			names[r.Name] = i
			if !r.Bottom && r.Below == nil {
				p.add("", "no condition (bottom or below)")
			}
			if r.Periods < 1 {
				p.add("periods", "must be at least 1, got %d", r.Periods)
			}
			p.required("outcome", r.Outcome)
			p.required("reason", r.Reason)
			for j, m := range r.Penalties {
				path := fmt.Sprintf("penalties[%d]", j)
				if _, err := m.Currency.Digits(); err != nil {
					p.addErr(path+".currency", err)
				}
				if m.Minor < 0 {
					p.add(path, "negative penalty %s (a penalty is the amount deducted)", m)
				}
				penalties = penalties || m.Minor != 0
			}
		})
	}
	if penalties {
		p.required("approver", c.Approver)
	}
	if c.AppealWindow <= 0 {
		p.add("appeal_window", "must be positive, got %s", c.AppealWindow)
	}
	return p.err()
}

// OutcomeStatus is the state of an Outcome. The zero value is not a
// state.
type OutcomeStatus string

// Outcome states.
const (
	// OutcomeStanding: in force; it may be appealed until its AppealBy.
	OutcomeStanding OutcomeStatus = "standing"
	// OutcomeAppealed: an appeal is pending.
	OutcomeAppealed OutcomeStatus = "appealed"
	// OutcomeUpheld: the appeal was rejected; the outcome stands.
	OutcomeUpheld OutcomeStatus = "upheld"
	// OutcomeOverturned: the appeal was granted; the outcome is withdrawn
	// and its penalty reversed.
	OutcomeOverturned OutcomeStatus = "overturned"
)

// InForce reports whether an outcome in status s counts against the
// person: every status but overturned.
func (s OutcomeStatus) InForce() bool { return s != OutcomeOverturned }

// Outcome is what an assessment rule gave a person: plain data a host maps
// onto its own consequences (a warning level, a review meeting).
type Outcome struct {
	// ID is "<period>/<rule>/<person>".
	ID     string `json:"id"`
	Person string `json:"person"`
	// Period is the period that completed the run; Periods the whole run,
	// oldest first.
	Period  string   `json:"period"`
	Periods []string `json:"periods"`
	Rule    string   `json:"rule"`
	Outcome string   `json:"outcome"`
	// Grade is 1 for the person's first outcome of the rule in force, 2 for
	// the second, ...
	Grade int `json:"grade"`
	// Score is the person's score in Period.
	Score  Decimal `json:"score"`
	Reason string  `json:"reason"`
	// Penalty is the amount deducted (nil for none) and Adjustment the ID
	// of the Book adjustment that deducted it.
	Penalty    *Money    `json:"penalty,omitempty"`
	Adjustment string    `json:"adjustment,omitempty"`
	At         time.Time `json:"at"`
	// AppealBy is the appeal deadline, At + the appeal window: an appeal
	// at or after it is refused.
	AppealBy time.Time      `json:"appeal_by"`
	Status   OutcomeStatus  `json:"status"`
	Appeal   *OutcomeAppeal `json:"appeal,omitempty"`
}

// OutcomeAppeal is the appeal of an outcome and its decision.
type OutcomeAppeal struct {
	Reason    string     `json:"reason"`
	FiledBy   string     `json:"filed_by,omitempty"`
	FiledAt   time.Time  `json:"filed_at"`
	DecidedBy string     `json:"decided_by,omitempty"`
	Decision  string     `json:"decision,omitempty"`
	DecidedAt *time.Time `json:"decided_at,omitempty"`
	// Reversal is the ID of the Book adjustment that gave the penalty back
	// when the outcome was overturned.
	Reversal string `json:"reversal,omitempty"`
}

// clone returns a deep copy of o.
func (o Outcome) clone() Outcome {
	o.Periods = append([]string(nil), o.Periods...)
	if o.Penalty != nil {
		p := *o.Penalty
		o.Penalty = &p
	}
	if o.Appeal != nil {
		a := *o.Appeal
		if a.DecidedAt != nil {
			t := *a.DecidedAt
			a.DecidedAt = &t
		}
		o.Appeal = &a
	}
	return o
}
