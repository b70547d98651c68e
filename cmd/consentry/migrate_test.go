package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/config"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/pgtest"
	"github.com/consentry/consentry/internal/store/postgres"
	"github.com/consentry/consentry/internal/store/sqlite"
	"github.com/consentry/consentry/internal/store/storetest"
	"github.com/jackc/pgx/v5"
)

// migrate-store copies a SQLite deployment, erased events, staff and the
// audit trail included, into PostgreSQL, where the ledger verifies and goes
// on growing from the same head.
func TestMigrateStore(t *testing.T) {
	ctx := context.Background()
	path, events := ledgerOf(t, 40)
	src, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Publish(ctx, storetest.Site("shop"), nil); err != nil {
		t.Fatal(err)
	}
	u := &auth.User{Email: "dpo@shop.example", PasswordHash: "x", Role: auth.Admin, Lang: "en", TZ: "UTC", CreatedAt: time.Now().UTC().Truncate(time.Microsecond)}
	if err := src.AddUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := src.Audit(ctx, auth.AuditEntry{Time: time.Now().UTC(), Actor: u.Email, Action: "erase", Target: events[7].ConsentID.String(), IP: "127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	if n, err := src.Erase(ctx, events[7].ConsentID, "Art. 17", time.Now().UTC().Truncate(time.Microsecond)); err != nil || n != 1 {
		t.Fatalf("erase: %d %v", n, err)
	}
	headSeq, headHash, _ := src.Head(ctx)
	src.Close()

	db := pgtest.URL(t)
	var out bytes.Buffer
	if err := run(ctx, []string{"migrate-store", "--from", "sqlite:" + path, "--to", db}, nil, &out, &out); err != nil {
		t.Fatalf("migrate-store: %v\n%s", err, out.String())
	}
	for _, want := range []string{"events       40 rows", "ledger intact: 40 events", "users        1 rows"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	dst, err := postgres.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if seq, hash, _ := dst.Head(ctx); seq != headSeq || hash != headHash {
		t.Errorf("head %d %x, want %d %x", seq, hash, headSeq, headHash)
	}
	src, _ = sqlite.Open(ctx, path)
	defer src.Close()
	for _, e := range []*consent.Event{events[0], events[7], events[39]} {
		want, _ := src.Event(ctx, e.ID)
		got, err := dst.Event(ctx, e.ID)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("event #%d on the target:\n%+v (%v)\nwant\n%+v", e.Seq, got, err, want)
		}
	}
	if site, err := dst.Site(ctx, "shop"); err != nil || site.Revision != 1 {
		t.Errorf("site: %+v %v", site, err)
	}
	// What the erasure left for the sweep came along, for the target's.
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var pending int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM names_pending").Scan(&pending); err != nil || pending != 2 {
		t.Errorf("the target holds %d candidates for the sweep (err %v), want the erased event's user agent and page", pending, err)
	}
	if got, err := dst.UserByEmail(ctx, u.Email); err != nil || got.ID != u.ID {
		t.Errorf("user: %+v %v", got, err)
	}
	// The target goes on: new users and audit entries get new IDs, the
	// ledger grows from the copied head.
	if err := dst.AddUser(ctx, &auth.User{Email: "second@shop.example", PasswordHash: "x", Role: auth.Viewer, Lang: "en", TZ: "UTC"}); err != nil {
		t.Errorf("a new user after the copy: %v", err)
	}
	if err := dst.AppendBatch(ctx, []*consent.Event{storetest.Event("shop", 99)}); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(ctx, []string{"verify", "--db", db}, nil, &out, &out); err != nil || !strings.Contains(out.String(), "ledger intact: 41 events") {
		t.Errorf("verify after one more event: %v\n%s", err, out.String())
	}
	if err := run(ctx, []string{"migrate-store", "--from", "sqlite:" + path, "--to", db}, nil, &out, &out); err == nil || !strings.Contains(err.Error(), "empty database") {
		t.Errorf("a second copy into the same database: %v", err)
	}
}

// A deployment that purged moves with its purge records and purged runs:
// the ledger verifies on PostgreSQL across the same runs, and purges there
// go on from them (new records numbered after the copied ones).
func TestMigrateStoreAfterPurge(t *testing.T) {
	ctx := context.Background()
	path, _ := agedLedger(t, 40, 5)
	if out, err := runCmd(t, "purge", "--db", "sqlite:"+path, "--older-than", "200d", "--site", "shop"); err != nil {
		t.Fatalf("%v %q", err, out)
	}
	db := pgtest.URL(t)
	if out, err := runCmd(t, "migrate-store", "--from", "sqlite:"+path, "--to", db); err != nil ||
		!strings.Contains(out, "ledger intact: 25 events") || !strings.Contains(out, "20 purged events crossed") {
		t.Fatalf("migrate-store: %v\n%s", err, out)
	}
	if out, err := runCmd(t, "purge", "--db", db, "--older-than", "200d"); err != nil || !strings.Contains(out, "purged 20 events of all sites") || !strings.Contains(out, "purge #2") {
		t.Fatalf("a purge on the target: %v %q", err, out)
	}
	if out, err := runCmd(t, "verify", "--db", db); err != nil || !strings.Contains(out, "ledger intact: 5 events") || !strings.Contains(out, "40 purged events crossed") {
		t.Fatalf("verify on the target: %v %q", err, out)
	}
	dst, err := postgres.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if gaps, err := dst.Gaps(ctx, 0, 10); err != nil || len(gaps) != 1 || gaps[0].First != 1 || gaps[0].Last != 40 {
		t.Errorf("runs on the target %+v, err %v", gaps, err)
	}
}

// A deployment that never recorded a consent (sites and staff only) moves
// too, and the target can append: SQLite has no ledger head row until the
// first event, and the target must keep its own. A --from that names no
// file is refused, not created empty and copied.
func TestMigrateStoreWithoutEvents(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "consentry.db")
	db := pgtest.URL(t)
	if out, err := runCmd(t, "migrate-store", "--from", "sqlite:"+path+".typo", "--to", db); err == nil || !strings.Contains(err.Error(), "no SQLite database there") {
		t.Fatalf("migrate-store from a missing file: %v\n%s", err, out)
	}
	if _, err := os.Stat(path + ".typo"); err == nil {
		t.Error("migrate-store created the missing source")
	}
	src, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	snaps := func(*consent.Site) []consent.Snapshot { return []consent.Snapshot{storetest.Snapshot("shop")} }
	if _, err := src.Publish(ctx, storetest.Site("shop"), snaps); err != nil {
		t.Fatal(err)
	}
	src.Close()
	if out, err := runCmd(t, "migrate-store", "--from", "sqlite:"+path, "--to", db); err != nil || !strings.Contains(out, "ledger intact: 0 events") {
		t.Fatalf("migrate-store: %v\n%s", err, out)
	}
	dst, err := postgres.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if seq, _, err := dst.Head(ctx); err != nil || seq != 0 {
		t.Fatalf("head on the target: %d %v", seq, err)
	}
	e := storetest.Event("shop", 1)
	if err := dst.AppendBatch(ctx, []*consent.Event{e}); err != nil {
		t.Fatalf("append on the target: %v", err)
	}
	if out, err := runCmd(t, "verify", "--db", db); err != nil || !strings.Contains(out, "ledger intact: 1 events") {
		t.Fatalf("verify on the target: %v\n%s", err, out)
	}
}

// A SQLite deployment moved to PostgreSQL keeps its keys: migrate-store says
// how, keys export prints them, and an instance on PostgreSQL started with
// them verifies a token the SQLite deployment issued and holds its signing
// key. An instance given new keys, as the wrong recipe would, does not.
func TestMovedDeploymentKeepsItsKeys(t *testing.T) {
	path := filepath.Join(t.TempDir(), "consentry.db")
	old := startInstance(t, nil, "--db", "sqlite:"+path, "--demo", "--rate-limit", "0")
	res, err := http.Post(old.url+"/api/v1/sites/demo/consents", "application/json",
		strings.NewReader(`{"action":"accept_all","revision":1,"lang":"en"}`))
	if err != nil {
		t.Fatal(err)
	}
	var issued struct {
		Token     string `json:"token"`
		ConsentID string `json:"consent_id"`
	}
	if err := json.NewDecoder(res.Body).Decode(&issued); err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("consent on SQLite: %d %v", res.StatusCode, err)
	}
	res.Body.Close()
	old.stop(t)

	db := pgtest.URL(t)
	out, err := runCLI(t, "migrate-store", "--from", "sqlite:"+path, "--to", db)
	if err != nil || !strings.Contains(out, "consentry keys export --db sqlite:"+path+" > consentry.env") {
		t.Fatalf("migrate-store: %v\n%s", err, out)
	}
	exported, err := runCLI(t, "keys", "export", "--db", "sqlite:"+path)
	if err != nil {
		t.Fatalf("keys export: %v\n%s", err, exported)
	}
	before, err := runCLI(t, "keys", "public", "--db", "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	env := strings.Fields(exported)
	for _, line := range env {
		name, value, _ := strings.Cut(line, "=")
		t.Setenv(name, value)
	}
	after, err := runCLI(t, "keys", "public", "--db", db)
	if err != nil || after != before {
		t.Errorf("signing key on PostgreSQL %q (%v), on SQLite %q", after, err, before)
	}

	verify := func(in *instance) (valid bool, reason string) {
		t.Helper()
		body, _ := json.Marshal(map[string]string{"token": issued.Token, "site": "demo"})
		res, err := http.Post(in.url+"/api/v1/consents/verify", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var v struct {
			Valid     bool   `json:"valid"`
			Reason    string `json:"reason"`
			ConsentID string `json:"consent_id"`
		}
		if err := json.NewDecoder(res.Body).Decode(&v); err != nil {
			t.Fatal(err)
		}
		if v.Valid && v.ConsentID != issued.ConsentID {
			t.Errorf("consent %s, issued for %s", v.ConsentID, issued.ConsentID)
		}
		return v.Valid, v.Reason
	}
	if valid, reason := verify(startInstance(t, env, "--db", db)); !valid {
		t.Errorf("with the exported keys the token does not verify on PostgreSQL: %s", reason)
	}
	if valid, _ := verify(startInstance(t, strings.Fields(config.NewKeys().Env()), "--db", db)); valid {
		t.Error("with new keys the token still verifies: the test cannot tell")
	}
}

// keys export needs a key file: on PostgreSQL it says where keys come from.
func TestKeysExportNeedsAKeyFile(t *testing.T) {
	out, err := runCLI(t, "keys", "export", "--db", "postgres://x@127.0.0.1/x")
	if err == nil || !strings.Contains(err.Error(), "--keys-file") {
		t.Fatalf("keys export on PostgreSQL: %v\n%s", err, out)
	}
	// Without a key file keys export and keys public say where it was
	// looked for, who makes it and what to do.
	dir := t.TempDir()
	for _, cmd := range []string{"export", "public"} {
		out, err = runCLI(t, "keys", cmd, "--db", "sqlite:"+filepath.Join(dir, "none.db"))
		if err == nil || !strings.Contains(err.Error(), "there is no key file at "+filepath.Join(dir, "none.keys")+": serve makes one beside a SQLite database") ||
			!strings.Contains(err.Error(), "--keys-file FILE") || !strings.Contains(err.Error(), "consentry keys generate") {
			t.Fatalf("keys %s without a key file: %v\n%s", cmd, err, out)
		}
	}
	// serve takes keys from its environment before its key file, so a
	// key file there may not hold the keys that signed: no export then.
	path := filepath.Join(t.TempDir(), "c.db")
	if _, _, err := config.LoadOrCreateKeys(app.DefaultKeysFile("sqlite:" + path)); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CONSENTRY_SESSION_KEYS_FILE", "/run/secrets/session")
	out, err = runCLI(t, "keys", "export", "--db", "sqlite:"+path)
	if err == nil || out != "" || !strings.Contains(err.Error(), "CONSENTRY_SESSION_KEYS_FILE is set") {
		t.Fatalf("keys export with keys in the environment: %v\n%s", err, out)
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"sqlite:/var/lib/consentry/c.db": "sqlite:/var/lib/consentry/c.db",
		"sqlite:/srv/my data/c.db":       "'sqlite:/srv/my data/c.db'",
		"sqlite:/srv/it's/c.db":          `'sqlite:/srv/it'\''s/c.db'`,
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
