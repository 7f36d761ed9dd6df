package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/sqkit/sqkit/sla"
)

// Names of the documents the admin edits.
const (
	docCalendars = "calendars"
	docPolicy    = "policy"
)

// slaConfig is the SLA configuration in force: the named calendars, the
// policy compiled on them, and the resolver that turns recorded targets
// back into specs. It is immutable; an admin's edit builds a new one.
type slaConfig struct {
	Calendars map[string]sla.CalendarSpec
	Policy    sla.Policy
	Registry  sla.Registry
	Policies  *sla.Policies
	Resolve   func(sla.SpecDef) (*sla.Spec, error)
	// Versions of the two documents it was built from.
	CalendarsVersion, PolicyVersion int64
}

// defaultCalendars is the desk's business calendar: Monday to Friday,
// 09:00-12:30 and 13:30-18:00 in Berlin.
func defaultCalendars() map[string]sla.CalendarSpec {
	day := []sla.CalendarWindow{{Start: "09:00", End: "12:30"}, {Start: "13:30", End: "18:00"}}
	var w sla.CalendarWeek
	for _, d := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday} {
		w.SetDay(d, day)
	}
	return map[string]sla.CalendarSpec{sla.CalendarBusiness: {Location: "Europe/Berlin", Week: w}}
}

// buildConfig validates calendars and policy together and compiles them,
// reporting every problem at once.
func buildConfig(cals map[string]sla.CalendarSpec, pol sla.Policy) (*slaConfig, error) {
	reg, err := sla.RegistryFromSpecs(cals)
	if err != nil {
		return nil, err
	}
	if _, ok := reg[sla.CalendarAlways]; !ok {
		reg[sla.CalendarAlways] = sla.AlwaysOpen()
	}
	ps, err := sla.NewPolicies(reg, pol)
	if err != nil {
		return nil, err
	}
	return &slaConfig{Calendars: cals, Policy: pol, Registry: reg, Policies: ps, Resolve: sla.SpecResolver(ps, reg)}, nil
}

// document is one versioned JSON document.
type document struct {
	Version int64
	Value   string
}

func loadDocument(ctx context.Context, q querier, name string) (document, error) {
	var d document
	err := q.QueryRow(ctx, "SELECT version, value FROM documents WHERE name = ?", name).Scan(&d.Version, &d.Value)
	return d, err
}

// saveDocument writes a document if its stored version is expected (0: it
// must not exist yet) and returns the new version; errStale otherwise.
func saveDocument(ctx context.Context, q querier, name string, expected int64, value string) (int64, error) {
	var n int64
	var err error
	if expected == 0 {
		n, err = q.Exec(ctx, "INSERT INTO documents (name, version, value) VALUES (?, 1, ?) ON CONFLICT (name) DO NOTHING", name, value)
	} else {
		n, err = q.Exec(ctx, "UPDATE documents SET version = version + 1, value = ? WHERE name = ? AND version = ?", value, name, expected)
	}
	if err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, errStale
	}
	return expected + 1, nil
}

// errStale: a document changed since it was read.
var errStale = errors.New("portal: changed by someone else meanwhile; reload and try again")

// loadConfig reads the calendars and policy documents, writing the
// defaults when they are missing.
func loadConfig(ctx context.Context, db database) (*slaConfig, error) {
	cals, pol := defaultCalendars(), sla.DefaultPolicy()
	var cv, pv int64
	cd, err := loadDocument(ctx, db, docCalendars)
	switch {
	case errors.Is(err, errNoRows):
	case err != nil:
		return nil, err
	default:
		cals = nil
		if err := json.Unmarshal([]byte(cd.Value), &cals); err != nil {
			return nil, fmt.Errorf("portal: stored calendars: %w", err)
		}
		cv = cd.Version
	}
	pd, err := loadDocument(ctx, db, docPolicy)
	switch {
	case errors.Is(err, errNoRows):
	case err != nil:
		return nil, err
	default:
		pol = sla.Policy{}
		if err := json.Unmarshal([]byte(pd.Value), &pol); err != nil {
			return nil, fmt.Errorf("portal: stored policy: %w", err)
		}
		pv = pd.Version
	}
	cfg, err := buildConfig(cals, pol)
	if err != nil {
		return nil, err
	}
	cfg.CalendarsVersion, cfg.PolicyVersion = cv, pv
	return cfg, nil
}

// configVersions returns the stored versions of the two documents.
func configVersions(ctx context.Context, q querier) (cv, pv int64, err error) {
	rs, err := q.Query(ctx, "SELECT name, version FROM documents WHERE name IN (?, ?)", docCalendars, docPolicy)
	if err != nil {
		return 0, 0, err
	}
	defer rs.Close()
	for rs.Next() {
		var name string
		var v int64
		if err := rs.Scan(&name, &v); err != nil {
			return 0, 0, err
		}
		if name == docCalendars {
			cv = v
		} else {
			pv = v
		}
	}
	return cv, pv, rs.Err()
}
