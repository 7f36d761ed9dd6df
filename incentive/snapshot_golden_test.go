package incentive

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares v, encoded as indented JSON, with testdata/name (or
// rewrites the file with -update) and returns the file's bytes.
func golden(t *testing.T, name string, v any) []byte {
	t.Helper()
	data, err := json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	data = append(data, '\n')
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, data, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(data))
	return want
}

// otherVersion returns doc with its snapshot version changed to 2.
func otherVersion(t *testing.T, doc []byte) []byte {
	t.Helper()
	other := strings.Replace(string(doc), `"version": 1,`, `"version": 2,`, 1)
	require.NotEqual(t, string(doc), other)
	return []byte(other)
}

// The golden files pin the snapshot formats: a change to one must be a
// deliberate one, with a new version.
func TestBookSnapshotGolden(t *testing.T) {
	b := busyBook(t)
	snap, err := b.Snapshot()
	require.NoError(t, err)
	doc := golden(t, "book_snapshot.golden.json", snap)

	var back BookSnapshot
	require.NoError(t, json.Unmarshal(doc, &back))
	r, err := RestoreBook(back)
	require.NoError(t, err)
	again, err := r.Snapshot()
	require.NoError(t, err)
	golden(t, "book_snapshot.golden.json", again)

	require.NoError(t, json.Unmarshal(otherVersion(t, doc), &back))
	_, err = RestoreBook(back)
	require.ErrorIs(t, err, ErrInvalid)
	assert.EqualError(t, err, "incentive: version: book snapshot version 2, this package reads version 1")
}

func TestPointsSnapshotGolden(t *testing.T) {
	l := busyLedger(t)
	doc := golden(t, "points_snapshot.golden.json", l.Snapshot())

	var back PointsSnapshot
	require.NoError(t, json.Unmarshal(doc, &back))
	r, err := RestorePointsLedger(back)
	require.NoError(t, err)
	golden(t, "points_snapshot.golden.json", r.Snapshot())

	require.NoError(t, json.Unmarshal(otherVersion(t, doc), &back))
	_, err = RestorePointsLedger(back)
	require.ErrorIs(t, err, ErrInvalid)
	assert.EqualError(t, err, "incentive: version: points snapshot version 2, this package reads version 1")
	var l2 PointsLedger
	require.ErrorIs(t, json.Unmarshal(otherVersion(t, doc), &l2), ErrInvalid)
}
