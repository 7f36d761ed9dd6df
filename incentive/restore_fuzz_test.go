package incentive

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// fuzzRestore feeds arbitrary JSON, seeded with the golden files, to a
// restore: it must never panic, and what it accepts must snapshot back to
// the same JSON and stay usable.
func fuzzRestore[S any](f *testing.F, goldens []string, restore func(S) (any, error), snapshot func(any) (S, error)) {
	for _, golden := range goldens {
		seed, err := os.ReadFile(filepath.Join("testdata", golden))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(seed)
	}
	f.Add([]byte(`{"version":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var s S
		if json.Unmarshal(data, &s) != nil {
			return
		}
		r, err := restore(s)
		if err != nil {
			return
		}
		back, err := snapshot(r)
		if err != nil {
			t.Fatalf("snapshot of a restored value: %v", err)
		}
		want, err1 := normalJSON(s)
		got, err2 := normalJSON(back)
		if err1 != nil || err2 != nil {
			t.Skip("unmarshalable value")
		}
		if want != got {
			t.Fatalf("restore not exact:\nwant %s\ngot  %s", want, got)
		}
	})
}

// normalJSON encodes v as JSON in which an empty list, null and a missing
// field are the same: an empty list in a snapshot restores as none.
func normalJSON(v any) (string, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	var x any
	if err := json.Unmarshal(data, &x); err != nil {
		return "", err
	}
	data, err = json.Marshal(dropEmpty(x))
	return string(data), err
}

func dropEmpty(x any) any {
	switch x := x.(type) {
	case map[string]any:
		for k, v := range x {
			if a, ok := v.([]any); v == nil || ok && len(a) == 0 {
				delete(x, k)
			} else {
				x[k] = dropEmpty(v)
			}
		}
	case []any:
		for i := range x {
			x[i] = dropEmpty(x[i])
		}
	}
	return x
}

func FuzzRestoreBook(f *testing.F) {
	fuzzRestore(f, []string{"book_snapshot.golden.json", "book_snapshot_chain.golden.json"},
		func(s BookSnapshot) (any, error) { return RestoreBook(s) },
		func(b any) (BookSnapshot, error) { return b.(*Book).Snapshot() })
}

func FuzzRestorePointsLedger(f *testing.F) {
	fuzzRestore(f, []string{"points_snapshot.golden.json", "points_snapshot_chain.golden.json"},
		func(s PointsSnapshot) (any, error) { return RestorePointsLedger(s) },
		func(l any) (PointsSnapshot, error) { return l.(*PointsLedger).Snapshot(), nil })
}
