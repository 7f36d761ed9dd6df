package emergency

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/internal/cases"
	"github.com/sqkit/sqkit/sla"
)

// IncidentSnapshotVersion is the format version of IncidentSnapshot.
// Version 1 (the format before the configuration travelled in the snapshot
// and the clocks of an incident formed one record) is refused: restore it
// on the release that wrote it and snapshot again.
const IncidentSnapshotVersion = 2

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
	// Events and EventChain (optional) are the event log of a chained
	// incident (WithChain) and the links that seal it.
	Events     []IncidentEvent `json:"events,omitempty"`
	EventChain []Link          `json:"event_chain,omitempty"`
}

// IncidentSnapshot is the complete state of an IncidentManager as a plain,
// JSON-serialisable value: its configuration, every incident (lifecycle
// machine, milestones, acknowledgements, re-grades, plan selections,
// review) in the order they were reported, and the private timeline with
// their clocks (nil on the host's timeline).
type IncidentSnapshot = CaseSnapshot[IncidentConfig, IncidentRecord]

// Snapshot returns the manager's state.
func (m *IncidentManager) Snapshot() IncidentSnapshot {
	return snapshotCases(m.eng, IncidentSnapshotVersion, m.Config(), m.seq.Load(), func(it *incItem) IncidentRecord {
		inc := it.Rec
		rec := IncidentRecord{
			Report: inc.rep, ReportedAt: inc.reportedAt, Grade: inc.grade, Machine: it.M.Snapshot(),
			Milestones: slices.Clone(inc.milestones), AckOpen: inc.ackOpen, Acks: slices.Clone(inc.acks),
			Regrades: slices.Clone(inc.regrades), Plans: clonePlans(inc.plans), Events: slices.Clone(inc.events),
		}
		if inc.chain != nil {
			rec.EventChain = inc.chain.Links()
		}
		if inc.review != nil {
			r := inc.review.clone()
			rec.Review = &r
		}
		return rec
	}, byReport)
}

// RestoreIncidentManager rebuilds a manager from a snapshot, with the
// options NewIncidentManager takes (WithCalendars must name the
// configuration's calendar; WithPlans and the handlers are not part of the
// snapshot). The configuration travels inside the snapshot. On the host's
// timeline (WithTracker) the host restores the timeline first and the
// snapshot carries none; on a private timeline the snapshot carries it.
// Deadlines that fell due while the host was down fire, in order, at their
// own instants, on the next AdvanceTo.
//
// The snapshot is untrusted input: every problem is reported at once, as
// errors matching ErrSnapshot. Refused, among others: another version, an
// invalid configuration, an unknown type, a grade out of range, a repeated
// id, a lifecycle machine that does not fit (unknown state, another id, a
// review without the reviewed state, an acknowledgement awaited after the
// incident was resolved, a milestone its state should have met), a
// milestone whose state, times or lateness do not fit its deadline, and
// clocks that are missing, extra, on another target, or in a state the
// incident cannot be in.
func RestoreIncidentManager(s IncidentSnapshot, opts ...Option) (*IncidentManager, error) {
	o := collect(opts)
	m, err := newIncidentManager(s.Config, o)
	if err != nil {
		return nil, configProblems(err)
	}
	eng, err := restoreCases(s, IncidentSnapshotVersion, m.spec(), engineOptions(o),
		func(r IncidentRecord) string { return r.Report.ID }, m.build, m.check)
	if err != nil {
		return nil, err
	}
	m.seq.Store(s.Seq)
	m.attach(eng, o)
	return m, nil
}

// build rebuilds one incident, checking it as the live operations would
// have built it.
func (m *IncidentManager) build(path string, rec IncidentRecord) (*incItem, error) {
	c := &itemCheck{path: path}
	id := rec.Report.ID
	switch {
	case id == "":
		c.bad("report.id", "empty id")
	case !slices.Contains(m.cfg.Types, rec.Report.Type):
		c.bad("report.type", "unknown incident type %q", rec.Report.Type)
	case !rec.Grade.Valid() || !rec.Report.Grade.Valid():
		c.bad("grade", "grade out of range")
	case checkTime(rec.ReportedAt) != nil:
		c.bad("reported_at", "%v out of range", rec.ReportedAt)
	}
	localizeRecord(&rec, m.loc)
	mach, err := fsm.Restore(rec.Machine, machineOptions(m.chain, fsm.WithDefinition(incidentDef))...)
	if err != nil {
		c.errs = append(c.errs, asSnapshotErr(joinPath(path, "machine"), err, ErrSnapshot))
	} else if mach.ID() != id {
		c.bad("machine.id", "%q is not the incident's id %q", mach.ID(), id)
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	inc := &incident{
		rep: rec.Report, reportedAt: rec.ReportedAt, grade: rec.Grade, ackOpen: rec.AckOpen,
		milestones: rec.Milestones, acks: rec.Acks, regrades: rec.Regrades, plans: rec.Plans, review: rec.Review,
		ord: m.ord,
	}
	if m.restoreEvents(c, rec, inc); len(c.errs) > 0 {
		return nil, c.err()
	}
	m.ord++
	it := &incItem{ID: id, M: mach, Rec: inc}
	it.Last = cases.LatestRecorded(inc.reportedAt, mach, recordedTimes(inc)...)
	m.checkLifecycle(c, it)
	return it, c.err()
}

// recordedTimes lists the instants an incident recorded.
func recordedTimes(inc *incident) []time.Time {
	var ts []time.Time
	for _, ms := range inc.milestones {
		ts = append(ts, ms.MetAt, ms.MissedAt)
	}
	for _, a := range inc.acks {
		ts = append(ts, a.At)
	}
	for _, r := range inc.regrades {
		ts = append(ts, r.At)
	}
	for _, p := range inc.plans {
		ts = append(ts, p.At)
	}
	if inc.review != nil {
		ts = append(ts, inc.review.At)
		for _, a := range inc.review.ActionItems {
			ts = append(ts, a.DoneAt)
		}
	}
	return ts
}

// checkLifecycle checks the incident's record against its machine and its
// configuration.
func (m *IncidentManager) checkLifecycle(c *itemCheck, it *incItem) {
	inc, state, tier := it.Rec, it.M.State(), Tier(it.M.Tier())
	if (inc.review != nil) != (state == IncidentReviewed) {
		c.bad("review", "a review goes with the state %s, the incident is %s", IncidentReviewed, state)
	}
	if inc.ackOpen && resolved(it) {
		c.bad("ack_open", "an acknowledgement awaited in state %s", state)
	}
	for i, a := range inc.acks {
		if a.Tier < FrontLine || a.Tier > tier || a.At.Before(inc.reportedAt) {
			c.bad(fmt.Sprintf("acks[%d]", i), "tier %v or instant %v the incident has not had", a.Tier, a.At)
		}
	}
	g := inc.rep.Grade
	for i, r := range inc.regrades {
		if r.From != g || !r.To.Valid() || r.To == r.From {
			c.bad(fmt.Sprintf("regrades[%d]", i), "%v -> %v does not follow grade %v", r.From, r.To, g)
		}
		g = r.To
	}
	if g != inc.grade {
		c.bad("grade", "%v is not the grade the report and the re-grades give (%v)", inc.grade, g)
	}
	seen := map[string]bool{}
	for i, ms := range inc.milestones {
		p := fmt.Sprintf("milestones[%d]", i)
		if seen[ms.Name] || !m.knowsMilestone(ms.Name, inc.rep.Type) {
			c.bad(p+".name", "repeated, or not a milestone of the configuration for %s: %q", inc.rep.Type, ms.Name)
		}
		seen[ms.Name] = true
		m.checkMilestone(c, p, inc, ms)
	}
	for _, ms := range m.cfg.timeline(inc.grade) {
		if !ms.appliesTo(inc.rep.Type) || !seen[ms.Name] {
			if ms.appliesTo(inc.rep.Type) {
				c.bad("milestones", "no milestone %q of the grade's timeline", ms.Name)
			}
			continue
		}
		i := slices.IndexFunc(inc.milestones, func(x Milestone) bool { return x.Name == ms.Name })
		if ms.MetOn != "" && stateRank(ms.MetOn) <= stateRank(state) && inc.milestones[i].State != MilestoneMet {
			c.bad(fmt.Sprintf("milestones[%d].state", i), "%s in state %s, which meets it", inc.milestones[i].State, state)
		}
	}
}

func (m *IncidentManager) knowsMilestone(name string, t IncidentType) bool {
	for _, tl := range m.cfg.Timelines {
		for _, ms := range tl.Milestones {
			if ms.Name == name && ms.appliesTo(t) {
				return true
			}
		}
	}
	return false
}

// checkMilestone checks a milestone's state, times and lateness against its
// deadline.
func (m *IncidentManager) checkMilestone(c *itemCheck, p string, inc *incident, ms Milestone) {
	missed := !ms.MissedAt.IsZero()
	switch {
	case checkTime(ms.Due) != nil || !ms.Due.After(inc.reportedAt) || ms.Within <= 0:
		c.bad(p+".due", "%v (within %v) does not follow the report at %v", ms.Due, ms.Within, inc.reportedAt)
	case missed && !ms.MissedAt.Equal(ms.Due):
		c.bad(p+".missed_at", "%v is not the deadline %v", ms.MissedAt, ms.Due)
	}
	switch ms.State {
	case MilestoneOpen:
		if missed || !ms.MetAt.IsZero() || ms.MetBy != "" || ms.Late {
			c.bad(p, "an open milestone was neither met nor missed")
		}
	case MilestoneMissed:
		if !missed || !ms.MetAt.IsZero() || ms.MetBy != "" || ms.Late {
			c.bad(p, "a missed milestone records its miss and no meeting")
		}
	case MilestoneMet:
		if ms.MetAt.Before(inc.reportedAt) || ms.MetBy == "" || ms.Late != !ms.MetAt.Before(ms.Due) {
			c.bad(p, "met at %v by %q, late %v, does not fit the deadline %v", ms.MetAt, ms.MetBy, ms.Late, ms.Due)
		}
	default:
		c.bad(p+".state", "unknown state %q", ms.State)
	}
}

// check compares an incident with its record on the timeline: a clock for
// each milestone, on the milestone's target, running while it is open or
// missed and stopped when it was met; a clock for each tier reached,
// running while the tier is awaited; nothing else.
func (m *IncidentManager) check(it *incItem, rec sla.RecordSnapshot) error {
	c := &itemCheck{path: ""}
	inc, tier := it.Rec, Tier(it.M.Tier())
	if rec.Timer != nil {
		c.bad("timeline", "a timer on the incident's record")
	}
	found := map[sla.Metric]bool{}
	for _, rc := range rec.Clocks {
		metric := rc.Clock.Spec.Metric
		found[metric] = true
		if t, ok := ackTier(metric); ok {
			m.checkAckClock(c, rc, t, tier, inc.ackOpen)
			continue
		}
		i := slices.IndexFunc(inc.milestones, func(ms Milestone) bool { return sla.Metric(ms.Name) == metric })
		if i < 0 || m.msRules[rc.Clock.Spec.Rule] != string(metric) {
			c.bad("timeline", "clock %s belongs to no milestone of the incident", metric)
			continue
		}
		m.checkMilestoneClock(c, rc, inc.milestones[i])
	}
	for _, ms := range inc.milestones {
		if !found[sla.Metric(ms.Name)] {
			c.bad("timeline", "no clock for milestone %q", ms.Name)
		}
	}
	if !found[AckMetric(tier)] {
		c.bad("timeline", "no acknowledgement clock for the tier %v", tier)
	}
	return c.err()
}

func (m *IncidentManager) checkAckClock(c *itemCheck, rc sla.RecordClock, t, tier Tier, ackOpen bool) {
	clk, err := m.dl.clock(rc, ackRule(t), t.String())
	switch {
	case err != nil:
		c.errs = append(c.errs, err)
	case t > tier:
		c.bad("timeline", "acknowledgement clock of %v above the incident's tier %v", t, tier)
	case (clk.Status() == sla.Running) != (t == tier && ackOpen):
		c.bad("timeline", "acknowledgement clock of %v %s (tier %v, awaiting %v)", t, clk.Status(), tier, ackOpen)
	}
}

func (m *IncidentManager) checkMilestoneClock(c *itemCheck, rc sla.RecordClock, ms Milestone) {
	clk, err := m.dl.clock(rc, rc.Clock.Spec.Rule, "")
	if err != nil {
		c.errs = append(c.errs, err)
		return
	}
	due, hasDue := clk.Due()
	switch {
	case rc.Clock.Spec.Within != ms.Within:
		c.bad("timeline", "milestone %q within %v, its clock %v", ms.Name, ms.Within, rc.Clock.Spec.Within)
	case (ms.State == MilestoneMet) != (clk.Status() == sla.Stopped):
		c.bad("timeline", "clock %s for milestone %q %s", clk.Status(), ms.Name, ms.State)
	case ms.State == MilestoneMet && !clk.LastChange().Equal(ms.MetAt):
		c.bad("timeline", "clock of milestone %q stopped at %v, met at %v", ms.Name, clk.LastChange(), ms.MetAt)
	case hasDue && !due.Equal(ms.Due):
		c.bad("timeline", "clock of milestone %q due at %v, milestone due at %v", ms.Name, due, ms.Due)
	}
}

// localizeRecord puts the instants of a record in loc, as the live
// operations record them.
func localizeRecord(rec *IncidentRecord, loc *time.Location) {
	in := func(t *time.Time) {
		if !t.IsZero() {
			*t = t.In(loc)
		}
	}
	in(&rec.ReportedAt)
	rec.Milestones = slices.Clone(rec.Milestones)
	for i := range rec.Milestones {
		ms := &rec.Milestones[i]
		in(&ms.Due)
		in(&ms.MetAt)
		in(&ms.MissedAt)
	}
	rec.Acks, rec.Regrades, rec.Plans = slices.Clone(rec.Acks), slices.Clone(rec.Regrades), clonePlans(rec.Plans)
	for i := range rec.Acks {
		in(&rec.Acks[i].At)
	}
	for i := range rec.Regrades {
		in(&rec.Regrades[i].At)
	}
	for i := range rec.Plans {
		in(&rec.Plans[i].At)
		for j := range rec.Plans[i].Steps {
			in(&rec.Plans[i].Steps[j].Due)
		}
	}
	if rec.Review != nil {
		r := rec.Review.clone()
		in(&r.At)
		for i := range r.ActionItems {
			in(&r.ActionItems[i].Due)
			in(&r.ActionItems[i].DoneAt)
		}
		rec.Review = &r
	}
	rec.Events = slices.Clone(rec.Events)
	for i := range rec.Events {
		in(&rec.Events[i].At)
	}
	ms := &rec.Machine
	ms.History, ms.Escalations = slices.Clone(ms.History), slices.Clone(ms.Escalations)
	for i := range ms.History {
		in(&ms.History[i].At)
	}
	for i := range ms.Escalations {
		in(&ms.Escalations[i].At)
	}
}

// itemCheck collects the problems of one item of a snapshot.
type itemCheck struct {
	path string
	errs []error
}

func (c *itemCheck) bad(field, format string, args ...any) {
	c.errs = append(c.errs, snapErr(joinPath(c.path, field), format, args...))
}

func (c *itemCheck) err() error { return errors.Join(c.errs...) }
