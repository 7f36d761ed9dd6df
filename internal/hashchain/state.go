package hashchain

// State is the running chain of a live history: the hash of every entry
// sealed so far. The entries themselves stay with their owner, which
// appends to the State as it appends to its history. A State is not safe
// for concurrent use; its owner guards it with its own lock. The zero State
// is not usable: make one with Codec.NewState or Codec.Resume.
type State[T any] struct {
	c      *Codec[T]
	hashes []Digest
	enc    Encoder // scratch buffer, reused
}

// NewState returns the state of an empty chain.
func (c *Codec[T]) NewState() *State[T] { return &State[T]{c: c} }

// Resume returns the state of a chain sealed by links, which Verify has
// accepted for its entries.
func (c *Codec[T]) Resume(links []Link) *State[T] {
	s := &State[T]{c: c, hashes: make([]Digest, len(links), len(links)+4)}
	for i, l := range links {
		s.hashes[i] = l.Hash
	}
	return s
}

// Append seals v as the next entry and returns its hash. It does not
// allocate once the state's buffers have grown to the entries' size.
func (s *State[T]) Append(v T) Digest {
	prev := s.c.genesis
	if n := len(s.hashes); n > 0 {
		prev = s.hashes[n-1]
	}
	h := s.c.hash(&s.enc, prev, v)
	s.hashes = append(s.hashes, h)
	return h
}

// Sealed returns the chain's head, and false for a nil State (a history
// that is not chained).
func (s *State[T]) Sealed() (Head, bool) {
	if s == nil {
		return Head{}, false
	}
	return s.Head(), true
}

// Len returns the number of entries sealed.
func (s *State[T]) Len() int { return len(s.hashes) }

// Head returns the chain's head.
func (s *State[T]) Head() Head {
	if len(s.hashes) == 0 {
		return Head{Hash: s.c.genesis}
	}
	return Head{Len: len(s.hashes), Hash: s.hashes[len(s.hashes)-1]}
}

// Links returns the links of the entries sealed so far (nil when none).
func (s *State[T]) Links() []Link {
	if len(s.hashes) == 0 {
		return nil
	}
	out := make([]Link, len(s.hashes))
	prev := s.c.genesis
	for i, h := range s.hashes {
		out[i] = Link{Prev: prev, Hash: h}
		prev = h
	}
	return out
}

// Truncate drops the entries after the first n (0 <= n <= Len), for an
// owner that undoes the entries it has just appended.
func (s *State[T]) Truncate(n int) { s.hashes = s.hashes[:n] }
