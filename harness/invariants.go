package harness

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/wipo-das/dasim/simulators/office"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// CheckInvariants states what must hold in every world after any scenario
// (dasim issue 6): no PCT RO/IB document in the library bucket (the seeds'
// storage table: FORBIDDEN) and no retrieval pending without a reason. It
// returns one line per breach. That every downloaded byte equals what its
// OFF holds is checked where bytes are downloaded: the simulated OSF
// compares each download's sha256 with the OFF's document.
func (w *World) CheckInvariants(ctx context.Context) []string {
	var out []string
	roIB := map[string]string{} // sha256 → number, of PCT DAS's documents
	for _, d := range w.PCTDocuments() {
		roIB[SHA256(d.Content)] = d.Number
	}
	lib, err := w.Storage.List(ctx, w.Storage.Library(), "")
	if err != nil {
		return []string{"listing the library bucket: " + err.Error()}
	}
	for _, obj := range lib {
		sum, err := w.objectSHA256(ctx, w.Storage.Library(), obj.Key)
		switch {
		case err != nil:
			out = append(out, fmt.Sprintf("library object %s unreadable: %v", obj.Key, err))
		case roIB[sum] != "":
			out = append(out, fmt.Sprintf("library object %s is the PCT RO/IB document %s: RO/IB documents are never stored in the library", obj.Key, roIB[sum]))
		}
	}
	out = append(out, w.pendingWithoutReason(ctx)...)
	sort.Strings(out)
	return out
}

func (w *World) objectSHA256(ctx context.Context, bucket, key string) (string, error) {
	body, _, err := w.Storage.Get(ctx, bucket, key)
	if err != nil {
		return "", err
	}
	defer body.Close()
	h := sha256.New()
	if _, err := io.Copy(h, body); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// pendingWithoutReason lists, as each simulated office, the retrievals DAS
// reports pending with no statusMessage saying what it waits for.
func (w *World) pendingWithoutReason(ctx context.Context) []string {
	var out []string
	for code := range w.Offices {
		id, err := w.EnrollOffice(code, strings.ToLower(code)+"-invariants")
		if err != nil {
			return append(out, "enrolling an inspector for "+code+": "+err.Error())
		}
		r, err := w.Client(id).Call(ctx, http.MethodGet, "/retrievals/statuses", nil, nil)
		if err != nil || r.Status != http.StatusOK {
			out = append(out, fmt.Sprintf("listing the retrievals of %s: %v %v", code, err, r))
			continue
		}
		var bag protocol.StatusBag
		if err := r.Decode(&bag); err != nil {
			out = append(out, err.Error())
			continue
		}
		for _, st := range bag.Bag {
			if st.RequestStatusCategory == "pending" && (st.StatusMessage == nil || *st.StatusMessage == "") {
				out = append(out, fmt.Sprintf("retrieval %s of office %s is pending without a statusMessage", st.RequestAckID, code))
			}
		}
	}
	return out
}

// PCTDocuments are the RO/IB documents of the world's PCT DAS; none when
// the world's DAS fetches them from a PCT DAS outside the world.
func (w *World) PCTDocuments() []office.Document {
	if w.PCT == nil {
		return nil
	}
	return w.PCT.Documents()
}
