package e2e

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/store/storetest"
	"github.com/google/uuid"
	"golang.org/x/crypto/bcrypt"
)

// seedActions is how seedLog deals out actions: of every ten events, five
// accept all, three reject all, one customizes and one withdraws.
var seedActions = []consent.Action{
	consent.AcceptAll, consent.AcceptAll, consent.AcceptAll, consent.AcceptAll, consent.AcceptAll,
	consent.RejectAll, consent.RejectAll, consent.RejectAll, consent.Custom, consent.Withdraw,
}

// seedLog appends n made-up decisions for the demo site, each with its own
// consent ID, straight to the store in one batch. The store wants one writer
// at a time, so it must run while the ledger writer is idle: before the test
// makes any decision in the browser, or after its decisions were answered.
func (b *browser) seedLog(n int) {
	b.t.Helper()
	batch := make([]*consent.Event, n)
	for i := range batch {
		e := storetest.Event("demo", i)
		e.Action = seedActions[i%len(seedActions)]
		switch e.Action {
		case consent.AcceptAll:
			e.Granted = []string{analytics, marketing, necessary, preferences}
		case consent.RejectAll, consent.Withdraw:
			e.Granted = []string{necessary}
		}
		batch[i] = e
	}
	if err := b.app.Store.AppendBatch(b.ctx, batch); err != nil {
		b.t.Fatalf("seeding %d events: %v", n, err)
	}
}

// decide makes one real decision on the demo page, as a visitor does, and
// returns it once recorded.
func (b *browser) decide(testid string, granted ...string) *state {
	b.t.Helper()
	b.open("/demo")
	b.waitBanner()
	b.click(testid, part(testid))
	return b.waitGranted(testid, granted...)
}

// draftRetention signs in to the demo site's editor and saves its
// retention as 400 days: a draft, with one change to publish.
func (b *browser) draftRetention() {
	b.t.Helper()
	b.signIn("/admin/sites/demo")
	b.do("keeping decisions 400 days", chromedp.SetValue(chromedp.CSS("#b-retention"), "400"))
	b.submit("Save", `document.querySelector('form[data-testid="basics"] button[type="submit"]')`, "/admin/sites/demo?lang=en#basics")
}

// signIn signs in to the console with the demo admin's email and password
// through the sign-in form, starting from the page at path, and checks that
// it lands there.
func (b *browser) signIn(path string) {
	b.t.Helper()
	b.open(path)
	if loc := b.location(); !strings.HasPrefix(loc, b.base+"/admin/login?") {
		b.t.Fatalf("%s without a session led to %s, want the sign-in page", path, loc)
	}
	b.do("typing the credentials",
		chromedp.SendKeys(chromedp.CSS("#email"), b.adminEmail),
		chromedp.SendKeys(chromedp.CSS("#password"), b.adminPassword))
	resp := b.clickTo("Sign in", `document.querySelector('form[data-testid="login"] button[type="submit"]')`)
	if loc := b.location(); resp.Status != http.StatusOK || loc != b.base+path {
		b.t.Fatalf("after signing in: %s with status %d, want %s%s", loc, resp.Status, b.base, path)
	}
	if who := eval[string](b, `document.querySelector('[data-testid="who"]')?.textContent || ""`); !strings.Contains(who, b.adminEmail) {
		b.t.Fatalf("the console names %q as signed in, want %s", who, b.adminEmail)
	}
}

// speak sets the signed-in user's console language through the form at
// the page's foot.
func (b *browser) speak(lang string) {
	b.t.Helper()
	b.do("choosing the console's language", chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), lang))
	b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)
}

// logRow is one row of the consent log as the page shows it.
type logRow struct {
	Event   string `json:"event"` // from the time link's URL
	Site    string `json:"site"`
	Action  string `json:"action"`
	Granted string `json:"granted"`
	Consent string `json:"consent"`
}

// logRows reads the log table's rows, finding the columns by their (English)
// headings.
func (b *browser) logRows() []logRow {
	b.t.Helper()
	return eval[[]logRow](b, `(() => {
		const t = document.querySelector('table[data-testid="log"]');
		if (!t) return [];
		const heads = [...t.tHead.rows[0].cells].map(c => c.textContent.trim());
		const col = (name) => {
			const i = heads.indexOf(name);
			if (i < 0) throw new Error("the log has no column " + name + ": " + heads.join(", "));
			return i;
		};
		const time = col("Time"), site = col("Site"), action = col("Action"), granted = col("Granted"), id = col("Consent ID");
		return [...t.querySelectorAll('tr[data-testid="row"]')].map(r => ({
			event: new URL(r.cells[time].querySelector("a").href).pathname.replace("/admin/events/", ""),
			site: r.cells[site].textContent.trim(), action: r.cells[action].dataset.code,
			granted: r.cells[granted].dataset.code, consent: new URL(r.cells[id].querySelector("a").href).pathname.replace("/admin/consents/", ""),
		}));
	})()`)
}

// query is the current page's URL query.
func (b *browser) query() url.Values {
	b.t.Helper()
	u, err := url.Parse(b.location())
	if err != nil {
		b.t.Fatal(err)
	}
	return u.Query()
}

// newestFirst returns the recorded events' IDs, newest first, keeping those
// for which keep is true.
func (b *browser) newestFirst(keep func(*consent.Event) bool) []string {
	b.t.Helper()
	var ids []string
	for _, e := range slices.Backward(b.events()) {
		if keep(e) {
			ids = append(ids, e.ID.String())
		}
	}
	return ids
}

func anyEvent(*consent.Event) bool { return true }

func ofAction(a consent.Action) func(*consent.Event) bool {
	return func(e *consent.Event) bool { return e.Action == a }
}

// pageThrough reads the log from the page shown now to its last page by the
// "Older" link, checking every page's size and filter, and returns the event
// IDs in the order shown.
func (b *browser) pageThrough(action string) []string {
	b.t.Helper()
	var ids []string
	for page := 1; ; page++ {
		rows := b.logRows()
		if len(rows) == 0 || len(rows) > 50 {
			b.t.Fatalf("log page %d shows %d rows, want 1 to 50", page, len(rows))
		}
		for _, r := range rows {
			if r.Site != "demo" || (action != "" && r.Action != action) {
				b.t.Errorf("log page %d (action=%q) shows %+v", page, action, r)
			}
			ids = append(ids, r.Event)
		}
		if got := b.query().Get("action"); got != action {
			b.t.Errorf("log page %d: action=%q in the URL, want %q", page, got, action)
		}
		older := `document.querySelector('a[data-testid="older"]')`
		if !eval[bool](b, "!!"+older) {
			return ids
		}
		if len(rows) != 50 {
			b.t.Errorf("log page %d has an Older link but only %d rows", page, len(rows))
		}
		b.clickTo("Older", older)
		if b.query().Get("before") == "" {
			b.t.Fatalf("the Older link led to %s, with no cursor", b.location())
		}
	}
}

// TestConsoleLog: staff sign in through the form, see the recorded decisions
// newest first, filter them by action through the form, and page through
// them with the "Older" link, filter kept, each decision shown exactly once.
func TestConsoleLog(t *testing.T) {
	b := start(t)
	b.seedLog(120) // 60 accept all, 36 reject all, 12 custom, 12 withdraw
	visitor := b.decide("accept-all", necessary, preferences, analytics, marketing)

	// A wrong password is refused on the page itself.
	b.open("/admin/log")
	b.do("typing a wrong password",
		chromedp.SendKeys(chromedp.CSS("#email"), b.adminEmail),
		chromedp.SendKeys(chromedp.CSS("#password"), b.adminPassword+"x"))
	if resp := b.clickTo("Sign in", `document.querySelector('form[data-testid="login"] button[type="submit"]')`); resp.Status != http.StatusUnauthorized {
		t.Errorf("a wrong password answered %d, want 401", resp.Status)
	}
	if !b.isVisible(`document.querySelector('[data-testid="error"]')`) || eval[bool](b, `!!document.querySelector('[data-testid="who"]')`) {
		t.Fatal("a wrong password did not show an error, or signed in")
	}

	b.signIn("/admin/log")
	rows := b.logRows()
	all := b.newestFirst(anyEvent)
	if len(all) != 121 {
		t.Fatalf("%d events recorded, want 121", len(all))
	}
	if len(rows) != 50 {
		t.Fatalf("the log's first page shows %d rows, want 50", len(rows))
	}
	if r := rows[0]; r.Consent != visitor.ConsentID || r.Action != "accept_all" || r.Granted != "analytics, marketing, necessary, preferences" {
		t.Errorf("the newest row is %+v, want the visitor's accept_all of consent %s", r, visitor.ConsentID)
	}

	// Filter by action through the form.
	b.do("choosing reject_all", chromedp.SetValue(chromedp.CSS(`form[data-testid="filters"] select[name="action"]`), "reject_all"))
	b.clickTo("Filter", `document.querySelector('form[data-testid="filters"] button[type="submit"]')`)
	if q := b.query(); q.Get("action") != "reject_all" {
		t.Errorf("after filtering the URL is %s, want action=reject_all in it", b.location())
	}
	if v := eval[string](b, `document.querySelector('form[data-testid="filters"] select[name="action"]').value`); v != "reject_all" {
		t.Errorf("the filtered page's action select shows %q", v)
	}
	if got, want := b.pageThrough("reject_all"), b.newestFirst(ofAction(consent.RejectAll)); !slices.Equal(got, want) {
		t.Errorf("filtered by reject_all the log shows %d events, want the %d refusals newest first:\n got %v\nwant %v", len(got), len(want), got, want)
	}

	// Filter by accept_all: two pages, the filter kept by the Older link.
	b.do("choosing accept_all", chromedp.SetValue(chromedp.CSS(`form[data-testid="filters"] select[name="action"]`), "accept_all"))
	b.clickTo("Filter", `document.querySelector('form[data-testid="filters"] button[type="submit"]')`)
	if got, want := b.pageThrough("accept_all"), b.newestFirst(ofAction(consent.AcceptAll)); !slices.Equal(got, want) || len(want) != 61 {
		t.Errorf("filtered by accept_all the log shows %d events, want the %d acceptances newest first", len(got), len(want))
	}

	// Unfiltered: 50 + 50 + 21, every event once, newest first.
	b.clickTo("Clear filters", `document.querySelector('form[data-testid="filters"] a[href="/admin/log"]')`)
	if loc := b.location(); loc != b.base+"/admin/log" {
		t.Errorf("Clear filters led to %s", loc)
	}
	if got := b.pageThrough(""); !slices.Equal(got, all) {
		t.Errorf("paging through the log showed %d events, want all %d newest first", len(got), len(all))
	}
}

// download clicks a link that downloads a file into a fresh directory and
// returns the name the server suggested and the file's content.
func (b *browser) download(what, expr string) (string, []byte) {
	b.t.Helper()
	dir := b.t.TempDir()
	ctx, cancel := context.WithTimeout(b.ctx, waitTimeout)
	defer cancel()
	begins := chromedp.Events(ctx, cdpbrowser.DownloadWillBegin)
	progress := chromedp.Events(ctx, cdpbrowser.DownloadProgress)
	on := true
	if _, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &on,
		BrowserContextID: chromedp.FromContext(ctx).BrowserContextID, // the test's, not the browser's default
	}); err != nil {
		b.t.Fatalf("allowing downloads: %v", err)
	}
	b.click(what, expr)
	var guid string
	for ev, err := range progress {
		if err != nil {
			b.t.Fatalf("downloading %s: %v", what, err)
		}
		if ev.State == cdpbrowser.DownloadProgressStateCanceled {
			b.t.Fatalf("downloading %s: canceled", what)
		}
		if ev.State == cdpbrowser.DownloadProgressStateCompleted {
			guid = ev.GUID
			break
		}
	}
	var name string
	for ev, err := range begins {
		if err != nil {
			b.t.Fatalf("downloading %s: %v", what, err)
		}
		if ev.GUID == guid {
			name = ev.SuggestedFilename
			break
		}
	}
	body, err := os.ReadFile(filepath.Join(dir, guid))
	if err != nil {
		b.t.Fatalf("reading the download of %s: %v", what, err)
	}
	return name, body
}

// TestConsoleProofAndExport: a row's time link opens the proof of that
// decision, with its ledger link verified and the texts the visitor saw; the
// CSV export of a filtered log downloads exactly the filtered events.
func TestConsoleProofAndExport(t *testing.T) {
	b := start(t)
	b.seedLog(60) // 30 accept all, 18 reject all, 6 custom, 6 withdraw
	visitor := b.decide("reject-all", necessary)
	b.signIn("/admin/log")

	// The newest row is the visitor's refusal; its time opens the proof.
	rows := b.logRows()
	if len(rows) == 0 || rows[0].Consent != visitor.ConsentID {
		t.Fatalf("the newest row is not the visitor's decision %s: %+v", visitor.ConsentID, rows[:min(len(rows), 1)])
	}
	e := b.lastEvent()
	b.clickTo("the newest row's time", `document.querySelector('tr[data-testid="row"] td a')`)
	if loc := b.location(); loc != b.base+"/admin/events/"+e.ID.String() {
		t.Fatalf("the row's time link led to %s, want the proof of event %s", loc, e.ID)
	}
	if !b.isVisible(`document.querySelector('[data-testid="link-ok"]')`) || eval[bool](b, `!!document.querySelector('[data-testid="link-broken"]')`) {
		t.Error("the proof does not show its ledger link as verified")
	}
	proof := eval[string](b, `document.querySelector('[data-testid="proof"]').innerText`)
	for _, want := range []string{e.ID.String(), visitor.ConsentID, "Rejected all", "Banner", hexOf(e.Hash), hexOf(e.TextsHash), e.Personal.IP, e.Personal.UserAgent, b.base + "/demo"} {
		if !strings.Contains(proof, want) {
			t.Errorf("the proof does not show %q:\n%s", want, proof)
		}
	}
	var texts consent.Texts
	if body, err := b.app.Store.Texts(b.ctx, e.TextsHash); err != nil || json.Unmarshal(body, &texts) != nil {
		t.Fatalf("the decision's texts: %v", err)
	}
	shown := eval[string](b, `document.querySelector('[data-testid="texts"]')?.innerText || ""`)
	want := []string{"We value your privacy", "Accept all", "Reject all", "Customize", texts.Messages["banner_body"]}
	for _, c := range texts.Categories {
		want = append(want, c.Name, c.Description)
	}
	if len(texts.Categories) != 4 {
		t.Errorf("the texts snapshot has %d categories, want the demo site's 4", len(texts.Categories))
	}
	for _, w := range want {
		if w == "" || !strings.Contains(shown, w) {
			t.Errorf("the proof's texts do not show %q:\n%s", w, shown)
		}
	}

	// Export the refusals as CSV: a real download of exactly those rows.
	b.open("/admin/log?action=reject_all")
	name, body := b.download("the CSV export", `document.querySelector('a[data-testid="export-csv"]')`)
	if !strings.HasPrefix(name, "consentry-") || !strings.HasSuffix(name, ".csv") {
		t.Errorf("the export is named %q, want consentry-….csv", name)
	}
	records, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || len(records) == 0 {
		t.Fatalf("the export is not CSV: %v\n%s", err, body)
	}
	head := records[0]
	col := func(name string) int {
		i := slices.Index(head, name)
		if i < 0 {
			t.Fatalf("the export has no %s column: %v", name, head)
		}
		return i
	}
	idCol, actCol, consentCol := col("event_id"), col("action"), col("consent_id")
	var got []string
	for _, r := range records[1:] {
		if r[actCol] != "reject_all" {
			t.Errorf("the export of reject_all has a row with action %q", r[actCol])
		}
		got = append(got, r[idCol])
	}
	// The export runs oldest first.
	wantIDs := b.newestFirst(ofAction(consent.RejectAll))
	slices.Reverse(wantIDs)
	if !slices.Equal(got, wantIDs) || len(wantIDs) != 19 {
		t.Errorf("the export has %d rows, want the %d refusals oldest first", len(got), len(wantIDs))
	}
	if last := records[len(records)-1]; last[consentCol] != visitor.ConsentID {
		t.Errorf("the export's last row is consent %s, want the visitor's %s", last[consentCol], visitor.ConsentID)
	}
}

func hexOf(h [32]byte) string { return fmt.Sprintf("%x", h) }

// TestConsoleErase: an admin erases a visitor's personal data from their
// consent page with a reason; the page then says so, the store keeps the
// decisions without their personal fields, other visitors keep theirs, and
// the ledger still verifies.
func TestConsoleErase(t *testing.T) {
	b := start(t)
	b.seedLog(10)
	first := b.decide("accept-all", necessary, preferences, analytics, marketing)
	// The same visitor changes their mind: two events under one consent ID.
	b.wait("the reopen button", visible(reopenButton))
	b.click("the reopen button", reopenButton)
	b.wait("the preference center", visible(part("prefs")))
	b.click("Reject all", part("prefs")+`.querySelector('[data-action="reject_all"]')`)
	if st := b.waitGranted("the refusal", necessary); st.ConsentID != first.ConsentID {
		t.Fatalf("the second decision has consent ID %s, want %s", st.ConsentID, first.ConsentID)
	}
	id := uuid.MustParse(first.ConsentID)
	before, err := b.app.Store.EventsByConsent(b.ctx, id)
	if err != nil || len(before) != 2 || before[0].Personal.IP == "" || before[0].Personal.UserAgent == "" || before[0].Personal.Page == "" {
		t.Fatalf("before erasure: %d events of %s (%v), personal fields %+v", len(before), id, err, before[0].Personal)
	}

	b.signIn("/admin/log")
	b.clickTo("the visitor's consent ID", fmt.Sprintf(`document.querySelector('tr[data-testid="row"] a[href="/admin/consents/%s"]')`, id))
	if loc := b.location(); loc != b.base+"/admin/consents/"+id.String() {
		t.Fatalf("the consent ID link led to %s", loc)
	}
	if n := eval[int](b, `document.querySelectorAll('table[data-testid="history"] tbody tr').length`); n != 2 {
		t.Errorf("the consent page lists %d decisions, want 2", n)
	}
	if eval[bool](b, `!!document.querySelector('[data-testid="erased"]')`) {
		t.Error("the consent page says erased before any erasure")
	}
	history := func() string {
		return eval[string](b, `document.querySelector('table[data-testid="history"]').innerText`)
	}
	for _, p := range []string{before[0].Personal.IP, before[0].Personal.Page} {
		if !strings.Contains(history(), p) {
			t.Errorf("before erasure the consent page does not show %q:\n%s", p, history())
		}
	}
	const reason = "DSR-2026-0042: erasure requested by email"
	b.do("typing the reason", chromedp.SendKeys(chromedp.CSS(`form[data-testid="erase"] #reason`), reason))
	if resp := b.clickTo("Erase", `document.querySelector('form[data-testid="erase"] button[type="submit"]')`); resp.Status != http.StatusOK {
		t.Fatalf("erasing answered %d", resp.Status)
	}
	// It asks first, showing what will go; nothing is erased yet.
	preview := eval[string](b, `document.querySelector('table[data-testid="erase-preview"]')?.innerText || ""`)
	if !strings.Contains(preview, before[0].Personal.IP) || !strings.Contains(preview, before[0].Personal.Page) {
		t.Fatalf("the confirmation does not show what will be removed:\n%s", preview)
	}
	if got := eval[string](b, `document.querySelector('[data-testid="erase-reason"]').textContent`); got != reason {
		t.Errorf("the confirmation shows the reason %q, want %q", got, reason)
	}
	if still, _ := b.app.Store.EventsByConsent(b.ctx, id); still[0].Personal.IP == "" || still[0].Erased != nil {
		t.Fatal("asking for confirmation erased already")
	}
	if resp := b.clickTo("Yes, erase these fields", `document.querySelector('form[data-testid="erase-confirm"] button[type="submit"]')`); resp.Status != http.StatusOK {
		t.Fatalf("confirming answered %d", resp.Status)
	}
	if loc := b.location(); loc != b.base+"/admin/consents/"+id.String() {
		t.Errorf("after erasing the browser is at %s, want the consent page", loc)
	}
	if note := eval[string](b, `document.querySelector('[data-testid="erased"]')?.textContent || ""`); !strings.Contains(note, "erased") || !strings.Contains(note, reason) {
		t.Errorf("after erasing the page says %q, want that the data was erased and why", note)
	}
	if eval[bool](b, `!!document.querySelector('form[data-testid="erase"]')`) {
		t.Error("the erase form still shows after erasure")
	}
	for _, p := range []string{before[0].Personal.IP, before[0].Personal.Page} {
		if strings.Contains(history(), p) {
			t.Errorf("after erasure the consent page still shows %q:\n%s", p, history())
		}
	}

	after, err := b.app.Store.EventsByConsent(b.ctx, id)
	if err != nil || len(after) != 2 {
		t.Fatalf("after erasure: %d events (%v), want the 2 decisions kept", len(after), err)
	}
	for _, e := range after {
		if e.Personal != (consent.Personal{}) || e.Erased == nil || e.Erased.Reason != reason {
			t.Errorf("event %s after erasure: personal %+v, erasure %+v", e.ID, e.Personal, e.Erased)
		}
	}
	for _, e := range b.events() {
		if e.ConsentID != id && e.Personal.IP == "" {
			t.Errorf("another visitor's event %s lost its personal fields", e.ID)
		}
	}
	var v ledger.Verifier
	if err := b.app.Store.Walk(b.ctx, 0, v.Next); err != nil {
		t.Fatalf("the ledger no longer verifies after erasure: %v", err)
	}
	seq, head, err := b.app.Store.Head(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Finish(seq, head); err != nil || v.Count() != 12 {
		t.Errorf("after erasure the ledger verifies %d events, want 12: %v", v.Count(), err)
	}
	// Newest first: the lookup of the page shown after erasing, then the erasure.
	entries, err := b.app.Store.AuditLog(b.ctx, 0, 10)
	if err != nil || len(entries) < 2 || entries[0].Action != "dsr_lookup" || entries[1].Action != "erase" || entries[1].Target != id.String() || entries[1].Actor != b.adminEmail {
		t.Errorf("the audit trail's newest entries are %+v (%v), want the erasure of %s by %s, then a lookup", entries[:min(len(entries), 2)], err, id, b.adminEmail)
	}
}

// TestConsoleDashboard: the dashboard shows the recorded decisions' totals
// by action and the grant rate of each category.
func TestConsoleDashboard(t *testing.T) {
	b := start(t)
	b.seedLog(120) // 60 accept all, 36 reject all, 12 custom (analytics), 12 withdraw
	b.decide("accept-all", necessary, preferences, analytics, marketing)
	b.signIn("/admin/log")
	b.clickTo("Dashboard", `document.querySelector('nav a[href="/admin/dashboard"]')`)
	if loc := b.location(); loc != b.base+"/admin/dashboard" {
		t.Fatalf("the Dashboard link led to %s", loc)
	}
	for id, want := range map[string]string{
		"tile-total": "121", "tile-accept_all": "61", "tile-reject_all": "36", "tile-custom": "12", "tile-withdraw": "12",
		"rate-necessary": "100.0%", "rate-preferences": "50.4%", "rate-analytics": "60.3%", "rate-marketing": "50.4%",
	} {
		got := eval[string](b, fmt.Sprintf(`(document.querySelector('[data-testid=%q] .n') || document.querySelector('[data-testid=%q]'))?.textContent.trim() ?? "missing"`, id, id))
		if got != want {
			t.Errorf("%s shows %q, want %q", id, got, want)
		}
	}
}

// TestConsoleViewerCannotErase: a viewer answering a data-subject request
// sees the visitor's records and the export but no erase form, and the
// erase route itself answers 403 to a post with the viewer's valid token.
func TestConsoleViewerCannotErase(t *testing.T) {
	b := start(t)
	b.seedLog(3)
	e := b.events()[0]
	const viewerPassword = "viewer-password-for-tests"
	u, err := auth.NewUser("viewer@shop.example", auth.Viewer, viewerPassword, bcrypt.MinCost)
	if err == nil {
		err = b.app.Store.AddUser(b.ctx, u)
	}
	if err != nil {
		t.Fatal(err)
	}
	b.adminEmail, b.adminPassword = "viewer@shop.example", viewerPassword
	path := "/admin/consents/" + e.ConsentID.String()
	b.signIn(path)
	if !b.isVisible(`document.querySelector('[data-testid="dsr-export"]')`) {
		t.Error("the viewer sees no export link")
	}
	if eval[bool](b, `!!document.querySelector('form[data-testid="erase"]')`) {
		t.Error("a viewer is offered the erase form")
	}
	status := eval[float64](b, `(async () => {
		const token = document.querySelector('input[name="_csrf"]').value;
		const r = await fetch(location.pathname + "/erase", {method: "POST",
			body: new URLSearchParams({_csrf: token, reason: "not allowed", confirm: "yes"})});
		return r.status;
	})()`)
	if status != 403 {
		t.Errorf("a viewer posting to the erase route got %v, want 403", status)
	}
	if after, _ := b.app.Store.Event(b.ctx, e.ID); after.Erased != nil {
		t.Error("the viewer's post erased the visitor")
	}
}

// TestDashboardLegendRTL: in English and in Arabic each legend swatch sits
// beside its own label, on the side the reading starts from, nearer to it
// than to any other label, and has the colour of its action's bars (or its
// category's line); and over 7, 30, 90 and 365 days no two axis labels
// overlap, each stays inside its chart, the y-axes start at zero as the
// language writes it (a count, a percentage: '0‎%‎' in Arabic), and the
// dates run the way the page reads (right to left in Arabic).
func TestDashboardLegendRTL(t *testing.T) {
	b := start(t)
	b.seedHistoryGPC(400, 30, 12, 10) // the legend's fifth key has bars to match
	b.signIn("/admin/dashboard")
	words, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "ar"} {
		if lang == "ar" {
			b.do("choosing Arabic", chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), "ar"))
			b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)
			b.open("/admin/dashboard")
		}
		problems := eval[[]string](b, `(() => {
			const out = [];
			for (const [legend, marks, count] of [["legend", "figure.chart rect", 5], ["optin-legend", "figure.chart polyline", 3]]) {
				const el = document.querySelector('[data-testid="' + legend + '"]');
				const rtl = getComputedStyle(el).direction === "rtl";
				const keys = [...el.querySelectorAll('.key')];
				const labels = keys.map(k => k.querySelector(".label").getBoundingClientRect());
				if (keys.length !== count) out.push(legend + ": " + keys.length + " keys");
				keys.forEach((k, i) => {
					const name = legend + " " + (k.dataset.action || k.dataset.category);
					const s = k.querySelector(".swatch").getBoundingClientRect();
					const mid = s.left + s.width / 2;
					const dist = (r) => Math.max(r.left - mid, mid - r.right, 0);
					const nearest = labels.reduce((best, r, j) => dist(r) < dist(labels[best]) ? j : best, 0);
					if (nearest !== i) out.push(name + ": the swatch is nearest label " + nearest);
					const own = labels[i];
					if (rtl ? s.left < own.right - 0.5 : s.right > own.left + 0.5) out.push(name + ": the swatch is on the wrong side of its label");
					if (k.dataset.action) {
						const fill = k.querySelector(".swatch rect").getAttribute("fill");
						const bar = document.querySelector(marks + '[fill="' + fill + '"] title');
						if (bar && !bar.textContent.includes(k.querySelector(".label").textContent)) out.push(name + ": bars of its colour are titled " + bar.textContent);
					} else {
						const stroke = k.querySelector(".swatch line").getAttribute("stroke");
						const line = document.querySelector(marks + '[data-category="' + k.dataset.category + '"]');
						if (!line || line.getAttribute("stroke") !== stroke) out.push(name + ": its line is not drawn in its colour");
					}
				});
			}
			return out;
		})()`)
		for _, p := range problems {
			t.Errorf("%s: %s", lang, p)
		}
		links := eval[[]string](b, `[...document.querySelectorAll('[data-testid="periods"] a')].map(a => a.getAttribute("href"))`)
		if len(links) != 4 {
			t.Fatalf("%s: %d period links, want 4", lang, len(links))
		}
		// The y-axes' zeros as the user reads them in the language: a
		// count, and a percentage ("0%", "0‎%‎" in Arabic).
		zero, _ := json.Marshal(map[string]string{"chart": words.For(lang).Num(0), "optin": words.For(lang).Pct(0, 0)})
		for i, link := range links {
			b.open(link)
			problems := eval[[]string](b, `((zero) => {
				const out = [];
				const rtl = document.documentElement.dir === "rtl";
				const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
				for (const id of ["chart", "optin"]) {
					const svg = document.querySelector('[data-testid="' + id + '-x"]').ownerSVGElement.getBoundingClientRect();
					const x = [...document.querySelectorAll('[data-testid="' + id + '-x"] text.xtick')];
					const y = [...document.querySelectorAll('[data-testid="' + id + '-y"] text.ytick')];
					if (x.length < 2) out.push(id + ": " + x.length + " date labels");
					if (y.length < 2 || y[0].textContent !== zero[id]) out.push(id + ": the y-axis does not start at " + zero[id] + ": " + y.map(e => e.textContent));
					const all = [...x, ...y, ...document.querySelectorAll('[data-testid="' + id + '-x"] text.xsub')];
					const boxes = all.map(e => e.getBoundingClientRect());
					boxes.forEach((r, i) => {
						if (r.left < svg.left - 0.5 || r.right > svg.right + 0.5) out.push(id + ": " + all[i].textContent + " sticks out of the chart");
						for (let j = i + 1; j < boxes.length; j++) {
							if (overlap(r, boxes[j])) out.push(id + ": " + all[i].textContent + " overlaps " + all[j].textContent);
						}
					});
					const xs = x.map(e => e.getBoundingClientRect().left);
					for (let i = 1; i < xs.length; i++) {
						if (rtl ? xs[i] >= xs[i - 1] : xs[i] <= xs[i - 1]) out.push(id + ": the dates do not run " + (rtl ? "right to left" : "left to right"));
					}
				}
				return out;
			})(`+string(zero)+`)`)
			for _, p := range problems {
				t.Errorf("%s, period %d: %s", lang, i, p)
			}
		}
	}
}
