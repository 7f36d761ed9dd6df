package cases

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/internal/privacy"
	"github.com/sqkit/sqkit/internal/sqerr"
	"github.com/sqkit/sqkit/sla"
)

var (
	errNotFound = errors.New("test: not found")
	errDup      = errors.New("test: duplicate")
	errInvalid  = errors.New("test: invalid")
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

type rec struct{ Name string }

func testSpec() Spec[rec, string] {
	return Spec[rec, string]{
		Noun: "case", Namespace: "test.cases", NotFound: errNotFound, Duplicate: errDup, Invalid: errInvalid,
		OnEvent: func(it *Item[rec], ev sla.Event) []string {
			if it == nil {
				return []string{"orphan " + ev.ID.String()}
			}
			return []string{it.Rec.Name + " " + ev.ID.Kind.String()}
		},
	}
}

func deadline(t *testing.T) *sla.Spec {
	s, err := sla.NewSpec(sla.SpecDef{Metric: "deadline", Within: sla.Duration(time.Hour), Calendar: sla.CalendarAlways}, sla.AlwaysOpen())
	require.NoError(t, err)
	return s
}

func add(t *testing.T, e *Engine[rec, string], id string, at time.Time) {
	t.Helper()
	_, err := e.Add(at, id, func() (*Item[rec], []string, error) {
		it := &Item[rec]{ID: id, Rec: rec{Name: id}}
		return it, []string{"opened " + id}, e.Tracker().StartAt(at, it.Key(e.Namespace(), "deadline"), deadline(t), "")
	})
	require.NoError(t, err)
}

func TestEngineOnSharedTimeline(t *testing.T) {
	tr := sla.NewTracker()
	var got []string
	e, err := New(testSpec(), Options{Tracker: tr})
	require.NoError(t, err)
	e.OnEvent(func(s string) {
		got = append(got, s)
		assert.Equal(t, 1, e.Len(), "handlers run outside the lock")
	})
	_, err = New(testSpec(), Options{Tracker: tr})
	require.ErrorIs(t, err, sla.ErrNamespaceTaken)
	other, err := New(testSpec(), Options{Tracker: tr, Namespace: "test.other"})
	require.NoError(t, err)

	add(t, e, "A", t0)
	add(t, other, "A", t0.Add(time.Minute)) // same id, other namespace
	_, err = e.Add(t0, "A", func() (*Item[rec], []string, error) { return &Item[rec]{}, nil, nil })
	require.ErrorIs(t, err, errDup)

	wrap := func(_ *Item[rec], err error) error { return fmt.Errorf("wrapped: %w", err) }
	_, err = e.Do(t0.Add(-time.Minute), "A", wrap, func(*Item[rec]) ([]string, error) { return nil, nil })
	require.ErrorIs(t, err, sqerr.ErrTimeBackwards)
	assert.Contains(t, err.Error(), "wrapped: ")
	_, err = e.Do(t0, "B", wrap, func(*Item[rec]) ([]string, error) { return nil, nil })
	require.ErrorIs(t, err, errNotFound)
	it, err := e.Do(t0.Add(10*time.Minute), "A", wrap, func(it *Item[rec]) ([]string, error) {
		it.Rec.Name = "A'"
		return []string{"renamed"}, nil
	})
	require.NoError(t, err)
	assert.Equal(t, t0.Add(10*time.Minute), it.Last)

	tr.AdvanceTo(t0.Add(2 * time.Hour))
	assert.Equal(t, []string{"opened A", "renamed", "A' breach"}, got, "the other engine's breach goes to its own handlers")
	name, ok := Get(e, "A", func(it *Item[rec]) string { return it.Rec.Name })
	assert.True(t, ok)
	assert.Equal(t, "A'", name)
}

func TestEngineSnapshotRestore(t *testing.T) {
	var spec = testSpec()
	build := func(path string, r rec) (*Item[rec], error) {
		if r.Name == "" {
			return nil, sqerr.Field(errInvalid, path+".name", "empty")
		}
		return &Item[rec]{ID: r.Name, Rec: r, Last: t0}, nil
	}
	check := func(it *Item[rec], r sla.RecordSnapshot) error {
		if len(r.Clocks) != 1 {
			return sqerr.Field(errInvalid, "", "has %d clocks", len(r.Clocks))
		}
		return nil
	}
	view := func(it *Item[rec]) rec { return it.Rec }
	order := ByTimeThenID(func(it *Item[rec]) time.Time { return it.Last })

	// private timeline
	e, err := New(spec, Options{})
	require.NoError(t, err)
	add(t, e, "A", t0)
	add(t, e, "B", t0)
	items, tl := Snapshot(e, view, order)
	require.NotNil(t, tl)
	assert.Equal(t, []rec{{"A"}, {"B"}}, items)
	back, err := Restore(spec, Options{}, Restored[rec]{Version: 1, Want: 1, Items: items, Timeline: tl}, build, check)
	require.NoError(t, err)
	assert.Equal(t, 2, back.Len())

	_, err = Restore(spec, Options{}, Restored[rec]{Version: 2, Want: 1, Items: []rec{{"A"}, {""}, {"A"}}, Timeline: tl}, build, check)
	require.ErrorIs(t, err, errInvalid)
	for _, want := range []string{"version: format version 2, want 1", "items[1].name: empty", `items[2]: test: duplicate: case "A"`} {
		assert.Contains(t, err.Error(), want)
	}
	_, err = Restore(spec, Options{}, Restored[rec]{Version: 1, Want: 1, Items: items[:1], Timeline: tl}, build, check)
	assert.ErrorContains(t, err, "timeline: record test.cases:B belongs to no case")
	_, err = Restore(spec, Options{}, Restored[rec]{Version: 1, Want: 1, Items: items}, build, check)
	assert.ErrorContains(t, err, "timeline: missing")
	_, err = Restore(spec, Options{}, Restored[rec]{Version: 1, Want: 1, Items: items, Timeline: tl, Redaction: "mask"}, build, check)
	require.ErrorIs(t, err, errInvalid)
	require.ErrorIs(t, err, privacy.ErrRedacted)
	assert.EqualError(t, err, "test: redaction: "+privacy.Refusal("mask"))

	// shared timeline: the host restores it first
	tr, err := sla.RestoreTracker(*tl)
	require.NoError(t, err)
	_, err = Restore(spec, Options{Tracker: tr}, Restored[rec]{Version: 1, Want: 1, Items: items, Timeline: tl}, build, check)
	assert.ErrorContains(t, err, "timeline: present")
	_, err = Restore(spec, Options{Tracker: tr}, Restored[rec]{Version: 1, Want: 1, Items: append(items, rec{"C"})}, build, check)
	assert.ErrorContains(t, err, `test: case "C": has 0 clocks`)
	shared, err := Restore(spec, Options{Tracker: tr}, Restored[rec]{Version: 1, Want: 1, Items: items}, build, check)
	require.NoError(t, err)
	var got []string
	shared.OnEvent(func(s string) { got = append(got, s) })
	tr.AdvanceTo(t0.Add(2 * time.Hour))
	assert.Equal(t, []string{"A breach", "B breach"}, got)
}

func TestEngineTakesTheTrackersClock(t *testing.T) {
	mock := clock.NewMock()
	tr := sla.NewTracker(sla.WithClock(mock))
	e, err := New(testSpec(), Options{Tracker: tr})
	require.NoError(t, err)
	assert.Same(t, mock, e.Clock(), "an engine on a shared tracker reads the host's clock unless given its own")
}
