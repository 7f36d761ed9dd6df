package incentive

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func entries(kv ...string) []Entry {
	var out []Entry
	for i := 0; i < len(kv); i += 2 {
		out = append(out, Entry{ID: kv[i], Score: MustDecimal(kv[i+1])})
	}
	return out
}

func TestRankCompetition(t *testing.T) {
	r, err := Rank(entries("d", "0.8", "b", "0.9", "a", "1.1", "c", "0.90"), MustDecimal("0"))
	require.NoError(t, err)
	var got []string
	for _, x := range r {
		got = append(got, fmt.Sprintf("%s:%d", x.ID, x.Rank))
		assert.False(t, x.Bottom)
	}
	assert.Equal(t, []string{"a:1", "b:2", "c:2", "d:4"}, got)
}

func TestRankBottomShare(t *testing.T) {
	var es []Entry
	for i := range 20 {
		es = append(es, Entry{ID: fmt.Sprintf("p%02d", i), Score: DecimalFromInt(int64(100 - i))})
	}
	r, err := Rank(es, SeedBottomShare()) // k = 2 of 20
	require.NoError(t, err)
	var flagged []string
	for _, x := range r {
		if x.Bottom {
			flagged = append(flagged, x.ID)
		}
	}
	assert.Equal(t, []string{"p18", "p19"}, flagged)

	// A tie straddling the cut is not flagged: p17 and p18 tie at 83.
	es[18].Score = DecimalFromInt(83)
	r, err = Rank(es, SeedBottomShare())
	require.NoError(t, err)
	flagged = nil
	for _, x := range r {
		if x.Bottom {
			flagged = append(flagged, x.ID)
		}
	}
	assert.Equal(t, []string{"p19"}, flagged)

	// 9 people: floor(0.9) = 0, nobody flagged.
	r, err = Rank(es[:9], SeedBottomShare())
	require.NoError(t, err)
	for _, x := range r {
		assert.False(t, x.Bottom)
	}
}

func TestRankErrors(t *testing.T) {
	_, err := Rank(entries("a", "1", "a", "2", "", "3"), SeedBottomShare())
	require.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), `entries[1].id: duplicate id "a"`)
	assert.Contains(t, err.Error(), `entries[2].id: is required`)
	_, err = Rank(nil, MustDecimal("1.5"))
	require.ErrorIs(t, err, ErrInvalid)
	r, err := Rank(nil, SeedBottomShare())
	require.NoError(t, err)
	assert.Empty(t, r)
}

func TestTeamScoresAndRank(t *testing.T) {
	ms := []Member{
		{ID: "a", Team: "north", Score: MustDecimal("0.9")},
		{ID: "b", Team: "north", Score: MustDecimal("1.0")},
		{ID: "c", Team: "south", Score: MustDecimal("0.95")},
		{ID: "d", Team: "east", Score: MustDecimal("1")},
		{ID: "e", Team: "east", Score: MustDecimal("0.8")},
		{ID: "f", Team: "east", Score: MustDecimal("0.8")},
	}
	ts, err := TeamScores(ms, 4, HalfEven)
	require.NoError(t, err)
	assert.Equal(t, []Entry{
		{ID: "east", Score: MustDecimal("0.8667")},
		{ID: "north", Score: MustDecimal("0.9500")},
		{ID: "south", Score: MustDecimal("0.9500")},
	}, ts)
	r, err := Rank(ts, SeedBottomShare())
	require.NoError(t, err)
	assert.Equal(t, []int{1, 1, 3}, []int{r[0].Rank, r[1].Rank, r[2].Rank})
	_, err = TeamScores([]Member{{ID: "x"}}, 4, HalfEven)
	require.ErrorIs(t, err, ErrInvalid)
}

func TestSplitPool(t *testing.T) {
	pool := MustMoney("USD 1000.00")
	shares, err := SplitPool(pool, entries("carol", "0.95", "alice", "1.1", "bob", "0.8", "dave", "0.95"))
	require.NoError(t, err)
	// 100000 cents × (1.1, 0.8, 0.95, 0.95)/3.8 = 28947.37, 21052.63, 25000, 25000
	var got []string
	var sum int64
	for _, s := range shares {
		got = append(got, s.ID+"="+s.Amount.String())
		sum += s.Amount.Minor
	}
	assert.Equal(t, []string{"alice=USD 289.47", "bob=USD 210.53", "carol=USD 250.00", "dave=USD 250.00"}, got)
	assert.Equal(t, pool.Minor, sum)

	// A leftover cent between equal remainders goes to the smaller ID,
	// whatever the input order.
	a, err := SplitPool(MustMoney("USD 0.01"), entries("zed", "1", "amy", "1"))
	require.NoError(t, err)
	assert.Equal(t, "amy", a[0].ID)
	assert.Equal(t, int64(1), a[0].Amount.Minor)
	assert.Equal(t, int64(0), a[1].Amount.Minor)

	_, err = SplitPool(pool, entries("a", "0", "b", "0"))
	require.ErrorIs(t, err, ErrInvalid)
	_, err = SplitPool(pool, entries("a", "1", "a", "1"))
	require.ErrorIs(t, err, ErrInvalid)
}

func TestBlendScores(t *testing.T) {
	s, err := BlendScores(MustDecimal("1.1"), MustDecimal("0.9"), MustDecimal("0.3"), 4, HalfEven)
	require.NoError(t, err)
	assert.Equal(t, "1.0400", s.String()) // 0.7 × 1.1 + 0.3 × 0.9
	s, err = BlendScores(MustDecimal("1.1"), MustDecimal("0.9"), MustDecimal("0"), 2, HalfEven)
	require.NoError(t, err)
	assert.Equal(t, "1.10", s.String())
	_, err = BlendScores(MustDecimal("1"), MustDecimal("1"), MustDecimal("1.5"), 2, HalfEven)
	require.ErrorIs(t, err, ErrInvalid)
}

func TestRankLongBottomShare(t *testing.T) {
	// A share with 18 places (1/7) times 100 people does not fit an int64
	// coefficient, but floor(100 / 7) = 14 people are flagged all the same.
	var es []Entry
	for i := range 100 {
		es = append(es, Entry{ID: fmt.Sprintf("p%03d", i), Score: DecimalFromInt(int64(1000 - i))})
	}
	share, err := one.Quo(DecimalFromInt(7), MaxScale, Down)
	require.NoError(t, err)
	r, err := Rank(es, share)
	require.NoError(t, err)
	n := 0
	for _, x := range r {
		if x.Bottom {
			n++
			assert.GreaterOrEqual(t, x.Rank, 87)
		}
	}
	assert.Equal(t, 14, n)
}
