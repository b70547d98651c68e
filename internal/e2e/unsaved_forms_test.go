package e2e

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// watchDialogs records the type of every JavaScript dialog the page
// opens (a beforeunload one above all) and dismisses it: the browser
// stays on the page.
func (b *browser) watchDialogs() func() []string {
	b.t.Helper()
	var mu sync.Mutex
	var dialogs []string
	if err := chromedp.Listen(b.ctx, func(ev any) {
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			mu.Lock()
			dialogs = append(dialogs, string(d.Type))
			mu.Unlock()
			go chromedp.Call(b.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false}) // stay on the page
		}
	}); err != nil {
		b.t.Fatal(err)
	}
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(dialogs)
	}
}

// TestDownloadsDoNotWarn: a download leaves nothing typed behind, so with
// changes typed and not saved (the erase form's reason, the header's time
// zone) every download link of the console (a visitor's records as JSON
// and CSV, the log's, the audit trail's and the dashboard's exports, the
// signed ledger head) downloads its file without the browser asking
// whether to leave; following a link to another page still asks. Each
// link marks itself a download (download), which is what keeps the
// browser's beforeunload from firing: without it, the browser asks before
// every export (Chromium and Firefox alike).
func TestDownloadsDoNotWarn(t *testing.T) {
	b := start(t)
	visitor := b.decide("accept-all", necessary, preferences, analytics, marketing)
	b.signIn("/admin/log")
	asked := b.watchDialogs()
	defer func() {
		if t.Failed() { // a download that never came: the browser asked, and stayed
			t.Logf("the browser's dialogs: %q", asked())
		}
	}()
	tz := `form[data-testid="me"] input[name="tz"]`
	for _, p := range []struct {
		path, dirty string
		links       []string
	}{
		{"/admin/consents/" + visitor.ConsentID, `form[data-testid="erase"] #reason`, []string{"dsr-export", "dsr-export-csv"}},
		{"/admin/log", tz, []string{"export-csv", "export-ndjson"}},
		{"/admin/audit", tz, []string{"audit-export-csv"}},
		{"/admin/dashboard", tz, []string{"chart-csv", "optin-csv"}},
		{"/admin/integrity", tz, []string{"signed-head"}},
	} {
		eval[bool](b, `([...document.forms].forEach(f => f.reset()), true)`) // nothing left to lose: the next page opens without asking
		b.open(p.path)
		b.typeInto(p.dirty, "x")
		for _, id := range p.links {
			name, body := b.download(p.path+" "+id, `document.querySelector('a[data-testid="`+id+`"]')`)
			if len(body) == 0 {
				t.Errorf("%s: %s downloaded %q, empty", p.path, id, name)
			}
			if got := asked(); len(got) != 0 {
				t.Fatalf("%s: downloading %s with a change not saved, the browser asked %q", p.path, id, got)
			}
			if loc := b.location(); loc != b.base+p.path {
				t.Errorf("after downloading %s the page is %s, want %s", id, loc, p.path)
			}
		}
	}
	b.click("Consent log", `document.querySelector('nav a[href="/admin/log"]')`)
	for deadline := time.Now().Add(waitTimeout); len(asked()) == 0 && time.Now().Before(deadline); time.Sleep(25 * time.Millisecond) {
	}
	if got := asked(); !slices.Equal(got, []string{"beforeunload"}) {
		t.Errorf("leaving the integrity page with the time zone changed: the browser asked %q, want a beforeunload dialog", got)
	}
}

// TestUnsavedFormsWarnBeforeLeaving: the site editor is some thirty forms
// on one page, and saving one loads the page anew. With a change typed
// into the basics' name and not saved, saving the texts makes the
// browser ask before leaving (its beforeunload dialog); staying keeps
// what was typed. Saving a form with only its own changes, or with
// nothing changed anywhere, asks nothing and saves. Saving one form lost
// what was typed into any other without a word. The console's script runs
// under its Content-Security-Policy (no page exception, no violation).
func TestUnsavedFormsWarnBeforeLeaving(t *testing.T) {
	b := start(t)
	csp := b.watchCSP()
	b.signIn("/admin/sites/demo")
	asked := b.watchDialogs()
	if !eval[bool](b, `[...document.scripts].some(s => s.src.endsWith("/admin.js"))`) {
		t.Fatal("the site editor loads no admin.js")
	}
	texts := `document.querySelector('form[data-testid="texts-form"] button[type="submit"]')`
	basics := `document.querySelector('form[data-testid="basics"] button[type="submit"]')`

	b.submit("Save (texts), nothing changed", texts, "/admin/sites/demo?lang=en#texts")
	b.typeInto("#t-banner_title", " now")
	b.submit("Save (texts), the texts changed", texts, "/admin/sites/demo?lang=en#texts")
	if got := asked(); len(got) != 0 {
		t.Fatalf("saving with no other form changed, the browser asked %q", got)
	}

	b.typeInto("#b-name", " shop")
	b.click("Save (texts), the name changed", texts)
	for deadline := time.Now().Add(waitTimeout); len(asked()) == 0 && time.Now().Before(deadline); time.Sleep(25 * time.Millisecond) {
	}
	if got := asked(); !slices.Equal(got, []string{"beforeunload"}) {
		t.Fatalf("saving the texts with the name changed and not saved: the browser asked %q, want a beforeunload dialog", got)
	}
	b.settle()
	if name := eval[string](b, `document.querySelector("#b-name").value`); !strings.Contains(name, " shop") || !strings.HasPrefix(b.location(), b.base+"/admin/sites/demo") {
		t.Errorf("after staying, the page is %s with the name %q, want what was typed kept", b.location(), name)
	}
	b.shotIfAsked("unsaved-forms-stay.png")
	resp := b.clickTo("Save (basics), its own change", basics)
	if loc := b.location(); resp.Status != 200 || !strings.HasSuffix(loc, "#basics") || len(asked()) != 1 {
		t.Errorf("saving the basics with their own change led to %s (%d), asking %q", loc, resp.Status, asked())
	}
	if v := csp(); len(v) > 0 {
		t.Errorf("Content-Security-Policy violations: %q", v)
	}
}
