package main

import (
	"net/http"
	"time"

	"github.com/wipo-das/dasim/simulators/faults"
	"github.com/wipo-das/dasim/simulators/office"
)

// The defects of dasim office beyond its first eight, one per obligation of
// an office of first filing that certify --role off checks (docs/
// certify-off.md: the obligation, and the check that catches it).

// officeDefect switches on a defect of the office simulator (office.Defects).
func officeDefect(set func(*office.Defects)) func(*office.Config, *officeDeps, *http.Client) error {
	return func(cfg *office.Config, _ *officeDeps, _ *http.Client) error {
		set(&cfg.Defects)
		return nil
	}
}

// processDefect switches on a defect of the office process itself (its TLS
// certificate, its trigger endpoint).
func processDefect(set func(*processDefects)) func(*office.Config, *officeDeps, *http.Client) error {
	return func(_ *office.Config, deps *officeDeps, _ *http.Client) error {
		set(&deps.Process)
		return nil
	}
}

// processDefects are what dasim office does wrong outside the simulator.
type processDefects struct {
	UntrustedTLS   bool // serves a certificate of a CA of its own, not the world's
	IgnoreTriggers bool // accepts trigger actions and does nothing
	IgnoreWithdraw bool // accepts withdrawals and does nothing
}

func authDefects() []defect {
	auth := func(name, summary string, set func(*office.AuthDefects)) defect {
		return defect{name, summary, officeDefect(func(d *office.Defects) { set(&d.Auth) })}
	}
	return []defect{
		auth("accept-no-token", "lets DAS's calls in without an access token", func(d *office.AuthDefects) { d.AcceptNoToken = true }),
		auth("no-signature-check", "does not verify the signature of DAS's token", func(d *office.AuthDefects) { d.AcceptAnySignature = true }),
		auth("trust-embedded-key", "verifies a token with the key it brings in its header (jwk)", func(d *office.AuthDefects) { d.AcceptEmbeddedKey = true }),
		auth("accept-alg-none", "accepts tokens with alg none", func(d *office.AuthDefects) { d.AcceptAlgNone = true }),
		auth("accept-hs256", "accepts HS256 tokens (the public key as HMAC secret)", func(d *office.AuthDefects) { d.AcceptHS256 = true }),
		auth("accept-expired", "does not check exp", func(d *office.AuthDefects) { d.AcceptExpired = true }),
		auth("accept-not-yet-valid", "does not check nbf", func(d *office.AuthDefects) { d.AcceptNotYetValid = true }),
		auth("accept-other-issuer", "does not check iss", func(d *office.AuthDefects) { d.AcceptOtherIssuer = true }),
		auth("accept-no-scope", "does not check the das-api/office-exchange scope", func(d *office.AuthDefects) { d.AcceptNoScope = true }),
		auth("accept-other-client", "accepts tokens issued to clients other than DAS", func(d *office.AuthDefects) { d.AcceptOtherClient = true }),
		auth("token-on-retrievals-only", "checks the token on POST retrievals only, not on files/url-downloads or notifications", func(d *office.AuthDefects) { d.CheckRetrievalsOnly = true }),
		auth("revealing-refusal", "names the document asked for in its 401 answers", func(d *office.AuthDefects) { d.RevealOnRefusal = true }),
		auth("no-challenge", "refuses without a WWW-Authenticate: Bearer challenge", func(d *office.AuthDefects) { d.NoChallenge = true }),
		auth("act-on-refused", "prepares (and notifies DAS of) a forwarded retrieval whose token it refused", func(d *office.AuthDefects) { d.ActOnRefused = true }),
		auth("accept-wipo-tokens-in-b", "in setup B, accepts WIPO's tokens besides its own server's (certify with --setup B)", func(d *office.AuthDefects) { d.AcceptWIPOTokens = true }),
	}
}

func lookupAndAckDefects() []defect {
	on := func(name, summary string, set func(*office.Defects)) defect {
		return defect{name, summary, officeDefect(set)}
	}
	return []defect{
		on("ignore-filing-date", "does not compare the filing date of forwarded retrievals (no -12)", func(d *office.Defects) { d.IgnoreFilingDate = true }),
		on("ignore-access-code", "does not compare the access code of forwarded retrievals (no -14)", func(d *office.Defects) { d.IgnoreAccessCode = true }),
		on("case-sensitive-code", "compares access codes case-sensitively", func(d *office.Defects) { d.CaseSensitiveCode = true }),
		on("ignore-kind", "finds a document by its number whatever the kind asked (no -7)", func(d *office.Defects) { d.IgnoreKind = true }),
		on("first-mismatch-only", "reports only -12 when filing date and access code are both wrong", func(d *office.Defects) { d.FirstMismatchOnly = true }),
		on("unknown-document-404", "answers a document it does not hold with 404, not 400 -7", func(d *office.Defects) { d.NotRegistered404 = true }),
		on("same-ack-id", "answers every forwarded retrieval with the same ack id", func(d *office.Defects) { d.SameAckID = true }),
		on("notify-wrong-ack", "notifies DAS by another ack id than the one it answered", func(d *office.Defects) { d.NotifyWrongAck = true }),
		on("set-file-wrong-ack", "sets the file of a c.3 retrieval (PUT retrievals) by another ack id", func(d *office.Defects) { d.SetFileWrongAck = true }),
		on("notify-without-date", "notifies availability without documentAvailabilityDate", func(d *office.Defects) { d.NotifyWithoutDate = true }),
	}
}

func documentDefects() []defect {
	on := func(name, summary string, set func(*office.Defects)) defect {
		return defect{name, summary, officeDefect(set)}
	}
	return []defect{
		on("second-download-differs", "serves other bytes on the second download of a link", func(d *office.Defects) { d.SecondDownloadDiffers = true }),
		on("wrong-size", "announces a fileSizeQuantity one byte too large", func(d *office.Defects) { d.WrongSize = true }),
		on("wrong-announced-checksum", "announces a fileChecksum that is not its document's", func(d *office.Defects) { d.WrongAnnouncedChecksum = true }),
		on("unchecked-links", "serves its download links without checking their signature or expiry", func(d *office.Defects) { d.UncheckedLinks = true }),
		{"slow-downloads", "answers files/url-downloads after 4 s (certify with --das-timeout below that)", func(cfg *office.Config, deps *officeDeps, _ *http.Client) error {
			_, err := deps.Faults.Add(faults.Rule{Party: "office " + cfg.Code, Operation: "getFileDownloadUrl", Kind: faults.Slow,
				Delay: faults.Duration(4 * time.Second), RealTime: true})
			return err
		}},
		on("date-ddmmyyyy", "registers its documents with documentDate as DD/MM/YYYY", func(d *office.Defects) { d.DateDDMMYYYY = true }),
		on("uppercase-checksum", "requests upload URLs with the checksum in upper case", func(d *office.Defects) { d.UpperCaseChecksum = true }),
		on("empty-upload", "uploads zero bytes instead of its document", func(d *office.Defects) { d.EmptyUpload = true }),
		on("upload-other-bytes", "uploads other bytes than its document (with their own checksum)", func(d *office.Defects) { d.UploadOtherBytes = true }),
		on("correction-keeps-date", "sends the old filing date when asked to correct it", func(d *office.Defects) { d.CorrectionKeepsDate = true }),
		on("replace-without-upload", "replaces content with PUT registrations but no new upload", func(d *office.Defects) { d.ReplaceWithoutUpload = true }),
		{"ignore-triggers", "accepts the operator's requests (trigger) and does nothing", processDefect(func(p *processDefects) { p.IgnoreTriggers = true })},
		{"ignore-withdrawal", "accepts a withdrawal request and does nothing", processDefect(func(p *processDefects) { p.IgnoreWithdraw = true })},
		{"untrusted-tls", "serves a TLS certificate of a CA of its own", processDefect(func(p *processDefects) { p.UntrustedTLS = true })},
	}
}
