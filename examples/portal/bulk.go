package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/sqkit/sqkit/sla"
)

// bulkTickets adds n open, unassigned tickets created over the two days
// before now, with their machines and SLA clocks, in batches, for load
// tests. The records are the ones create writes, built without a round
// trip per ticket.
func bulkTickets(ctx context.Context, d *desk, n int, now time.Time) error {
	cfg := d.config()
	rng := rand.New(rand.NewPCG(1, 2))
	const batch = 200
	for start := 0; start < n; start += batch {
		end := min(start+batch, n)
		err := inTx(ctx, d.db, func(t tx) error {
			var maxID int64
			if err := t.QueryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM tickets").Scan(&maxID); err != nil {
				return err
			}
			var tq, rq strings.Builder
			var targs, rargs []any
			tq.WriteString(`INSERT INTO tickets (id, kind, subject, body, customer, priority, team, amount, state, owner, open, due_at, level, status_token, created_at, updated_at) VALUES `)
			for i := start; i < end; i++ {
				id := maxID + int64(i-start) + 1
				key := recordKey(id)
				at := now.Add(-time.Duration(rng.Int64N(int64(48 * time.Hour))))
				prio := []string{"normal", "urgent"}[rng.IntN(2)]
				team := teams[rng.IntN(len(teams))]
				tr := sla.NewTracker(sla.WithSpecResolver(cfg.Resolve))
				for _, m := range []sla.Metric{sla.FirstResponse, sla.Resolution} {
					spec, err := cfg.Policies.Spec(at, sla.Attributes{"type": kindTicket, "priority": prio, "team": team}, m)
					if err != nil {
						return err
					}
					if err := tr.StartAt(at, sla.ClockKey{ID: key.ID, Metric: m}, spec, prio); err != nil {
						return err
					}
				}
				tr.AdvanceTo(now) // their warnings and breaches, as the loop would have delivered them
				snap, _ := tr.Record(key)
				m, err := newCase(kindTicket, key.ID, 0)
				if err != nil {
					return err
				}
				var data json.RawMessage
				if err := marshalCase(&data, kindTicket, m); err != nil {
					return err
				}
				timeline, err := json.Marshal(snap)
				if err != nil {
					return err
				}
				var nextAt, nextEvent any
				if at, ok := tr.NextDeadline(); ok {
					nextAt = at.UnixNano()
					nextEvent = "{}"
				}
				due, level := d.summary(snap)
				dueNs := int64(noDue)
				if !due.IsZero() {
					dueNs = due.UnixNano()
				}
				token, err := randomToken()
				if err != nil {
					return err
				}
				if i > start {
					tq.WriteString(", ")
					rq.WriteString(", ")
				}
				tq.WriteString("(?, 'ticket', ?, '', ?, ?, ?, 0, 'received', '', 1, ?, ?, ?, ?, ?)")
				targs = append(targs, id, fmt.Sprintf("Load ticket %d", id), "Load Customer", prio, team, dueNs, level, token, at.UnixNano(), at.UnixNano())
				rq.WriteString("(?, ?, 1, ?, ?, ?, ?)")
				rargs = append(rargs, "", key.ID, string(timeline), string(data), nextAt, nextEvent)
			}
			if _, err := t.Exec(ctx, tq.String(), targs...); err != nil {
				return err
			}
			_, err := t.Exec(ctx, "INSERT INTO "+d.recordTable()+" (namespace, id, version, timeline, data, next_at, next_event) VALUES "+rq.String(), rargs...)
			return err
		})
		if err != nil {
			return fmt.Errorf("portal: bulk tickets: %w", err)
		}
	}
	return nil
}

// recordTable is the table of timeline records: the portal's own on
// SQLite. Bulk loading is for SQLite only.
func (d *desk) recordTable() string { return "sla_records" }
