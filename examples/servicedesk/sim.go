package main

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/sqkit/sqkit/emergency"
	"github.com/sqkit/sqkit/feedback"
	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/incentive"
	"github.com/sqkit/sqkit/sla"
	"github.com/sqkit/sqkit/sla/workforce"
)

// Config is one simulation run. The zero value is not usable; start from
// DefaultConfig.
type Config struct {
	// Days is the number of simulated days (from Start).
	Days int `json:"days"`
	// Agents is the size of the desk, split over the three teams.
	Agents int `json:"agents"`
	// PerDay is the mean number of tickets and complaints a day; the weekly
	// and daily pattern moves it around that mean.
	PerDay int `json:"per_day"`
	// Seed seeds the random source; the same seed gives the same month.
	Seed uint64 `json:"seed"`
	// SurgeDay is the 0-based day a faulty product batch starts a surge of
	// product-quality complaints; -1 means no surge.
	SurgeDay int `json:"surge_day"`
}

// DefaultConfig returns the configuration of `go run ./examples/servicedesk`:
// 30 days, 12 agents, 300 tickets a day, seed 1, a surge on day 10.
func DefaultConfig() Config {
	return Config{Days: 30, Agents: 12, PerDay: 300, Seed: 1, SurgeDay: 10}
}

// Validate reports every problem of c at once.
func (c Config) Validate() error {
	var errs []error
	if c.Days < 1 || c.Days > 366 {
		errs = append(errs, fmt.Errorf("servicedesk: days: must be between 1 and 366, got %d", c.Days))
	}
	if c.Agents < len(teams) || c.Agents > 1000 {
		errs = append(errs, fmt.Errorf("servicedesk: agents: must be between %d and 1000, got %d", len(teams), c.Agents))
	}
	if c.PerDay < 1 || c.PerDay > 100_000 {
		errs = append(errs, fmt.Errorf("servicedesk: per-day: must be between 1 and 100000, got %d", c.PerDay))
	}
	if c.SurgeDay < -1 {
		errs = append(errs, fmt.Errorf("servicedesk: surge-day: must be -1 (none) or a day index, got %d", c.SurgeDay))
	}
	return errors.Join(errs...)
}

// simStart is the first simulated instant: Monday 2 March 2026, midnight,
// in the desk's location.
func simStart(loc *time.Location) time.Time { return time.Date(2026, 3, 2, 0, 0, 0, 0, loc) }

// eventKind says what a scheduled simulation event does.
type eventKind uint8

const (
	evArrive        eventKind = iota + 1 // a ticket or complaint arrives
	evWorkDone                           // an agent finishes a piece of work
	evCustomerReply                      // the customer answers a question
	evClose                              // a resolved ticket closes after 24h
	evReopen                             // the customer reopens a resolved ticket
	evFeedback                           // the customer answers a complaint's feedback call
	evDispatch                           // a shift starts: agents coming on duty pick work
	evDayEnd                             // local midnight: daily figures, rules, PDCA
	evDo                                 // a scheduled action of the desk's people
)

// event is one entry of the simulation's agenda.
type event struct {
	at   time.Time
	seq  uint64
	kind eventKind
	t    *ticket
	a    *agent
	day  int
	do   func(time.Time) error
}

// agenda is the simulation's own deadline queue, ordered by (time,
// sequence) so equal instants run in the order they were scheduled.
type agenda []*event

func (q agenda) Len() int { return len(q) }
func (q agenda) Less(i, j int) bool {
	if c := q[i].at.Compare(q[j].at); c != 0 {
		return c < 0
	}
	return q[i].seq < q[j].seq
}
func (q agenda) Swap(i, j int)  { q[i], q[j] = q[j], q[i] }
func (q *agenda) Push(x any)    { *q = append(*q, x.(*event)) }
func (q *agenda) Pop() any      { old := *q; e := old[len(old)-1]; *q = old[:len(old)-1]; return e }
func (q agenda) peek() *event   { return q[0] }
func (q agenda) empty() bool    { return len(q) == 0 }
func (q *agenda) push(e *event) { heap.Push(q, e) }
func (q *agenda) pop() *event   { return heap.Pop(q).(*event) }

// sim holds one run: the random source, the packages' engines and the
// desk's own bookkeeping.
type sim struct {
	cfg Config
	rng *rand.Rand
	// aux draws what the desk observes but the simulation does not act on
	// (the survey's second question, inspectors' marks), so that observing
	// more leaves the simulated month as it was
	aux   *rand.Rand
	clk   *clock.Mock
	loc   *time.Location
	start time.Time
	end   time.Time
	mid   time.Time // the mid-month review: the start of the second half

	cal      *sla.Calendar
	policies *sla.Policies
	tracker  *sla.Tracker

	ticketDef    *fsm.Definition
	complaintDef *fsm.Definition
	approvals    *approvals // the refund authority, the complaint definition and the audit
	bot          chatBot    // the chat bot that takes a share of chat tickets first
	qa           *inspector // the spot checks of closed work

	plan     *incentive.CompiledPlan // the pay plan
	book     *incentive.Book         // the statements and their adjustments
	assessor *incentive.Assessor     // the assessments of the rankings
	warnings assessmentWarnings      // the assessments' link to the board

	board       *emergency.Board
	obligations *emergency.Obligations
	incidents   *emergency.IncidentManager
	open        map[string]*openIncident // per team
	series      map[string]*emergency.Series
	classifier  *feedback.Classifier
	daily       *feedback.Aggregator // closed cases and surveys, by day
	complaints  *feedback.Aggregator // complaints at arrival and orders, by day
	weekly      *feedback.Aggregator // the same by ISO week, for the PDCA check
	tally       *feedback.CategoryTally
	pdca        *feedback.Book
	visits      *feedback.ReturnVisits
	rects       *feedback.Rectifications
	loop        loopState

	agenda   agenda
	seq      uint64
	arrivals int // arrivals drawn so far, numbering the cases

	agents      []*agent
	agentByName map[string]*agent
	desk        *workforce.Dispatcher // who works on what
	staff       *staffing             // forecasts, plans and the roster check
	tickets     map[string]*ticket

	// desk state touched by the emergency and improvement adapters
	surge float64 // intensity of the faulty-batch surge, 0 when over
	watch *watch

	out *Result
}

// Simulate runs cfg and returns the outcome. The same cfg gives the same
// Result, byte for byte once encoded.
func Simulate(ctx context.Context, cfg Config) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s, err := newSim(cfg)
	if err != nil {
		return nil, err
	}
	if err := s.run(ctx); err != nil {
		return nil, err
	}
	return s.finish()
}

func newSim(cfg Config) (*sim, error) {
	loc, err := time.LoadLocation(deskLocation)
	if err != nil {
		return nil, fmt.Errorf("servicedesk: %w", err)
	}
	s := &sim{
		cfg:     cfg,
		rng:     rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		aux:     rand.New(rand.NewPCG(cfg.Seed^0x5851f42d4c957f2d, cfg.Seed+1)),
		clk:     clock.NewMock(),
		loc:     loc,
		start:   simStart(loc),
		tickets: map[string]*ticket{},
		out:     &Result{Config: cfg},
	}
	s.end = s.start.AddDate(0, 0, cfg.Days)
	s.mid = s.dayStart(cfg.Days / 2)
	s.clk.Set(s.start)
	if err := s.setupSLA(); err != nil {
		return nil, err
	}
	if err := s.setupFSM(); err != nil {
		return nil, err
	}
	if err := s.setupWatch(); err != nil {
		return nil, err
	}
	if err := s.setupStaffing(); err != nil {
		return nil, err
	}
	if err := s.setupAgents(); err != nil {
		return nil, err
	}
	s.setupInspection()
	if err := s.setupAssessment(); err != nil {
		return nil, err
	}
	if err := s.planDay(0); err != nil {
		return nil, err
	}
	s.scheduleArrivals()
	for d := 0; d < cfg.Days; d++ {
		s.schedule(&event{at: s.dayStart(d + 1), kind: evDayEnd, day: d})
	}
	return s, nil
}

func (s *sim) dayStart(d int) time.Time { return s.start.AddDate(0, 0, d) }

// dayOf returns the 0-based simulated day of t.
func (s *sim) dayOf(t time.Time) int {
	lt := t.In(s.loc)
	midnight := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, s.loc)
	return int(math.Round(midnight.Sub(s.start).Hours() / 24)) // days of 23 or 25 hours round to whole days
}

func (s *sim) schedule(e *event) {
	s.seq++
	e.seq = s.seq
	s.agenda.push(e)
}

// run processes the agenda up to the end of the last day. Before each
// event the desk's one timeline delivers every deadline due by then, for
// every engine on it (SLA warnings and breaches, the board's holds and
// dwells, obligation and incident deadlines, return visits and
// rectification items), so they and desk events interleave in time order.
// The mock clock is
// moved once per simulated day: every package call takes its instant
// explicitly (the ...At forms), and each Set of a benbjohnson mock costs
// a millisecond of real time.
func (s *sim) run(ctx context.Context) error {
	for !s.agenda.empty() {
		e := s.agenda.peek()
		if e.at.After(s.end) {
			break
		}
		s.agenda.pop()
		s.tracker.AdvanceTo(e.at)
		if err := s.handle(ctx, e); err != nil {
			return fmt.Errorf("servicedesk: %s: %w", e.at.In(s.loc).Format("2006-01-02 15:04"), err)
		}
		if e.kind == evDayEnd {
			if err := ctx.Err(); err != nil {
				return err
			}
			s.clk.Set(e.at)
		}
	}
	s.tracker.AdvanceTo(s.end)
	return nil
}

func (s *sim) handle(ctx context.Context, e *event) error {
	switch e.kind {
	case evArrive:
		return s.arrive(ctx, e.t, e.at)
	case evWorkDone:
		return s.workDone(ctx, e.a, e.t, e.at)
	case evCustomerReply:
		return s.customerReply(ctx, e.t, e.at)
	case evClose:
		return s.closeTicket(ctx, e.t, e.at)
	case evReopen:
		return s.reopen(ctx, e.t, e.at)
	case evFeedback:
		return s.complaintFeedback(ctx, e.t, e.at)
	case evDispatch: // a shift starts: clocks that ran while the desk was closed are read again
		s.desk.RefreshAt(e.at)
		return s.dispatch(ctx, e.at)
	case evDayEnd:
		return s.dayEnd(ctx, e.day, e.at)
	case evDo:
		return e.do(e.at)
	}
	return fmt.Errorf("unknown event kind %d", e.kind)
}

// ---- arrivals ----

// weekdayWeight is the shape of the week's arrivals (Sunday first);
// scheduleArrivals scales it to a mean of 1 so PerDay is the mean daily
// volume.
var weekdayWeight = [7]float64{0.55, 1.30, 1.15, 1.05, 1.00, 0.95, 0.70}

// hourWeight is the shape of a day's arrivals by local hour.
var hourWeight = [24]float64{
	0.1, 0.05, 0.05, 0.05, 0.05, 0.05, 0.1, 0.3, // 00-07
	0.9, 1.6, 1.8, 1.7, 1.2, 1.4, 1.6, 1.6, // 08-15
	1.5, 1.4, 1.1, 0.9, 0.6, 0.4, 0.3, 0.2, // 16-23
}

// poisson draws a Poisson variate with mean lambda, summing pieces of mean
// at most 30 so exp(-lambda) never underflows.
func poisson(r *rand.Rand, lambda float64) int {
	n := 0
	for lambda > 0 {
		l := math.Min(lambda, 30)
		lambda -= l
		limit, p := math.Exp(-l), 1.0
		for {
			p *= r.Float64()
			if p <= limit {
				break
			}
			n++
		}
	}
	return n
}

// scheduleArrivals draws the whole month's ordinary arrivals up front.
// Surge complaints are drawn day by day (see dayEnd), as they depend on the
// desk's response.
func (s *sim) scheduleArrivals() {
	var wsum float64
	for _, w := range weekdayWeight {
		wsum += w
	}
	for d := 0; d < s.cfg.Days; d++ {
		weekday := s.dayStart(d).Weekday()
		s.drawArrivals(d, float64(s.cfg.PerDay)*weekdayWeight[weekday]*7/wsum, false)
	}
}

// surgeArrivals draws the day's extra product-quality complaints while the
// faulty batch is in the market; its intensity falls as the PDCA actions
// complete.
func (s *sim) surgeArrivals(d int) {
	if s.surge > 0 && d < s.cfg.Days {
		s.drawArrivals(d, float64(s.cfg.PerDay)*surgeShare*s.surge, true)
	}
}

// drawArrivals schedules day d's arrivals, hour by hour: a Poisson count
// with mean perDay shaped by hourWeight, spread uniformly over the hour.
func (s *sim) drawArrivals(d int, perDay float64, surge bool) {
	var hsum float64
	for _, h := range hourWeight {
		hsum += h
	}
	day := s.dayStart(d)
	for h := range 24 {
		hour := time.Date(day.Year(), day.Month(), day.Day(), h, 0, 0, 0, s.loc)
		offsets := make([]time.Duration, poisson(s.rng, perDay*hourWeight[h]/hsum))
		for i := range offsets {
			offsets[i] = time.Duration(s.rng.Int64N(3600)) * time.Second
		}
		slices.Sort(offsets)
		for _, off := range offsets {
			s.arrivals++
			t := s.newArrival(s.arrivals, hour.Add(off), surge)
			s.schedule(&event{at: t.arrived, kind: evArrive, t: t})
		}
	}
}

// pick returns an index into weights drawn with probability proportional to
// its weight.
func pick(r *rand.Rand, weights []float64) int {
	var sum float64
	for _, w := range weights {
		sum += w
	}
	x := r.Float64() * sum
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// expMinutes draws an exponential duration with the given mean in minutes,
// rounded to the second, at least min minutes and at most max minutes.
func expMinutes(r *rand.Rand, minM, meanM, maxM float64) time.Duration {
	m := minM + r.ExpFloat64()*meanM
	m = math.Min(m, maxM)
	return time.Duration(m*60) * time.Second
}
