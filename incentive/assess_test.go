package incentive

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var assessT0 = time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)

// monthEnd returns the instant period i (0 = January) is assessed.
func monthEnd(i int) time.Time { return assessT0.AddDate(0, i, 0) }

func month(i int) string { return fmt.Sprintf("2026-%02d", i+1) }

// assessConfig: a graded yellow card for the bottom 10 % two periods
// running, a review after six periods below 0.6.
func assessConfig() AssessmentConfig {
	rules := SeedAssessmentRules(MustDecimal("0.6"))
	rules[0].Penalties = []Money{MustMoney("USD 50.00"), MustMoney("USD 100.00"), MustMoney("USD 200.00")}
	return AssessmentConfig{Rules: rules, AppealWindow: DefaultAppealWindow, Approver: "assessment board"}
}

// deskFixture is a Book with a statement for each of ten people (or the
// people named) for eight months, and an Assessor posting to it.
type deskFixture struct {
	book *Book
	a    *Assessor
	clk  *clock.Mock
}

// deskStatement is a statement of USD 500.00 in one flat line.
func deskStatement(person, period string) Statement {
	amount := MustMoney("USD 500.00")
	return Statement{Version: StatementVersion, Person: person, Period: period, Plan: "desk", Score: MustDecimal("1"),
		Quantity: MustDecimal("1"), Total: amount, Lines: []Line{{Kind: LineFlat, Quantity: MustDecimal("1"),
			Rate: MustDecimal("500"), Exact: MustDecimal("500"), Rounding: HalfEven, Amount: amount}}}
}

func newDesk(t testing.TB, people ...string) *deskFixture {
	t.Helper()
	clk := clock.NewMock()
	clk.Set(assessT0)
	b := NewBook(WithClock(clk))
	if len(people) == 0 {
		for p := range 10 {
			people = append(people, fmt.Sprint("p", p))
		}
	}
	for m := range 8 {
		for _, p := range people {
			require.NoError(t, b.IssueAt(monthEnd(m).Add(-time.Hour), deskStatement(p, month(m))))
		}
	}
	a, err := NewAssessor(assessConfig(), WithBook(b), WithClock(clk))
	require.NoError(t, err)
	return &deskFixture{book: b, a: a, clk: clk}
}

// ranking ranks ten people: everyone scores 0.9 but low, who scores 0.5,
// and below, who scores 0.55 (below 0.6, but not at the bottom). A name
// of "" leaves that role out; absent people are left out of the ranking.
func ranking(t testing.TB, low, below string, absent ...string) []Ranked {
	t.Helper()
	var entries []Entry
	for p := range 10 {
		id := fmt.Sprint("p", p)
		if contains(absent, id) {
			continue
		}
		score := "0.9"
		switch id {
		case low:
			score = "0.5"
		case below:
			score = "0.55"
		}
		entries = append(entries, Entry{ID: id, Score: MustDecimal(score)})
	}
	r, err := Rank(entries, SeedBottomShare())
	require.NoError(t, err)
	return r
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// assess assesses month i with the ranking and returns the outcomes' IDs.
func (f *deskFixture) assess(t testing.TB, i int, r []Ranked) []Outcome {
	t.Helper()
	outs, err := f.a.AssessAt(monthEnd(i), month(i), r)
	require.NoError(t, err)
	return outs
}

func ids(outs []Outcome) []string {
	var s []string
	for _, o := range outs {
		s = append(s, o.ID)
	}
	return s
}

func TestAssessorRunsAndGrades(t *testing.T) {
	f := newDesk(t)
	// p9 at the bottom in January to April: two yellow cards, February and
	// April. p7 below 0.6 from January to June: a review in June.
	assert.Empty(t, f.assess(t, 0, ranking(t, "p9", "p7")))
	feb := f.assess(t, 1, ranking(t, "p9", "p7"))
	require.Equal(t, []string{"2026-02/bottom-two-periods/p9"}, ids(feb))
	o := feb[0]
	assert.Equal(t, []string{"2026-01", "2026-02"}, o.Periods)
	assert.Equal(t, OutcomeYellowCard, o.Outcome)
	assert.Equal(t, 1, o.Grade)
	assert.Equal(t, MustMoney("USD 50.00"), *o.Penalty)
	assert.Equal(t, "adj-1", o.Adjustment)
	assert.Equal(t, monthEnd(1).Add(7*24*time.Hour), o.AppealBy)
	assert.Equal(t, OutcomeStanding, o.Status)
	assert.Equal(t, "0.5", o.Score.String())

	adjs, err := f.book.Adjustments("p9", "2026-02")
	require.NoError(t, err)
	require.Len(t, adjs, 1)
	assert.Equal(t, Adjustment{ID: "adj-1", Person: "p9", Period: "2026-02", Amount: MustMoney("USD -50.00"),
		Reason: "yellow_card grade 1 (bottom-two-periods): in the bottom share two periods running", Approver: "assessment board", At: monthEnd(1)}, adjs[0])

	assert.Empty(t, f.assess(t, 2, ranking(t, "p9", "p7")), "the run starts again after a card")
	apr := f.assess(t, 3, ranking(t, "p9", "p7"))
	require.Len(t, apr, 1)
	assert.Equal(t, 2, apr[0].Grade)
	assert.Equal(t, MustMoney("USD 100.00"), *apr[0].Penalty)
	assert.Equal(t, []string{"2026-03", "2026-04"}, apr[0].Periods)

	assert.Empty(t, f.assess(t, 4, ranking(t, "p8", "p7")))
	jun := f.assess(t, 5, ranking(t, "p9", "p7"))
	require.Equal(t, []string{"2026-06/below-six-periods/p7"}, ids(jun), "p8 and p9 alternate: no run")
	assert.Equal(t, OutcomeReview, jun[0].Outcome)
	assert.Nil(t, jun[0].Penalty, "reviews deduct nothing")
	assert.Empty(t, jun[0].Adjustment)
	assert.Len(t, jun[0].Periods, 6)

	// A bottom person is also below 0.6: both runs go on. p9 has been below
	// 0.6 since June only.
	jul := f.assess(t, 6, ranking(t, "p9", ""))
	assert.Equal(t, []string{"2026-07/bottom-two-periods/p9"}, ids(jul))
	assert.Equal(t, 3, jul[0].Grade)
	assert.Equal(t, MustMoney("USD 200.00"), *jul[0].Penalty)

	net, err := f.book.Net("p9", "2026-07")
	require.NoError(t, err)
	st, err := f.book.Statement("p9", "2026-07")
	require.NoError(t, err)
	assert.Equal(t, st.Total.Minor-20000, net.Minor)
	assert.Len(t, f.a.Outcomes("p9"), 3)
	assert.Len(t, f.a.Outcomes(""), 4)
	assert.Equal(t, []string{"2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07"}, f.a.Periods())
}

func TestAssessorRunsBreak(t *testing.T) {
	f := newDesk(t)
	f.assess(t, 0, ranking(t, "p9", ""))
	assert.Empty(t, f.assess(t, 1, ranking(t, "", "", "p9")), "absent: the run breaks")
	f.assess(t, 2, ranking(t, "p9", ""))
	assert.Empty(t, f.assess(t, 3, ranking(t, "p8", "")), "not at the bottom: the run breaks")
	f.assess(t, 4, ranking(t, "p9", ""))
	assert.Len(t, f.assess(t, 5, ranking(t, "p9", "")), 1)

	// A tie straddling the cut flags nobody, so nobody's run goes on.
	f2 := newDesk(t)
	tie := ranking(t, "p9", "")
	for i := range tie {
		if tie[i].ID == "p8" {
			tie[i].Score, tie[i].Bottom = tie[len(tie)-1].Score, false
		}
	}
	f2.assess(t, 0, ranking(t, "p8", ""))
	assert.Empty(t, f2.assess(t, 1, tie))
}

func TestAssessorAppeals(t *testing.T) {
	f := newDesk(t)
	f.assess(t, 0, ranking(t, "p9", ""))
	card := f.assess(t, 1, ranking(t, "p9", ""))[0]

	_, err := f.a.AppealAt(monthEnd(1).Add(time.Hour), OutcomeAppealRequest{Outcome: card.ID})
	require.ErrorIs(t, err, ErrInvalid)
	_, err = f.a.AppealAt(card.AppealBy, OutcomeAppealRequest{Outcome: card.ID, Reason: "late"})
	require.ErrorIs(t, err, ErrAppealDeadline, "due at the deadline means too late at it")
	_, err = f.a.AppealAt(card.AppealBy.Add(-time.Nanosecond), OutcomeAppealRequest{Outcome: "nope", Reason: "x"})
	require.ErrorIs(t, err, ErrNotFound)
	_, err = f.a.DecideAt(monthEnd(1).Add(time.Hour), OutcomeDecision{Outcome: card.ID, Reason: "r", DecidedBy: "d"})
	require.ErrorIs(t, err, ErrAppealState)

	ap, err := f.a.AppealAt(card.AppealBy.Add(-time.Hour), OutcomeAppealRequest{Outcome: card.ID, Reason: "I was on sick leave", FiledBy: "p9"})
	require.NoError(t, err)
	assert.Equal(t, OutcomeAppealed, ap.Status)
	frozen, err := f.book.Frozen("p9", "2026-02")
	require.NoError(t, err)
	assert.True(t, frozen, "the statement is frozen while the appeal is pending")
	_, err = f.a.AppealAt(card.AppealBy.Add(-time.Minute), OutcomeAppealRequest{Outcome: card.ID, Reason: "again"})
	require.ErrorIs(t, err, ErrAppealState)
	_, err = f.a.DecideAt(card.AppealBy, OutcomeDecision{Outcome: card.ID, Overturn: true})
	require.ErrorIs(t, err, ErrInvalid)

	dec, err := f.a.DecideAt(card.AppealBy, OutcomeDecision{Outcome: card.ID, Overturn: true, Reason: "leave confirmed", DecidedBy: "hr"})
	require.NoError(t, err)
	assert.Equal(t, OutcomeOverturned, dec.Status)
	assert.Equal(t, "adj-2", dec.Appeal.Reversal)
	assert.False(t, dec.Status.InForce())
	net, err := f.book.Net("p9", "2026-02")
	require.NoError(t, err)
	st, err := f.book.Statement("p9", "2026-02")
	require.NoError(t, err)
	assert.Equal(t, st.Total, net, "the penalty is given back")

	// The overturned card does not count: the next one is grade 1 again.
	f.clk.Set(monthEnd(3))
	f.assess(t, 2, ranking(t, "p9", ""))
	next := f.assess(t, 3, ranking(t, "p9", ""))[0]
	assert.Equal(t, 1, next.Grade)
	assert.Equal(t, MustMoney("USD 50.00"), *next.Penalty)

	// Upheld: the penalty stays.
	ap, err = f.a.Appeal(OutcomeAppealRequest{Outcome: next.ID, Reason: "unfair"})
	require.NoError(t, err)
	up, err := f.a.Decide(OutcomeDecision{Outcome: next.ID, Reason: "ranking correct", DecidedBy: "hr"})
	require.NoError(t, err)
	assert.Equal(t, OutcomeUpheld, up.Status)
	assert.Empty(t, up.Appeal.Reversal)
	assert.True(t, up.Status.InForce())
	net, err = f.book.Net("p9", "2026-04")
	require.NoError(t, err)
	assert.Equal(t, int64(-5000), net.Minor-st.Total.Minor)
	got, err := f.a.Outcome(next.ID)
	require.NoError(t, err)
	assert.Equal(t, up, got)
}

func TestAssessorPenaltiesAllOrNone(t *testing.T) {
	f := newDesk(t)
	// p8 and p9 share the bottom two months running; p8's February
	// statement is frozen by an appeal: nothing is posted and February is
	// not assessed.
	two := func(t *testing.T) []Ranked {
		r := ranking(t, "p9", "")
		for i := range r {
			if r[i].ID == "p8" {
				r[i].Bottom = true
			}
		}
		return r
	}
	f.assess(t, 0, two(t))
	snap, err := f.book.Snapshot()
	require.NoError(t, err)
	// Freeze p8's February statement with an appeal.
	_, err = f.book.FileAppealAt(monthEnd(1).Add(-time.Minute), AppealRequest{ID: "x", Person: "p8", Period: "2026-02", Reason: "r"})
	require.NoError(t, err)
	_, err = f.a.AssessAt(monthEnd(1), month(1), two(t))
	require.ErrorIs(t, err, ErrFrozen)
	assert.ErrorContains(t, err, `incentive: period "2026-02" not assessed: adjustment of USD -50.00 for p8 2026-02`)
	adjs, err := f.book.Adjustments("p9", "2026-02")
	require.NoError(t, err)
	assert.Empty(t, adjs, "p9's penalty was undone")
	after, err := f.book.Snapshot()
	require.NoError(t, err)
	assert.Equal(t, len(snap.Events)+1, len(after.Events), "only the appeal")
	assert.Equal(t, []string{"2026-01"}, f.a.Periods())

	// Once the appeal is decided the period can be assessed.
	_, err = f.book.DecideAt(monthEnd(1).Add(-time.Second), Decision{Appeal: "x", Reason: "no", Approver: "hr"})
	require.NoError(t, err)
	outs, err := f.a.AssessAt(monthEnd(1), month(1), two(t))
	require.NoError(t, err)
	assert.Equal(t, []string{"2026-02/bottom-two-periods/p8", "2026-02/bottom-two-periods/p9"}, ids(outs))
	assert.Equal(t, []string{"adj-1", "adj-2"}, []string{outs[0].Adjustment, outs[1].Adjustment})
}

func TestAssessorRefusals(t *testing.T) {
	f := newDesk(t)
	_, err := f.a.AssessAt(monthEnd(0), "", []Ranked{{ID: ""}, {ID: "a"}, {ID: "a"}})
	require.ErrorIs(t, err, ErrInvalid)
	for _, want := range []string{"incentive: period: is required", "incentive: ranked[0].id: is required",
		`incentive: ranked[2].id: "a" again (also ranked[1])`} {
		assert.ErrorContains(t, err, want)
	}
	_, err = f.a.AssessAt(time.Time{}, month(0), nil)
	require.ErrorIs(t, err, ErrInput)
	f.assess(t, 1, nil)
	_, err = f.a.AssessAt(monthEnd(2), month(1), nil)
	require.ErrorIs(t, err, ErrDuplicate)
	_, err = f.a.AssessAt(monthEnd(0), month(0), nil)
	require.ErrorIs(t, err, ErrTimeBackwards)
	_, err = f.a.Outcome("nope")
	require.ErrorIs(t, err, ErrNotFound)

	_, err = NewAssessor(assessConfig())
	require.ErrorIs(t, err, ErrInvalid)
	assert.ErrorContains(t, err, "WithBook")
	// Without penalties no Book is needed.
	_, err = NewAssessor(AssessmentConfig{Rules: SeedAssessmentRules(MustDecimal("0.6")), AppealWindow: DefaultAppealWindow})
	require.NoError(t, err)
}

func TestAssessmentConfigValidate(t *testing.T) {
	cfg := AssessmentConfig{Rules: []AssessmentRule{
		{Name: "a", Bottom: true, Periods: 0, Outcome: "card", Reason: "r", Penalties: []Money{{Currency: "XXX", Minor: 1}, MustMoney("USD -1.00")}},
		{Name: "a", Periods: 1},
		{Bottom: true, Periods: 1, Outcome: "x", Reason: "y"},
	}}
	err := cfg.Validate()
	require.ErrorIs(t, err, ErrInvalid)
	for _, want := range []string{
		"incentive: rules[0].periods: must be at least 1, got 0",
		"incentive: rules[0].penalties[0].currency: unknown currency",
		"incentive: rules[0].penalties[1]: negative penalty USD -1.00",
		`incentive: rules[1].name: rule "a" again (also rules[0])`,
		"incentive: rules[1]: no condition (bottom or below)",
		"incentive: rules[1].outcome: is required",
		"incentive: rules[1].reason: is required",
		"incentive: rules[2].name: is required",
		"incentive: approver: is required",
		"incentive: appeal_window: must be positive, got 0s",
	} {
		assert.ErrorContains(t, err, want)
	}
	assert.ErrorContains(t, AssessmentConfig{}.Validate(), "incentive: rules: no rules")
	require.NoError(t, assessConfig().Validate())
}

func TestAssessorConcurrent(t *testing.T) {
	f := newDesk(t)
	f.assess(t, 0, ranking(t, "p9", "p8"))
	f.assess(t, 1, ranking(t, "p9", "p8"))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = f.a.AppealAt(monthEnd(1).Add(time.Hour), OutcomeAppealRequest{Outcome: "2026-02/bottom-two-periods/p9", Reason: fmt.Sprint("try ", i)})
			_ = f.a.Outcomes("")
			_ = f.a.Snapshot()
		}()
	}
	wg.Wait()
	o, err := f.a.Outcome("2026-02/bottom-two-periods/p9")
	require.NoError(t, err)
	assert.Equal(t, OutcomeAppealed, o.Status)
	assert.Len(t, f.a.Snapshot().Log, 3, "one appeal got through")
}

func TestAssessmentConfigJSON(t *testing.T) {
	cfg := assessConfig()
	data, err := json.Marshal(cfg)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"appeal_window":"168h0m0s"`)
	assert.Contains(t, string(data), `"below":"0.6"`)
	var back AssessmentConfig
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, cfg, back)
	require.NoError(t, json.Unmarshal([]byte(`{"appeal_window":604800000000000}`), &back))
	assert.Equal(t, DefaultAppealWindow, back.AppealWindow)
	assert.ErrorIs(t, json.Unmarshal([]byte(`{"appeal_window":"a week"}`), &back), ErrDuration)
	assert.ErrorIs(t, json.Unmarshal([]byte(`{"appeal_window":[]}`), &back), ErrDuration)
}
