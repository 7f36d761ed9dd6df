package feedback

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/fsm"
)

const secretName, secretPhone = "Zhang Wei", "13800138000"

var secret = secretName + " " + secretPhone

// secretRectification runs an item with customer text in every free-text
// field through its whole loop.
func secretRectification(t *testing.T) *Rectifications {
	t.Helper()
	rs, _, _ := rectNew(t, RectificationConfig{})
	in := rectInput("R-1")
	in.Source.ID = "complaint of " + secret
	in.Problem = "parcel of " + secret + " crushed"
	in.Actions[0].Description = "call " + secret + " back"
	_, err := rs.OpenAt(t0, in)
	require.NoError(t, err)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	by := fsm.By{Actor: "ops.li", Reason: "spoke with " + secret}
	steps := []func() error{
		func() error { _, err := rs.StartAt(at(1), "R-1", by); return err },
		func() error { _, err := rs.CompleteActionAt(at(2), "R-1", "a1", by); return err },
		func() error { _, err := rs.CompleteActionAt(at(2), "R-1", "a2", by); return err },
		func() error { _, err := rs.CompleteAt(at(3), "R-1", by); return err },
		func() error {
			_, err := rs.VerifyAt(at(4), "R-1", Verification{Passed: true, By: "qa.chen", Note: secret + " satisfied"})
			return err
		},
		func() error {
			_, err := rs.InformCustomerAt(at(5), "R-1", Notice{By: "cs", Channel: "phone", Note: "told " + secret})
			return err
		},
	}
	for _, step := range steps {
		require.NoError(t, step())
	}
	return rs
}

func secretVisits(t *testing.T) *ReturnVisits {
	t.Helper()
	rv, _, _ := rvNew(t, ReturnVisitConfig{})
	_, err := rv.ScheduleAt(t0, ResolvedComplaint{ID: "V-1", ComplaintID: "C-" + secretPhone, Customer: secret,
		HighRisk: true, RiskReason: secret + " called the press", Assignee: "cs.wang"})
	require.NoError(t, err)
	_, err = rv.RecordAt(t0.Add(time.Hour), "V-1", VisitOutcome{Mode: VisitHuman, By: "cs.wang", Satisfaction: 2,
		Note: secret + " still angry"})
	require.NoError(t, err)
	_, err = rv.ScheduleAt(t0, ResolvedComplaint{ID: "V-2", ComplaintID: "C-" + secretPhone, Customer: secret})
	require.NoError(t, err)
	_, err = rv.CancelAt(t0.Add(time.Hour), "V-2", fsm.By{Actor: "cs.wang", Reason: secret + " declined"})
	require.NoError(t, err)
	return rv
}

func assertNoSecret(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), secretName)
	assert.NotContains(t, string(raw), secretPhone)
	return string(raw)
}

func keyed(t *testing.T) Redaction {
	t.Helper()
	p, err := KeyedHash([]byte("the host's key, 16 bytes or more"))
	require.NoError(t, err)
	_, err = KeyedHash(nil)
	require.ErrorIs(t, err, ErrShortKey)
	return p
}

func TestRedactRectifications(t *testing.T) {
	rs := secretRectification(t)
	before := rs.Snapshot()
	raw, err := json.Marshal(before)
	require.NoError(t, err)
	require.Contains(t, string(raw), secretPhone)
	for _, p := range []Redaction{Mask(), keyed(t)} {
		red := RedactRectifications(before, p)
		assertNoSecret(t, red)
		assert.Equal(t, p.Method(), red.Redaction)
		item := red.Items[0].Item
		assert.Equal(t, "R-1", item.ID)
		assert.Equal(t, before.Items[0].Item.Source.Kind, item.Source.Kind)
		assert.Equal(t, "pack.zhao", item.Actions[1].Owner)
		assert.Equal(t, "phone", item.Notice.Channel)

		_, err := RestoreRectifications(red)
		require.ErrorIs(t, err, ErrRedacted)
		require.ErrorIs(t, err, ErrInvalidConfig)
		assert.EqualError(t, err, "feedback: redaction: redacted ("+p.Method()+"): a redacted snapshot is an export and is not restored; restore the original")
	}
	assert.Equal(t, before, rs.Snapshot(), "the engine is not changed")

	got, err := rs.Get("R-1")
	require.NoError(t, err)
	red := got.Redact(Mask())
	assertNoSecret(t, red)
	assert.Contains(t, got.Problem, secret, "the item redacted is a copy")
	assert.Contains(t, got.Notice.Note, secret)
	assert.Equal(t, got.History[0].Actor, red.History[0].Actor)
}

func TestRedactReturnVisits(t *testing.T) {
	rv := secretVisits(t)
	before := rv.Snapshot()
	p := keyed(t)
	red := RedactReturnVisits(before, p)
	assertNoSecret(t, red)
	a, b := red.Items[0].Item, red.Items[1].Item
	assert.Equal(t, a.Customer, b.Customer, "one customer, one placeholder: the visits stay joinable")
	assert.Equal(t, a.ComplaintID, b.ComplaintID)
	assert.Regexp(t, `^hmac:[0-9a-f]{32}$`, a.Customer)
	assert.Equal(t, "V-1", a.ID)
	_, err := RestoreReturnVisits(red)
	require.ErrorIs(t, err, ErrRedacted)
	assert.Equal(t, before, rv.Snapshot())

	v, err := rv.Get("V-2")
	require.NoError(t, err)
	assertNoSecret(t, v.Redact(Mask()))
	assert.Equal(t, "[redacted]", v.Redact(Mask()).Customer)
	assert.Contains(t, v.CancelNote, secret)

	ev := ReturnVisitEvent{Visit: "V-1", Complaint: "C-" + secretPhone}
	assert.Equal(t, ReturnVisitEvent{Visit: "V-1", Complaint: "[redacted]"}, ev.Redact(Mask()))
}
