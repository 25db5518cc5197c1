package harness

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/wipo-das/dasim/simulators/office"
)

// DAS's calls carry the flow of the retrieval they serve and their step in
// it: the forward to the OFF (c.2 — whether it becomes c.3 is the OFF's
// choice, made later), the fetch of a c.2 document, PCT DAS's forward and
// fetch, and the notification of the OSF under the flow the retrieval took.
func TestDASCallsAreLabelledWithTheirFlowAndStep(t *testing.T) {
	ctx := t.Context()
	w := startTestWorld(t, Config{})
	home := office.Document{Number: "EE P202300013", FilingDate: "2023-04-02", AccessCode: "3F9A", Content: PDF("home", 2048), Hosting: office.Home}
	transit := office.Document{Number: "EE P202300014", FilingDate: "2023-06-20", AccessCode: "D00D", Content: PDF("transit", 2048), Hosting: office.Transit}
	off, err := w.AddOffice(ctx, office.Config{Code: "EE", Documents: []office.Document{home, transit}})
	if err != nil {
		t.Fatal(err)
	}
	osf, err := w.AddOffice(ctx, office.Config{Code: "FI"})
	if err != nil {
		t.Fatal(err)
	}
	if err := off.RegisterAll(ctx); err != nil {
		t.Fatal(err)
	}
	for _, d := range []office.Document{home, transit, w.PCT.Documents()[0]} {
		if _, err := osf.RequestRetrieval(ctx, d.Key()); err != nil {
			t.Fatal(err)
		}
	}
	w.Settle()
	if err := w.Advance(office.DefaultPrepareDelay); err != nil {
		t.Fatal(err)
	}
	w.Settle()
	seen := map[string]bool{}
	for _, e := range w.Log.Exchanges() {
		if e.Labels.Party == "das" && e.Recorder == "client" {
			seen[fmt.Sprintf("%s %s %s", e.Labels.Flow, e.Labels.Step, e.Operation)] = true
		}
	}
	var got []string
	for k := range seen {
		got = append(got, k)
	}
	sort.Strings(got)
	want := []string{"c.2 fetch getFileDownloadUrl", "c.2 forward requestRetrieval", "c.2 notify notify", "c.3 notify notify",
		"pct fetch getFileDownloadUrl", "pct forward requestRetrieval", "pct notify notify"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("DAS's calls labelled\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
