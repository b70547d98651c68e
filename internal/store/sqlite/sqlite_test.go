package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store"
	"github.com/consentry/consentry/internal/store/sqlite"
	"github.com/consentry/consentry/internal/store/storetest"
)

func open(t *testing.T) store.Store {
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "consentry.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) { storetest.Run(t, open) }

func TestReopenKeepsLedger(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AppendBatch(ctx, []*consent.Event{storetest.Event("shop", 1)}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = sqlite.Open(ctx, path) // migrations run again: a no-op
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.AppendBatch(ctx, []*consent.Event{storetest.Event("shop", 2)}); err != nil {
		t.Fatal(err)
	}
	seq, _, err := s.Head(ctx)
	if err != nil || seq != 2 {
		t.Fatalf("head %d, err %v", seq, err)
	}
}

// User agents repeat across events; each is stored once. (Texts are stored
// once by construction: at publish, per revision and language.)
func TestRepeatsStoredOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 30 {
		if err := s.AppendBatch(ctx, []*consent.Event{storetest.Event("shop", i), storetest.Event("blog", i)}); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for table, want := range map[string]int{"agents": 3, "events": 60} {
		var n int
		if err := db.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil || n != want {
			t.Errorf("%s: %d rows, err %v; want %d", table, n, err, want)
		}
	}
}

// A consent ID's events, its newest and their erasure are index probes,
// never a scan: verify asks for the newest for every token. The event whose
// ID is the consent ID comes from events_id, the others from the partial
// events_consent (migration 00012).
func TestConsentLookupsAreProbes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for name, q := range map[string]string{
		"events":  sqlite.ByConsent + " ORDER BY 1",
		"newest":  sqlite.ByConsent + " ORDER BY 1 DESC LIMIT 1",
		"erasure": sqlite.EraseConsent,
	} {
		rows, err := db.Query("EXPLAIN QUERY PLAN "+q, 1, 2, []byte("0123456789abcdef"))
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		all := strings.Join(plan, "; ")
		if !strings.Contains(all, "INDEX events_id (id=?)") || !strings.Contains(all, "INDEX events_consent (consent_id=?)") ||
			strings.Contains(all, "SCAN e ") || strings.HasSuffix(all, "SCAN e") || strings.Contains(all, "SCAN events") {
			t.Errorf("%s: plan %q, want a probe of events_id and one of events_consent, no scan", name, plan)
		}
	}
}

// Two stores on one file are two processes on one SQLite database: the write
// lock that BEGIN IMMEDIATE takes keeps them in one chain.
func TestShared(t *testing.T) {
	storetest.RunShared(t, func(t *testing.T) (store.Store, store.Store) {
		a, b, _ := openTwo(t)
		return a, b
	})
}

// openTwo opens two stores on one new file, and returns its path.
func openTwo(t *testing.T) (a, b store.Store, path string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "consentry.db")
	var out [2]store.Store
	for i := range out {
		s, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		out[i] = s
	}
	return out[0], out[1], path
}

// Two stores on one file are a server and a `consentry purge` beside it,
// or two processes: what one erases or purges, the other must not name.
func TestNames(t *testing.T) {
	storetest.RunNames(t, func(t *testing.T) (store.Store, store.Store, storetest.Raw) {
		a, b, path := openTwo(t)
		return a, b, func(query string) ([]string, error) {
			db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
			if err != nil {
				return nil, err
			}
			defer db.Close()
			return readColumn(db, query)
		}
	})
}

// readColumn reads the one column of query's rows.
func readColumn(db *sql.DB, query string) ([]string, error) {
	rows, err := db.Query(query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// eraseAmong appends n events and then a visitor whose address, user agent
// and page are their own (tag in each), checkpoints them into the file,
// erases the visitor and sweeps, as the store's own sweep would in the
// background; it returns the visitor's three strings.
func eraseAmong(t *testing.T, s *sqlite.Store, n int, tag string) []string {
	t.Helper()
	ctx := context.Background()
	var batch []*consent.Event
	for i := range n {
		batch = append(batch, storetest.Event("shop", i))
	}
	visitor := storetest.Event("shop", n)
	visitor.Personal = consent.Personal{IP: "198.51." + tag + ".0", UserAgent: "Mozilla/5.0 (erase-me) Gecko/" + tag, Page: "https://shop.example/erase-me/" + tag}
	if err := s.AppendBatch(ctx, append(batch, visitor)); err != nil {
		t.Fatal(err)
	}
	if err := s.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Erase(ctx, visitor.ConsentID, "Art. 17", time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SweepNames(ctx); err != nil {
		t.Fatal(err)
	}
	return []string{visitor.Personal.IP, visitor.Personal.UserAgent, visitor.Personal.Page}
}

// What an erasure removes is gone from the file itself, not only from the
// tables: SQLite leaves a deleted row's bytes in its page unless told to
// overwrite them (secure_delete).
func TestErasedBytesLeaveTheFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	erased := eraseAmong(t, s, 50, "77")
	s.Close() // the last connection checkpoints the log into the file and removes it
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range erased {
		if bytes.Contains(b, []byte(v)) {
			t.Errorf("%q is still in the database file after its erasure", v)
		}
	}
}

// What an erasure left unswept when its process ended (closed before the
// background sweep, or killed) is swept by the next process to open the
// file, by itself.
func TestLeftoverNamesSweptAtStart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	visitor := storetest.Event("shop", 1)
	visitor.Personal.UserAgent = "Mozilla/5.0 (erase-me, left over)"
	if err := s.AppendBatch(ctx, []*consent.Event{visitor}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Erase(ctx, visitor.ConsentID, "Art. 17", time.Now()); err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got, err := readColumn(db, "SELECT ua FROM agents"); err != nil || len(got) != 1 {
		t.Fatalf("closed before its sweep, the file holds agents %q (err %v), want the erased one still", got, err)
	}
	s, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for deadline := time.Now().Add(store.SweepDelay + 5*time.Second); ; time.Sleep(20 * time.Millisecond) {
		got, err := readColumn(db, "SELECT ua FROM agents")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("reopened, the file still holds agents %q", got)
		}
	}
}

// After an erasure's sweep an erased visitor's address, user agent and
// page are in neither the database file nor its write-ahead log, with the
// server still running: the sweep empties the log, where older copies of
// the pages holding them stayed.
func TestErasedBytesLeaveTheLog(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	erased := eraseAmong(t, s, 500, "78")
	for _, f := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		for _, v := range erased {
			if bytes.Contains(b, []byte(v)) {
				t.Errorf("%q is still in %s after its erasure and the sweep", v, filepath.Base(f))
			}
		}
	}
	// The store goes on writing.
	if err := s.AppendBatch(ctx, []*consent.Event{storetest.Event("shop", 501)}); err != nil {
		t.Fatal(err)
	}
}

func TestTamperAfterPurge(t *testing.T) {
	storetest.RunTamper(t, func(t *testing.T) (store.Store, func(string) error) {
		path := filepath.Join(t.TempDir(), "consentry.db")
		s, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s, func(query string) error {
			db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
			if err != nil {
				return err
			}
			defer db.Close()
			_, err = db.Exec(query)
			return err
		}
	})
}

// A new file is in incremental auto-vacuum mode, so the space a purge frees
// goes back to the file system in small steps, each a short write.
func TestPurgeGivesSpaceBack(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if mode, err := s.AutoVacuum(ctx); err != nil || mode != "incremental" {
		t.Fatalf("auto_vacuum %q, err %v", mode, err)
	}
	old := time.Now().UTC().AddDate(-2, 0, 0)
	for b := range 40 {
		var batch []*consent.Event
		for i := range 500 {
			e := storetest.Event("shop", b*500+i)
			e.Time = old.Add(time.Duration(b*500+i) * time.Millisecond)
			batch = append(batch, e)
		}
		if err := s.AppendBatch(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AppendBatch(ctx, []*consent.Event{storetest.Event("shop", 0)}); err != nil {
		t.Fatal(err)
	}
	if err := s.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	before := fileSize(t, path)
	p := store.Purge{Actor: "cli", Cutoff: time.Now().AddDate(0, 0, -1)}
	if err := s.BeginPurge(ctx, &p); err != nil {
		t.Fatal(err)
	}
	for {
		n, err := s.PurgeBatch(ctx, &p, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	if p.Count != 20000 {
		t.Fatalf("purged %d", p.Count)
	}
	for {
		left, err := s.Reclaim(ctx, 256)
		if err != nil {
			t.Fatal(err)
		}
		if left == 0 {
			break
		}
	}
	if err := s.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	after := fileSize(t, path)
	t.Logf("20,000 events purged: file %d → %d bytes", before, after)
	if after > before/4 {
		t.Errorf("file %d bytes after the purge, %d before: space not given back", after, before)
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
