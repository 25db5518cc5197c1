package das

import (
	"context"

	"github.com/wipo-das/dasim/simulators/store"
)

// Registered reports whether office has a live registration of the
// document kind/number: a world restarting on its store has its simulated
// offices register only what the DAS does not already hold.
func (s *Server) Registered(ctx context.Context, office, kind, number string) (bool, error) {
	var live bool
	err := s.view(ctx, func(tx store.DASTx) error {
		reg, ok, err := tx.Registration(docKey(kind, number))
		live = ok && !reg.Withdrawn && reg.Office == office
		return err
	})
	return live, err
}
