package workforce

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/sla"
)

var (
	sla1h = sla.Duration(time.Hour)
	sla5m = sla.Duration(5 * time.Minute)
)

var t0 = time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC) // a Monday

func dayShift(loc string, from, to string) sla.CalendarSpec {
	w := []sla.CalendarWindow{{Start: from, End: to}}
	return sla.CalendarSpec{Location: loc, Week: sla.CalendarWeek{Monday: w, Tuesday: w, Wednesday: w,
		Thursday: w, Friday: w, Saturday: w, Sunday: w}}
}

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden returns the golden file testdata/name, first rewriting it with
// got when the test runs with -update.
func golden(t *testing.T, name string, got []byte) string {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		var buf bytes.Buffer
		require.NoError(t, json.Indent(&buf, got, "", "  "))
		buf.WriteByte('\n')
		require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	}
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(data)
}
