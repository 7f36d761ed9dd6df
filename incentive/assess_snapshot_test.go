package incentive

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// busyAssessor: cards for p9 in February (overturned on appeal), April
// (appeal pending) and June, reviews of p7 and p9 in June.
func busyAssessor(t testing.TB) *deskFixture {
	t.Helper()
	f := newDesk(t, "p9")
	for i := range 6 {
		f.assess(t, i, ranking(t, "p9", "p7"))
		switch i {
		case 1:
			id := month(1) + "/bottom-two-periods/p9"
			_, err := f.a.AppealAt(monthEnd(1).Add(time.Hour), OutcomeAppealRequest{Outcome: id, Reason: "sick leave", FiledBy: "p9"})
			require.NoError(t, err)
			_, err = f.a.DecideAt(monthEnd(1).Add(48*time.Hour), OutcomeDecision{Outcome: id, Overturn: true, Reason: "confirmed", DecidedBy: "hr"})
			require.NoError(t, err)
		case 3:
			_, err := f.a.AppealAt(monthEnd(3).Add(time.Hour), OutcomeAppealRequest{Outcome: month(3) + "/bottom-two-periods/p9", Reason: "again?"})
			require.NoError(t, err)
		}
	}
	return f
}

// goldenPair pins the Assessor's snapshot and the Book it posted to.
func goldenPair(t *testing.T, f *deskFixture) (AssessorSnapshot, BookSnapshot) {
	t.Helper()
	bs, err := f.book.Snapshot()
	require.NoError(t, err)
	golden(t, "assessor_book.golden.json", bs)
	doc := golden(t, "assessor_snapshot.golden.json", f.a.Snapshot())
	var as AssessorSnapshot
	require.NoError(t, json.Unmarshal(doc, &as))
	raw, err := os.ReadFile(filepath.Join("testdata", "assessor_book.golden.json"))
	require.NoError(t, err)
	var back BookSnapshot
	require.NoError(t, json.Unmarshal(raw, &back))
	return as, back
}

func TestAssessorSnapshotGolden(t *testing.T) {
	f := busyAssessor(t)
	as, bs := goldenPair(t, f)
	book, err := RestoreBook(bs)
	require.NoError(t, err)
	r, err := RestoreAssessor(as, WithBook(book))
	require.NoError(t, err)
	golden(t, "assessor_snapshot.golden.json", r.Snapshot())

	// The restored assessor goes on where the first left off.
	want, err := f.a.DecideAt(monthEnd(5).Add(time.Hour), OutcomeDecision{Outcome: month(3) + "/bottom-two-periods/p9", Reason: "fair", DecidedBy: "hr"})
	require.NoError(t, err)
	got, err := r.DecideAt(monthEnd(5).Add(time.Hour), OutcomeDecision{Outcome: month(3) + "/bottom-two-periods/p9", Reason: "fair", DecidedBy: "hr"})
	require.NoError(t, err)
	assert.Equal(t, want, got)
	o1, err := f.a.AssessAt(monthEnd(6), month(6), ranking(t, "p9", ""))
	require.NoError(t, err)
	o2, err := r.AssessAt(monthEnd(6), month(6), ranking(t, "p9", ""))
	require.NoError(t, err)
	assert.Equal(t, o1, o2)

	doc, err := json.Marshal(as)
	require.NoError(t, err)
	var other AssessorSnapshot
	require.NoError(t, json.Unmarshal(otherVersion(t, []byte(`{"version": 1,`+string(doc[len(`{"version":1,`):]))), &other))
	_, err = RestoreAssessor(other, WithBook(book))
	require.ErrorIs(t, err, ErrInvalid)
	assert.EqualError(t, err, "incentive: version: assessor snapshot version 2, this package reads version 1")
}

// Each of these snapshots records what the live operations refuse, or
// what the Book does not hold; the restore refuses them.
func TestRestoreAssessorRefuses(t *testing.T) {
	f := busyAssessor(t)
	good := f.a.Snapshot()
	tests := []struct {
		name   string
		mutate func(s *AssessorSnapshot)
		book   func() *Book
		want   []string
		is     error
	}{
		{"config", func(s *AssessorSnapshot) { s.Config.AppealWindow = 0 }, nil,
			[]string{"incentive: config.appeal_window: must be positive, got 0s"}, ErrInvalid},
		{"time backwards", func(s *AssessorSnapshot) { s.Log[2].At = monthEnd(0) }, nil,
			[]string{"incentive: log[2]: "}, ErrTimeBackwards},
		{"period twice", func(s *AssessorSnapshot) { s.Log[5].Period = s.Log[0].Period }, nil,
			[]string{"incentive: log[5]: "}, ErrDuplicate},
		{"appeal after the deadline", func(s *AssessorSnapshot) { s.Log[2].At = monthEnd(1).Add(8 * 24 * time.Hour) }, nil,
			[]string{"incentive: log[2]: "}, ErrAppealDeadline},
		{"unknown kind", func(s *AssessorSnapshot) { s.Log[0].Kind = "graded" }, nil,
			[]string{`incentive: log[0].kind: unknown kind "graded"`}, ErrInvalid},
		{"a grade edited", func(s *AssessorSnapshot) { s.Outcomes[1].Grade = 3 }, nil,
			[]string{"incentive: outcomes[1]: "}, ErrInvalid},
		{"an unflagged standing", func(s *AssessorSnapshot) {
			s.Log[0].Flagged = append(s.Log[0].Flagged, Ranked{ID: "zz", Score: MustDecimal("0.99")})
		}, nil, []string{"incentive: log[0]: "}, ErrInvalid},
		{"outcome twice", func(s *AssessorSnapshot) { s.Outcomes = append(s.Outcomes, s.Outcomes[0]) }, nil,
			[]string{`incentive: outcomes[5].id: "2026-02/bottom-two-periods/p9" again (also outcomes[0])`}, ErrInvalid},
		{"penalty not in the book", nil, func() *Book { return NewBook() },
			[]string{"incentive: log[1]: "}, ErrNotFound},
		{"penalty of another amount", func(s *AssessorSnapshot) {
			s.Config.Rules[0].Penalties[0] = MustMoney("USD 60.00")
		}, nil, []string{"the book holds no adjustment adj-1 of USD -60.00"}, ErrInvalid},
		{"appeal decided in the book only", nil, func() *Book {
			b := mustRestoreBook(t, f)
			_, err := b.DecideAt(monthEnd(5), Decision{Appeal: "outcome:2026-04/bottom-two-periods/p9", Reason: "no", Approver: "hr"})
			require.NoError(t, err)
			return b
		}, []string{`incentive: outcomes[1].status: appealed, but the book's appeal "outcome:2026-04/bottom-two-periods/p9" is not pending`}, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s AssessorSnapshot
			data, err := json.Marshal(good)
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(data, &s))
			if tt.mutate != nil {
				tt.mutate(&s)
			}
			book := mustRestoreBook(t, f)
			if tt.book != nil {
				book = tt.book()
			}
			r, err := RestoreAssessor(s, WithBook(book))
			assert.Nil(t, r)
			require.ErrorIs(t, err, tt.is)
			require.ErrorIs(t, err, ErrInvalid)
			for _, w := range tt.want {
				assert.ErrorContains(t, err, w)
			}
		})
	}
}

func mustRestoreBook(t *testing.T, f *deskFixture) *Book {
	t.Helper()
	bs, err := f.book.Snapshot()
	require.NoError(t, err)
	b, err := RestoreBook(bs)
	require.NoError(t, err)
	return b
}

func FuzzRestoreAssessor(f *testing.F) {
	raw, err := os.ReadFile(filepath.Join("testdata", "assessor_book.golden.json"))
	if err != nil {
		f.Fatal(err)
	}
	var bs BookSnapshot
	if err := json.Unmarshal(raw, &bs); err != nil {
		f.Fatal(err)
	}
	book, err := RestoreBook(bs)
	if err != nil {
		f.Fatal(err)
	}
	// The restore only reads the Book, so one serves every input.
	fuzzRestore(f, []string{"assessor_snapshot.golden.json"},
		func(s AssessorSnapshot) (any, error) { return RestoreAssessor(s, WithBook(book)) },
		func(a any) (AssessorSnapshot, error) { return a.(*Assessor).Snapshot(), nil })
}
