package web_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"html"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/config"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/words"
)

// TestIntegrityShowsCLIVerification: a verification by consentry verify
// (a checkpoint and an audit entry, actor cli, as cmd/consentry writes
// them) shows on the integrity page as who verified last; a later one from
// the command line that found tampering shows as a finding and does not
// take the name of the last good verification.
func TestIntegrityShowsCLIVerification(t *testing.T) {
	a, c := signedIn(t, "viewer@shop.example", auth.Viewer)
	_, at := verifiedByCLI(t, a, 3)
	ctx := context.Background()
	_, page, _ := c.get("/admin/integrity")
	if !strings.Contains(page, `data-testid="verified-by">Command line<`) || strings.Contains(page, `data-testid="cli-finding"`) {
		t.Error("the integrity page does not name the command line as the last to verify")
	}
	if err := a.Store.Audit(ctx, auth.AuditEntry{Time: at.Add(30 * time.Second), Actor: "cli", Action: "verify", Target: "1",
		Detail: "TAMPERED: event #2 changed"}); err != nil {
		t.Fatal(err)
	}
	_, page, _ = c.get("/admin/integrity")
	if !strings.Contains(page, `data-testid="cli-finding"`) || !strings.Contains(page, "TAMPERED: event #2 changed") ||
		!strings.Contains(page, `data-testid="verified-by">Command line<`) {
		t.Error("a command-line finding newer than the checkpoint does not show")
	}
	// Who found it and when, then a colon, then what: the space and the
	// colon were lost to the isolates (60d6d30), which read "…found the
	// ledger broken(Command line, …)TAMPERED".
	finding := regexp.MustCompile(`data-testid="cli-finding">(.*?)</p>`).FindStringSubmatch(page)
	if finding == nil || !regexp.MustCompile(`broken \(Command line, [^)]+\): <bdi>TAMPERED`).MatchString(finding[1]) ||
		strings.Contains(finding[1], "Colon") {
		t.Errorf("the finding reads %q; want who and when in parentheses, a colon, then what was found", finding)
	}
}

// TestIntegrityInWords: the integrity page says who verified and what a
// verification found in the console's language, as the audit trail does: a
// German administrator reads "Kommandozeile" for the command line, the
// command line's finding as consentry verify writes it, and a break the
// console's own verification finds, in German; they were "cli" and the
// English written for the CSV.
func TestIntegrityInWords(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "dpo@shop.example", auth.Admin)
	batch, at := verifiedByCLI(t, a, 1)
	ctx := context.Background()
	// As cmd/consentry's auditVerify writes a finding.
	brk := &ledger.Break{Seq: 2, ID: batch[1].ID.String(), Reason: "its hash does not match", Why: words.Say("a_break_hash", nil)}
	if err := a.Store.Audit(ctx, auth.AuditEntry{Time: at.Add(time.Second), Actor: "cli", Action: "verify", Target: "1",
		Detail: "TAMPERED: " + brk.Error(), Words: []words.Words{words.Say("a_audit_detail_tampered", map[string]words.Words{"Break": brk.Words()[0]})}}); err != nil {
		t.Fatal(err)
	}
	c := newConsole(t, a)
	c.login("dpo@shop.example")
	_, page, _ := c.get("/admin/integrity")
	token := csrfField.FindStringSubmatch(page)[1]
	if status, body, _ := c.post("/admin/me", url.Values{"lang": {"de"}, "tz": {"UTC"}, "_csrf": {token}}); status != http.StatusSeeOther {
		t.Fatalf("choosing German: %d %s", status, body)
	}
	_, page, _ = c.get("/admin/integrity")
	for _, want := range []string{`data-testid="verified-by">Kommandozeile<`, "(Kommandozeile, ",
		"<bdi>Manipuliert: Protokoll unterbrochen bei Ereignis #2 (<bdi class=\"whole\">" + batch[1].ID.String() + "</bdi>): sein Hash passt nicht"} {
		if !strings.Contains(page, want) {
			t.Errorf("the German integrity page lacks %q", want)
		}
	}
	db := appDB(t, a)
	if _, err := db.Exec(`UPDATE events SET expires = expires + 1 WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	_, page, _ = c.post("/admin/integrity", url.Values{"_csrf": {token}, "full": {"1"}})
	want := `data-testid="broken">Protokoll unterbrochen bei Ereignis #3 (<bdi class="whole">` + batch[2].ID.String() + `</bdi>): sein Hash passt nicht`
	if !strings.Contains(page, want) {
		t.Errorf("the console's own verification does not say the break in German: want %q in\n%s", want, page)
	}
}

// verifiedByCLI appends three demo events and records, a minute ago, a
// verification by consentry verify that found the first upTo intact: its
// checkpoint and its audit entry, actor cli.
func verifiedByCLI(t *testing.T, a *app.App, upTo int) ([]*consent.Event, time.Time) {
	t.Helper()
	batch := demoEvents(t, a, 3)
	ctx := context.Background()
	if err := a.Store.AppendBatch(ctx, batch); err != nil {
		t.Fatal(err)
	}
	at := time.Now().UTC().Add(-time.Minute)
	last := batch[upTo-1]
	if err := a.Store.SetVerified(ctx, last.Seq, last.Hash, at); err != nil {
		t.Fatal(err)
	}
	n := strconv.Itoa(upTo)
	if err := a.Store.Audit(ctx, auth.AuditEntry{Time: at, Actor: "cli", Action: "verify", Target: n, Detail: "intact: " + n + " events, 1 texts snapshots"}); err != nil {
		t.Fatal(err)
	}
	return batch, at
}

// TestSignedHeadExport: the integrity page publishes the signing key and
// downloads the head signed with it, naming the instance, the sites and
// who exported it, audited; the file's signature checks out under the key
// in the deployment's key file, and any change to it does not.
func TestSignedHeadExport(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "viewer@shop.example", auth.Viewer)
	ctx := context.Background()
	if err := a.Store.AppendBatch(ctx, demoEvents(t, a, 4)); err != nil {
		t.Fatal(err)
	}
	keys, err := config.LoadKeys(app.DefaultKeysFile(a.DB()))
	if err != nil || keys.SigningKey() == nil {
		t.Fatalf("the key file has no signing key: %v", err)
	}
	pub := base64.StdEncoding.EncodeToString(keys.SigningPublic()[0])
	c := newConsole(t, a)
	c.login("viewer@shop.example")
	_, page, _ := c.get("/admin/integrity")
	head := regexp.MustCompile(`data-testid="head">([^<]+)<`).FindStringSubmatch(page)
	if head == nil || !strings.Contains(page, `data-testid="public-key">`+pub+`<`) || !strings.Contains(page, `href="/admin/integrity/head"`) {
		t.Fatal("the integrity page does not offer the signed head or show the public key")
	}
	status, body, h := c.get("/admin/integrity/head")
	if status != http.StatusOK || !strings.Contains(h.Get("Content-Disposition"), `attachment; filename="consentry-head-4-`) {
		t.Fatalf("download: %d %q", status, h.Get("Content-Disposition"))
	}
	signed, signer, err := ledger.OpenSignedHead([]byte(body))
	if err != nil || !signer.Equal(keys.SigningPublic()[0]) {
		t.Fatalf("the download does not verify under the deployment's key: %v\n%s", err, body)
	}
	host := strings.TrimPrefix(c.srv.URL, "http://")
	if signed.Head != head[1] || signed.ExportedBy != "viewer@shop.example" || signed.Instance != host || strings.Join(signed.Sites, ",") != "demo" ||
		time.Since(signed.ExportedAt) > time.Minute {
		t.Errorf("signed %+v; want head %s by the viewer on %s", signed, head[1], host)
	}
	if e := newestAudit(t, c); e.Action != "head_export" || e.Actor != "viewer@shop.example" || e.Target != "4" || e.Detail != head[1] {
		t.Errorf("the export is audited as %+v", e)
	}
	if _, _, err := ledger.OpenSignedHead([]byte(strings.Replace(body, "head: 4:", "head: 3:", 1))); err == nil {
		t.Error("an edited head still verifies")
	}
}

// TestNoSigningKeyStillStarts: a deployment configured before signing keys
// existed (token and session keys given, no signing key, as on PostgreSQL)
// starts, says at start how to add one, and the integrity page says so
// instead of offering the download, which answers 422.
func TestNoSigningKeyStillStarts(t *testing.T) {
	var logged strings.Builder
	old := config.NewKeys()
	a := newApp(t, 0, func(o *app.Options) {
		o.TokenKeys, o.SessionKeys, o.Log = old.Token, old.Session, slog.New(slog.NewTextHandler(&logged, nil))
	})
	if !strings.Contains(logged.String(), "no signing key") || !strings.Contains(logged.String(), "CONSENTRY_SIGNING_KEYS") {
		t.Errorf("nothing says how to add a signing key: %s", logged.String())
	}
	addUser(t, a, "viewer@shop.example", auth.Viewer)
	oneDecision(t, a)
	c := newConsole(t, a)
	c.login("viewer@shop.example")
	_, page, _ := c.get("/admin/integrity")
	if !strings.Contains(page, `data-testid="no-signing-key"`) || strings.Contains(page, `href="/admin/integrity/head"`) {
		t.Error("the integrity page does not say that the head cannot be signed")
	}
	if status, body, _ := c.get("/admin/integrity/head"); status != http.StatusUnprocessableEntity || !strings.Contains(body, "no signing key") {
		t.Errorf("download without a key: %d", status)
	}
}

// TestOldKeyFileGainsSigningKey: a SQLite deployment whose key file was
// written before signing keys existed starts, keeps its token and session
// keys (tokens already handed out stay valid) and gains a signing key.
func TestOldKeyFileGainsSigningKey(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "c.db")
	old := config.NewKeys()
	b, _ := json.Marshal(map[string][][]byte{"token": old.Token, "session": old.Session})
	if err := os.WriteFile(app.DefaultKeysFile(db), b, 0o600); err != nil {
		t.Fatal(err)
	}
	a := newApp(t, 0, func(o *app.Options) { o.DB = db })
	keys, err := config.LoadKeys(app.DefaultKeysFile(db))
	if err != nil || len(keys.Signing) != 1 || string(keys.Token[0]) != string(old.Token[0]) || string(keys.Session[1]) != string(old.Session[1]) {
		t.Fatalf("after the start: %v", err)
	}
	addUser(t, a, "viewer@shop.example", auth.Viewer)
	c := newConsole(t, a)
	c.login("viewer@shop.example")
	if _, page, _ := c.get("/admin/integrity"); !strings.Contains(page, base64.StdEncoding.EncodeToString(keys.SigningPublic()[0])) {
		t.Error("the integrity page does not show the added key")
	}
}

// TestIntegrityKeysReadLeftToRight: the ledger head and the public signing
// key, which staff copy and compare by eye, read left to right in the Arabic
// console; the key's base64 padding stood at its start there
// ("=uRoQk4…84LU" for "uRoQk4…84LU=").
func TestIntegrityKeysReadLeftToRight(t *testing.T) {
	_, c := signedIn(t, "dpo@shop.example", auth.Admin)
	c.speak("ar")
	_, page, _ := c.get("/admin/integrity")
	for _, id := range []string{"head", "public-key"} {
		code := regexp.MustCompile(`<code[^>]*data-testid="` + id + `"[^>]*>`).FindString(page)
		if code == "" {
			t.Fatalf("no %s on the integrity page", id)
		}
		if !strings.Contains(code, `dir="ltr"`) {
			t.Errorf("%s takes the Arabic page's direction: %s", id, code)
		}
	}
}

// TestIntegrityPageWhenBroken: what the integrity page says beside a
// break is still true. A texts snapshot forged after the ledger was
// verified: the page says the break, and still the verification before it
// (how far, when, by whom) and the deployment's signing key; it said the
// ledger had never been verified and the deployment had no signing key.
// A first verification that breaks at the first event: the page says the
// break, not that the ledger has not been verified yet.
func TestIntegrityPageWhenBroken(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	if err := a.Store.AppendBatch(context.Background(), demoEvents(t, a, 3)); err != nil {
		t.Fatal(err)
	}
	_, page, _ := c.get("/admin/integrity")
	token := csrfField.FindStringSubmatch(page)[1]
	if _, page, _ = c.post("/admin/integrity", url.Values{"_csrf": {token}}); !strings.Contains(page, `data-testid="intact"`) || strings.Contains(page, `data-testid="broken-next"`) {
		t.Fatalf("the first verification did not find the ledger intact, or said what to do about a break:\n%s", page)
	}
	if _, err := appDB(t, a).Exec(`UPDATE snapshots SET body = body || ' '`); err != nil {
		t.Fatal(err)
	}
	_, page, _ = c.get("/admin/integrity")
	for _, want := range []string{`data-testid="broken"`, `data-testid="intact">Was intact, when last checked, up to event #3 `, `>dpo@shop.example</bdi></span>`, `data-testid="public-key"`,
		`<h2 id="broken-next">What to do now</h2>`, `Copy the database as it is now`, `consentry verify --head`, `Treat it as a security incident`} {
		if !strings.Contains(page, want) {
			t.Errorf("with a forged texts snapshot the integrity page lacks %q", want)
		}
	}
	for _, wrong := range []string{`data-testid="unverified"`, `data-testid="no-signing-key"`, `data-testid="signed-head"`} {
		if strings.Contains(page, wrong) {
			t.Errorf("with a forged texts snapshot the integrity page has %q", wrong)
		}
	}

	b := newApp(t, 0)
	addUser(t, b, "dpo@shop.example", auth.Admin)
	if err := b.Store.AppendBatch(context.Background(), demoEvents(t, b, 3)); err != nil {
		t.Fatal(err)
	}
	if _, err := appDB(t, b).Exec(`UPDATE events SET expires = expires + 1 WHERE seq = 1`); err != nil {
		t.Fatal(err)
	}
	d := newConsole(t, b)
	d.login("dpo@shop.example")
	_, page, _ = d.get("/admin/integrity")
	_, page, _ = d.post("/admin/integrity", url.Values{"_csrf": {csrfField.FindStringSubmatch(page)[1]}})
	if !strings.Contains(page, `data-testid="broken">Ledger broken at event #1 `) || strings.Contains(page, `data-testid="unverified"`) {
		t.Errorf("a first verification breaking at event #1: want the break and no 'not verified yet' in\n%s", page)
	}
}

// TestIntegrityNamesAnEditedRevision: the integrity page checks every
// published revision's configuration against the hash stored for it when
// it was published, and says which one was edited, in the console's words;
// it checked the texts snapshots only.
func TestIntegrityNamesAnEditedRevision(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	if err := a.Store.AppendBatch(context.Background(), demoEvents(t, a, 3)); err != nil {
		t.Fatal(err)
	}
	if _, err := appDB(t, a).Exec(`UPDATE revisions SET config = CAST(replace(CAST(config AS TEXT), '"key":"marketing"', '"key":"ads"') AS BLOB) WHERE site_id = 'demo' AND number = 1`); err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{"en": "revision 1 of site demo: its stored configuration does not match the hash stored when it was published",
		"de": "Revision 1 der Website demo: ihre gespeicherte Konfiguration passt nicht"} {
		c.speak(lang)
		_, page, _ := c.get("/admin/integrity")
		if text := html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(page, "")); !strings.Contains(page, `data-testid="broken"`) || !strings.Contains(text, want) {
			t.Errorf("%s: with revision 1's configuration edited, the integrity page does not say %q:\n%s", lang, want, regexp.MustCompile(`(?s)data-testid="broken".{0,400}`).FindString(page))
		}
	}
}
