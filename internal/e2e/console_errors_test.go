package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestConsoleInGermanForADPO walks what a privacy officer meets daily, in
// German, in a real browser: the log lists Granted and Denied in the site's
// order; the visitor's cookie value pasted into the search box opens their
// page and an altered one is refused in words; filters, the dashboard of a
// site that does not exist and a request's form say what is wrong in
// German, after the field's label; the audit trail says a request's answer
// in words. With CONSENTRY_SCREENSHOTS, each screen is saved
// (console-de-*.png).
func TestConsoleInGermanForADPO(t *testing.T) {
	b := start(t)
	b.seedLog(3)
	visitor := b.decide("accept-all", necessary, preferences, analytics, marketing)
	cookie := b.cookies()["consentry"]
	if cookie == nil {
		t.Fatal("no consentry cookie after deciding")
	}
	b.signIn("/admin/log")
	b.do("choosing German", chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), "de"))
	b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)
	b.open("/admin/log")
	if got := eval[string](b, `document.querySelector('[data-testid="granted"]').textContent`); got != "Notwendig, Präferenzen, Statistik, Marketing" {
		t.Errorf("newest decision's Granted: %q", got)
	}
	b.shotIfAsked("console-de-log.png")

	search := func(q string) {
		b.t.Helper()
		b.do("typing into the search box", chromedp.SetValue(chromedp.CSS("#q"), q))
		b.clickTo("Suchen", `document.querySelector('form.search button[type="submit"]')`)
	}
	search(cookie.Value)
	if loc := b.location(); loc != b.base+"/admin/consents/"+visitor.ConsentID {
		t.Errorf("searching the cookie value led to %s", loc)
	}
	b.open("/admin/log")
	altered := cookie.Value[:40] + map[bool]string{true: "B", false: "A"}[cookie.Value[40] == 'A'] + cookie.Value[41:]
	search(altered)
	errorSays := func(want string) {
		b.t.Helper()
		if got := eval[string](b, `(document.querySelector('[data-testid="error"]') || {}).textContent || ""`); got != want {
			b.t.Errorf("error %q, want %q", got, want)
		}
	}
	errorSays("Die Signatur dieses Tokens lässt sich nicht prüfen: Diese Installation hat es nicht ausgestellt, oder es wurde verändert.")
	b.shotIfAsked("console-de-token-refused.png")

	b.open("/admin/log?from=1999-01-01")
	errorSays("Von: „1999-01-01“ liegt vor 2000, vor jeder Entscheidung")
	b.shotIfAsked("console-de-filter-error.png")

	resp := b.clickTo("dashboard link", `(() => { const a = document.createElement('a'); a.href = '/admin/dashboard?site=nosuch'; a.textContent = 'x';
		a.style = 'position:fixed;top:0;left:0;z-index:9999;padding:1em;background:#fff'; document.body.append(a); return a })()`)
	if resp.Status != http.StatusNotFound {
		t.Errorf("dashboard of no such site: %d, want 404", resp.Status)
	}
	errorSays("Es gibt keine Website nosuch.")
	b.fullShotIfAsked("console-de-dashboard-nosuch.png")

	// A day after today: what the browser's max catches, and the server
	// refuses too (a page left open past midnight, another time zone).
	b.open("/admin/requests")
	tomorrow := time.Now().UTC().AddDate(0, 0, 2).Format(time.DateOnly)
	eval[bool](b, `(() => { const d = document.querySelector('#rq-received'); d.removeAttribute('max'); d.value = '`+tomorrow+`';
		document.querySelector('#rq-reference').value = 'Brief vom 1. März'; return true })()`)
	b.clickTo("Anfrage erfassen", `document.querySelector('[data-testid="record-request"]')`)
	errorSays("Eingegangen am: darf nicht nach dem heutigen Tag liegen")
	b.shotIfAsked("console-de-request-error.png")

	// Recorded 60 days ago and answered today: late, said in words.
	eval[bool](b, `(() => { const d = new Date(Date.now() - 60*864e5).toISOString().slice(0, 10);
		document.querySelector('#rq-received').value = d; return true })()`)
	b.clickTo("Anfrage erfassen", `document.querySelector('[data-testid="record-request"]')`)
	b.do("typing the outcome", chromedp.SetValue(chromedp.CSS("#rq-outcome"), "Auskunft per E-Mail erteilt"))
	b.clickTo("Als beantwortet markieren", `document.querySelector('[data-testid="mark-answered"]')`)
	b.open("/admin/audit")
	details := eval[string](b, `[...document.querySelectorAll('[data-testid="audit-detail"]')].map(d => d.textContent).join('\n')`)
	if !strings.Contains(details, "Verspätet beantwortet am ") || strings.Contains(details, "answered_late") {
		t.Errorf("audit details:\n%s", details)
	}
	b.shotIfAsked("console-de-audit.png")
}
