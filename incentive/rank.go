package incentive

import (
	"fmt"
	"math/bits"
	"sort"
	"strings"
)

// Entry is a scored individual or team to rank or to pay from a pool.
type Entry struct {
	ID    string  `json:"id"`
	Score Decimal `json:"score"`
}

// Ranked is an Entry with its standard competition rank and its
// bottom-share flag.
type Ranked struct {
	ID     string  `json:"id"`
	Score  Decimal `json:"score"`
	Rank   int     `json:"rank"`
	Bottom bool    `json:"bottom"`
}

// SeedBottomShare returns the bottom share the seeds flag: 10 % (0.10).
func SeedBottomShare() Decimal { return Decimal{coef: 10, scale: 2} }

// Rank orders entries by score, highest first, and gives them standard
// competition ranks: equal scores share a rank and the next rank skips
// (1, 2, 2, 4). Entries with equal scores are listed by ID.
//
// bottomShare (for example SeedBottomShare()) flags the bottom of the list:
// k = floor(n × bottomShare) entries at most. An entry is flagged when it
// and every entry tied with it fit in the last k places, so a tie that
// straddles the cut is not flagged and nobody is flagged merely by
// alphabetical order. A zero share flags nobody.
//
// IDs must be unique and non-empty; bottomShare must be in [0, 1].
func Rank(entries []Entry, bottomShare Decimal) ([]Ranked, error) {
	if bottomShare.Sign() < 0 || bottomShare.Cmp(one) > 0 {
		return nil, fmt.Errorf("%w: bottom share %s outside [0, 1]", ErrInvalid, bottomShare)
	}
	if err := checkIDs(entries); err != nil {
		return nil, err
	}
	out := make([]Ranked, len(entries))
	for i, e := range entries {
		out[i] = Ranked{ID: e.ID, Score: e.Score}
	}
	sort.Slice(out, func(i, j int) bool {
		if c := out[i].Score.Cmp(out[j].Score); c != 0 {
			return c > 0
		}
		return out[i].ID < out[j].ID
	})
	n := len(out)
	// k = floor(n × coef / 10^scale) in 128 bits: the share is at most 1,
	// so the high word is below the divisor and k <= n.
	hi, lo := bits.Mul64(uint64(n), uint64(bottomShare.coef))
	kq, _ := bits.Div64(hi, lo, pow10[bottomShare.scale])
	k := int(kq)
	for i := range out {
		if i > 0 && out[i].Score.Equal(out[i-1].Score) {
			out[i].Rank = out[i-1].Rank
		} else {
			out[i].Rank = i + 1
		}
		// entries scoring at most this one: n - rank + 1
		out[i].Bottom = k > 0 && n-out[i].Rank+1 <= k
	}
	return out, nil
}

func checkIDs(entries []Entry) error {
	seen := make(map[string]bool, len(entries))
	var p problems
	for i, e := range entries {
		path := fmt.Sprintf("entries[%d].id", i)
		switch {
		case e.ID == "":
			p.add(path, "is required")
		case seen[e.ID]:
			p.add(path, "duplicate id %q", e.ID)
		}
		seen[e.ID] = true
	}
	return p.err()
}

// Member is one person's score in a team.
type Member struct {
	ID    string  `json:"id"`
	Team  string  `json:"team"`
	Score Decimal `json:"score"`
}

// TeamScores returns one Entry per team (sorted by team) whose score is the
// mean of its members' scores, rounded to places with mode. Rank the result
// with Rank to rank teams.
func TeamScores(members []Member, places int, mode RoundingMode) ([]Entry, error) {
	type acc struct {
		sum Decimal
		n   int64
	}
	teams := map[string]*acc{}
	for i, m := range members {
		if m.Team == "" {
			return nil, fmt.Errorf("%w: members[%d].team is required", ErrInvalid, i)
		}
		a := teams[m.Team]
		if a == nil {
			a = &acc{}
			teams[m.Team] = a
		}
		s, err := a.sum.Add(m.Score)
		if err != nil {
			return nil, err
		}
		a.sum = s
		a.n++
	}
	out := make([]Entry, 0, len(teams))
	for name, a := range teams {
		mean, err := a.sum.Quo(DecimalFromInt(a.n), places, mode)
		if err != nil {
			return nil, err
		}
		out = append(out, Entry{ID: name, Score: mean})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Share is one member's part of a pool.
type Share struct {
	ID     string  `json:"id"`
	Score  Decimal `json:"score"`
	Amount Money   `json:"amount"`
}

// SplitPool divides a team pool among members in proportion to their
// scores, exact to the minor unit: the shares always sum to the pool. It
// uses Money.Split with members ordered by ID, so a leftover cent between
// equal remainders goes to the smaller ID, whatever order the members came
// in. Shares are returned in ID order. Scores must be non-negative with a
// positive sum.
func SplitPool(pool Money, members []Entry) ([]Share, error) {
	if err := checkIDs(members); err != nil {
		return nil, err
	}
	sorted := append([]Entry(nil), members...)
	sort.Slice(sorted, func(i, j int) bool { return strings.Compare(sorted[i].ID, sorted[j].ID) < 0 })
	weights := make([]Decimal, len(sorted))
	for i, m := range sorted {
		weights[i] = m.Score
	}
	parts, err := pool.Split(weights)
	if err != nil {
		return nil, err
	}
	out := make([]Share, len(sorted))
	for i, m := range sorted {
		out[i] = Share{ID: m.ID, Score: m.Score, Amount: parts[i]}
	}
	return out, nil
}

// BlendScores mixes an individual score with the team's:
// (1 - teamWeight) × individual + teamWeight × team, rounded to places with
// mode. teamWeight must be in [0, 1].
func BlendScores(individual, team, teamWeight Decimal, places int, mode RoundingMode) (Decimal, error) {
	if teamWeight.Sign() < 0 || teamWeight.Cmp(one) > 0 {
		return Decimal{}, fmt.Errorf("%w: team weight %s outside [0, 1]", ErrInvalid, teamWeight)
	}
	iw, err := one.Sub(teamWeight)
	if err != nil {
		return Decimal{}, err
	}
	a, err := individual.Mul(iw)
	if err != nil {
		return Decimal{}, err
	}
	b, err := team.Mul(teamWeight)
	if err != nil {
		return Decimal{}, err
	}
	s, err := a.Add(b)
	if err != nil {
		return Decimal{}, err
	}
	return s.Round(places, mode)
}
