package emergency

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
)

// IncidentSnapshotVersion is the format version written by
// IncidentManager.Snapshot.
const IncidentSnapshotVersion = 1

// IncidentRecord is the state of one incident in an IncidentSnapshot.
type IncidentRecord struct {
	Report     Report          `json:"report"`
	ReportedAt time.Time       `json:"reported_at"`
	Grade      Grade           `json:"grade"`
	Machine    fsm.Snapshot    `json:"machine"`
	Milestones []Milestone     `json:"milestones"`
	AckOpen    bool            `json:"ack_open,omitempty"`
	Acks       []Ack           `json:"acks,omitempty"`
	Regrades   []Regrade       `json:"regrades,omitempty"`
	Plans      []PlanSelection `json:"plans,omitempty"`
	Review     *Review         `json:"review,omitempty"`
}

// IncidentSnapshot is the complete state of an IncidentManager as a plain,
// JSON-serialisable value: every incident (lifecycle machine, milestones,
// acknowledgements, re-grades, plan selections, review) and the SLA clocks
// of their deadlines.
type IncidentSnapshot struct {
	Version   int                 `json:"version"`
	Seq       uint64              `json:"seq"`
	Incidents []IncidentRecord    `json:"incidents"`
	Tracker   sla.TrackerSnapshot `json:"tracker"`
}

// Snapshot returns the manager's state, incidents in the order they were
// reported.
func (m *IncidentManager) Snapshot() IncidentSnapshot {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := IncidentSnapshot{Version: IncidentSnapshotVersion, Seq: m.seq, Incidents: make([]IncidentRecord, 0, len(m.order))}
	for _, id := range m.order {
		inc := m.incidents[id]
		rec := IncidentRecord{
			Report: inc.rep, ReportedAt: inc.reportedAt, Grade: inc.grade, Machine: inc.m.Snapshot(),
			Milestones: slices.Clone(inc.milestones), AckOpen: inc.ackOpen, Acks: slices.Clone(inc.acks),
			Regrades: slices.Clone(inc.regrades), Plans: clonePlans(inc.plans),
		}
		if inc.review != nil {
			r := inc.review.clone()
			rec.Review = &r
		}
		s.Incidents = append(s.Incidents, rec)
	}
	s.Tracker = m.tr.Snapshot()
	return s
}

// Restore replaces the manager's state with s, which must come from a
// manager with the same configuration. Deadlines that fell due while the
// host was down fire, in order, on the next AdvanceTo. Every problem is
// reported at once, wrapping ErrSnapshot; on error nothing changes.
func (m *IncidentManager) Restore(s IncidentSnapshot) error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: %s", ErrSnapshot, fmt.Sprintf(format, args...)))
	}
	if s.Version != IncidentSnapshotVersion {
		bad("version %d, want %d", s.Version, IncidentSnapshotVersion)
	}
	incidents := make(map[string]*incident, len(s.Incidents))
	order := make([]string, 0, len(s.Incidents))
	refs := map[string]clockRef{}
	for i, rec := range s.Incidents {
		p := fmt.Sprintf("incidents[%d]", i)
		id := rec.Report.ID
		switch {
		case id == "" || incidents[id] != nil:
			bad("%s: empty or duplicate id %q", p, id)
			continue
		case !slices.Contains(m.cfg.Types, rec.Report.Type):
			bad("%s: unknown incident type %q", p, rec.Report.Type)
			continue
		case !rec.Grade.Valid() || !rec.Report.Grade.Valid():
			bad("%s: grade out of range", p)
			continue
		case checkTime(rec.ReportedAt) != nil:
			bad("%s: reported_at %v out of range", p, rec.ReportedAt)
			continue
		case rec.Machine.ID != id:
			bad("%s: machine id %q differs from incident id %q", p, rec.Machine.ID, id)
			continue
		}
		mach, err := fsm.Restore(incidentDef, rec.Machine, fsm.WithClock(m.clk))
		if err != nil {
			bad("%s.machine: %v", p, err)
			continue
		}
		inc := &incident{
			rep: rec.Report, reportedAt: rec.ReportedAt.UTC(), grade: rec.Grade, m: mach, ackOpen: rec.AckOpen,
			milestones: slices.Clone(rec.Milestones), acks: slices.Clone(rec.Acks),
			regrades: slices.Clone(rec.Regrades), plans: clonePlans(rec.Plans),
		}
		if rec.Review != nil {
			r := rec.Review.clone()
			inc.review = &r
		}
		for _, ms := range inc.milestones {
			refs[milestoneClock(id, ms.Name)] = clockRef{incident: id, milestone: ms.Name}
		}
		tier := Tier(mach.Tier())
		refs[ackClock(id, tier)] = clockRef{incident: id, tier: tier}
		incidents[id] = inc
		order = append(order, id)
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	tr, err := sla.RestoreTracker(s.Tracker, sla.WithClock(m.clk), sla.WithHandler(m.onDeadline),
		sla.WithSpecResolver(specResolver(m.specs, "the manager's configuration")))
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSnapshot, err)
	}
	m.tr = tr
	m.seq, m.incidents, m.order, m.refs = s.Seq, incidents, order, refs
	return nil
}

// specResolver resolves the deadline specs of a tracker snapshot against an
// engine's own specs by rule name, refusing a spec whose target or calendar
// differs from the engine's (what names the engine's configuration).
func specResolver(specs map[string]*sla.Spec, what string) func(sla.SpecDef) (*sla.Spec, error) {
	return func(def sla.SpecDef) (*sla.Spec, error) {
		spec := specs[def.Rule]
		if spec == nil || spec.Def().Within != def.Within || spec.Def().Calendar != def.Calendar {
			return nil, fmt.Errorf("%w: deadline %q does not match %s", ErrSnapshot, def.Rule, what)
		}
		return spec, nil
	}
}
