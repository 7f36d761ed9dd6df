package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/emergency"
	"github.com/sqkit/sqkit/incentive"
)

// The adapter from assessments to the board: a yellow card keeps its
// agent at least yellow, a second one in force at orange; overturning the
// card on appeal lifts its floor and gives the penalty back.
func TestAssessmentWarnings(t *testing.T) {
	board, err := emergency.NewBoard(boardConfig())
	require.NoError(t, err)
	w := newAssessmentWarnings(board)
	book := incentive.NewBook()
	a, err := incentive.NewAssessor(deskAssessment(), incentive.WithBook(book))
	require.NoError(t, err)

	t0 := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	people := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}
	var cards []incentive.Outcome
	for k, period := range []string{"p1", "p2", "p3", "p4"} {
		at := t0.AddDate(0, 0, 7*(k+1))
		var entries []incentive.Entry
		for i, p := range people {
			pay := incentive.MustMoney("CNY 1000.00")
			require.NoError(t, book.IssueAt(at, incentive.Statement{Version: incentive.StatementVersion, Person: p, Period: period,
				Total: pay, Lines: []incentive.Line{{Kind: incentive.LineFlat, Amount: pay}}}))
			entries = append(entries, incentive.Entry{ID: p, Score: incentive.DecimalFromInt(int64(100 - i))}) // j last
		}
		ranked, err := incentive.Rank(entries, incentive.SeedBottomShare())
		require.NoError(t, err)
		outs, err := a.AssessAt(at, period, ranked)
		require.NoError(t, err)
		_, err = w.given(outs)
		require.NoError(t, err)
		cards = append(cards, outs...)
	}
	require.Len(t, cards, 2, "bottom four periods running: a card at the second and the fourth")
	assert.Equal(t, []int{1, 2}, []int{cards[0].Grade, cards[1].Grade})
	assert.Equal(t, emergency.Orange, board.Level(w.subject("j")), "grade 2 is a level higher")
	net, err := book.Net("j", "p4")
	require.NoError(t, err)
	assert.Equal(t, "CNY 700.00", net.String(), "the second grade's penalty")

	second := cards[1]
	_, err = a.AppealAt(second.At.Add(time.Hour), incentive.OutcomeAppealRequest{Outcome: second.ID, Reason: "a week of outage", FiledBy: "j"})
	require.NoError(t, err)
	o, err := a.DecideAt(second.At.Add(2*time.Hour), incentive.OutcomeDecision{Outcome: second.ID, Overturn: true, Reason: "outage confirmed", DecidedBy: "hr"})
	require.NoError(t, err)
	ch, err := w.decided(o)
	require.NoError(t, err)
	require.Len(t, ch, 1)
	assert.Equal(t, emergency.Yellow, board.Level(w.subject("j")), "the first card still holds")
	net, err = book.Net("j", "p4")
	require.NoError(t, err)
	assert.Equal(t, "CNY 1000.00", net.String(), "the penalty given back")

	upheld, err := w.decided(cards[0])
	require.NoError(t, err)
	assert.Empty(t, upheld, "a card not overturned keeps its floor")
	assert.Equal(t, emergency.None, w.level(incentive.Outcome{Outcome: "other", Grade: 1}))
	assert.Equal(t, emergency.Red, w.level(incentive.Outcome{Outcome: incentive.OutcomeYellowCard, Grade: 9}))
}

// The desk's month: two assessments (mid-month and month end); with 8
// agents the bottom 10 % flags nobody, so nobody gets a card.
func TestAssessmentPeriods(t *testing.T) {
	res, err := smallRun()
	require.NoError(t, err)
	as := res.Assessment
	require.Len(t, as.Periods, 2)
	assert.Equal(t, res.Start.AddDate(0, 0, small().Days/2), as.Periods[0].At)
	assert.Equal(t, res.End, as.Periods[1].At)
	assert.Equal(t, res.Start.Format("2006-01"), as.Periods[1].Period, "the month-end ranking is the statements'")
	assert.Empty(t, as.Outcomes)
	assert.Equal(t, res.Payout, as.NetPayout)
}

// A month with a card: the agent in the bottom share at both assessments
// gets a yellow card, its penalty comes off the month's statement, and the
// board keeps the agent yellow.
func TestYellowCardOfTheMonth(t *testing.T) {
	if testing.Short() {
		t.Skip("a whole month")
	}
	res, err := defaultRun()
	require.NoError(t, err)
	as := res.Assessment
	require.NotEmpty(t, as.Outcomes, "the default month gives a yellow card")
	var penalties int64
	for _, o := range as.Outcomes {
		assert.Equal(t, incentive.OutcomeYellowCard, o.Outcome)
		assert.Equal(t, []string{as.Periods[0].Period, as.Periods[1].Period}, o.Periods)
		assert.Equal(t, res.End.Add(incentive.DefaultAppealWindow.D()), o.AppealBy)
		require.NotNil(t, o.Penalty)
		penalties += o.Penalty.Minor
		assert.Equal(t, emergency.Yellow, agentLevel(res, "agent:"+o.Person))
		for _, p := range as.Periods {
			assert.True(t, bottomOf(p, o.Person), "%s in the bottom share of %s", o.Person, p.Period)
		}
	}
	require.Len(t, as.Adjustments, len(as.Outcomes))
	assert.Equal(t, res.Payout.Minor-penalties, as.NetPayout.Minor)
}

func bottomOf(p AssessedPeriod, person string) bool {
	for _, rk := range p.Bottom {
		if rk.ID == person {
			return true
		}
	}
	return false
}
