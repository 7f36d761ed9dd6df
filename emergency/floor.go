package emergency

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// KindFloor is the rule kind in the evidence of a change made by setting or
// lifting a floor.
const KindFloor RuleKind = "floor"

// Floor is a minimum level for a subject set by the host, independently of
// the rules: "keep this region at least orange while the incident is open",
// or one level up because an obligation was missed. A floor is identified
// by its source; it raises at once and stays until it is lifted.
type Floor struct {
	Source string    `json:"source"`
	Level  Level     `json:"level"`
	Since  time.Time `json:"since"`
	Reason string    `json:"reason,omitempty"`
}

type floorOp struct {
	source, reason string
	from, to       Level
}

func (op *floorOp) evidence(t time.Time) Evidence {
	return Evidence{Rule: op.source, Kind: KindFloor, Level: op.to, Detail: op.reason, ObservedAt: t, Since: t}
}

// SetFloor sets a floor at the clock's current time; see SetFloorAt.
func (b *Board) SetFloor(subject, source string, level Level, reason string) ([]Change, error) {
	return b.SetFloorAt(b.clk.Now(), subject, source, level, reason)
}

// SetFloorAt keeps the subject at or above level from t on, until the floor
// of that source is lifted (setting the same source again replaces it). The
// subject appears on the board if it was not there. If the floor raises the
// subject, the change is immediate and its evidence names the source (kind
// "floor") and the reason. Setting a floor of None is lifting it.
func (b *Board) SetFloorAt(t time.Time, subject, source string, level Level, reason string) ([]Change, error) {
	if err := checkFloorArgs(t, subject, source); err != nil {
		return nil, err
	}
	if !level.Valid() {
		return nil, fmt.Errorf("%w: %d", ErrUnknownLevel, uint8(level))
	}
	return b.updateFloor(t, subject, source, reason, func(Level) Level { return level })
}

// Escalate raises a subject one level at the clock's current time; see
// EscalateAt.
func (b *Board) Escalate(subject, source, reason string) ([]Change, error) {
	return b.EscalateAt(b.clk.Now(), subject, source, reason)
}

// EscalateAt sets the floor of source one level above the subject's current
// level (at most Red) at time t: the hook for "a missed obligation escalates
// the subject one level". It returns the change, if any; escalating a red
// subject changes nothing but still records the floor.
func (b *Board) EscalateAt(t time.Time, subject, source, reason string) ([]Change, error) {
	if err := checkFloorArgs(t, subject, source); err != nil {
		return nil, err
	}
	return b.updateFloor(t, subject, source, reason, func(cur Level) Level { return min(cur+1, Red) })
}

// LiftFloor lifts a floor at the clock's current time; see LiftFloorAt.
func (b *Board) LiftFloor(subject, source, reason string) ([]Change, error) {
	return b.LiftFloorAt(b.clk.Now(), subject, source, reason)
}

// LiftFloorAt removes the floor of source at time t. If the floor was what
// held the subject up, the subject drops at once to the level its rules and
// other floors assert (lifting is an explicit decision, so no dwell
// applies). Lifting a floor that is not set is not an error.
func (b *Board) LiftFloorAt(t time.Time, subject, source, reason string) ([]Change, error) {
	if err := checkFloorArgs(t, subject, source); err != nil {
		return nil, err
	}
	return b.updateFloor(t, subject, source, reason, func(Level) Level { return None })
}

// Floors returns the floors set for a subject, sorted by source.
func (b *Board) Floors(subject string) []Floor {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if s := b.subjects[subject]; s != nil {
		return slices.Clone(s.floors)
	}
	return nil
}

func checkFloorArgs(t time.Time, subject, source string) error {
	if err := checkTime(t); err != nil {
		return err
	}
	switch {
	case subject == "":
		return inputErr("empty subject")
	case source == "":
		return inputErr("empty floor source")
	}
	return nil
}

func (b *Board) updateFloor(t time.Time, subject, source, reason string, level func(cur Level) Level) ([]Change, error) {
	return b.updateSubject(t, subject, true, func(s *subj) *floorOp {
		t := t.UTC()
		to := level(s.level)
		i, found := slices.BinarySearchFunc(s.floors, source, func(f Floor, src string) int {
			return strings.Compare(f.Source, src)
		})
		op := &floorOp{source: source, reason: reason, to: to}
		switch {
		case found:
			op.from = s.floors[i].Level
			if to == None {
				s.floors = slices.Delete(s.floors, i, i+1)
				if len(s.floors) == 0 {
					s.floors = nil // snapshots round-trip exactly
				}
			} else {
				s.floors[i] = Floor{Source: source, Level: to, Since: t, Reason: reason}
			}
		case to != None:
			s.floors = slices.Insert(s.floors, i, Floor{Source: source, Level: to, Since: t, Reason: reason})
		}
		return op
	})
}
