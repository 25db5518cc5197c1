package scenarios

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/wipo-das/dasim/harness"
)

var (
	signingKeyOnce sync.Once
	signingKey     *rsa.PrivateKey
)

// startWorld starts a fresh simulated world for one spec, on its own virtual
// clock, and stops it when the spec ends. Worlds share one RSA signing key:
// generating one per spec would dominate the run.
func startWorld(ctx context.Context) *harness.World {
	GinkgoHelper()
	return startWorldWith(ctx, harness.Config{})
}

// startWorldWith is startWorld with cfg for the simulated world (its
// SigningKey is the suite's); a world bound to systems under test ignores it.
func startWorldWith(ctx context.Context, cfg harness.Config) *harness.World {
	GinkgoHelper()
	if o := currentOptions(); o.World != nil {
		return joinBoundWorld(o)
	}
	signingKeyOnce.Do(func() {
		var err error
		signingKey, err = rsa.GenerateKey(rand.Reader, 2048)
		Expect(err).NotTo(HaveOccurred())
	})
	cfg.SigningKey = signingKey
	w, err := harness.Start(ctx, cfg)
	Expect(err).NotTo(HaveOccurred(), "starting the world")
	DeferCleanup(func(ctx SpecContext) {
		breaches := w.CheckInvariants(ctx)
		noteExchanges(w.Log.Exchanges())
		w.Close()
		Expect(breaches).To(BeEmpty(), "world invariants after the scenario")
		faulty := w.Log.Faulty()
		for _, e := range faulty {
			AddReportEntry("contract violation", e)
		}
		Expect(faulty).To(BeEmpty(), "every exchange between simulated parties keeps the contract")
	})
	return w
}
