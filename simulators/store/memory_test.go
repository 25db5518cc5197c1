package store_test

import (
	"testing"

	"github.com/wipo-das/dasim/simulators/store"
	"github.com/wipo-das/dasim/simulators/store/storetest"
)

func TestMemoryConformance(t *testing.T) {
	storetest.Run(t, func(*testing.T) store.Backend { return store.NewMemory() }, nil)
}
