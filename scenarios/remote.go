package scenarios

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/wipo-das/dasim/harness"
)

// WIPO's regression run (dasim certify --role das) binds the DAS role to a
// system under test. The specs labelled role:das that only need office
// clients run against it; those that need the world's clock or storage say
// why they skip.

var (
	remoteMu  sync.Mutex
	remoteDAS *harness.RemoteDAS
)

// UseRemoteDAS binds the DAS role of the next run to r (nil: simulated).
func UseRemoteDAS(r *harness.RemoteDAS) {
	remoteMu.Lock()
	remoteDAS = r
	remoteMu.Unlock()
}

// bindRemote points w's office clients at the DAS under test, if any.
func bindRemote(w *harness.World) {
	remoteMu.Lock()
	r := remoteDAS
	remoteMu.Unlock()
	if r != nil {
		w.UseRemoteDAS(r)
	}
}

// skipIfRemote skips a spec that needs what only a simulated DAS offers.
func skipIfRemote(w *harness.World, needs string) {
	if w.Remote() {
		Skip("needs " + needs + ", which a DAS under test does not expose to the harness")
	}
}

// officeClient is office n of the run: enrolled in the simulated world, or
// the n-th identity provisioned at the DAS under test.
func officeClient(w *harness.World, n int, code, clientID string) *harness.Client {
	GinkgoHelper()
	if w.Remote() {
		c, err := w.RemoteOffice(n)
		if err != nil {
			Skip(err.Error())
		}
		return c
	}
	id, err := w.EnrollOffice(code, clientID)
	Expect(err).NotTo(HaveOccurred())
	return w.Client(id)
}

// depositable is the OFF's test document: EE P202300012 in the simulated
// world; against a DAS under test a fresh number of the OFF's office, so that
// runs never collide with earlier registrations.
func depositable(w *harness.World, off *harness.Client) harness.Document {
	if !w.Remote() {
		return eeDocument
	}
	n, _ := rand.Int(rand.Reader, big.NewInt(1_000_000))
	number := fmt.Sprintf("%s P2099%06d", off.Identity.Office, n.Int64())
	return harness.Document{Kind: "patent", Number: number, Date: "2023-03-14", AccessCode: "AB21",
		Content: harness.PDF(number, 48*1024)}
}
