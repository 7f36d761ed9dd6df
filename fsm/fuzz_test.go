package fsm

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// FuzzRestore feeds arbitrary JSON to Restore: it must never panic, and a
// snapshot it accepts must come back exactly (compared through JSON).
func FuzzRestore(f *testing.F) {
	def, err := ComplaintDefinition(DefaultApprovalLimit)
	if err != nil {
		f.Fatal(err)
	}
	golden, err := os.ReadFile(filepath.Join("testdata", "snapshot.golden.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(golden)
	f.Add([]byte(`{"version":1,"state":"received","tier":1}`))
	f.Add([]byte(`{"version":1,"definition":"complaint","id":"C-1","state":"handling","tier":2,"amount":8000,"owner":"sam","first_responder":"ann",` +
		`"history":[{"event":"investigate","from":"received","to":"investigating","actor":"ann","at":"2026-03-02T09:00:00Z"}],` +
		`"marks":[{"checklist":"three_verifications","item":"customer_identity","at":"2026-03-02T09:00:00+08:00"}],` +
		`"transfers":[{"from":"","to":"ann","at":"2026-03-02T09:00:00Z"}],"escalations":[{"from":1,"to":2,"at":"2026-03-02T09:00:00Z"}],` +
		`"approval":{"approver":"sup","amount":8000,"at":"2026-03-02T09:00:00Z"}}`))
	f.Add([]byte(`{"version":1,"state":"limbo"}`))
	for _, name := range []string{"snapshot_v2.golden.json", "snapshot_chain.golden.json"} {
		if raw, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(raw)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var snap Snapshot
		if json.Unmarshal(data, &snap) != nil {
			return
		}
		m, err := Restore(snap, WithDefinition(def))
		if err != nil {
			return
		}
		if snap.Definition == "" {
			snap.Definition = def.Name()
		}
		if !snap.needsV2() {
			snap.Version = SnapshotVersion1 // what Snapshot writes for it
		}
		want, err1 := json.Marshal(snap)
		got, err2 := json.Marshal(m.Snapshot())
		if err1 != nil || err2 != nil {
			t.Skip("unmarshalable time")
		}
		if string(want) != string(got) {
			t.Fatalf("restore not exact:\nwant %s\ngot  %s", want, got)
		}
		// The restored machine is usable.
		for _, ev := range m.Available() {
			_, _ = m.Fire(context.Background(), ev, By{})
			break
		}
	})
}

// FuzzFireSequence fires arbitrary event sequences at a ticket: errors are
// typed, and the history always forms a chain ending in the current state.
func FuzzFireSequence(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 5, 6, 7})
	f.Add([]byte{9, 4, 4, 1, 200})
	def := TicketDefinition()
	events := append(def.Events(), "unknown")
	f.Fuzz(func(t *testing.T, seq []byte) {
		m, err := NewMachine(def)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range seq {
			ev := events[int(b)%len(events)]
			can := m.Can(ev)
			_, err := m.Fire(context.Background(), ev, By{})
			if (err == nil) != can {
				t.Fatalf("Can(%s)=%v but Fire error %v", ev, can, err)
			}
			if err != nil && !errorIs(err, ErrNotAllowed) && !errorIs(err, ErrUnknownEvent) {
				t.Fatalf("unexpected error %v", err)
			}
		}
		prev := def.Initial()
		for _, r := range m.History() {
			if r.From != prev {
				t.Fatalf("broken chain at %+v", r)
			}
			prev = r.To
		}
		if prev != m.State() {
			t.Fatalf("history ends in %s, machine in %s", prev, m.State())
		}
	})
}
