package incentive

import (
	"slices"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var bookT0 = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

// busyBook returns a Book with two statements, an approved appeal with its
// adjustment, a manual adjustment, a rejected appeal and a pending one.
func busyBook(t *testing.T) *Book {
	t.Helper()
	clk := clock.NewMock()
	clk.Set(bookT0)
	b := NewBook(WithClock(clk))
	c := mustCompile(t, servicePlan())
	for _, p := range []struct {
		person string
		qty    string
	}{{"alice", "250"}, {"bob", "80"}} {
		st, err := c.Statement(Input{Person: p.person, Period: "2026-10", Values: aliceValues(), Quantity: MustDecimal(p.qty)})
		require.NoError(t, err)
		require.NoError(t, b.Issue(st))
	}
	step := func(err error) {
		t.Helper()
		require.NoError(t, err)
		clk.Add(time.Hour)
	}
	_, err := b.FileAppeal(AppealRequest{ID: "ap-1", Person: "alice", Period: "2026-10", Reason: "survey miscounted", FiledBy: "alice"})
	step(err)
	_, err = b.Adjust(AdjustmentRequest{Person: "bob", Period: "2026-10", Amount: MustMoney("USD 3.00"), Reason: "late ticket", Approver: "payroll"})
	step(err)
	_, err = b.Decide(Decision{Appeal: "ap-1", Approve: true, Amount: MustMoney("USD 12.50"), Reason: "duplicates", Approver: "lead"})
	step(err)
	_, err = b.FileAppeal(AppealRequest{ID: "ap-2", Person: "bob", Period: "2026-10", Reason: "NPS"})
	step(err)
	_, err = b.Decide(Decision{Appeal: "ap-2", Reason: "survey valid", Approver: "lead"})
	step(err)
	_, err = b.FileAppeal(AppealRequest{ID: "ap-3", Person: "alice", Period: "2026-10", Reason: "AHT"})
	step(err)
	return b
}

func TestBookTimeRunsForwardPerStatement(t *testing.T) {
	b := busyBook(t)
	last := b.History("bob", "2026-10")
	at := last[len(last)-1].At // bob's latest event
	before := at.Add(-time.Minute)

	_, err := b.FileAppealAt(before, AppealRequest{ID: "ap-9", Person: "bob", Period: "2026-10", Reason: "r"})
	require.ErrorIs(t, err, ErrTimeBackwards)
	_, err = b.AdjustAt(before, AdjustmentRequest{Person: "bob", Period: "2026-10", Amount: MustMoney("USD 1.00"), Reason: "r", Approver: "a"})
	require.ErrorIs(t, err, ErrTimeBackwards)
	_, err = b.DecideAt(bookT0, Decision{Appeal: "ap-3", Reason: "r", Approver: "a"})
	require.ErrorIs(t, err, ErrTimeBackwards, "decided before it was filed")
	_, err = b.AdjustAt(time.Time{}, AdjustmentRequest{Person: "bob", Period: "2026-10", Amount: MustMoney("USD 1.00"), Reason: "r", Approver: "a"})
	require.ErrorIs(t, err, ErrInput)
	snapBefore, err := b.Snapshot()
	require.NoError(t, err)

	// The same instant is not earlier; another statement is independent.
	_, err = b.AdjustAt(at, AdjustmentRequest{Person: "bob", Period: "2026-10", Amount: MustMoney("USD 1.00"), Reason: "r", Approver: "a"})
	require.NoError(t, err)
	st, err := b.Statement("alice", "2026-10")
	require.NoError(t, err)
	st.Period = "2026-09"
	require.NoError(t, b.IssueAt(bookT0.Add(-30*24*time.Hour), st))
	require.ErrorIs(t, b.IssueAt(time.Time{}, Statement{}), ErrInvalid)
	st.Period = "2026-08"
	require.ErrorIs(t, b.IssueAt(time.Time{}, st), ErrInput)
	assert.Len(t, b.History("", ""), len(snapBefore.Events)+2)
}

func TestIssueRefusesStatementsThatDoNotAddUp(t *testing.T) {
	st, err := mustCompile(t, servicePlan()).Statement(Input{Person: "alice", Period: "2026-10", Values: aliceValues(), Quantity: MustDecimal("250")})
	require.NoError(t, err)
	tests := []struct {
		name   string
		mutate func(*Statement)
		want   string
	}{
		{"version", func(s *Statement) { s.Version = 0 }, "incentive: version: statement version 0, this package writes version 1"},
		{"person", func(s *Statement) { s.Person = "" }, "incentive: person: is required"},
		{"period", func(s *Statement) { s.Period = "" }, "incentive: period: is required"},
		{"total", func(s *Statement) { s.Total.Minor++ }, "incentive: total: USD 400.01, but the lines sum to USD 400.00"},
		{"line currency", func(s *Statement) { s.Lines[0].Amount.Currency = "EUR" }, "incentive: lines[0].amount: currency mismatch"},
		{"line kind", func(s *Statement) { s.Lines[0].Kind = "" }, `incentive: lines[0].kind: unknown line kind ""`},
		{"total currency", func(s *Statement) { s.Total.Currency = "XXX" }, "incentive: total.currency: unknown currency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := st
			s.Lines = slices.Clone(st.Lines)
			tt.mutate(&s)
			err := NewBook().Issue(s)
			require.ErrorIs(t, err, ErrInvalid)
			assert.ErrorContains(t, err, tt.want)
		})
	}
	require.NoError(t, NewBook().Issue(st))
}

// Each snapshot holds something the Book's own operations refuse; the
// restore refuses it too.
func TestRestoreBookRefusesWhatLiveRefuses(t *testing.T) {
	good, err := busyBook(t).Snapshot()
	require.NoError(t, err)
	require.Len(t, good.Adjustments, 2)
	require.Len(t, good.Appeals, 3)
	require.Len(t, good.Events, 9)
	tests := []struct {
		name   string
		mutate func(*BookSnapshot)
		is     error
		want   string
	}{
		{"adjustment id ahead of the sequence", func(s *BookSnapshot) { s.Adjustments[1].ID = "adj-5" }, ErrInvalid,
			`incentive: adjustments[1]: {"id":"adj-5"`},
		{"sequence ahead of the adjustments", func(s *BookSnapshot) { s.AdjSeq = 5 }, ErrInvalid,
			"incentive: adj_seq: 5, but the history posts 2 adjustments"},
		{"adjustment without reason", func(s *BookSnapshot) { s.Adjustments[0].Reason = "" }, ErrInvalid,
			"incentive: adjustments[0].reason: is required"},
		{"adjustment without approver", func(s *BookSnapshot) { s.Adjustments[0].Approver = "" }, ErrInvalid,
			"incentive: adjustments[0].approver: is required"},
		{"zero adjustment", func(s *BookSnapshot) { s.Adjustments[0].Amount.Minor = 0 }, ErrInvalid,
			"incentive: adjustments[0].amount: must not be zero"},
		{"statement that does not add up", func(s *BookSnapshot) { s.Statements[0].Total.Minor++ }, ErrInvalid,
			"incentive: statements[0].total: USD 400.01, but the lines sum to USD 400.00"},
		{"statement without version", func(s *BookSnapshot) { s.Statements[1].Version = 0 }, ErrInvalid,
			"incentive: statements[1].version: statement version 0"},
		{"appeal without reason", func(s *BookSnapshot) { s.Appeals[0].Reason = "" }, ErrInvalid,
			"incentive: appeals[0].reason: is required"},
		{"appeal without status", func(s *BookSnapshot) { s.Appeals[2].Status = "" }, ErrInvalid,
			`incentive: appeals[2]: {"id":"ap-3"`},
		{"decision without approver", func(s *BookSnapshot) { s.Appeals[1].DecidedBy = "" }, ErrInvalid,
			"incentive: appeals[1].approver: is required"},
		{"approval naming another adjustment", func(s *BookSnapshot) { s.Appeals[0].Adjustment = "adj-1" }, ErrInvalid,
			`incentive: appeals[0]: {"id":"ap-1"`},
		{"decided before filed", func(s *BookSnapshot) {
			for i := range s.Events {
				if s.Events[i].Appeal == "ap-2" && s.Events[i].Kind == EventRejected {
					s.Events[i].At = bookT0
				}
			}
		}, ErrTimeBackwards, "appeals[1]: bob 2026-10: 2026-11-01 09:00:00 +0000 UTC is before the statement's last recorded instant"},
		{"adjustment while frozen", func(s *BookSnapshot) {
			// Bob's adjustment moved between the filing and the decision of
			// his appeal.
			e := s.Events
			s.Events = []Event{e[0], e[1], e[2], e[4], e[5], e[6], e[3], e[7], e[8]}
			for i := range s.Events {
				s.Events[i].Seq = int64(i) + 1
			}
			s.Events[6].At = s.Events[5].At
			s.Adjustments[0], s.Adjustments[1] = s.Adjustments[1], s.Adjustments[0]
		}, ErrFrozen, `incentive: adjustments[1]: statement frozen by appeal: appeal "ap-2" is pending on bob 2026-10`},
		{"zero instant", func(s *BookSnapshot) { s.Events[0].At = time.Time{} }, ErrInput, "statements[0]: invalid input: zero instant"},
		{"events not numbered in order", func(s *BookSnapshot) { s.Events[4].Seq = 9 }, ErrInvalid, `incentive: events[4]: {"seq":9`},
		{"statement issued twice", func(s *BookSnapshot) { s.Statements = append(s.Statements, s.Statements[0]) }, ErrInvalid,
			"incentive: statements[2]: statement of alice 2026-10 again (also statements[0])"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := cloneBookSnapshot(good)
			tt.mutate(&s)
			var b *Book
			var err error
			require.NotPanics(t, func() { b, err = RestoreBook(s) })
			assert.Nil(t, b)
			require.ErrorIs(t, err, ErrInvalid)
			require.ErrorIs(t, err, tt.is)
			assert.ErrorContains(t, err, tt.want)
			var fe *FieldError
			require.ErrorAs(t, err, &fe)
		})
	}
	_, err = RestoreBook(good)
	require.NoError(t, err)
}

func cloneBookSnapshot(s BookSnapshot) BookSnapshot {
	s.Statements = slices.Clone(s.Statements)
	for i := range s.Statements {
		s.Statements[i].Lines = slices.Clone(s.Statements[i].Lines)
	}
	s.Appeals = slices.Clone(s.Appeals)
	s.Adjustments = slices.Clone(s.Adjustments)
	s.Events = slices.Clone(s.Events)
	return s
}
