package das

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// Seeds, storage table: "PCT priority documents originated from RO/IB |
// DAS Digital Library: FORBIDDEN".
func TestStorageRuleROIBNeverInLibrary(t *testing.T) {
	w := newWorld(t, worldOptions{})
	ib := w.office("IB")
	content := pdf("PCT/IB2021/057271")
	id := ib.upload(t, "pdf", content, sha(content))
	d := doc{"patent", "PCT/IB2021/057271", "2021-09-06", "AB21"}
	e := ib.expectError(t, 403, "FORBIDDEN", []int{-21}, "POST", "/registrations", d.registration(id))
	if !strings.Contains(e.Details[0].Message, "never stored in the DAS library") {
		t.Errorf("-21 message does not explain the rule: %q", e.Details[0].Message)
	}
	ib.expectError(t, 403, "FORBIDDEN", []int{-21}, "POST", "/registrations", d.registration(""))
	assertLibraryEmpty(t, w)
}

// IP5 offices keep documents at home: a registration with a file is refused,
// without a file it is recorded (flows c.2/c.3 then serve it).
func TestStorageRuleIP5TransitOnly(t *testing.T) {
	w := newWorld(t, worldOptions{})
	for _, code := range []string{"EP", "US", "JP", "KR", "CN"} {
		t.Run(code, func(t *testing.T) {
			o := w.office(code)
			content := pdf(code)
			id := o.upload(t, "pdf", content, sha(content))
			d := doc{"patent", code + " 2023-045678", "2023-04-02", "1234"}
			e := o.expectError(t, 403, "FORBIDDEN", []int{-21}, "POST", "/registrations", d.registration(id))
			if !strings.Contains(e.Details[0].Message, "c.2") || !strings.Contains(e.Details[0].Message, "IP5 office "+code) {
				t.Errorf("-21 message should point to c.2/c.3: %q", e.Details[0].Message)
			}
			o.expect(t, 201, "POST", "/registrations", d.registration(""), nil)
			// PCT applications filed with an IP5 receiving office follow the same rule.
			pct := doc{"patent", "PCT/" + code + "2023/000001", "2023-04-02", "1234"}
			o.expectError(t, 403, "FORBIDDEN", []int{-21}, "POST", "/registrations", pct.registration(id))
		})
	}
	assertLibraryEmpty(t, w)
}

// PCT applications filed with a non-IP5 RO (RO/FI) may be stored in the library.
func TestStorageRuleOtherPCTInLibrary(t *testing.T) {
	w := newWorld(t, worldOptions{})
	fi := w.office("FI")
	fi.deposit(t, doc{"patent", "PCT/FI2022/050001", "2022-01-10", "C0DE"}, pdf("pct fi"))
	lib, err := w.storage.List(t.Context(), w.storage.Library(), "")
	must(t, err)
	if len(lib) != 1 {
		t.Fatalf("library: %v", lib)
	}
}

func assertLibraryEmpty(t *testing.T, w *world) {
	t.Helper()
	lib, err := w.storage.List(t.Context(), w.storage.Library(), "")
	must(t, err)
	if len(lib) != 0 {
		t.Fatalf("library bucket holds %d objects, want none: %+v", len(lib), lib)
	}
}

// WIPO's retrieval errors, answered at once with 400 INVALID_INPUT_DATA.
func TestRetrievalLookupErrors(t *testing.T) {
	w := newWorld(t, worldOptions{})
	ee, fi := w.office("EE"), w.office("FI")
	reg := doc{"patent", "EE P202300012", "2023-03-14", "AB21"}
	ee.deposit(t, reg, pdf("x"))
	cases := []struct {
		name    string
		ask     doc
		details []int
		mustSay []string
	}{
		{"wrong number", doc{"patent", "EE P202399999", "2023-03-14", "AB21"}, []int{-7},
			[]string{"The requested document is not registered in the system: documentNumber=EE P202399999, documentKindCategory=patent"}},
		{"wrong kind", doc{"design", "EE P202300012", "2023-03-14", "AB21"}, []int{-7},
			[]string{"documentKindCategory=design"}},
		{"filing date", doc{"patent", "EE P202300012", "2023-03-15", "AB21"}, []int{-12},
			[]string{"Mismatched priority filing date: documentDate: expected documentDate=2023-03-15"}},
		{"access code", doc{"patent", "EE P202300012", "2023-03-14", "AB22"}, []int{-14},
			[]string{"Mismatched access code: dasAccessCode: expected dasAccessCode=AB22"}},
		{"date and code", doc{"patent", "EE P202300012", "2023-03-15", "0000"}, []int{-12, -14},
			[]string{"documentDate=2023-03-15", "dasAccessCode=0000"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := fi.call("POST", "/retrievals", c.ask.retrieval())
			if status != 400 {
				t.Fatalf("status %d %s", status, body)
			}
			fi.expectError(t, 400, "INVALID_INPUT_DATA", c.details, "POST", "/retrievals", c.ask.retrieval())
			for _, s := range c.mustSay {
				if !bytes.Contains(body, []byte(s)) {
					t.Errorf("body %s does not say %q", body, s)
				}
			}
			// The registered secrets never appear in a refusal.
			for _, secret := range []string{"AB21", "2023-03-14"} {
				if bytes.Contains(body, []byte(secret)) {
					t.Errorf("refusal leaks the registered key %s: %s", secret, body)
				}
			}
		})
	}
	// Lower case access codes match (das.yaml: compared case-insensitively).
	fi.expect(t, 201, "POST", "/retrievals", doc{"patent", "EE P202300012", "2023-03-14", "ab21"}.retrieval(), nil)
	// "utilityModel" is the same kind as "utility model".
	um := doc{"utility model", "EE U1", "2023-01-01", "1111"}
	ee.deposit(t, um, pdf("um"))
	fi.expect(t, 201, "POST", "/retrievals", doc{"utilityModel", "EE U1", "2023-01-01", "1111"}.retrieval(), nil)
	w.das.WaitIdle()
}

// Uploads are ACCEPTED only with the declared sha256, size > 0 and the
// format's magic; a registration with another file is 409 -31 naming why.
func TestUploadChecks(t *testing.T) {
	for _, eager := range []bool{false, true} {
		name := map[bool]string{false: "lazy", true: "eager hook"}[eager]
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, worldOptions{eager: eager})
			ee := w.office("EE")
			good := pdf("good")
			cases := []struct {
				name, format, checksum string
				content                []byte
				why                    string
			}{
				{"checksum", "pdf", sha([]byte("other")), good, "fileChecksum mismatch"},
				{"format", "zip", sha(good), good, `expected the file to start with "PK\x03\x04"`},
				{"empty", "pdf", sha(nil), nil, "file is empty"},
			}
			for i, c := range cases {
				id := ee.upload(t, c.format, c.content, c.checksum)
				w.das.WaitIdle()
				var fs protocol.FileStatus
				ee.expect(t, 200, "GET", "/files?fileId="+id, nil, &fs)
				if fs.FileStatusCategory != fileRejected || fs.StatusMessage == nil || !strings.Contains(*fs.StatusMessage, c.why) {
					t.Fatalf("%s: status %s %v, want REJECTED saying %q", c.name, fs.FileStatusCategory, deref(fs.StatusMessage), c.why)
				}
				d := doc{"patent", "EE 77" + string(rune('0'+i)), "2023-01-01", "1234"}
				e := ee.expectError(t, 409, "CONFLICT", []int{-31}, "POST", "/registrations", d.registration(id))
				if !strings.Contains(e.Details[0].Message, c.why) {
					t.Errorf("409 does not name the reason %q: %s", c.why, e.Details[0].Message)
				}
			}
			zip := append([]byte("PK\x03\x04"), bytes.Repeat([]byte{1}, 64)...)
			id := ee.upload(t, "zip", zip, sha(zip))
			ee.expect(t, 201, "POST", "/registrations", doc{"patent", "EE 7799", "2023-01-01", "1234"}.registration(id), nil)
			// A file is used once.
			e := ee.expectError(t, 409, "CONFLICT", []int{-31}, "POST", "/registrations", doc{"patent", "EE 7798", "2023-01-01", "1234"}.registration(id))
			if !strings.Contains(e.Details[0].Message, "already used") {
				t.Errorf("reuse message: %s", e.Details[0].Message)
			}
		})
	}
}

// An upload URL not used yet leaves the file processing; PUT url-uploads
// gives a fresh URL for the same id.
func TestUploadProcessingAndRefresh(t *testing.T) {
	w := newWorld(t, worldOptions{})
	ee := w.office("EE")
	content := pdf("late")
	var up protocol.URLUploadResponse
	ee.expect(t, 201, "POST", "/files/url-uploads", map[string]any{"fileFormatCategory": "pdf", "fileChecksum": sha(content)}, &up)
	e := ee.expectError(t, 409, "CONFLICT", []int{-31}, "POST", "/registrations", doc{"patent", "EE 5", "2023-01-01", "1234"}.registration(up.FileID))
	if !strings.Contains(e.Details[0].Message, "processing") {
		t.Errorf("message %q", e.Details[0].Message)
	}
	w.clock.Advance(DefaultUploadURLTTL + time.Second)
	var fs protocol.FileStatus
	ee.expect(t, 200, "GET", "/files?fileId="+up.FileID, nil, &fs)
	if !strings.Contains(deref(fs.StatusMessage), "expired") {
		t.Errorf("status message should say the URL expired: %q", deref(fs.StatusMessage))
	}
	var again protocol.URLUploadResponse
	ee.expect(t, 200, "PUT", "/files/url-uploads", map[string]any{"fileId": up.FileID}, &again)
	if again.FileID != up.FileID || again.FileUploadURL == up.FileUploadURL {
		t.Fatalf("refresh: %+v", again)
	}
	putBytes(t, again.FileUploadURL, content)
	ee.expect(t, 201, "POST", "/registrations", doc{"patent", "EE 5", "2023-01-01", "1234"}.registration(up.FileID), nil)
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}
