package main

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/sqkit/sqkit/sla/slariver"
)

// bindPGTx makes the slariver store run in t.
func bindPGTx(ctx context.Context, t pgx.Tx) context.Context { return slariver.WithTx(ctx, t) }
