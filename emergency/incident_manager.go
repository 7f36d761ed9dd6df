package emergency

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/internal/cases"
	"github.com/sqkit/sqkit/internal/hashchain"
	"github.com/sqkit/sqkit/sla"
)

// DefaultIncidentNamespace is an IncidentManager's namespace on its
// timeline unless WithNamespace names another.
const DefaultIncidentNamespace = "emergency.incidents"

// The clocks of incident id are the record (namespace, id) of the timeline:
// one clock per milestone, whose metric is the milestone's name, and one
// acknowledgement clock per tier the incident reached, whose metric is
// AckMetric(tier).

// AckMetric returns the metric of the acknowledgement clock of tier t on
// the timeline, for example "ack:front_line". Milestone names cannot
// contain ':', so the two never collide.
func AckMetric(t Tier) sla.Metric { return sla.Metric("ack:" + t.String()) }

// ackTier returns the tier whose acknowledgement clock measures metric.
func ackTier(metric sla.Metric) (Tier, bool) {
	name, ok := strings.CutPrefix(string(metric), "ack:")
	if i := slices.Index(tierNames[:], name); ok && i > 0 {
		return Tier(i), true
	}
	return 0, false
}

func milestoneRule(g Grade, name string) string { return "grade-" + g.String() + "/" + name }
func ackRule(t Tier) string                     { return "ack/" + t.String() }

type incident struct {
	rep        Report
	reportedAt time.Time
	grade      Grade
	milestones []Milestone
	ackOpen    bool
	acks       []Ack
	regrades   []Regrade
	plans      []PlanSelection
	review     *Review
	ord        uint64 // the order incidents were reported in
	// The event log of a chained incident (WithChain); nil chain: none.
	events []IncidentEvent
	chain  *hashchain.State[IncidentEvent]
}

type incItem = cases.Item[*incident]

// IncidentManager runs incidents: their lifecycle (an fsm machine each),
// their response timeline (one SLA clock per milestone), the escalation
// ladder with an acknowledgement timeout per tier (one SLA clock for each
// tier the incident reached), re-grading, automatic selection of a
// response plan, and the post-incident review.
//
// Deadlines fire when the timeline is advanced (the host's, WithTracker, or
// the manager's private one, AdvanceTo), each handler seeing the deadline's
// own instant. The instants of incidents and events are in the location of
// the configuration's calendar (UTC for 24x7).
//
// An IncidentManager is safe for concurrent use. Handlers run outside its
// lock.
type IncidentManager struct {
	eng     *cases.Engine[*incident, IncidentEvent]
	cfg     IncidentConfig
	dl      *deadlines
	bt      sla.BusinessTime
	loc     *time.Location
	plans   *PlanLibrary
	msRules map[string]string // milestone rule -> milestone name
	seq     atomic.Uint64
	ord     uint64 // guarded by the engine's lock
	chain   bool   // WithChain
}

// NewIncidentManager validates cfg and returns an empty manager. Invalid
// configuration returns every problem at once (*FieldError values wrapping
// ErrInvalidConfig). It takes WithClock, WithTracker, WithNamespace
// (default "emergency.incidents"), WithCalendars, WithIncidentHandler and
// WithPlans and ignores the other options.
func NewIncidentManager(cfg IncidentConfig, opts ...Option) (*IncidentManager, error) {
	o := collect(opts)
	m, err := newIncidentManager(cfg, o)
	if err != nil {
		return nil, err
	}
	eng, err := cases.New(m.spec(), engineOptions(o))
	if err != nil {
		return nil, err
	}
	m.attach(eng, o)
	return m, nil
}

func newIncidentManager(cfg IncidentConfig, o options) (*IncidentManager, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m := &IncidentManager{cfg: cfg.clone(), dl: newDeadlines("emergency-incident"), plans: o.plans,
		msRules: map[string]string{}, chain: o.chain}
	reg := o.registry()
	bt, err := reg.Lookup(cmp.Or(cfg.Calendar, sla.CalendarAlways))
	if err != nil {
		return nil, fieldErr("calendar", "%v", err)
	}
	m.bt, m.loc = bt, locationOf(bt)
	var errs []error
	for _, tl := range cfg.Timelines {
		for _, ms := range tl.Milestones {
			rule := milestoneRule(tl.Grade, ms.Name)
			m.msRules[rule] = ms.Name
			errs = append(errs, m.dl.add(reg, rule, sla.Metric(ms.Name), ms.Within, cfg.Calendar))
		}
	}
	for i, d := range cfg.AckTimeouts {
		errs = append(errs, m.dl.add(reg, ackRule(Tier(i+1)), AckMetric(Tier(i+1)), d, cfg.Calendar))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fieldErr("timelines", "%v", err)
	}
	return m, nil
}

func (m *IncidentManager) spec() cases.Spec[*incident, IncidentEvent] {
	return cases.Spec[*incident, IncidentEvent]{
		Noun: "incident", Namespace: DefaultIncidentNamespace,
		NotFound: ErrUnknownIncident, Duplicate: ErrDuplicateIncident, Invalid: ErrSnapshot,
		OnEvent: func(it *incItem, e sla.Event) []IncidentEvent {
			events := m.onDeadline(it, e)
			m.logEvents(it, events)
			return events
		},
		Resolve: m.dl.resolve,
	}
}

func (m *IncidentManager) attach(eng *cases.Engine[*incident, IncidentEvent], o options) {
	m.eng = eng
	for _, h := range o.incHandlers {
		eng.OnEvent(h)
	}
}

// Config returns a copy of the manager's configuration.
func (m *IncidentManager) Config() IncidentConfig { return m.cfg.clone() }

// Tracker returns the timeline the manager schedules its deadlines on (the
// host's, or the manager's private one).
func (m *IncidentManager) Tracker() *sla.Tracker { return m.eng.Tracker() }

// AdvanceTo advances the manager's timeline to t (the host's whole
// timeline when the manager shares it): every milestone and
// acknowledgement deadline due at or before t fires, in order, at its own
// instant. It returns the number of timeline events delivered.
func (m *IncidentManager) AdvanceTo(t time.Time) int { return m.eng.Tracker().AdvanceTo(t) }

func (m *IncidentManager) key(id string, metric sla.Metric) sla.ClockKey {
	return sla.ClockKey{Namespace: m.eng.Namespace(), ID: id, Metric: metric}
}

// Report reports an incident at the clock's current time; see ReportAt.
func (m *IncidentManager) Report(r Report) (Incident, error) {
	return m.ReportAt(m.eng.Clock().Now(), r)
}

// ReportAt opens an incident reported at t: it starts in the "reported"
// state at the front line (at the executives for grade I or a security
// event involving customer data), with the milestones of its grade's
// timeline that apply to its type running from t, the acknowledgement
// clock of its tier running, and a response plan selected from the library
// (if the manager has one).
func (m *IncidentManager) ReportAt(t time.Time, r Report) (Incident, error) {
	if err := m.checkReport(t, r); err != nil {
		return Incident{}, err
	}
	t = t.In(m.loc)
	auto := r.ID == ""
	for {
		if auto {
			r.ID = "INC-" + strconv.FormatUint(m.seq.Add(1), 10)
		}
		var out Incident
		_, err := m.eng.Add(t, r.ID, func() (*incItem, []IncidentEvent, error) {
			it, events, err := m.open(t, r)
			if err == nil {
				m.logEvents(it, events)
				out = m.view(it)
			}
			return it, events, err
		})
		if auto && errors.Is(err, ErrDuplicateIncident) {
			continue // the host named an incident like one of ours
		}
		return out, err
	}
}

// open builds the incident of report r at t. Called under the engine's
// lock; on error nothing stays on the timeline.
func (m *IncidentManager) open(t time.Time, r Report) (*incItem, []IncidentEvent, error) {
	mach, err := fsm.NewMachine(incidentDef, machineOptions(m.chain, fsm.WithID(r.ID))...)
	if err != nil {
		return nil, nil, err
	}
	it := &incItem{ID: r.ID, M: mach, Rec: &incident{rep: r, reportedAt: t, grade: r.Grade, ord: m.ord}}
	if m.chain {
		it.Rec.chain = eventChain.NewState()
	}
	events := []IncidentEvent{{ID: r.ID + "/reported", Kind: EventReported, Incident: r.ID, At: t,
		Grade: r.Grade, Actor: r.ReportedBy, Detail: string(r.Type)}}
	for _, ms := range m.cfg.timeline(r.Grade) {
		if ms.appliesTo(r.Type) && err == nil {
			err = m.startMilestone(it, ms, t)
		}
	}
	if top := startsAtTop(r); top != "" && err == nil {
		events = append(events, m.escalateToTop(it, t, r.ReportedBy, top)...)
	}
	if err == nil {
		err = m.startAck(it, t)
	}
	if err != nil {
		m.eng.Tracker().Unload(sla.RecordKey{Namespace: m.eng.Namespace(), ID: r.ID})
		return nil, nil, err
	}
	m.ord++
	events = append(events, m.selectPlan(it, t, "reported")...)
	return it, events, nil
}

func (m *IncidentManager) checkReport(t time.Time, r Report) error {
	var errs []error
	if err := checkTime(t); err != nil {
		errs = append(errs, err)
	}
	if !slices.Contains(m.cfg.Types, r.Type) {
		errs = append(errs, fmt.Errorf("%w: %q", ErrUnknownIncidentType, r.Type))
	}
	if !r.Grade.Valid() {
		errs = append(errs, fmt.Errorf("%w: %d (want I..IV)", ErrInvalidGrade, uint8(r.Grade)))
	}
	if r.ReportedBy == "" {
		errs = append(errs, inputErr("empty reporter"))
	}
	return errors.Join(errs...)
}

// startsAtTop returns why an incident starts at the executives, or "".
func startsAtTop(r Report) string {
	switch {
	case r.Grade == GradeI:
		return "grade I incident starts at the top"
	case r.Type == SecurityEvent && r.CustomerData:
		return "security event involving customer data starts at the top"
	}
	return ""
}

// Get returns a copy of the incident with the given id.
func (m *IncidentManager) Get(id string) (Incident, bool) { return cases.Get(m.eng, id, m.view) }

// List returns every incident, in the order they were reported.
func (m *IncidentManager) List() []Incident { return cases.List(m.eng, m.view, byReport) }

func byReport(a, b *incItem) int { return cmp.Compare(a.Rec.ord, b.Rec.ord) }

// view returns a copy of the incident of it. Called under the engine's
// lock.
func (m *IncidentManager) view(it *incItem) Incident {
	inc := it.Rec
	out := Incident{
		ID: it.ID, Type: inc.rep.Type, Grade: inc.grade, Report: inc.rep, ReportedAt: inc.reportedAt,
		State: it.M.State(), Tier: Tier(it.M.Tier()), AwaitingAck: inc.ackOpen,
		Acks: slices.Clone(inc.acks), Milestones: slices.Clone(inc.milestones),
		Escalations: it.M.Escalations(), Regrades: slices.Clone(inc.regrades),
		Plans: clonePlans(inc.plans), History: it.M.History(), Events: slices.Clone(inc.events),
	}
	if inc.review != nil {
		r := inc.review.clone()
		out.Review = &r
	}
	return out
}
