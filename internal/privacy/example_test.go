package privacy_test

import (
	"fmt"

	"github.com/sqkit/sqkit/internal/privacy"
)

func Example() {
	hashed, err := privacy.KeyedHash([]byte("a host key of 16+ bytes"))
	if err != nil {
		panic(err)
	}
	a, b := hashed.Apply("13800138000"), hashed.Apply("13800138000")
	fmt.Println(privacy.Mask().Apply("13800138000"))
	fmt.Println(a == b, privacy.IsPlaceholder(a))
	// Output:
	// [redacted]
	// true true
}
