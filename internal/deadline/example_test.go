package deadline_test

import (
	"fmt"

	"github.com/sqkit/sqkit/internal/deadline"
)

func ExampleQueue() {
	q := deadline.New[string](0)
	q.Set("T-2", 300)
	q.Set("T-1", 100)
	q.Set("T-3", 100) // same instant as T-1, scheduled later
	q.Set("T-2", 50)  // moved earlier
	for q.Len() > 0 {
		k, at, _ := q.Pop()
		fmt.Println(at, k)
	}
	// Output:
	// 50 T-2
	// 100 T-1
	// 100 T-3
}

type ticket struct {
	deadline.Node
	id string
}

func ExampleHeap() {
	h := deadline.NewHeap[ticket](0)
	a, b := &ticket{id: "A"}, &ticket{id: "B"}
	h.Schedule(a, 20)
	h.Schedule(b, 10)
	h.Schedule(a, 5) // reschedule in place: no map lookup
	for h.Len() > 0 {
		t, at, _ := h.Pop()
		fmt.Println(at, t.id, t.Queued())
	}
	// Output:
	// 5 A false
	// 10 B false
}
