package web_test

import (
	"context"
	"encoding/hex"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/retention"
	"github.com/consentry/consentry/internal/store"
)

// TestIntegrityAfterPurge: after a retention purge the integrity page says
// how many events remain, shows the last purge (when, by whom, how many,
// the link it kept), verifies across the purged run, incrementally from a
// checkpoint the purge removed too, and the proof of the first remaining
// event still shows its link as verified.
func TestIntegrityAfterPurge(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	ctx := context.Background()
	batch := appendEightOld(t, a)
	_, page, _ := c.get("/admin/integrity")
	token := csrfField.FindStringSubmatch(page)[1]
	// A checkpoint at #4, then events up to #8 purged.
	if err := a.Store.SetVerified(ctx, 4, batch[3].Hash, time.Now()); err != nil {
		t.Fatal(err)
	}
	p, err := retention.Run(ctx, a.Store, retention.Options{Cutoff: time.Now().AddDate(-1, 0, 0), Actor: "cli"})
	if err != nil || p.Count != 8 {
		t.Fatalf("purge: %+v, %v", p, err)
	}
	_, page, _ = c.get("/admin/integrity")
	for _, want := range []string{"Events in the ledger: 4<", `data-testid="purged-by">Command line<`, `data-testid="purge-site">All sites<`, "8 events removed",
		`data-testid="purge-anchor">8:` + hex.EncodeToString(batch[7].Hash[:])} {
		if !strings.Contains(page, want) {
			t.Errorf("the integrity page lacks %q", want)
		}
	}
	// A purge of every site is named in the words the audit trail names
	// it with, one message (a second, 'all sites', said it apart).
	if status, body, _ := c.post("/admin/me", url.Values{"lang": {"de"}, "tz": {"UTC"}, "_csrf": {token}}); status != http.StatusSeeOther {
		t.Fatalf("choosing German: %d %s", status, body)
	}
	if _, de, _ := c.get("/admin/integrity"); !strings.Contains(de, `data-testid="purge-site">Alle Websites<`) {
		t.Errorf("the German integrity page names the purged sites otherwise than 'Alle Websites'")
	}
	if status, body, _ := c.post("/admin/me", url.Values{"lang": {"en"}, "tz": {"UTC"}, "_csrf": {token}}); status != http.StatusSeeOther {
		t.Fatalf("choosing English: %d %s", status, body)
	}
	_, page, _ = c.post("/admin/integrity", url.Values{"_csrf": {token}})
	if strings.Contains(page, `data-testid="broken"`) || !strings.Contains(page, batch[11].ID.String()) || !strings.Contains(page, `data-testid="checked">`) {
		t.Fatalf("incremental verification across the purge: %s", page)
	}
	_, page, _ = c.post("/admin/integrity", url.Values{"_csrf": {token}, "full": {"1"}})
	if strings.Contains(page, `data-testid="broken"`) || !strings.Contains(page, "Events checked just now: 4<") {
		t.Errorf("full verification after the purge: broken or not 4 events checked")
	}
	if _, proof, _ := c.get("/admin/events/" + batch[8].ID.String()); !strings.Contains(proof, `data-testid="link-ok"`) {
		t.Error("the proof of the first event after the purge does not verify its link to the purged run")
	}
	// A fresh event removed and a run forged in its place under the
	// existing purge: the runs then account for more than the records.
	db := appDB(t, a)
	if _, err := db.Exec(`DELETE FROM events WHERE seq = 10; INSERT INTO purged (first_seq, last_seq, before_hash, after_hash, purge_id)
		VALUES (10, 10, ?, ?, ?)`, batch[8].Hash[:], batch[9].Hash[:], p.ID); err != nil {
		t.Fatal(err)
	}
	_, page, _ = c.post("/admin/integrity", url.Values{"_csrf": {token}, "full": {"1"}})
	if !strings.Contains(page, `data-testid="broken"`) || !strings.Contains(page, "a run was forged or a purge record changed") {
		t.Error("a full verification missed a run forged to hide a removed event")
	}
}

// The integrity page says when the newest purge is not finished (no head
// covers it yet), and, once the next purge closed it, that it stopped
// before it ended.
func TestIntegrityKilledPurge(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "dpo@shop.example", auth.Admin)
	ctx := context.Background()
	batch := demoEvents(t, a, 6)
	for i, e := range batch {
		e.Time = time.Now().UTC().AddDate(-2, 0, 0).Add(time.Duration(i) * time.Second)
		e.Expires = e.Time.Add(consent.DefaultLifetime)
	}
	if err := a.Store.AppendBatch(ctx, batch); err != nil {
		t.Fatal(err)
	}
	killed := store.Purge{Actor: "cli", Cutoff: time.Now().UTC()}
	if err := a.Store.BeginPurge(ctx, &killed); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Store.PurgeBatch(ctx, &killed, 2); err != nil {
		t.Fatal(err)
	}
	c := newConsole(t, a)
	c.login("dpo@shop.example")
	_, page, _ := c.get("/admin/integrity")
	if !strings.Contains(page, `data-testid="purge-unfinished"`) || strings.Contains(page, `data-testid="purge-stopped"`) ||
		!strings.Contains(page, "2 events removed") {
		t.Fatalf("a killed purge on the integrity page: %s", page)
	}
	if _, err := retention.Close(ctx, a.Store, "cli"); err != nil {
		t.Fatal(err)
	}
	_, page, _ = c.get("/admin/integrity")
	if strings.Contains(page, `data-testid="purge-unfinished"`) || !strings.Contains(page, `data-testid="purge-stopped">stopped before it ended<`) ||
		!regexp.MustCompile(`data-testid="head">\d+:[0-9a-f]{64}:\d+:[0-9a-f]{64}:1:`).MatchString(page) {
		t.Fatalf("the closed purge on the integrity page: %s", page)
	}
}

// appendEightOld appends twelve demo events to a's ledger, the first eight
// two years old (for a purge to take), and returns them.
func appendEightOld(t *testing.T, a *app.App) []*consent.Event {
	t.Helper()
	batch := demoEvents(t, a, 12)
	old := time.Now().UTC().AddDate(-2, 0, 0)
	for i, e := range batch[:8] {
		e.Time = old.Add(time.Duration(i) * time.Second)
		e.Expires = e.Time.Add(consent.DefaultLifetime)
	}
	if err := a.Store.AppendBatch(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	return batch
}
