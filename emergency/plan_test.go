package emergency

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/sla"
)

func planTestLibrary(t *testing.T) *PlanLibrary {
	t.Helper()
	lib, err := NewPlanLibrary(
		Plan{ID: "general", Version: 1, Title: "General response", Roles: []string{"duty-officer"},
			Steps: []PlanStep{{Name: "open a bridge", Role: "duty-officer", Within: sla.Duration(15 * time.Minute)}}},
		Plan{ID: "security-major", Version: 2, Title: "Security breach v2", Types: []IncidentType{SecurityEvent},
			Grades: []Grade{GradeI, GradeII}, Roles: []string{"ciso", "legal"},
			Steps: []PlanStep{{Name: "isolate", Role: "ciso", Within: sla.Duration(30 * time.Minute)}, {Name: "notify regulator", Role: "legal", Within: sla.Duration(72 * time.Hour)}}},
		Plan{ID: "security-major", Version: 1, Title: "Security breach v1", Types: []IncidentType{SecurityEvent},
			Grades: []Grade{GradeI}, Roles: []string{"ciso"}, Steps: []PlanStep{{Name: "isolate", Role: "ciso"}}},
		Plan{ID: "pr", Version: 1, Types: []IncidentType{PublicOpinionCrisis}, Roles: []string{"pr"},
			Steps: []PlanStep{{Name: "holding statement", Role: "pr", Within: sla.Duration(time.Hour)}}},
		Plan{ID: "grade-one", Version: 1, Grades: []Grade{GradeI}, Roles: []string{"exec"},
			Steps: []PlanStep{{Name: "crisis room", Role: "exec"}}},
	)
	require.NoError(t, err)
	return lib
}

func TestPlanSelect(t *testing.T) {
	lib := planTestLibrary(t)
	tests := []struct {
		typ     IncidentType
		grade   Grade
		id      string
		version int
		reason  string
	}{
		{SecurityEvent, GradeII, "security-major", 2, "type security_event, grade II"},
		{SecurityEvent, GradeI, "security-major", 2, "type security_event, grade I"},
		{PublicOpinionCrisis, GradeIV, "pr", 1, "type public_opinion_crisis, any grade"},
		{NaturalDisaster, GradeI, "grade-one", 1, "any type, grade I"},
		{SecurityEvent, GradeIII, "general", 1, "any type, any grade"},
	}
	for _, tt := range tests {
		p, reason, ok := lib.Select(tt.typ, tt.grade)
		require.True(t, ok)
		assert.Equal(t, tt.id, p.ID, "%s %v", tt.typ, tt.grade)
		assert.Equal(t, tt.version, p.Version)
		assert.Equal(t, tt.reason, reason)
	}
	empty, err := NewPlanLibrary()
	require.NoError(t, err)
	_, _, ok := empty.Select(SystemFailure, GradeI)
	assert.False(t, ok)

	// A new version narrows the plan: the index forgets the old entries.
	require.NoError(t, lib.Add(Plan{ID: "security-major", Version: 3, Types: []IncidentType{SecurityEvent},
		Grades: []Grade{GradeI}, Roles: []string{"ciso"}, Steps: []PlanStep{{Name: "isolate", Role: "ciso"}}}))
	p, _, _ := lib.Select(SecurityEvent, GradeII)
	assert.Equal(t, "general", p.ID)
	assert.Len(t, lib.Versions("security-major"), 3)
	v1, ok := lib.Plan("security-major", 1)
	require.True(t, ok)
	assert.Equal(t, "Security breach v1", v1.Title)
	latest, _ := lib.Plan("security-major", 0)
	assert.Equal(t, 3, latest.Version)
	_, ok = lib.Plan("security-major", 9)
	assert.False(t, ok)

	err = lib.Add(Plan{ID: "pr", Version: 1, Roles: []string{"pr"}, Steps: []PlanStep{{Name: "x", Role: "pr"}}})
	assert.ErrorIs(t, err, ErrPlanVersion)
}

func TestPlanValidate(t *testing.T) {
	p := Plan{Grades: []Grade{GradeI, 7, GradeI}, Types: []IncidentType{""}, Roles: []string{"a"},
		Steps: []PlanStep{{Name: "x", Role: "a"}, {Name: "x", Role: "b", Within: sla.Duration(-time.Minute)}, {Role: "a"}}}
	err := p.Validate()
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrInvalidConfig)
	for _, path := range []string{"id", "version", "types[0]", "grades[1]", "grades[2]", "steps[1].name", "steps[1].role", "steps[1].within", "steps[2].name"} {
		assert.Contains(t, err.Error(), "emergency: "+path+":")
	}
	_, err = NewPlanLibrary(Plan{ID: "p", Version: 1})
	assert.ErrorIs(t, err, ErrInvalidConfig)
	assert.Contains(t, err.Error(), "steps")
}

func TestPlanSelectedForIncident(t *testing.T) {
	f := incNewFixture(t, DefaultIncidentConfig(), WithPlans(planTestLibrary(t)))
	in := incReport(t, f, Report{Type: SecurityEvent, Grade: GradeIII})
	sel, ok := in.Plan()
	require.True(t, ok)
	assert.Equal(t, "general", sel.PlanID)
	assert.Equal(t, "reported", sel.Trigger)
	assert.Equal(t, []PlannedStep{{Name: "open a bridge", Role: "duty-officer", Due: t0.Add(15 * time.Minute)}}, sel.Steps)

	f.advance(10 * time.Minute)
	in, err := f.mgr.Regrade(in.ID, GradeII, "ciso", "customer data involved")
	require.NoError(t, err)
	require.Len(t, in.Plans, 2, "both selections recorded")
	sel, _ = in.Plan()
	assert.Equal(t, "security-major", sel.PlanID)
	assert.Equal(t, 2, sel.Version)
	assert.Equal(t, "re-graded", sel.Trigger)
	assert.Equal(t, "type security_event, grade II", sel.Reason)
	assert.Equal(t, t0.Add(10*time.Minute+30*time.Minute), sel.Steps[0].Due)
	assert.Len(t, f.eventsOf(EventPlanSelected), 2)

	// Re-grading to a grade the same plan covers records no new selection.
	in, err = f.mgr.Regrade(in.ID, GradeI, "ciso", "")
	require.NoError(t, err)
	assert.Len(t, in.Plans, 2)
}
