//go:build ignore

// Command jsonvalid exits non-zero unless every file named on its command
// line holds one valid JSON value. CI uses it on the servicedesk example's
// data.json.
package main

import (
	"encoding/json"
	"fmt"
	"os"
)

func main() {
	for _, name := range os.Args[1:] {
		b, err := os.ReadFile(name)
		if err == nil && !json.Valid(b) {
			err = fmt.Errorf("not valid JSON")
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
			os.Exit(1)
		}
	}
}
