package sqerr

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var errPkg = errors.New("pkg: invalid")

func TestFieldError(t *testing.T) {
	fe := Field(errPkg, "rules[2].within", "must be positive, got %v", -1)
	assert.Equal(t, "pkg: rules[2].within: must be positive, got -1", fe.Error())
	assert.ErrorIs(t, fe, errPkg)
	assert.Equal(t, "pkg: no path", Field(errPkg, "", "no path").Error())
	assert.Equal(t, "sqkit: x: 100%", (&FieldError{Path: "x", Message: "100%"}).Error(), "no sentinel, no formatting without args")

	var target *FieldError
	require.ErrorAs(t, fmt.Errorf("wrapped: %w", fe), &target)
	assert.Equal(t, "rules[2].within", target.Path)
}

func TestPrefix(t *testing.T) {
	assert.NoError(t, Prefix("p", nil))
	joined := errors.Join(Field(errPkg, "a", "x"), Field(errPkg, "[3].b", "y"), Field(errPkg, "", "z"), errors.New("plain"))
	err := Prefix("clocks[1]", Prefix("outer", joined))
	assert.Equal(t, "pkg: clocks[1].outer.a: x\npkg: clocks[1].outer[3].b: y\npkg: clocks[1].outer: z\nclocks[1]: outer: plain", err.Error())
	assert.ErrorIs(t, err, errPkg)
}

func TestTimeBackwardsIsShared(t *testing.T) {
	assert.ErrorIs(t, fmt.Errorf("sla: pause: %w", ErrTimeBackwards), ErrTimeBackwards)
}
