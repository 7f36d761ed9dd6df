package hashchain_test

import (
	"fmt"
	"time"

	"github.com/sqkit/sqkit/internal/hashchain"
)

type posting struct {
	Account string
	Points  int64
	At      time.Time
}

var postings = hashchain.NewCodec("example/postings/v1", func(e *hashchain.Encoder, p posting) {
	e.String(p.Account)
	e.Int(p.Points)
	e.Time(p.At)
})

// A live history appends to a State as it records; a stored copy is
// checked with Verify against the head the host kept.
func Example() {
	t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	history := []posting{{"alice", 100, t0}, {"bob", 50, t0.Add(time.Hour)}, {"alice", -30, t0.Add(2 * time.Hour)}}
	chain := postings.NewState()
	for _, p := range history {
		chain.Append(p)
	}
	links, head := chain.Links(), chain.Head()

	fmt.Println(postings.Verify(history, links, &head))
	history[1].Points = 500
	fmt.Println(postings.Verify(history, links, &head))
	history[1].Points = 50
	fmt.Println(postings.Verify(history[:2], links[:2], &head))
	// Output:
	// <nil>
	// sqkit: hash chain broken at entry 1: edited
	// sqkit: hash chain broken at entry 2: truncated
}
