package incentive_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sqkit/sqkit/incentive"
)

// Only the four defined rounding modes exist: any other value is refused
// with a *RoundingModeError rather than rounded some way or other, and JSON
// carries modes by name only.
func ExampleRoundingModeError() {
	_, err := incentive.MustDecimal("2.5").Round(0, incentive.RoundingMode(7))
	var re *incentive.RoundingModeError
	fmt.Println(errors.As(err, &re), re.Mode, errors.Is(err, incentive.ErrRoundingMode))

	var m incentive.RoundingMode
	fmt.Println(json.Unmarshal([]byte(`"half-up"`), &m), m)
	fmt.Println(json.Unmarshal([]byte(`7`), &m))
	// Output:
	// true RoundingMode(7) true
	// <nil> half-up
	// incentive: unknown rounding mode "7" (want half-even, half-up, down or up)
}
