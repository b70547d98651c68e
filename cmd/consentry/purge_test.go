package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/store"
	"github.com/consentry/consentry/internal/store/sqlite"
	"github.com/consentry/consentry/internal/store/storetest"
	"github.com/consentry/consentry/templates"
)

// agedLedger writes, into a fresh SQLite file, nOld events two years old,
// of blog and shop in turn (blog at seq 1, 3, 5, …), then nNew of shop
// from a minute ago, and returns its path and the events in ledger order.
func agedLedger(t *testing.T, nOld, nNew int) (string, []*consent.Event) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.db")
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	t.Cleanup(func() { findingsSayTheirError(t, path) })
	return path, agedFill(t, st, nOld, nNew)
}

// agedFill writes agedLedger's events into st.
func agedFill(t *testing.T, st store.Store, nOld, nNew int) []*consent.Event {
	t.Helper()
	for _, site := range []string{"shop", "blog"} {
		if _, err := st.Publish(context.Background(), storetest.Site(site), nil); err != nil {
			t.Fatal(err)
		}
		if _, err := st.AddSnapshot(context.Background(), storetest.Snapshot(site)); err != nil {
			t.Fatal(err)
		}
	}
	old, recent := time.Now().UTC().AddDate(-2, 0, 0), time.Now().UTC().Add(-time.Minute)
	var all []*consent.Event
	for i := range nOld + nNew {
		site, at := []string{"blog", "shop"}[i%2], old.Add(time.Duration(i)*time.Second)
		if i >= nOld {
			site, at = "shop", recent
		}
		e := storetest.Event(site, i)
		e.Time, e.Expires = at, at.Add(consent.DefaultLifetime)
		all = append(all, e)
	}
	for i := 0; i < len(all); i += 50 {
		if err := st.AppendBatch(context.Background(), all[i:min(i+50, len(all))]); err != nil {
			t.Fatal(err)
		}
	}
	return all
}

// A purge beside a running server, whose events are still in the
// write-ahead log, reports the file's size before as the data's: the file
// never seems to grow by a purge that removed events.
func TestPurgeSizeBesideServer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close() // open throughout, as a server's: its log is not merged at exit
	agedFill(t, st, 300, 20)
	out, err := runCmd(t, "purge", "--db", "sqlite:"+path, "--older-than", "400d", "--vacuum")
	m := regexp.MustCompile(`database file ([\d.]+) MB → ([\d.]+) MB`).FindStringSubmatch(out)
	if err != nil || m == nil || !strings.Contains(out, "purged 300 events") {
		t.Fatalf("purge: %v %q", err, out)
	}
	before, _ := strconv.ParseFloat(m[1], 64)
	after, _ := strconv.ParseFloat(m[2], 64)
	if before == 0 || after > before {
		t.Errorf("database file %s MB → %s MB: a purge that removed events cannot grow it", m[1], m[2])
	}
}

// verify piped into a reader that stops at its first line still records
// the verification (the integrity page's checkpoint): SIGPIPE once ended it
// before it did, silently.
func TestVerifyRecordsWhenOutputCut(t *testing.T) {
	path, _ := agedLedger(t, 30, 5)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close() // a reader gone before the first line: every write breaks the pipe
	cmd := exec.Command(os.Args[0], "verify", "--db", "sqlite:"+path)
	cmd.Env = append(os.Environ(), "CONSENTRY_TEST_MAIN=1")
	cmd.Stdout = w
	err = cmd.Run()
	w.Close()
	if err != nil {
		t.Fatalf("verify with its output cut: %v", err)
	}
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if seq, _, _, err := st.Verified(context.Background()); err != nil || seq != 35 {
		t.Errorf("verified checkpoint at #%d (%v), want #35", seq, err)
	}
}

func runCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, nil, &out, &out)
	return out.String(), err
}

func TestPurgeThenVerify(t *testing.T) {
	path, events := agedLedger(t, 300, 20)
	db := "sqlite:" + path
	out, err := runCmd(t, "purge", "--db", db, "--older-than", "200d", "--site", "shop", "--dry-run")
	if err != nil || !strings.Contains(out, "150 events of shop") {
		t.Fatalf("dry run: %v %q", err, out)
	}
	if out, err := runVerify(t, path); err != nil || !strings.Contains(out, "320 events verified") {
		t.Fatalf("a dry run changed the ledger: %v %q", err, out)
	}
	// One site's old events: a run for each between the other site's.
	out, err = runCmd(t, "purge", "--db", db, "--older-than", "200d", "--site", "shop", "--batch", "7")
	if err != nil || !strings.Contains(out, "purged 150 events of shop") || !strings.Contains(out, "150 of 150 events removed") {
		t.Fatalf("purge: %v %q", err, out)
	}
	out, err = runVerify(t, path)
	if err != nil || !strings.Contains(out, "170 events verified") || !strings.Contains(out, "150 purged events crossed") {
		t.Fatalf("after the purge: %v %q", err, out)
	}
	// Then every site's: the whole prefix becomes one run.
	out, err = runCmd(t, "purge", "--db", db, "--older-than", "400d")
	if err != nil || !strings.Contains(out, "purged 150 events of all sites") || !regexp.MustCompile(`database file [\d.]+ MB → [\d.]+ MB`).MatchString(out) {
		t.Fatalf("purge: %v %q", err, out)
	}
	if out, err = runVerify(t, path); err != nil || !strings.Contains(out, "20 events verified") || !strings.Contains(out, "300 purged events crossed") {
		t.Fatalf("after the second purge: %v %q", err, out)
	}
	if out, _ := runCmd(t, "purge", "--db", db, "--older-than", "200d"); !strings.Contains(out, "nothing to purge") {
		t.Errorf("a purge with nothing to do: %q", out)
	}
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	recs, err := st.Purges(context.Background(), 10)
	if err != nil || len(recs) != 2 || recs[1].Site != "shop" || recs[1].Count != 150 || recs[0].Site != "" || recs[0].Last != 299 || recs[0].LastHash != events[298].Hash {
		t.Fatalf("records %+v, err %v", recs, err)
	}
	trail, err := st.AuditLog(context.Background(), 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var audited []string
	for _, a := range trail {
		if a.Action == "purge" && a.Actor == "cli" {
			audited = append(audited, a.Target)
		}
	}
	if strings.Join(audited, ",") != "all sites,shop" {
		t.Errorf("audited purges of %q, want all sites then shop", audited)
	}
	if gaps, _ := st.Gaps(context.Background(), 0, 10); len(gaps) != 1 || gaps[0].First != 1 || gaps[0].Last != 300 {
		t.Errorf("runs %+v", gaps)
	}
}

// After a purge, changing or removing an event that remains is caught and
// named, as before.
func TestPurgeThenTamper(t *testing.T) {
	for _, tc := range []struct {
		name, query string
		seq         int64
	}{
		{"remaining event changed", rechoose(5, "granted", "'analytics,marketing,necessary'"), 5},
		{"remaining event between runs deleted", "DELETE FROM events WHERE seq = 7", 7},
		{"first event after the purged runs deleted", "DELETE FROM events WHERE seq = 41", 42},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, events := agedLedger(t, 40, 5)
			if out, err := runCmd(t, "purge", "--db", "sqlite:"+path, "--older-than", "200d", "--site", "shop"); err != nil {
				t.Fatalf("%v %q", err, out)
			}
			tamper(t, path, tc.query)
			out, err := runVerify(t, path)
			var b *ledger.Break
			if !errors.As(err, &b) || exitCode(err) != 1 || !strings.Contains(out, "TAMPERED") {
				t.Fatalf("err %v, output %q", err, out)
			}
			if b.Seq != tc.seq || (tc.seq != 7 && !strings.Contains(out, events[tc.seq-1].ID.String())) {
				t.Errorf("named #%d, want #%d: %q", b.Seq, tc.seq, out)
			}
		})
	}
}

// A head recorded before a purge: at the end of a purged run it is still
// checked (the run records that event's hash); inside one it can no longer
// be, and verify says so.
func TestPurgeAndRecordedHead(t *testing.T) {
	path, events := agedLedger(t, 40, 5)
	db := "sqlite:" + path
	if out, err := runCmd(t, "purge", "--db", db, "--older-than", "200d"); err != nil {
		t.Fatalf("%v %q", err, out)
	}
	head := func(e *consent.Event) string { return fmt.Sprintf("%d:%x", e.Seq, e.Hash) }
	if out, err := runCmd(t, "verify", "--db", db, "--head", head(events[39])); err != nil {
		t.Errorf("head at the run's end: %v %q", err, out)
	}
	if out, err := runCmd(t, "verify", "--db", db, "--head", head(events[20])); err != nil || !strings.Contains(out, "removed by retention purge #1") {
		t.Errorf("head inside the run: %v %q", err, out)
	}
	// The audit trail does not record as unchanged a head it could not check.
	st, err := app.OpenStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := st.AuditLog(context.Background(), 0, 1)
	st.Close()
	if want := "recorded head " + head(events[20]) + " unchanged but for its event #21, purged and no longer checkable"; err != nil || len(entries) != 1 || !strings.HasSuffix(entries[0].Detail, want) {
		t.Errorf("audit of the head inside the run: %+v %v, want it to end %q", entries, err, want)
	} else if b, err := i18n.Load(); err != nil {
		t.Fatal(err)
	} else if want := "; aufgezeichneter Kopf " + head(events[20]) + " unverändert bis auf sein Ereignis #21, das bereinigt wurde und nicht mehr prüfbar ist"; !strings.HasSuffix(templates.AuditDetailWords(b.For("de"), entries[0]), want) {
		t.Errorf("the trail in German says %q, want it to end %q", templates.AuditDetailWords(b.For("de"), entries[0]), want)
	}
	forged := events[39]
	forged.Hash[0] ^= 1
	if _, err := runCmd(t, "verify", "--db", db, "--head", head(forged)); exitCode(err) != 1 {
		t.Errorf("a wrong hash at the run's end: %v", err)
	}
}

// Purging decisions still in force needs --force: a site's consent lifetime
// is how long its records prove what a token says.
func TestPurgeRefusesDecisionsInForce(t *testing.T) {
	path, _ := agedLedger(t, 10, 0)
	db := "sqlite:" + path
	out, err := runCmd(t, "purge", "--db", db, "--older-than", "30d", "--site", "shop")
	if err == nil || !strings.Contains(err.Error(), "consent lifetime (183 days)") {
		t.Fatalf("err %v, output %q", err, out)
	}
	// 213,904 days × 24 h wraps time.Duration around to 393 days, which
	// would remove these two-year-old events.
	if out, err := runCmd(t, "purge", "--db", db, "--older-than", "213904d", "--site", "shop"); exitCode(err) != 2 || strings.Contains(out, "purged") {
		t.Fatalf("a period too long to count: %v, output %q", err, out)
	}
	if out, err := runCmd(t, "purge", "--db", db, "--older-than", "30d", "--site", "shop", "--force"); err != nil || !strings.Contains(out, "purged 5 events") {
		t.Fatalf("forced: %v %q", err, out)
	}
	if _, err := runCmd(t, "purge", "--db", db); exitCode(err) != 2 {
		t.Errorf("no --older-than: %v", err)
	}
	if _, err := runCmd(t, "purge", "--db", db, "--older-than", "soon"); exitCode(err) != 2 {
		t.Errorf("a bad period: %v", err)
	}
}

// TestPurgeNamesOlderThanOnce: a refused --older-than is named once, as
// the flag is typed ("--older-than: …"), not "--older-than: older-than: …"
// nor without its dashes.
func TestPurgeNamesOlderThanOnce(t *testing.T) {
	path, _ := agedLedger(t, 10, 0)
	for _, tc := range []struct{ period, says string }{
		{"soon", `--older-than: "soon" is not a period`},
		{"0d", `--older-than: "0d" is no time at all`},
		{"30d", "--older-than: 30d is shorter than the consent lifetime (183 days)"},
	} {
		_, _, errOut := consentry(t, "purge", "--db", "sqlite:"+path, "--older-than", tc.period)
		if !strings.Contains(errOut, tc.says) || strings.Count(errOut, "older-than:") != 1 {
			t.Errorf("--older-than %s: %q; want it named once, saying %q", tc.period, errOut, tc.says)
		}
	}
}

// A database made before incremental auto-vacuum keeps its size after a
// purge, and says how to change that; --vacuum rewrites it once, smaller,
// in the mode that gives space back from then on.
func TestPurgeVacuumOlderDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("CREATE TABLE made_before (x)"); err != nil { // a table first: auto-vacuum can no longer change
		t.Fatal(err)
	}
	raw.Close()
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddSnapshot(context.Background(), storetest.Snapshot("shop")); err != nil {
		t.Fatal(err)
	}
	old := time.Now().UTC().AddDate(-2, 0, 0)
	for b := range 20 {
		var batch []*consent.Event
		for i := range 500 {
			e := storetest.Event("shop", b*500+i)
			e.Time = old.Add(time.Duration(b*500+i) * time.Millisecond)
			if b >= 10 {
				e.Time = time.Now().UTC().Add(-time.Minute)
			}
			e.Expires = e.Time.Add(consent.DefaultLifetime)
			batch = append(batch, e)
		}
		if err := st.AppendBatch(context.Background(), batch); err != nil {
			t.Fatal(err)
		}
	}
	if mode, err := st.AutoVacuum(context.Background()); err != nil || mode != "none" {
		t.Fatalf("auto_vacuum %q, err %v", mode, err)
	}
	st.Close()
	db := "sqlite:" + path
	out, err := runCmd(t, "purge", "--db", db, "--older-than", "400d", "--batch", "5000")
	if err != nil || !strings.Contains(out, "purged 5000 events") || !strings.Contains(out, "run purge once with --vacuum") {
		t.Fatalf("%v %q", err, out)
	}
	out, err = runCmd(t, "purge", "--db", db, "--older-than", "400d", "--vacuum")
	m := regexp.MustCompile(`database file ([\d.]+) MB → ([\d.]+) MB`).FindStringSubmatch(out)
	if err != nil || m == nil {
		t.Fatalf("--vacuum: %v %q", err, out)
	}
	if before, _ := strconv.ParseFloat(m[1], 64); func() bool { after, _ := strconv.ParseFloat(m[2], 64); return after > before*0.75 }() {
		t.Errorf("the file did not shrink: %s → %s MB", m[1], m[2])
	}
	st, err = sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if mode, err := st.AutoVacuum(context.Background()); err != nil || mode != "incremental" {
		t.Errorf("after --vacuum auto_vacuum is %q (%v)", mode, err)
	}
	if out, err := runVerify(t, path); err != nil || !strings.Contains(out, "5000 events verified") {
		t.Errorf("verify: %v %q", err, out)
	}
}

// The review's forgery: a fresh event deleted, and a run recorded in its
// place under the existing purge, chained to the events around it. The
// runs then account for one event more than the purge records removed.
// (Bumping the record's count too is not caught here; a head recorded
// elsewhere that covers the purge records would be the next defence.)
func TestPurgeForgedRunCaught(t *testing.T) {
	path, events := agedLedger(t, 40, 5)
	if out, err := runCmd(t, "purge", "--db", "sqlite:"+path, "--older-than", "200d", "--site", "shop"); err != nil {
		t.Fatalf("%v %q", err, out)
	}
	if out, err := runVerify(t, path); err != nil {
		t.Fatalf("before the forgery: %v %q", err, out)
	}
	fresh := events[42] // #43, a minute old
	tamper(t, path, "DELETE FROM events WHERE seq = 43")
	tamper(t, path, "INSERT INTO purged (first_seq, last_seq, before_hash, after_hash, purge_id) VALUES (43, 43, ?, ?, 1)",
		events[41].Hash[:], fresh.Hash[:])
	out, err := runVerify(t, path)
	var b *ledger.Break
	if !errors.As(err, &b) || exitCode(err) != 1 || !strings.Contains(out, "a run was forged or a purge record changed") {
		t.Fatalf("err %v, output %q", err, out)
	}
}

// The same forgery backed by a purge record raised to match passes a walk
// of the database alone; a head recorded after the purge names the done
// purges and their digest, so verify --head catches the changed record. A
// purge done after the head is listed, not failed.
func TestPurgeRecordsPinnedByHead(t *testing.T) {
	path, events := agedLedger(t, 40, 5)
	db := "sqlite:" + path
	if out, err := runCmd(t, "purge", "--db", db, "--older-than", "200d", "--site", "shop"); err != nil {
		t.Fatalf("%v %q", err, out)
	}
	out, err := runVerify(t, path)
	m := regexp.MustCompile(`head (\d+:[0-9a-f]{64}:\d+:[0-9a-f]{64}:1:[0-9a-f]{64}) `).FindStringSubmatch(out)
	if err != nil || m == nil {
		t.Fatalf("no head naming one done purge: %v %q", err, out)
	}
	head := m[1]
	if out, err := runCmd(t, "purge", "--db", db, "--older-than", "200d", "--site", "blog"); err != nil {
		t.Fatalf("%v %q", err, out)
	}
	out, err = runCmd(t, "verify", "--db", db, "--head", head)
	if err != nil || !strings.Contains(out, "the 1 purge the recorded head names is as it was; 1 since, not covered by it:") ||
		!strings.Contains(out, "purge #2: 20 events") {
		t.Fatalf("a later purge: %v %q", err, out)
	}
	tamper(t, path, "DELETE FROM events WHERE seq = 43")
	tamper(t, path, "INSERT INTO purged (first_seq, last_seq, before_hash, after_hash, purge_id) VALUES (43, 43, ?, ?, 1)",
		events[41].Hash[:], events[42].Hash[:])
	tamper(t, path, "UPDATE purges SET count = count + 1 WHERE id = 1")
	if out, err := runVerify(t, path); err != nil {
		t.Logf("without a recorded head the forgery is caught anyway: %q", out)
	}
	out, err = runCmd(t, "verify", "--db", db, "--head", head)
	var b *ledger.Break
	if !errors.As(err, &b) || exitCode(err) != 1 || !strings.Contains(out, "TAMPERED: ledger broken at purge records 1 to 1") {
		t.Fatalf("err %v, output %q", err, out)
	}
	// The trail says the finding in the console's language.
	st, err := app.OpenStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := st.AuditLog(context.Background(), 0, 1)
	st.Close()
	bundle, berr := i18n.Load()
	if err != nil || berr != nil || len(entries) != 1 {
		t.Fatalf("%v %v %d", err, berr, len(entries))
	}
	if got, want := templates.AuditDetailWords(bundle.For("de"), entries[0]), "Manipuliert: Protokoll unterbrochen bei Bereinigungseinträgen 1 bis 1: ihr Digest ist jetzt "; !strings.HasPrefix(got, want) {
		t.Errorf("the trail says %q, want it to begin %q", got, want)
	}
}

// A head recorded before any purge names none; a purge after it is listed.
func TestPurgeAfterHeadListed(t *testing.T) {
	path, _ := agedLedger(t, 40, 5)
	db := "sqlite:" + path
	out, err := runVerify(t, path)
	m := regexp.MustCompile(`head (\d+:[0-9a-f]{64}:\d+:[0-9a-f]{64}:0:0{64}) `).FindStringSubmatch(out)
	if err != nil || m == nil {
		t.Fatalf("no head naming no purges: %v %q", err, out)
	}
	if out, err := runCmd(t, "purge", "--db", db, "--older-than", "200d", "--site", "blog"); err != nil {
		t.Fatalf("%v %q", err, out)
	}
	out, err = runCmd(t, "verify", "--db", db, "--head", m[1])
	if err != nil || !strings.Contains(out, "the recorded head names no purge; 1 since, not covered by it:") ||
		!strings.Contains(out, "purge #1: 20 events") {
		t.Fatalf("%v %q", err, out)
	}
}

// TestDryRunNeedsNoForce: a dry run with an --older-than shorter than the
// consent lifetime says what a purge with --force would remove and that one
// without it is refused, and changes nothing; it was refused like the real
// run, so it could not say what it would do. The real run without --force
// is still refused, also when CONSENTRY_FORCE=true is left in the
// environment: the flags that say what one run does have no environment
// twin (nor does sites apply's -f, whose help named CONSENTRY_F).
func TestDryRunNeedsNoForce(t *testing.T) {
	path, _ := agedLedger(t, 10, 5)
	db := "sqlite:" + path
	out, err := runCmd(t, "purge", "--db", db, "--older-than", "30d", "--dry-run")
	if err != nil || !strings.Contains(out, "dry run: 10 events of all sites before") || !strings.Contains(out, "would be removed with --force") ||
		!strings.Contains(out, "without --force this purge is refused: --older-than: 30d is shorter than the consent lifetime (183 days)") {
		t.Errorf("dry run shorter than the lifetime: %v %q", err, out)
	}
	t.Setenv("CONSENTRY_FORCE", "true")
	t.Setenv("CONSENTRY_DRY_RUN", "true")
	if out, err := runCmd(t, "purge", "--db", db, "--older-than", "30d"); err == nil || strings.Contains(out, "dry run") {
		t.Errorf("CONSENTRY_FORCE and CONSENTRY_DRY_RUN in the environment made the purge forced or a dry run: %v %q", err, out)
	}
	if out, err := runVerify(t, path); err != nil || !strings.Contains(out, "15 events verified") {
		t.Fatalf("the dry run or the refusal changed the ledger: %v %q", err, out)
	}
	help, _ := runCmd(t, "sites", "apply", "-h")
	if !strings.Contains(help, "CONSENTRY_DB") || strings.Contains(help, "CONSENTRY_F\n") || strings.Contains(help, "CONSENTRY_DRY_RUN") || strings.Contains(help, "CONSENTRY_EDITORIAL") {
		t.Errorf("sites apply -h names environment twins for per-run flags:\n%s", help)
	}
}
