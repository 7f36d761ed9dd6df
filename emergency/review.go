package emergency

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/internal/cases"
)

// ActionItem is one improvement a post-incident review assigns: what, to
// whom, by when, and when it was done.
type ActionItem struct {
	// ID identifies the item within the review; ReviewAt numbers items
	// without one "A1", "A2", ...
	ID          string    `json:"id"`
	Description string    `json:"description"`
	Owner       string    `json:"owner"`
	Due         time.Time `json:"due"`
	DoneAt      time.Time `json:"done_at,omitzero"`
	DoneBy      string    `json:"done_by,omitempty"`
}

// Review is the post-incident review of a resolved incident.
type Review struct {
	Reviewer    string       `json:"reviewer"`
	Summary     string       `json:"summary"`
	RootCause   string       `json:"root_cause,omitempty"`
	Lessons     []string     `json:"lessons,omitempty"`
	ActionItems []ActionItem `json:"action_items,omitempty"`
	// At is when the review was recorded (set by ReviewAt).
	At time.Time `json:"at"`
}

// Validate reports every problem of the review at once, each as a
// *FieldError with the path of the field: an empty reviewer or summary, and
// action items with no description, no owner, no deadline or a repeated id.
func (r Review) Validate() error {
	var errs []error
	add := func(path, format string, args ...any) { errs = append(errs, fieldErr(path, format, args...)) }
	if r.Reviewer == "" {
		add("reviewer", "empty reviewer")
	}
	if r.Summary == "" {
		add("summary", "empty summary")
	}
	for i, a := range r.ActionItems {
		p := fmt.Sprintf("action_items[%d]", i)
		if a.Description == "" {
			add(p+".description", "empty description")
		}
		if a.Owner == "" {
			add(p+".owner", "an action item needs an owner")
		}
		if a.Due.IsZero() {
			add(p+".due", "an action item needs a deadline")
		}
		if a.ID != "" && slices.IndexFunc(r.ActionItems, func(x ActionItem) bool { return x.ID == a.ID }) < i {
			add(p+".id", "duplicate action item id %q", a.ID)
		}
	}
	return errors.Join(errs...)
}

// Overdue returns the action items not done by t whose deadline has been
// reached: an item due at t is overdue from t, as an SLA clock is breached
// at its due instant.
func (r Review) Overdue(t time.Time) []ActionItem {
	var out []ActionItem
	for _, a := range r.ActionItems {
		if a.DoneAt.IsZero() && !t.Before(a.Due) {
			out = append(out, a)
		}
	}
	return out
}

func (r Review) clone() Review {
	r.Lessons, r.ActionItems = slices.Clone(r.Lessons), slices.Clone(r.ActionItems)
	return r
}

// Review records a post-incident review at the clock's current time; see
// ReviewAt.
func (m *IncidentManager) Review(ctx context.Context, id string, r Review) (Incident, error) {
	return m.ReviewAt(ctx, m.eng.Clock().Now(), id, r)
}

// CompleteAction completes an action item at the clock's current time; see
// CompleteActionAt.
func (m *IncidentManager) CompleteAction(id, item, actor string) (Incident, error) {
	return m.CompleteActionAt(m.eng.Clock().Now(), id, item, actor)
}

// ReviewAt records the post-incident review of a resolved incident at t and
// moves it to "reviewed". Action items without an id are numbered; an
// action item due before t is an error, as is a review of an incident that
// is not resolved (fsm.ErrNotAllowed).
func (m *IncidentManager) ReviewAt(ctx context.Context, t time.Time, id string, r Review) (Incident, error) {
	if err := r.Validate(); err != nil {
		return Incident{}, err
	}
	r = r.clone()
	var errs []error
	for i := range r.ActionItems {
		a := &r.ActionItems[i]
		if a.ID == "" {
			for n := i + 1; ; n++ {
				cand := "A" + strconv.Itoa(n)
				if !slices.ContainsFunc(r.ActionItems, func(x ActionItem) bool { return x.ID == cand }) {
					a.ID = cand
					break
				}
			}
		}
		if a.Due.Before(t) {
			errs = append(errs, fieldErr(fmt.Sprintf("action_items[%d].due", i), "deadline %v is before the review at %v", a.Due, t))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return Incident{}, err
	}
	return m.fire(ctx, t, id, IncidentReview, fsm.By{Actor: r.Reviewer, Reason: r.Summary}, func(it *incItem, t time.Time) []IncidentEvent {
		r.At = t
		for i := range r.ActionItems {
			r.ActionItems[i].Due = r.ActionItems[i].Due.In(t.Location())
		}
		it.Rec.review = &r
		return []IncidentEvent{{ID: id + "/reviewed", Kind: EventReviewed, Incident: id, At: t, Actor: r.Reviewer,
			Detail: fmt.Sprintf("%d action items", len(r.ActionItems))}}
	})
}

// CompleteActionAt records that actor completed an action item of the
// incident's review at t, which must not be before the review.
func (m *IncidentManager) CompleteActionAt(t time.Time, id, item, actor string) (Incident, error) {
	if actor == "" {
		return Incident{}, inputErr("empty actor completing action item %q of incident %q", item, id)
	}
	if at, ok := cases.Get(m.eng, id, func(it *incItem) *Review { return it.Rec.review }); ok && at != nil && t.Before(at.At) {
		// Say why, before the engine's time guard refuses it.
		return Incident{}, inputErr("time %v is before the review of incident %q at %v", t, id, at.At)
	}
	return m.do(t, id, func(it *incItem, t time.Time) ([]IncidentEvent, error) {
		rev := it.Rec.review
		if rev == nil {
			return nil, fmt.Errorf("%w: incident %q has no review", ErrIncidentState, id)
		}
		i := slices.IndexFunc(rev.ActionItems, func(a ActionItem) bool { return a.ID == item })
		switch {
		case i < 0:
			return nil, fmt.Errorf("%w: %q of incident %q", ErrUnknownActionItem, item, id)
		case !rev.ActionItems[i].DoneAt.IsZero():
			return nil, inputErr("action item %q of incident %q already done at %v", item, id, rev.ActionItems[i].DoneAt)
		}
		rev.ActionItems[i].DoneAt, rev.ActionItems[i].DoneBy = t, actor
		return nil, nil
	})
}
