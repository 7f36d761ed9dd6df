package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/sqkit/sqkit/sla"
)

// Errors the handlers turn into status codes.
var (
	errNotFound  = errors.New("portal: not found")
	errForbidden = errors.New("portal: forbidden")
	errBadInput  = errors.New("portal: bad input")
)

// noDue is the due_at of a ticket with no running SLA clock: last in the
// queue, and one plain index orders the queue.
const noDue = math.MaxInt64

// desk is the portal's service layer: tickets and complaints, their state
// machines and SLA clocks, persisted per ticket through an sla.Store in the
// same transaction as the ticket's queue row. It is safe for concurrent use.
type desk struct {
	db     database
	store  sla.Store
	clk    clock.Clock
	log    *slog.Logger
	force  atomic.Pointer[inForce]
	reload sync.Mutex // serialises reloadConfig
	tele   *telemetry
}

// inForce is the SLA configuration in force and the Durable resolving
// with it, swapped together.
type inForce struct {
	cfg     *slaConfig
	durable *sla.Durable
}

// newDesk returns a desk on db and store with the SLA configuration cfg.
func newDesk(db database, store sla.Store, clk clock.Clock, log *slog.Logger, cfg *slaConfig) *desk {
	tele, err := newTelemetry()
	if err != nil {
		panic(err) // instruments on an SDK meter provider: fixed names, covered by tests
	}
	d := &desk{db: db, store: store, clk: clk, log: log, tele: tele}
	d.setConfig(cfg)
	return d
}

// setConfig puts a new SLA configuration in force.
func (d *desk) setConfig(cfg *slaConfig) {
	d.force.Store(&inForce{cfg: cfg, durable: sla.NewDurable(d.store, cfg.Resolve)})
}

// config returns the SLA configuration in force.
func (d *desk) config() *slaConfig { return d.force.Load().cfg }

// durable returns the Durable of the configuration in force.
func (d *desk) durable() *sla.Durable { return d.force.Load().durable }

// user is a logged-in member of staff.
type user struct {
	Name, Role, Team string
}

// Roles.
const (
	roleAgent      = "agent"
	roleSupervisor = "supervisor"
	roleAdmin      = "admin"
)

// ticketRow is a ticket's queue row.
type ticketRow struct {
	ID                                  int64
	Kind, Subject, Body, Customer       string
	Priority, Team, State, Owner, Token string
	Amount                              int64
	Open                                bool
	Due                                 time.Time // zero: no running clock
	Level                               int
	Created, Updated                    time.Time
}

const ticketCols = `id, kind, subject, body, customer, priority, team, state, owner, status_token, amount, open, due_at, level, created_at, updated_at`

func scanTicket(r interface{ Scan(...any) error }) (ticketRow, error) {
	var t ticketRow
	var open, due, created, updated int64
	err := r.Scan(&t.ID, &t.Kind, &t.Subject, &t.Body, &t.Customer, &t.Priority, &t.Team, &t.State, &t.Owner, &t.Token,
		&t.Amount, &open, &due, &t.Level, &created, &updated)
	if err != nil {
		return ticketRow{}, err
	}
	t.Open = open == 1
	if due != noDue {
		t.Due = time.Unix(0, due).UTC()
	}
	t.Created, t.Updated = time.Unix(0, created).UTC(), time.Unix(0, updated).UTC()
	return t, nil
}

// recordKey is the timeline record of a ticket.
func recordKey(id int64) sla.RecordKey { return sla.RecordKey{ID: "T-" + strconv.FormatInt(id, 10)} }

// ticketOf returns the ticket id of a record key.
func ticketOf(k sla.RecordKey) (int64, bool) {
	s, ok := strings.CutPrefix(k.ID, "T-")
	if !ok || k.Namespace != "" {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil
}

// get returns a ticket's row.
func (d *desk) get(ctx context.Context, q querier, id int64) (ticketRow, error) {
	t, err := scanTicket(q.QueryRow(ctx, "SELECT "+ticketCols+" FROM tickets WHERE id = ?", id))
	if errors.Is(err, errNoRows) {
		return ticketRow{}, errNotFound
	}
	return t, err
}

// byToken returns the ticket a customer's status link names.
func (d *desk) byToken(ctx context.Context, token string) (ticketRow, error) {
	t, err := scanTicket(d.db.QueryRow(ctx, "SELECT "+ticketCols+" FROM tickets WHERE status_token = ?", token))
	if errors.Is(err, errNoRows) {
		return ticketRow{}, errNotFound
	}
	return t, err
}

// queue returns up to limit open tickets, most urgent first, after the
// cursor (due_at, id) when after is set; owner, when set, keeps that
// agent's own. It reads the partial indexes on (due_at, id), at any depth.
func (d *desk) queue(ctx context.Context, owner string, after *cursor, limit int) ([]ticketRow, error) {
	q, args := "SELECT "+ticketCols+" FROM tickets WHERE open = 1", []any{}
	if owner != "" {
		q, args = q+" AND owner = ?", append(args, owner)
	}
	if after != nil {
		q, args = q+" AND (due_at, id) > (?, ?)", append(args, after.Due, after.ID)
	}
	rs, err := d.db.Query(ctx, q+" ORDER BY due_at, id LIMIT ?", append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []ticketRow
	for rs.Next() {
		t, err := scanTicket(rs)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rs.Err()
}

// cursor is a position in the queue: the due_at and id of the last row
// shown.
type cursor struct{ Due, ID int64 }

// String encodes the cursor for a link.
func (c cursor) String() string {
	return strconv.FormatInt(c.Due, 10) + "_" + strconv.FormatInt(c.ID, 10)
}

// parseCursor decodes a cursor; ok is false when s is malformed.
func parseCursor(s string) (cursor, bool) {
	a, b, ok := strings.Cut(s, "_")
	if !ok {
		return cursor{}, false
	}
	due, err1 := strconv.ParseInt(a, 10, 64)
	id, err2 := strconv.ParseInt(b, 10, 64)
	return cursor{Due: due, ID: id}, err1 == nil && err2 == nil
}

// compare orders cursors as the queue does.
func (c cursor) compare(o cursor) int {
	switch {
	case c.Due != o.Due:
		return cmpInt(c.Due, o.Due)
	default:
		return cmpInt(c.ID, o.ID)
	}
}

func cmpInt(a, b int64) int {
	if a < b {
		return -1
	}
	if a > b {
		return 1
	}
	return 0
}

// cursorOf is the cursor just after a row.
func cursorOf(t ticketRow) cursor {
	due := int64(noDue)
	if !t.Due.IsZero() {
		due = t.Due.UnixNano()
	}
	return cursor{Due: due, ID: t.ID}
}

// caseOf loads a ticket's machine and timeline record.
func (d *desk) caseOf(ctx context.Context, id int64) (caseData, sla.StoredRecord, error) {
	rec, err := d.store.Load(ctx, recordKey(id))
	if errors.Is(err, sla.ErrRecordNotFound) {
		return caseData{}, sla.StoredRecord{}, errNotFound
	}
	if err != nil {
		return caseData{}, sla.StoredRecord{}, err
	}
	var cd caseData
	if err := json.Unmarshal(rec.Data, &cd); err != nil {
		return caseData{}, sla.StoredRecord{}, fmt.Errorf("portal: ticket %d: unreadable case: %w", id, err)
	}
	return cd, rec, nil
}

// newTicket is what the new-ticket form asks.
type newTicket struct {
	Kind, Subject, Body, Customer, Priority, Team string
	Amount                                        int64
}

// teams are the desk's teams.
var teams = []string{"billing", "logistics"}

// create opens a ticket or complaint with its SLA clocks and returns its id.
func (d *desk) create(ctx context.Context, u user, in newTicket) (int64, error) {
	if u.Role == roleAdmin {
		return 0, errForbidden
	}
	if err := validateNew(in); err != nil {
		return 0, err
	}
	token, err := randomToken()
	if err != nil {
		return 0, err
	}
	var id int64
	err = inTx(ctx, d.db, func(t tx) error {
		now := d.clk.Now()
		m, err := newCase(in.Kind, "", in.Amount)
		if err != nil {
			return err
		}
		state, _, _ := stateOf(m)
		if err := t.QueryRow(ctx, `INSERT INTO tickets (kind, subject, body, customer, priority, team, amount, state, owner, open, due_at, level, status_token, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', 1, ?, 0, ?, ?, ?) RETURNING id`,
			in.Kind, in.Subject, in.Body, in.Customer, in.Priority, in.Team, in.Amount, state, int64(noDue), token,
			now.UnixNano(), now.UnixNano()).Scan(&id); err != nil {
			return err
		}
		key := recordKey(id)
		if m, err = newCase(in.Kind, key.ID, in.Amount); err != nil {
			return err
		}
		f := d.force.Load() // one configuration for the specs and the record
		cfg := f.cfg
		attrs := sla.Attributes{"type": in.Kind, "priority": in.Priority, "team": in.Team}
		rec, err := f.durable.Update(t.Bind(ctx), key, func(tr *sla.Tracker, data *json.RawMessage) error {
			for _, metric := range []sla.Metric{sla.FirstResponse, sla.Resolution} {
				spec, err := cfg.Policies.Spec(now, attrs, metric)
				if errors.Is(err, sla.ErrNoMatch) {
					continue
				}
				if err != nil {
					return err
				}
				if err := tr.StartAt(now, sla.ClockKey{ID: key.ID, Metric: metric}, spec, in.Priority); err != nil {
					return err
				}
			}
			return marshalCase(data, in.Kind, m)
		})
		if err != nil {
			return err
		}
		return d.writeSummary(ctx, t, id, rec.Timeline, now)
	})
	if err != nil {
		return 0, err
	}
	d.log.InfoContext(ctx, "ticket created", "ticket", id, "kind", in.Kind, "by", u.Name)
	return id, nil
}

// validateNew checks the new-ticket form, reporting every problem at once.
func validateNew(in newTicket) error {
	var errs []error
	bad := func(field, problem string) {
		errs = append(errs, fmt.Errorf("%w: %s: %s", errBadInput, field, problem))
	}
	if in.Kind != kindTicket && in.Kind != kindComplaint {
		bad("kind", "must be ticket or complaint")
	}
	if n := len([]rune(strings.TrimSpace(in.Subject))); n == 0 || n > 200 {
		bad("subject", "must have 1 to 200 characters")
	}
	if len([]rune(in.Body)) > 4000 {
		bad("description", "must have at most 4000 characters")
	}
	if n := len([]rune(strings.TrimSpace(in.Customer))); n == 0 || n > 100 {
		bad("customer", "must have 1 to 100 characters")
	}
	if in.Priority != "urgent" && in.Priority != "normal" {
		bad("priority", "must be urgent or normal")
	}
	if !contains(teams, in.Team) {
		bad("team", "unknown team")
	}
	if in.Amount < 0 || in.Amount > 1_000_000_000 || (in.Kind == kindTicket && in.Amount != 0) {
		bad("amount", "must be between 0 and 1,000,000,000, and 0 for a ticket")
	}
	return errors.Join(errs...)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// randomToken returns 128 random bits, URL-safe: a customer's status link.
func randomToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
