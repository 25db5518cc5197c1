package faults

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/wipo-das/dasim/simulators/clock"
)

// Event is one fault that fired.
type Event struct {
	At        time.Time `json:"at"` // on the world's clock
	RuleID    string    `json:"ruleId"`
	Party     string    `json:"party"`
	Operation string    `json:"operation"`
	Kind      Kind      `json:"kind"`
	// Detail says what was done, e.g. "answered 500" or "sent 3 copies".
	Detail string `json:"detail"`
}

func (e Event) String() string {
	return fmt.Sprintf("%s %s %s %s (rule %s): %s", e.At.UTC().Format(time.RFC3339), e.Party, e.Operation, e.Kind, e.RuleID, e.Detail)
}

// Set is the world's switchboard of faults. It is safe for concurrent use.
type Set struct {
	clock clock.Clock

	mu     sync.Mutex
	seq    int
	rules  []Rule
	events []Event
}

// New returns an empty Set whose events are stamped by c (the world's clock).
func New(c clock.Clock) *Set {
	if c == nil {
		c = clock.System()
	}
	return &Set{clock: c}
}

// Add switches r on and returns it with its ID.
func (s *Set) Add(r Rule) (Rule, error) {
	if err := r.Validate(); err != nil {
		return Rule{}, fmt.Errorf("faults: rule: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	if r.ID == "" {
		r.ID = fmt.Sprintf("f%d", s.seq)
	}
	s.rules = slices.DeleteFunc(s.rules, func(o Rule) bool { return o.ID == r.ID })
	s.rules = append(s.rules, r)
	return r, nil
}

// Remove switches rule id off; it reports whether it was on.
func (s *Set) Remove(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.rules)
	s.rules = slices.DeleteFunc(s.rules, func(o Rule) bool { return o.ID == id })
	return len(s.rules) != n
}

// Clear switches every rule off. Events are kept.
func (s *Set) Clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules = nil
}

// Rules returns the rules switched on, in the order they were added.
func (s *Set) Rules() []Rule {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.rules)
}

// Events returns every fault that fired, oldest first.
func (s *Set) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.events)
}

// EventsOf returns the events of one kind.
func (s *Set) EventsOf(k Kind) []Event {
	var out []Event
	for _, e := range s.Events() {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}

// take fires the first rule matching party, operation and one of kinds:
// it counts the use down (removing a rule whose count runs out) and records
// an event with detail. A nil Set never fires, so parties may hold none.
func (s *Set) take(party, operation string, detail func(Rule) string, kinds ...Kind) (Rule, bool) {
	if s == nil {
		return Rule{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, r := range s.rules {
		if !r.matches(party, operation, kinds) {
			continue
		}
		if r.Remaining > 0 {
			s.rules[i].Remaining--
			if s.rules[i].Remaining == 0 {
				s.rules = slices.Delete(s.rules, i, i+1)
			}
		}
		s.events = append(s.events, Event{At: s.clock.Now(), RuleID: r.ID, Party: party,
			Operation: operation, Kind: r.Kind, Detail: detail(r)})
		return r, true
	}
	return Rule{}, false
}
