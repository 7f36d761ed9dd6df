package workforce

import (
	"fmt"
	"testing"
	"time"
)

// FuzzDispatcher runs arbitrary sequences of operations on a dispatcher:
// every operation either succeeds or returns a typed error, and the
// bookkeeping (loads, ready counts, heap order) stays consistent.
func FuzzDispatcher(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
	f.Add([]byte{0, 0, 0, 1, 1, 1, 5, 5, 2, 2, 3, 9, 9, 9})
	f.Fuzz(runOps)
}

func runOps(t *testing.T, ops []byte) {
	if len(ops) > 150 {
		ops = ops[:150]
	}
	book := newDueBook()
	cfg := testConfig()
	cfg.Sticky = len(ops)%2 == 0
	if len(ops)%3 == 0 {
		cfg.Strategy = RoundRobin
	}
	d := newTestDispatcher(t, cfg, book)
	agents := []string{"ann", "bob", "cai", "dan", "nobody"}
	cats := []string{"billing", "product_quality", "other"}
	at := t0
	for i, op := range ops {
		arg := int(op >> 4)
		id := fmt.Sprintf("i%d", arg%6)
		at = at.Add(time.Duration(arg) * 7 * time.Minute)
		var err error
		switch op % 10 {
		case 0, 1:
			book.set(id, at.Add(time.Duration(i%5)*time.Hour))
			err = d.AddAt(at, Item{ID: id, Priority: arg % 3, Attributes: map[string]string{"category": cats[arg%3]}})
		case 2, 3:
			_, err = d.DispatchAt(at)
		case 4:
			_, err = d.NextForAt(at, agents[arg%5])
		case 5:
			_, err = d.AssignAt(at, id, agents[arg%5], "")
		case 6:
			err = d.RequeueAt(at, Item{ID: id, Attributes: map[string]string{"category": cats[(arg+1)%3]}})
		case 7:
			_, err = d.Remove(id)
		case 8:
			err = d.SetPresence(agents[arg%5], Presence(arg%4))
		case 9:
			d.RefreshAt(at)
			_ = d.HeadcountAt(at)
		}
		if err != nil {
			if _, ok := err.(*RouteError); !ok {
				t.Fatalf("op %d: untyped error %v", op, err)
			}
		}
	}
	checkInvariants(t, d)
	snap := d.Snapshot()
	d2 := newTestDispatcher(t, cfg, book)
	if err := d2.RestoreAt(at, snap); err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, d2)
}
