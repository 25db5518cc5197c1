package main

import (
	"bytes"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// sharedStore is the PostgreSQL database and S3 store the replica test
// runs against: DASIM_TEST_POSTGRES, and DASIM_TEST_S3 with
// DASIM_TEST_S3_ACCESS_KEY and DASIM_TEST_S3_SECRET_KEY (.ci/run starts
// PostgreSQL and the Versity S3 Gateway and sets them).
type sharedStore struct{ pg, s3, access, secret string }

func sharedStoreOrSkip(t *testing.T) sharedStore {
	s := sharedStore{os.Getenv("DASIM_TEST_POSTGRES"), os.Getenv("DASIM_TEST_S3"), os.Getenv("DASIM_TEST_S3_ACCESS_KEY"),
		os.Getenv("DASIM_TEST_S3_SECRET_KEY")}
	if s.pg == "" || s.s3 == "" || s.access == "" || s.secret == "" {
		t.Skip("needs DASIM_TEST_POSTGRES and DASIM_TEST_S3{,_ACCESS_KEY,_SECRET_KEY}: a PostgreSQL and an S3 store (.ci/run starts both)")
	}
	return s
}

// freshSchema makes a schema of its own for the test and returns the
// database URL that uses it, and a connection for the test's own queries.
func freshSchema(t *testing.T, base string) (string, *sql.DB) {
	t.Helper()
	schema := fmt.Sprintf("dasim_replicas_%d_%d", os.Getpid(), time.Now().UnixNano())
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		db.Close()
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	u := base + sep + "search_path=" + schema
	scoped, err := sql.Open("pgx", u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { scoped.Close() })
	return u, scoped
}

// TestTwoReplicasShareOneWorld (issue 14): two `dasim serve` processes on
// one PostgreSQL and one S3 store (the Versity S3 Gateway in CI) are one
// DAS: a document registered through replica A is retrieved through B;
// retrievals made through A and then
// left by A (killed with SIGKILL) are completed by B; and each retrieval's
// notification timer fires once across both.
func TestTwoReplicasShareOneWorld(t *testing.T) {
	shared := sharedStoreOrSkip(t)
	bin := dasimBinary(t)
	ctx := t.Context()
	pgURL, db := freshSchema(t, shared.pg)
	suffix := fmt.Sprintf("%d", time.Now().UnixNano()%1_000_000_000)
	t.Setenv("DASIM_S3_SECRET_KEY", shared.secret)
	args := []string{"--store", pgURL, "--s3-endpoint", shared.s3, "--s3-access-key", shared.access,
		"--s3-library-bucket", "lib-" + suffix, "--s3-transit-bucket", "transit-" + suffix, "--timer-lease", "2s"}
	dirA, dirB := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	for _, d := range []string{dirA, dirB} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	a := startKillable(ctx, t, bin, dirA, args...)
	b := startKillable(ctx, t, bin, dirB, args...)
	defer b.kill9()
	if a.ep.DASAPI == b.ep.DASAPI {
		t.Fatalf("both replicas serve at %s", a.ep.DASAPI)
	}
	// The same identities (kept in the shared store) at each replica; each
	// replica's authorization server has its own issuer URL here, on one
	// machine, so each client takes its tokens where it calls.
	offA, osfA := newCrashClient(ctx, t, a.ep, "EE"), newCrashClient(ctx, t, a.ep, "JP")
	osfB := newCrashClient(ctx, t, b.ep, "JP")

	content := append([]byte("%PDF-1.7 registered through A\n"), bytes.Repeat([]byte{0xA5}, 1<<20)...)
	if _, acked, err := offA.deposit(ctx, "EE P8000000001", content); err != nil || !acked {
		t.Fatalf("registering through A: acked %v, %v", acked, err)
	}
	got, err := osfB.retrieve(ctx, "EE P8000000001")
	if err != nil || !bytes.Equal(got, content) {
		t.Fatalf("retrieving through B what A registered: %d bytes, %v", len(got), err)
	}

	// Each timer fires once across the replicas: twenty retrievals, half
	// through each, are each notified to JP once.
	for i := range 20 {
		via := osfA
		if i%2 == 1 {
			via = osfB
		}
		if _, err := via.retrieve(ctx, "EE P8000000001"); err != nil {
			t.Fatal(err)
		}
	}
	assertNotifiedOnce(t, db, 21)

	// Kill A while its retrievals are being prepared: B completes them.
	big := append([]byte("%PDF-1.7 left by A\n"), bytes.Repeat([]byte{0x5A}, 8<<20)...)
	if _, acked, err := offA.deposit(ctx, "EE P8000000002", big); err != nil || !acked {
		t.Fatalf("registering the second document: %v", err)
	}
	var acks []string
	for range 6 {
		ack, _, err := osfA.api.RequestRetrieval(ctx, retrievalOf("EE P8000000002"))
		if err != nil {
			t.Fatal(err)
		}
		acks = append(acks, ack.RequestAckID)
	}
	a.kill9()
	pendingAtKill := 0
	for _, ack := range acks {
		if bag, _, err := osfB.api.RetrievalStatuses(ctx, ack); err == nil && bag.Bag[0].RequestStatusCategory == "pending" {
			pendingAtKill++
		}
	}
	for _, ack := range acks {
		got, err := osfB.awaitDownload(ctx, ack)
		if err != nil || !bytes.Equal(got, big) {
			t.Fatalf("retrieval %s left by A: %d bytes through B, %v", ack, len(got), err)
		}
	}
	t.Logf("two replicas: 1 document registered through A retrieved through B; 20 retrievals over both notified once each; "+
		"A killed with %d of %d retrievals still pending, all %d completed through B", pendingAtKill, len(acks), len(acks))
	if pendingAtKill == 0 {
		t.Log("A had prepared every document before it was killed: the takeover was not exercised this run")
	}
}

func retrievalOf(number string) protocol.RetrievalRequest {
	cat := "priority document"
	return protocol.RetrievalRequest{OperationCategory: "retrieval", DocumentKindCategory: "patent", DocumentNumber: number,
		DocumentDate: "2023-03-14", DasAccessCode: "AB21", ApplicationCategory: &cat}
}

// assertNotifiedOnce checks in the shared database that every retrieval
// was notified to its OSF by exactly one successful attempt.
func assertNotifiedOnce(t *testing.T, db *sql.DB, want int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		rows, err := db.Query(`SELECT ack, COUNT(*) FROM das_attempts WHERE doc LIKE '%"Call":"notify"%' GROUP BY ack`)
		if err != nil {
			t.Fatal(err)
		}
		counts := map[string]int{}
		for rows.Next() {
			var ack string
			var n int
			if err := rows.Scan(&ack, &n); err != nil {
				t.Fatal(err)
			}
			counts[ack] = n
		}
		rows.Close()
		twice := 0
		for _, n := range counts {
			if n > 1 {
				twice++
			}
		}
		if twice > 0 {
			t.Fatalf("%d retrievals were notified more than once across the replicas: %v", twice, counts)
		}
		if len(counts) >= want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d retrievals notified", len(counts), want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
