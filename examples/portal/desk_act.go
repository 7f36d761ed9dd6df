package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/sqkit/sqkit/sla"
)

// authorize decides whether u may apply a to ticket t: an agent acts on
// tickets assigned to them (and takes unassigned ones); a supervisor acts
// on any ticket and alone approves and transfers; an admin edits calendars
// and policies, not tickets.
func authorize(u user, t ticketRow, a caseAction) error {
	switch {
	case u.Role == roleAdmin:
		return errForbidden
	case a.Op == "approve" || a.Op == "transfer":
		if u.Role != roleSupervisor {
			return errForbidden
		}
	case a.Op == "take":
		if t.Owner != "" && t.Owner != u.Name && u.Role != roleSupervisor {
			return errForbidden
		}
	default:
		if u.Role != roleSupervisor && t.Owner != u.Name {
			return errForbidden
		}
	}
	return nil
}

// act applies a user's action to a ticket: in one transaction it checks
// the user may, changes the case's machine and its SLA clocks, saves the
// record and the queue row. A refusal at any step changes nothing. A
// concurrent change of the same ticket (another replica, the timeline)
// is retried.
func (d *desk) act(ctx context.Context, u user, id int64, a caseAction) error {
	var err error
	for range 4 {
		err = inTx(ctx, d.db, func(t tx) error { return d.actTx(ctx, t, u, id, a) })
		if !errors.Is(err, sla.ErrConflict) {
			break
		}
	}
	if err == nil {
		d.log.InfoContext(ctx, "ticket changed", "ticket", id, "op", a.Op, "event", a.Event, "by", u.Name)
	}
	return err
}

func (d *desk) actTx(ctx context.Context, t tx, u user, id int64, a caseAction) error {
	row, err := d.get(ctx, t, id)
	if err != nil {
		return err
	}
	if err := authorize(u, row, a); err != nil {
		return err
	}
	now := d.clk.Now()
	key := recordKey(id)
	var closedNow bool
	var contact *contactRow
	rec, err := d.durable().Update(t.Bind(ctx), key, func(tr *sla.Tracker, data *json.RawMessage) error {
		var cd caseData
		if err := json.Unmarshal(*data, &cd); err != nil {
			return fmt.Errorf("portal: ticket %d: unreadable case: %w", id, err)
		}
		m, err := restoreCase(cd)
		if err != nil {
			return err
		}
		// The case, not the queue row read before it, says who owns the
		// ticket now (a transfer may have committed in between); saving
		// at this version fails if it changes before the commit.
		_, owner, wasClosed := stateOf(m)
		cur := row
		cur.Owner = owner
		if err := authorize(u, cur, a); err != nil {
			return err
		}
		trans, err := applyCase(ctx, m, now, u.Name, a)
		if err != nil {
			return err
		}
		if trans != nil {
			if err := clockEffects(tr, key, string(trans.Event), cd.Kind, now); err != nil {
				return err
			}
		}
		_, _, isClosed := stateOf(m)
		if isClosed && !wasClosed {
			closedNow = true
			contact = contactOf(tr, key, m, row, now)
		}
		return marshalCase(data, cd.Kind, m)
	})
	if err != nil {
		return err
	}
	var cd caseData
	if err := json.Unmarshal(rec.Data, &cd); err != nil {
		return err
	}
	m, err := restoreCase(cd)
	if err != nil {
		return err
	}
	state, owner, closed := stateOf(m)
	open := int64(1)
	if closed {
		open = 0
	}
	if _, err := t.Exec(ctx, "UPDATE tickets SET state = ?, owner = ?, open = ?, amount = ?, updated_at = ? WHERE id = ?",
		state, owner, open, m.Amount(), now.UnixNano(), id); err != nil {
		return err
	}
	if closedNow && contact != nil {
		if _, err := t.Exec(ctx, `INSERT INTO contacts (ticket_id, agent, at, first_response_ns, handling_ns, fcr, fr_met, complaint)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ticket_id) DO NOTHING`,
			id, contact.Agent, now.UnixNano(), int64(contact.FirstResponse), int64(contact.Handling),
			b2i(contact.FCR), b2i(contact.FRMet), b2i(row.Kind == kindComplaint)); err != nil {
			return err
		}
	}
	return d.writeSummary(ctx, t, id, rec.Timeline, now)
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// contactRow is a closed ticket as the metrics count it.
type contactRow struct {
	Agent                   string
	FirstResponse, Handling time.Duration
	FCR, FRMet              bool
}

// contactOf describes a ticket that closes now.
func contactOf(tr *sla.Tracker, key sla.RecordKey, m caseMachine, row ticketRow, now time.Time) *contactRow {
	c := &contactRow{Agent: m.FirstResponder(), Handling: now.Sub(row.Created), FCR: !reopened(m), FRMet: true}
	if at, ok := firstTransition(m, "start", "investigate"); ok {
		c.FirstResponse = at.Sub(row.Created)
	}
	if fr, ok := tr.Clock(sla.ClockKey{ID: key.ID, Metric: sla.FirstResponse}); ok {
		c.FRMet = fr.Snapshot().BreachedAt == nil
	}
	if c.Agent == "" {
		c.Agent = m.Owner()
	}
	return c
}

// clockEffects moves a ticket's SLA clocks after a transition: the first
// response stops when work starts (a complaint: when investigation
// starts); resolution pauses while waiting on the customer and stops at
// resolution (a complaint: at closing); a reopened ticket opens a new
// resolution cycle.
func clockEffects(tr *sla.Tracker, key sla.RecordKey, event, kind string, at time.Time) error {
	fr := sla.ClockKey{ID: key.ID, Metric: sla.FirstResponse}
	res := sla.ClockKey{ID: key.ID, Metric: sla.Resolution}
	status := func(k sla.ClockKey) sla.Status {
		c, ok := tr.Clock(k)
		if !ok {
			return sla.Idle
		}
		return c.Status()
	}
	stop := func(k sla.ClockKey) error {
		if s := status(k); s == sla.Running || s == sla.Paused {
			_, err := tr.StopAt(at, k)
			return err
		}
		return nil
	}
	switch {
	case kind == kindTicket && event == "start", kind == kindComplaint && event == "investigate":
		return stop(fr)
	case kind == kindTicket && event == "wait_customer":
		if status(res) == sla.Running {
			return tr.PauseAt(at, res)
		}
	case kind == kindTicket && event == "customer_reply":
		if status(res) == sla.Paused {
			return tr.ResumeAt(at, res)
		}
	case kind == kindTicket && event == "resolve", kind == kindComplaint && event == "close":
		return errors.Join(stop(fr), stop(res))
	case kind == kindTicket && event == "reopen":
		if status(res) == sla.Stopped {
			return tr.NewCycleAt(at, res)
		}
	}
	return nil
}

// summary is what the queue row keeps of a ticket's clocks: the earliest
// due instant of a running clock and the warning level the timeline has
// delivered on its open cycles (1 yellow after a warning before 75 % of
// the target, 2 orange after one from 75 % on, 3 red once breached).
func (d *desk) summary(r sla.RecordSnapshot) (due time.Time, level int) {
	resolve := d.config().Resolve
	for _, rc := range r.Clocks {
		cs := rc.Clock
		if cs.Status != sla.Running && cs.Status != sla.Paused {
			continue
		}
		spec, err := resolve(cs.Spec)
		if err != nil {
			continue
		}
		if cs.BreachedAt != nil {
			level = max(level, 3)
		}
		for i, st := range spec.Events() {
			if i >= cs.Delivered {
				break
			}
			switch st.Kind {
			case sla.Warning:
				if 4*st.Elapsed < 3*spec.Target() {
					level = max(level, 1)
				} else {
					level = max(level, 2)
				}
			case sla.Breach, sla.Reminder:
				level = 3
			}
		}
		if cs.Status != sla.Running {
			continue
		}
		c, err := sla.RestoreClock(cs, spec)
		if err != nil {
			continue
		}
		if at, ok := c.Due(); ok && (due.IsZero() || at.Before(due)) {
			due = at
		}
	}
	return due, level
}

// writeSummary updates the queue row of a ticket from its record.
func (d *desk) writeSummary(ctx context.Context, q querier, id int64, r sla.RecordSnapshot, now time.Time) error {
	due, level := d.summary(r)
	dueNs := int64(noDue)
	if !due.IsZero() {
		dueNs = due.UnixNano()
	}
	_, err := q.Exec(ctx, "UPDATE tickets SET due_at = ?, level = ?, updated_at = ? WHERE id = ?", dueNs, level, now.UnixNano(), id)
	return err
}

// refresh re-reads a ticket's record in t and updates its queue row: the
// timeline calls it after delivering the ticket's events.
func (d *desk) refresh(ctx context.Context, t tx, key sla.RecordKey, now time.Time) error {
	id, ok := ticketOf(key)
	if !ok {
		return nil
	}
	rec, err := d.store.Load(t.Bind(ctx), key)
	if err != nil {
		return err
	}
	return d.writeSummary(ctx, t, id, rec.Timeline, now)
}
