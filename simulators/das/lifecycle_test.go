package das

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// Corrections (seeds, c.1): new filing date / parent application by PUT
// registrations, then new content through a new upload; withdrawal by DELETE.
func TestCorrectReplaceWithdraw(t *testing.T) {
	w := newWorld(t, worldOptions{})
	ee, fi := w.office("EE"), w.office("FI")
	d := doc{"patent", "EE P202300012", "2023-03-14", "AB21"}
	first, second := pdf("first version"), pdf("second version")
	ee.deposit(t, d, first)
	ee.expectError(t, 409, "CONFLICT", []int{-22}, "POST", "/registrations", d.registration(""))

	corrected := doc{"patent", "EE P202300012", "2023-03-15", "AB21"}
	var ack protocol.RegistrationAck
	ee.expect(t, 200, "PUT", "/registrations", corrected.registration(""), &ack)
	if deref(ack.StatusMessage) != "registration - updated" || ack.DocumentDate != "2023-03-15" {
		t.Fatalf("correction ack %+v", ack)
	}
	fi.expectError(t, 400, "INVALID_INPUT_DATA", []int{-12}, "POST", "/retrievals", d.retrieval())
	a1 := fi.retrieve(t, corrected)
	w.das.WaitIdle()
	if !bytes.Equal(fi.download(t, a1), first) {
		t.Fatal("date correction must keep the content")
	}

	id := ee.upload(t, "pdf", second, sha(second))
	ee.expect(t, 200, "PUT", "/registrations", corrected.registration(id), nil)
	a2 := fi.retrieve(t, corrected)
	w.das.WaitIdle()
	if !bytes.Equal(fi.download(t, a2), second) {
		t.Fatal("content replacement not served")
	}
	lib, err := w.storage.List(t.Context(), w.storage.Library(), "")
	must(t, err)
	if len(lib) != 1 {
		t.Fatalf("library keeps %d objects after replacement, want 1", len(lib))
	}
	// A bad file in a correction conflicts with the state of the upload, as at registration.
	bad := ee.upload(t, "pdf", second, sha(first))
	ee.expectError(t, 409, "CONFLICT", []int{-31}, "PUT", "/registrations", corrected.registration(bad))

	path := "/registrations?documentKindCategory=patent&documentNumber=EE%20P202300012&dasAccessCode="
	ee.expectError(t, 400, "INVALID_INPUT_DATA", []int{-14}, "DELETE", path+"0000", nil)
	ee.expect(t, 200, "DELETE", path+"ab21", nil, &ack)
	if deref(ack.StatusMessage) != "registration - withdrawn" {
		t.Errorf("withdraw ack %+v", ack)
	}
	fi.expectError(t, 400, "INVALID_INPUT_DATA", []int{-20}, "POST", "/retrievals", corrected.retrieval())
	ee.expectError(t, 404, "NOT_FOUND", []int{-20}, "DELETE", path+"AB21", nil)
	assertLibraryEmpty(t, w)
	// After a withdrawal the number may be registered again.
	ee.deposit(t, corrected, first)
}

// Transit retention: one second before the end the document downloads; one
// second after, status says EXPIRED and download is 410 -40 with the instant
// and the retention. Virtual clock: no sleeping.
func TestTransitExpiry(t *testing.T) {
	for _, c := range []struct {
		name    string
		advance time.Duration
		expired bool
	}{
		{"one second before", DefaultTransitRetention - time.Second, false},
		{"at the instant", DefaultTransitRetention, true},
		{"one second after", DefaultTransitRetention + time.Second, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t, worldOptions{})
			ee, fi := w.office("EE"), w.office("FI")
			d := doc{"patent", "EE 42", "2023-03-14", "AB21"}
			content := pdf("42")
			ee.deposit(t, d, content)
			ack := fi.retrieve(t, d)
			w.das.WaitIdle()
			available := w.clock.Now()
			w.clock.Advance(c.advance)
			st := fi.status(t, ack)
			if !c.expired {
				if st.FileStatusCategory != fileAccepted || !bytes.Equal(fi.download(t, ack), content) {
					t.Fatalf("before expiry: %+v", st)
				}
				return
			}
			if st.FileStatusCategory != fileExpired || !strings.Contains(deref(st.StatusMessage), "retention") {
				t.Fatalf("after expiry, status %+v", st)
			}
			e := fi.expectError(t, 410, "GONE", []int{-40}, "GET", "/files/url-downloads?requestAckId="+ack, nil)
			instant := available.Add(DefaultTransitRetention).UTC().Format(time.RFC3339)
			if msg := e.Details[0].Message; !strings.Contains(msg, instant) || !strings.Contains(msg, "168h0m0s") {
				t.Errorf("-40 message should give the instant %s and the retention: %q", instant, msg)
			}
			var fs protocol.FileStatus
			fi.expect(t, 200, "GET", "/files?fileId="+*st.FileID, nil, &fs)
			if fs.FileStatusCategory != fileExpired {
				t.Errorf("GET files: %s", fs.FileStatusCategory)
			}
			fi.expectError(t, 410, "GONE", []int{-40}, "DELETE", "/files?requestAckId="+ack, nil)
			objs, err := w.storage.List(t.Context(), w.storage.Transit(), "deliveries/")
			must(t, err)
			if len(objs) != 0 {
				t.Errorf("expired object still in transit: %+v", objs)
			}
		})
	}
}

// Retention is configurable.
func TestRetentionConfigurable(t *testing.T) {
	w := newWorld(t, worldOptions{config: func(c *Config) { c.TransitRetention = time.Hour }})
	ee, fi := w.office("EE"), w.office("FI")
	d := doc{"patent", "EE 43", "2023-03-14", "AB21"}
	ee.deposit(t, d, pdf("43"))
	ack := fi.retrieve(t, d)
	w.das.WaitIdle()
	w.clock.Advance(time.Hour)
	fi.expectError(t, 410, "GONE", []int{-40}, "GET", "/files/url-downloads?requestAckId="+ack, nil)
}

func TestConfigValidateReportsEverything(t *testing.T) {
	err := Config{BasePaths: []string{"nope/"}, UploadURLTTL: 8 * 24 * time.Hour, IP5Offices: []string{"eu"}, Retry: RetryPolicy{MaxAttempts: -1}}.Validate()
	if err == nil {
		t.Fatal("want errors")
	}
	for _, s := range []string{"BasePaths", "UploadURLTTL", "IP5Offices", "Retry.MaxAttempts"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("Validate does not report %s: %v", s, err)
		}
	}
	if err := (Config{}).Validate(); err != nil {
		t.Errorf("zero config: %v", err)
	}
}
