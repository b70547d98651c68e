package e2e

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/consentry/consentry/internal/catalog"
	"github.com/consentry/consentry/internal/consent"
	"github.com/google/uuid"
)

// axePath is axe-core's browser build, installed by `npm ci` in this
// directory (package.json pins the version).
const axePath = "node_modules/axe-core/axe.min.js"

var axeSource = sync.OnceValues(func() ([]byte, error) { return os.ReadFile(axePath) })

// requireAxe returns axe-core's source. It skips the test when the file is
// missing, except under CI, where a missing axe-core is a failure.
func requireAxe(t testing.TB) string {
	t.Helper()
	src, err := axeSource()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("accessibility tests need axe-core under CI (run `npm ci` in internal/e2e): %v", err)
		}
		t.Skipf("no axe-core (run `npm ci` in internal/e2e): %v", err)
	}
	return string(src)
}

// axeViolation is one failed axe rule with the elements that fail it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	URL    string `json:"helpUrl"`
	Nodes  []struct {
		Target  string `json:"target"` // selectors; " >>> " steps into a shadow root
		HTML    string `json:"html"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

func (v axeViolation) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, "%s (%s): %s, on %d element(s) [%s]", v.ID, v.Impact, v.Help, len(v.Nodes), v.URL)
	for i, n := range v.Nodes {
		if i == 3 {
			fmt.Fprintf(&s, "\n\t\t… and %d more", len(v.Nodes)-i)
			break
		}
		fmt.Fprintf(&s, "\n\t\t%s\n\t\t  %s\n\t\t  %s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", " "))
	}
	return s.String()
}

// axe runs axe-core on the whole document as it is now, open shadow roots
// included, and returns its violations of every rule it runs by default and
// of target-size.
func (b *browser) axe(src string) []axeViolation {
	b.t.Helper()
	if !eval[bool](b, `typeof window.axe === "object"`) {
		if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
			b.t.Fatalf("injecting axe-core: %v", err)
		}
	}
	// target-size (WCAG 2.2 AA, 2.5.8) is off in axe by default; the
	// standard Consentry is held to includes it.
	return evalWithin[[]axeViolation](b, axeTimeout, `axe.run(document, {resultTypes: ["violations"], rules: {"target-size": {enabled: true}}}).then(r => r.violations.map(v => ({
		id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
		nodes: v.nodes.map(n => ({
			target: n.target.map(t => Array.isArray(t) ? t.join(" >>> ") : t).join(", "),
			html: n.html.length > 200 ? n.html.slice(0, 200) + "…" : n.html,
			summary: n.failureSummary || "",
		})),
	})))`)
}

// checkAxe fails the test for every serious or critical violation axe finds
// on the page now, and logs the lesser ones.
func (b *browser) checkAxe(src, what string) {
	b.t.Helper()
	var bad []string
	for _, v := range b.axe(src) {
		if v.Impact == "serious" || v.Impact == "critical" {
			bad = append(bad, v.String())
		} else {
			b.t.Logf("axe on %s, %s: %s", what, v.Impact, v)
		}
	}
	if len(bad) > 0 {
		b.t.Errorf("axe on %s: %d serious or critical violation(s):\n\t%s", what, len(bad), strings.Join(bad, "\n\t"))
	}
}

// TestAxeBanner: axe-core finds no serious or critical violation on the demo
// page with the banner open, nor with the preference center open (its
// service lists unfolded), nor on the preference page without JavaScript,
// in English and in Arabic; nor once the visitor has decided, with the
// reopen button and the preference center showing the consent ID.
func TestAxeBanner(t *testing.T) {
	src := requireAxe(t)
	b := start(t)
	for _, lang := range []string{"en", "ar"} {
		b.open("/demo?lang=" + lang)
		b.waitBanner()
		b.checkAxe(src, "the banner ("+lang+")")

		b.click("Customize", part("customize"))
		b.wait("the preference center", visible(part("prefs")))
		b.checkAxe(src, "the preference center ("+lang+")")
		n := eval[int](b, `(() => {
			const ds = [...`+part("prefs")+`.querySelectorAll("details")];
			ds.forEach(d => d.open = true);
			return ds.length;
		})()`)
		if n == 0 {
			t.Fatal("the preference center lists no services")
		}
		b.checkAxe(src, "the preference center with its services unfolded ("+lang+")")

		b.open("/p/demo?lang=" + lang)
		b.checkAxe(src, "the preference page without JavaScript ("+lang+")")
	}

	// After a decision: the floating button, and the preference center
	// with the consent ID and the receipt link.
	b.decide("reject-all", necessary)
	b.wait("the reopen button", visible(reopenButton))
	b.checkAxe(src, "the demo page with the reopen button")
	b.click("the reopen button", reopenButton)
	b.wait("the consent ID", visible(part("consent-id")))
	b.checkAxe(src, "the preference center after a decision")
}

// TestAxeConsole: axe-core finds no serious or critical violation on the
// staff console's pages, with decisions recorded: sign-in, the log (a bad
// filter's error included), a proof, the dashboard, a consent (data-subject
// request) page, the site editor with a service open and the rest, on a
// desktop (1280 px) and on a phone (320 px, where the lists stack, records'
// names stand above their values and the header's navigation has its own
// line).
func TestAxeConsole(t *testing.T) {
	src := requireAxe(t)
	for _, width := range []int64{1280, 320} {
		t.Run(strconv.FormatInt(width, 10), func(t *testing.T) {
			b, c := axeConsole(t)
			b.do("setting the viewport", chromedp.EmulateViewport(width, 800))
			b.open("/admin/login")
			b.checkAxe(src, "the sign-in page")
			b.open("/admin/login?lang=ar")
			b.checkAxe(src, "the sign-in page (ar)")
			b.signIn("/admin/log")
			for _, p := range []struct{ path, testid string }{
				{"/admin/log", "log"},
				{"/admin/log?action=reject_all&before=40", "log"},
				{"/admin/log?action=nonsense", "error"},
				{c.event, "link-ok"},
				{"/admin/dashboard", "totals"},
				{c.consent, "erase"},
				{"/admin/integrity", "verify"},
				{"/admin/audit", "audit"},
				{"/admin/users", "users"},
				{"/admin/sites", "sites"},
				{"/admin/sites/demo", "basics"},
				{"/admin/sites/demo?edit=3", "service-edit-cancel"},
				{"/admin/sites/demo/embed", "embed-tag"},
				{"/admin/account", "signout-everywhere"},
				{"/admin/requests", "requests"},
				{c.request, "answer-request"},
				{c.consent + "?request=" + c.requestID, "for-request"},
			} {
				b.open(p.path)
				if !eval[bool](b, fmt.Sprintf(`!!document.querySelector('[data-testid=%q]')`, p.testid)) {
					t.Errorf("%s shows no %s", p.path, p.testid)
				}
				b.checkAxe(src, fmt.Sprintf("%s at %d px", p.path, width))
			}
		})
	}
}

// TestAxeConsoleArabic: the console's main pages in Arabic, right to left,
// chosen in the footer's form, with no serious or critical violation, on a
// desktop (1280 px) and on a phone (320 px).
func TestAxeConsoleArabic(t *testing.T) {
	src := requireAxe(t)
	for _, width := range []int64{1280, 320} {
		t.Run(strconv.FormatInt(width, 10), func(t *testing.T) {
			b, c := axeConsole(t)
			b.do("setting the viewport", chromedp.EmulateViewport(width, 800))
			b.signIn("/admin/log")
			b.do("choosing Arabic", chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), "ar"))
			b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)
			if l := eval[string](b, `document.documentElement.lang + " " + document.documentElement.dir`); l != "ar rtl" {
				t.Fatalf("after choosing Arabic the console is %q, want ar rtl", l)
			}
			for _, p := range []string{"/admin/log", c.event, "/admin/dashboard", c.consent, "/admin/account", "/admin/requests", c.request,
				"/admin/audit", "/admin/integrity", "/admin/sites/demo?edit=3"} {
				b.open(p)
				b.checkAxe(src, fmt.Sprintf("%s (ar) at %d px", p, width))
			}
		})
	}
}

// axeConsolePages are the paths of the records axeConsole makes.
type axeConsolePages struct{ event, consent, request, requestID string }

// axeConsole starts a console with two revisions (the dashboard compares
// them), decisions refused from origins the demo site does not allow (the
// site list and the editor say so), a log of 60 events, a visitor's decision and two data-subject
// requests, one for that visitor.
func axeConsole(t *testing.T) (*browser, axeConsolePages) {
	b := start(t)
	b.seedHistory(3, 1, 4)
	b.seedRefusals()
	b.seedLog(60)
	visitor := b.decide("accept-all", necessary, preferences, analytics, marketing)
	e := b.lastEvent()
	rq := b.addRequest(consent.RequestErasure, 40, "DSR-1 · email", uuid.MustParse(visitor.ConsentID))
	b.addRequest(consent.RequestAccess, 2, "DSR-2 · letter")
	id := strconv.FormatInt(rq.ID, 10)
	return b, axeConsolePages{event: "/admin/events/" + e.ID.String(), consent: "/admin/consents/" + visitor.ConsentID,
		request: "/admin/requests/" + id, requestID: id}
}

// overflowing lists the elements that stick out of the viewport sideways,
// looking into shadow roots too, apart from those in data tables, which WCAG
// 1.4.10 lets scroll in two dimensions, and those wholly off screen on
// purpose, such as a skip link until it has the focus.
func (b *browser) overflowing() []string {
	b.t.Helper()
	return eval[[]string](b, `(() => {
		const out = [];
		const walk = (root) => {
			for (const e of root.querySelectorAll("*")) {
				if (e.shadowRoot) walk(e.shadowRoot);
				if (e.closest("table")) continue;
				const r = e.getBoundingClientRect();
				const partly = r.width > 0 && r.right > 0 && r.left < innerWidth;
				if (partly && (r.right > innerWidth + 0.5 || r.left < -0.5))
					out.push(e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (typeof e.className === "string" && e.className ? "." + e.className.trim().split(/\s+/).join(".") : "") +
						" [" + Math.round(r.left) + ", " + Math.round(r.right) + "]");
			}
		};
		walk(document);
		return out;
	})()`)
}

// TestReflow320: at 320 CSS px wide, the banner and the preference center
// (services unfolded, their cookie tables included) fit the screen in
// English and Arabic, and so do the console's forms: nothing needs
// scrolling sideways but the console's data tables. The site editor's and
// the requests' forms set their labels beside their fields, the longest
// label as wide as the page (899 px at 320 on the site editor).
func TestReflow320(t *testing.T) {
	b := start(t)
	b.do("narrowing the viewport", chromedp.EmulateViewport(320, 640))
	check := func(what string) {
		t.Helper()
		if out := b.overflowing(); len(out) > 0 {
			t.Errorf("at 320 px, %s sticks out of the screen: %s", what, strings.Join(out, "; "))
		}
	}
	for _, lang := range []string{"en", "ar"} {
		b.open("/demo?lang=" + lang)
		b.waitBanner()
		if w := eval[int](b, `document.documentElement.scrollWidth`); w > 320 {
			t.Errorf("at 320 px the demo page (%s) scrolls sideways: %d px wide", lang, w)
		}
		check("the banner (" + lang + ")")
		b.click("Customize", part("customize"))
		b.wait("the preference center", visible(part("prefs")))
		eval[int](b, `[...`+part("prefs")+`.querySelectorAll("details")].map(d => d.open = true).length`)
		if w := eval[[]int](b, `((p) => [p.scrollWidth, p.clientWidth])(`+part("prefs")+`)`); w[0] > w[1] {
			t.Errorf("at 320 px the preference center (%s) scrolls sideways: %d px of content in %d", lang, w[0], w[1])
		}
		check("the preference center (" + lang + ")")
	}
	b.seedHistory(3, 1, 4) // two revisions: the dashboard compares them
	b.seedRefusals()
	b.seedLog(3)
	e := b.lastEvent()
	b.open("/admin/login")
	check("the sign-in page")
	b.signIn("/admin/log")
	for _, p := range []string{"/admin/log", "/admin/events/" + e.ID.String(), "/admin/consents/" + e.ConsentID.String(), "/admin/dashboard",
		"/admin/requests", "/admin/sites", "/admin/sites/demo", "/admin/sites/demo?edit=3", "/admin/sites/demo/embed", "/admin/integrity",
		"/admin/users"} {
		b.open(p)
		check(p)
		for _, box := range b.unreachableScrollBoxes() {
			t.Errorf("at 320 px, on %s a box scrolls sideways that the keyboard cannot reach or that has no name: %s", p, box)
		}
	}
}

// unreachableScrollBoxes lists the boxes that scroll sideways on the page
// now, "show numbers" unfolded, and that a keyboard cannot focus (and so
// cannot scroll) or that are not a region named for a screen reader.
func (b *browser) unreachableScrollBoxes() []string {
	b.t.Helper()
	return eval[[]string](b, `(() => {
		document.querySelectorAll("details").forEach(d => d.open = true);
		const out = [];
		for (const e of document.querySelectorAll("main *")) {
			const s = getComputedStyle(e);
			if (!/auto|scroll/.test(s.overflowX) || e.scrollWidth <= e.clientWidth + 1) continue;
			const name = (e.getAttribute("aria-labelledby") || "").split(/\s+/).map(id => document.getElementById(id)?.textContent.trim() || "").join(" ").trim() || e.getAttribute("aria-label") || "";
			if (e.tabIndex < 0 || e.getAttribute("role") !== "region" || !name)
				out.push(e.tagName.toLowerCase() + "." + e.className + " holding " + (e.querySelector("[data-testid]")?.dataset.testid || "?") + " (" + e.scrollWidth + " px in " + e.clientWidth + ")");
		}
		return out;
	})()`)
}

// TestCookieTablesKeepWordsWhole: on a desktop screen, the preference
// center's cookie tables break no word across lines: the type column read
// "Persiste/nt" and cookie names "__stripe_m/id", because every cell could
// break anywhere (what a 320 px screen needs, TestReflow320) and the table
// shared out its width by each column's whole text.
func TestCookieTablesKeepWordsWhole(t *testing.T) {
	b := start(t)
	b.publishDemo("Stripe", func(s *consent.Site) {
		e, _ := catalog.Get("stripe")
		s.Services = append(s.Services, e.Service())
	})
	b.open("/demo")
	b.waitBanner()
	b.click("Customize", part("customize"))
	b.wait("the preference center", visible(part("prefs")))
	split := eval[[]string](b, `(() => {
		const prefs = `+part("prefs")+`;
		prefs.querySelectorAll("details").forEach(d => d.open = true);
		const out = [];
		for (const cell of prefs.querySelectorAll("td, th")) {
			const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
			for (let n; (n = walker.nextNode());) {
				for (const m of n.data.matchAll(/\S+/g)) {
					const r = document.createRange();
					r.setStart(n, m.index);
					r.setEnd(n, m.index + m[0].length);
					if (new Set([...r.getClientRects()].map(x => Math.round(x.top))).size > 1) out.push(m[0]);
				}
			}
		}
		return out;
	})()`)
	if len(split) > 0 {
		t.Errorf("at 1280 px, the cookie tables break these words across lines: %v", split)
	}
}
