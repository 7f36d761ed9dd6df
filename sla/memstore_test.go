package sla_test

import (
	"context"
	"testing"
	"time"

	"github.com/sqkit/sqkit/sla"
	"github.com/sqkit/sqkit/sla/slatest"
)

// TestMemoryStoreConformance runs the store conformance suite on the
// in-memory store.
func TestMemoryStoreConformance(t *testing.T) {
	slatest.TestStore(t, func(t *testing.T) slatest.StoreHarness {
		st := sla.NewMemoryStore()
		return slatest.StoreHarness{
			Store: st,
			FireDue: func(ctx context.Context, d *sla.Durable, until time.Time) ([]sla.Event, error) {
				before := len(st.Outbox())
				if _, err := d.AdvanceTo(ctx, until); err != nil {
					return nil, err
				}
				return st.Outbox()[before:], nil
			},
		}
	})
}
