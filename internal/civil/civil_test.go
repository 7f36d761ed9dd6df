package civil

import (
	"testing"
	"time"
)

// TestAgainstTime compares both directions with the time package, day by
// day over eight centuries either side of 1970 and at normalised months and
// days.
func TestAgainstTime(t *testing.T) {
	start := time.Date(1200, 1, 1, 0, 0, 0, 0, time.UTC)
	n0 := Days(1200, 1, 1)
	if want := start.Unix() / 86400; n0 != want {
		t.Fatalf("Days(1200-01-01) = %d, want %d", n0, want)
	}
	for i := int64(0); i < 800*366*2; i++ {
		day := start.AddDate(0, 0, int(i))
		y, m, d := Date(n0 + i)
		if wy, wm, wd := day.Date(); y != int64(wy) || m != int64(wm) || d != int64(wd) {
			t.Fatalf("Date(%d) = %d-%d-%d, want %v", n0+i, y, m, d, day)
		}
		if got := Days(y, m, d); got != n0+i {
			t.Fatalf("Days(%d-%d-%d) = %d, want %d", y, m, d, got, n0+i)
		}
	}
	for _, c := range [][3]int64{{2026, 13, 1}, {2026, 0, 1}, {2026, -11, 31}, {2024, 3, 0}, {2026, 2, 30}, {-1, 1, 1}} {
		want := time.Date(int(c[0]), time.Month(c[1]), int(c[2]), 0, 0, 0, 0, time.UTC).Unix() / 86400 // midnight: exact
		if got := Days(c[0], c[1], c[2]); got != want {
			t.Errorf("Days(%v) = %d, want %d", c, got, want)
		}
	}
}

func TestFloorDiv(t *testing.T) {
	for _, c := range [][3]int64{{7, 2, 3}, {-7, 2, -4}, {7, -2, -4}, {-7, -2, 3}, {-8, 2, -4}, {0, 5, 0}} {
		if got := FloorDiv(c[0], c[1]); got != c[2] {
			t.Errorf("FloorDiv(%d, %d) = %d, want %d", c[0], c[1], got, c[2])
		}
	}
}
