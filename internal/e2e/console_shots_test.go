package e2e

import (
	"database/sql"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestConsoleScreenshots writes the console's everyday screens into
// $CONSENTRY_SCREENSHOTS (make screenshots): the log, the dashboard in
// English and Arabic, a data-subject request with its erase confirmation,
// the integrity page, intact and broken, and the audit trail.
func TestConsoleScreenshots(t *testing.T) {
	if os.Getenv("CONSENTRY_SCREENSHOTS") == "" {
		t.Skip("CONSENTRY_SCREENSHOTS is not set")
	}
	b := start(t)
	b.seedHistoryGPC(30, 12, 140, 25)
	visitor := b.decide("accept-all", necessary, preferences, analytics, marketing)
	b.signIn("/admin/log")
	b.shotIfAsked("console-log.png")
	b.open("/admin/dashboard")
	b.fullShotIfAsked("console-dashboard-en.png")
	b.open("/admin/consents/" + visitor.ConsentID)
	b.shotIfAsked("console-dsr.png")
	b.do("typing the reason", chromedp.SendKeys(chromedp.CSS(`form[data-testid="erase"] #reason`), "DSR-2026-0042: erasure requested by email"))
	b.clickTo("Erase", `document.querySelector('form[data-testid="erase"] button[type="submit"]')`)
	b.shotIfAsked("console-erase-confirm.png")
	b.open("/admin/audit")
	b.shotIfAsked("console-audit.png")
	b.do("choosing Arabic", chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), "ar"))
	b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)
	b.open("/admin/dashboard")
	b.fullShotIfAsked("console-dashboard-ar.png")

	// The integrity page on a ledger of real decisions only: seedLog's
	// fixtures name texts snapshots that were never stored.
	r := start(t)
	r.decide("accept-all", necessary, preferences, analytics, marketing)
	r.signIn("/admin/integrity")
	r.clickTo("Verify", `document.querySelector('[data-testid="verify"]')`)
	r.shotIfAsked("console-integrity.png")

	// And broken: one event's expiry changed behind the server's back.
	db, err := sql.Open("sqlite", strings.TrimPrefix(r.app.DB(), "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE events SET expires = expires + 1 WHERE seq = 1`); err != nil {
		t.Fatal(err)
	}
	r.clickTo("Verify everything", `document.querySelector('[data-testid="verify-full"]')`)
	r.wait("the break said", `!!document.querySelector('[data-testid="broken-next"]')`)
	r.fullShotIfAsked("console-integrity-broken.png")
}
