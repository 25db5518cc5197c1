package harness

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/wipo-das/dasim/simulators/das"
	"github.com/wipo-das/dasim/simulators/office"
)

// OFF is the office of first filing of a spec: a simulated office, or the
// office under test. Either way it holds the spec's document, registered at
// DAS, and answers the calls DAS makes to it.
type OFF interface {
	// Code is the office's ST.3 code.
	Code() string
	// Party names the office in failures ("office EE", or "office EE
	// (system under test)").
	Party() string
	// Setup is how the office authenticates DAS (A or B).
	Setup() office.AuthSetup
	// Document is the document the office holds for the spec's flow.
	Document() office.Document
	// Documents are all the documents it holds for the spec (OFFHolding),
	// as registered at DAS.
	Documents() []office.Document
	// CallAsDAS calls the office's API as WIPO DAS does: with DAS's token
	// for the office, validated and recorded as DAS's exchange. It drives
	// the office beyond what the flows make DAS send it.
	CallAsDAS(ctx context.Context, method, path string, query url.Values, body any) (*Response, error)
}

// OSF is an office of second filing in a spec: it requests retrievals of
// DAS, takes DAS's notifications and downloads. The scenarios' OSFs are
// simulated offices; an OSF client under test is observed instead
// (World.Observe).
type OSF interface {
	Code() string
	RequestRetrieval(ctx context.Context, key office.RetrievalKey) (string, error)
	Received(ackID string) (office.Received, bool)
	Status(ctx context.Context, ackID string) (RetrievalStatus, error)
	Download(ctx context.Context, ackID string) ([]byte, error)
	Delete(ctx context.Context, ackID string) error
}

var _ OSF = (*office.Office)(nil)

// OFFWanted is what a spec asks of its OFF: a simulated office made from
// Config holding Document; the office under test must hold a document of
// Document's hosting, and, when Setup is set, authenticate DAS in that setup.
type OFFWanted struct {
	Config   office.Config
	Document office.Document // zero: the office only, no document
	Setup    office.AuthSetup
}

// OFF returns the spec's office of first filing: the office under test
// when the run binds one (with the document it declared for the hosting the
// spec needs), else a simulated office started in the world with the
// document registered. A bound office that cannot serve the spec — no
// document of that hosting, the other setup — is a *Missing error.
func (e *Env) OFF(ctx context.Context, want OFFWanted) (OFF, error) {
	cfg := want.Config
	if want.Setup != "" {
		cfg.Setup = want.Setup
	}
	var docs []office.Document
	if want.Document.Number != "" {
		docs = append(docs, want.Document)
	}
	if b := e.run.Bindings.OFF; b != nil && want.Setup != "" && want.Setup != b.setup() {
		return nil, &Missing{Capability: "certify an OFF in setup " + Capability(want.Setup), Inapplicable: true,
			Reason: fmt.Sprintf("the OFF under test authenticates DAS in setup %s", b.setup())}
	}
	return e.OFFHolding(ctx, cfg, docs...)
}

// OFFHolding is OFF for a spec that needs its office to hold several
// documents: the office under test must have declared a document of each
// one's hosting (each declared document serving once). The OFF's Document
// is the first.
func (e *Env) OFFHolding(ctx context.Context, cfg office.Config, docs ...office.Document) (OFF, error) {
	b := e.run.Bindings.OFF
	if b == nil {
		var o *office.Office
		var err error
		if e.fresh {
			o, err = e.startOffice(ctx, cfg, docs...)
		} else if o, err = e.site(cfg.Code, cfg.Setup, docs...); err == nil {
			docs, err = e.registerAtSite(ctx, o, docs)
		}
		if err != nil {
			return nil, err
		}
		return simulatedOFF{o: o, docs: docs, w: e.world}, nil
	}
	off := boundOFF{b: b, w: e.world}
	used := map[int]bool{}
	for _, want := range docs {
		found := false
		for j, d := range b.Documents {
			if !used[j] && d.Hosting == want.Hosting {
				used[j], found = true, true
				off.docs = append(off.docs, d)
				break
			}
		}
		if !found {
			return nil, &Missing{Capability: Capability(fmt.Sprintf("use %d documents of the OFF under test with hosting %s", countHosting(docs, want.Hosting), want.Hosting)),
				Reason: fmt.Sprintf("it declares fewer (dasim certify --documents: add one with hosting: %s)", want.Hosting)}
		}
	}
	return off, nil
}

func countHosting(docs []office.Document, h office.Hosting) int {
	n := 0
	for _, d := range docs {
		if d.Hosting == h {
			n++
		}
	}
	return n
}

// OSF returns a simulated office of second filing with ST.3 code: a new one
// in a fresh world; in a shared world the one of that code started by an
// earlier spec, never with the code of the office under test.
func (e *Env) OSF(ctx context.Context, code string) (OSF, error) {
	if b := e.run.Bindings.OFF; b != nil && code == b.Office {
		code = map[bool]string{true: "SE", false: "FI"}[code == "FI"]
	}
	if e.run.Bindings.DAS != nil {
		return e.site(code, "")
	}
	if !e.fresh {
		if o := e.world.Office(code); o != nil {
			return o, nil
		}
	}
	return e.startOffice(ctx, office.Config{Code: code})
}

// startOffice adds a simulated office to the world and registers its documents.
func (e *Env) startOffice(ctx context.Context, cfg office.Config, docs ...office.Document) (*office.Office, error) {
	cfg.Documents = docs
	o, err := e.world.AddOffice(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("starting office %s: %w", cfg.Code, err)
	}
	if err := o.RegisterAll(ctx); err != nil {
		return nil, fmt.Errorf("office %s registering its documents: %w", cfg.Code, err)
	}
	return o, nil
}

// OfficeClient is office n of the spec calling the DAS API directly: an
// identity enrolled and whitelisted in the simulated world, or the n-th
// identity the operator provisioned at the DAS under test (a *Missing error
// when there are not that many).
func (e *Env) OfficeClient(n int, code, clientID string) (*Client, error) {
	if r := e.run.Bindings.DAS; r != nil {
		o, err := e.site(code, "")
		if err != nil {
			return nil, err
		}
		for _, id := range r.Identities {
			if id.Office == o.Code() {
				return e.world.remoteClient(id), nil
			}
		}
		return nil, fmt.Errorf("no identity of office %s at the DAS under test", o.Code())
	}
	id, err := e.world.EnrollOffice(code, clientID)
	if err != nil {
		return nil, err
	}
	return e.world.Client(id), nil
}

// Enroll registers a new client at the authorization server without
// whitelisting it at DAS; it needs EnrollClients.
func (e *Env) Enroll(code, clientID string) (*Identity, error) {
	if err := e.Can(EnrollClients); err != nil {
		return nil, err
	}
	return e.world.Enroll(code, clientID)
}

// UnlistedClient is the token client of a client registered at the
// spec's authorization server and not whitelisted at its DAS: one enrolled
// for the spec, or, with a DAS under test, the one its operator registered
// from the harness's files (UnlistedClientID).
func (e *Env) UnlistedClient() (*TokenClient, error) {
	if r := e.run.Bindings.DAS; r != nil {
		if e.world.unlisted == nil {
			return nil, &Missing{Capability: EnrollClients, Reason: "the run has no unlisted client"}
		}
		return e.world.remoteTokenClient(e.world.unlisted), nil
	}
	id, err := e.Enroll("XX", "not-whitelisted")
	if err != nil {
		return nil, err
	}
	return e.world.TokenClient(id), nil
}

// Document is the spec's document d for the office c deposits it as: d
// itself in a world of the spec's own; in a world that outlives the spec (a
// DAS under test above all) a fresh number of c's office with d's other
// attributes, so that runs never collide with earlier registrations.
func (e *Env) Document(c *Client, d Document) Document {
	if e.fresh && e.run.Bindings.DAS == nil {
		return d
	}
	n, _ := rand.Int(rand.Reader, big.NewInt(1_000_000))
	d.Number = fmt.Sprintf("%s P2099%06d", c.Identity.Office, n.Int64())
	d.Content = PDF(d.Number, len(d.Content))
	return d
}

// Await polls the retrieval ack until it is no longer pending, letting the
// world's time pass between polls (Pass), for at most Patience.
func (e *Env) Await(ctx context.Context, c *Client, ack string) (RetrievalStatus, error) {
	waited := e.PollEvery()
	for {
		e.world.Settle()
		st, r, err := c.Status(ctx, ack)
		if err != nil {
			return st, err
		}
		if r.Status != http.StatusOK || st.RequestStatusCategory != "pending" {
			return st, nil
		}
		if waited > e.Patience() {
			return st, fmt.Errorf("retrieval %s still pending after %v: %s", ack, e.Patience(), deref(st.StatusMessage))
		}
		if err := e.Pass(ctx, e.PollEvery()); err != nil {
			return st, err
		}
		waited += e.PollEvery()
	}
}

// PollEvery is how much of the world's time passes between two looks at
// an asynchronous step.
func (e *Env) PollEvery() time.Duration {
	if e.Can(AdvanceClock) == nil {
		return time.Second
	}
	return 100 * time.Millisecond
}

func deref(s *string) string {
	if s == nil {
		return "no statusMessage"
	}
	return *s
}

// simulatedOFF is a simulated office in the OFF role.
type simulatedOFF struct {
	o    *office.Office
	docs []office.Document
	w    *World
}

func (s simulatedOFF) Code() string                 { return s.o.Code() }
func (s simulatedOFF) Party() string                { return "office " + s.o.Code() }
func (s simulatedOFF) Setup() office.AuthSetup      { return s.o.Config().Setup }
func (s simulatedOFF) Document() office.Document    { return first(s.docs) }
func (s simulatedOFF) Documents() []office.Document { return s.docs }
func (s simulatedOFF) CallAsDAS(ctx context.Context, method, path string, query url.Values, body any) (*Response, error) {
	return s.w.CallOffice(ctx, s.o.Code(), method, path, query, body)
}

// boundOFF is the office under test in the OFF role.
type boundOFF struct {
	b    *BoundOFF
	docs []office.Document
	w    *World
}

func (b boundOFF) Code() string                 { return b.b.Office }
func (b boundOFF) Party() string                { return "office " + b.b.Office + " (system under test)" }
func (b boundOFF) Setup() office.AuthSetup      { return b.b.setup() }
func (b boundOFF) Document() office.Document    { return first(b.docs) }
func (b boundOFF) Documents() []office.Document { return b.docs }

func first(docs []office.Document) office.Document {
	if len(docs) == 0 {
		return office.Document{}
	}
	return docs[0]
}
func (b boundOFF) CallAsDAS(ctx context.Context, method, path string, query url.Values, body any) (*Response, error) {
	return b.w.CallOffice(ctx, b.b.Office, method, path, query, body)
}

// AuthZ is the authorization server of a spec: the world's simulated one.
// Its negative cases are built against it; an office's own server (setup B)
// is reached through the office.
type AuthZ interface {
	Issuer() string
	TokenEndpoint() string
	// Assertion signs a client assertion for id at the world's time; the
	// zero spec is the seeds' assertion aimed at the token endpoint.
	Assertion(id *Identity, spec AssertionSpec) (string, error)
	// PostToken sends a token request and decodes the answer, unjudged.
	PostToken(ctx context.Context, form url.Values) (*TokenResult, error)
}

// AuthZ returns the spec's authorization server.
func (e *Env) AuthZ() AuthZ { return worldAuthZ{e.world} }

type worldAuthZ struct{ w *World }

func (a worldAuthZ) Issuer() string        { return a.w.AuthZ.Issuer() }
func (a worldAuthZ) TokenEndpoint() string { return a.w.AuthZ.TokenEndpoint() }
func (a worldAuthZ) Assertion(id *Identity, spec AssertionSpec) (string, error) {
	return a.w.Assertion(id, spec)
}
func (a worldAuthZ) PostToken(ctx context.Context, form url.Values) (*TokenResult, error) {
	return a.w.PostToken(ctx, form)
}

// site is the office of a shared world's sites (a DAS under test) that
// plays a role in the spec: the one of code when it is free and fits, else
// the first free one that fits. A site fits a setup it runs and documents
// its storage rules allow (an IP5 office keeps none in the DAS library).
func (e *Env) site(code string, setup office.AuthSetup, docs ...office.Document) (*office.Office, error) {
	fits := func(s Site) bool {
		if e.used[s.Code] || (setup != "" && s.Setup != setup) {
			return false
		}
		for _, d := range docs {
			if d.Hosting == office.Library && slices.Contains(das.DefaultIP5Offices(), s.Code) {
				return false
			}
		}
		return e.world.Office(s.Code) != nil
	}
	sites := RegressionSites()
	if i := slices.IndexFunc(sites, func(s Site) bool { return s.Code == code }); i > 0 {
		sites[0], sites[i] = sites[i], sites[0]
	}
	for _, s := range sites {
		if fits(s) {
			e.used[s.Code] = true
			return e.world.Office(s.Code), nil
		}
	}
	return nil, &Missing{Capability: Capability(fmt.Sprintf("use another of the harness's offices (setup %q) for office %s", setup, code)),
		Reason: "every office of the run that fits is taken by this spec"}
}

// registerAtSite registers docs at the DAS under test as the site o, each
// under a fresh number of o's office (the DAS under test keeps earlier runs'
// registrations), and returns them as registered.
func (e *Env) registerAtSite(ctx context.Context, o *office.Office, docs []office.Document) ([]office.Document, error) {
	var out []office.Document
	for _, d := range docs {
		n, err := rand.Int(rand.Reader, big.NewInt(1_000_000_000))
		if err != nil {
			return nil, err
		}
		d.Number = fmt.Sprintf("%s P2099%09d", o.Code(), n.Int64())
		d.Content = PDF(d.Number, len(d.Content))
		if err := o.Register(ctx, d); err != nil {
			return nil, fmt.Errorf("office %s registering %s at the DAS under test: %w", o.Code(), d.Number, err)
		}
		out = append(out, d)
	}
	return out, nil
}
