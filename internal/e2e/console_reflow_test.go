package e2e

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestConsoleFits320: at 320 CSS px wide (WCAG 1.4.10), no screen of the
// console is wider than the window, in English, German (long words) and
// Arabic (right to left): document.scrollingElement.scrollWidth is at most
// 320. A data table may still scroll inside its own box, and a record's
// values (a proof's, a request's) have at least 200 px. The audit trail
// was 331 px wide (433 in German): its filter's list of actions was as wide
// as its longest action. A request's page was 558 px wide in German, its
// names beside their values, and a proof's values stood one letter wide
// beside their names, a page 12,000 px high.
func TestConsoleFits320(t *testing.T) {
	for _, lang := range []string{"en", "de", "ar"} {
		t.Run(lang, func(t *testing.T) {
			b, c := axeConsole(t)
			b.do("narrowing the viewport", chromedp.EmulateViewport(320, 640))
			fits := func(what string) {
				t.Helper()
				if w := eval[int](b, `document.scrollingElement.scrollWidth`); w > 320 {
					t.Errorf("at 320 px, %s (%s) is %d px wide: it scrolls sideways", what, lang, w)
				}
				if w := eval[[]int](b, `[...document.querySelectorAll(".fields dd")].map(d => Math.round(d.getBoundingClientRect().width)).filter(w => w > 0 && w < 200)`); len(w) > 0 {
					t.Errorf("at 320 px, %s (%s) squeezes values into %v px", what, lang, w)
				}
			}
			b.open("/admin/login?lang=" + lang)
			fits("the sign-in page")
			b.signIn("/admin/log")
			b.do("choosing the console's language", chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), lang))
			b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)
			for _, p := range []string{"/admin/log", "/admin/log?action=nonsense", c.event, c.consent, c.consent + "?request=" + c.requestID, c.request,
				"/admin/dashboard", "/admin/requests", "/admin/integrity", "/admin/audit", "/admin/users",
				"/admin/sites", "/admin/sites/demo", "/admin/sites/demo?edit=3", "/admin/sites/demo/embed", "/admin/sites/demo/diff", "/admin/account",
				"/admin/log?q=" + strings.Repeat("n%C3%B6pe", 15)} { // a refusal repeating a long word typed
				b.open(p)
				fits(p)
			}
			b.open(c.consent)
			b.do("typing the reason", chromedp.SendKeys(chromedp.CSS(`form[data-testid="erase"] #reason`), "DSR-1: erasure requested by email"))
			b.clickTo("Erase", `document.querySelector('form[data-testid="erase"] button[type="submit"]')`)
			fits("the erase confirmation")
		})
	}
}

// TestConsoleListsStackOnAPhone: at 320 px the log, the audit trail and
// the requests stack each row's cells, each under its column's name, as
// the receipt does, in English and Arabic: every cell is on screen and
// names its column (for the eye: its alternative text is "", the header
// row names it to a screen reader, TestStackedTablesKeepTheirRoles). The tables scrolled sideways inside their box, the
// audit trail's detail and the log's choices out of sight.
func TestConsoleListsStackOnAPhone(t *testing.T) {
	b, c := axeConsole(t)
	b.signIn("/admin/log")
	b.open(c.consent) // an entry in the trail with a target and a detail
	b.do("narrowing the viewport", chromedp.EmulateViewport(320, 640))
	for _, lang := range []string{"en", "ar"} {
		b.do("choosing the console's language", chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), lang))
		b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)
		for _, p := range []struct{ path, table string }{{"/admin/log", "log"}, {"/admin/audit", "audit"}, {"/admin/requests", "requests"}} {
			b.open(p.path)
			bad := eval[[]string](b, `(() => {
				const table = document.querySelector('[data-testid=`+strconv.Quote(p.table)+`]'), out = [];
				const heads = [...table.querySelectorAll("thead th")].map(th => th.textContent.trim());
				for (const row of table.tBodies[0].rows) {
					[...row.cells].forEach((td, i) => {
						const r = td.getBoundingClientRect(), label = getComputedStyle(td, "::before").content;
						if (r.left < -0.5 || r.right > innerWidth + 0.5) out.push("cell " + i + " at x=" + Math.round(r.left) + "–" + Math.round(r.right));
						if (label !== JSON.stringify(heads[i]) + ' / ""') out.push("cell " + i + " labelled " + label + ", its column " + heads[i]);
						if (!td.textContent.trim() && getComputedStyle(td, "::before").display !== "none") out.push("cell " + i + " shows its label " + heads[i] + " over nothing");
					});
				}
				return out.length ? out : (table.tBodies[0].rows.length ? [] : ["no rows"]);
			})()`)
			if len(bad) > 0 {
				t.Errorf("at 320 px (%s), %s does not stack: %s", lang, p.path, strings.Join(bad[:min(len(bad), 4)], "; "))
			}
		}
	}
}

// TestConsoleHeaderOnAPhone: at 320 px the console's header puts its
// navigation under Consentry's name, its links side by side, so a page's
// title starts within the top 250 px, in English, German and Arabic; beside
// the name the links stood one a line, the title at 290 px (334 in German).
func TestConsoleHeaderOnAPhone(t *testing.T) {
	b := start(t)
	b.signIn("/admin/log")
	b.do("narrowing the viewport", chromedp.EmulateViewport(320, 640))
	for _, lang := range []string{"en", "de", "ar"} {
		b.do("choosing the console's language", chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), lang))
		b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)
		b.open("/admin/log")
		if y := eval[float64](b, `document.querySelector("main h1").getBoundingClientRect().top`); y > 250 {
			t.Errorf("at 320 px (%s), the page's title starts at y=%.0f, below the header", lang, y)
		}
	}
}

// TestCardsOpenWithoutABlankLine: a card's padding is its only space at
// its top. A form card begins with its hidden fields (the CSRF token, the
// request it is for), so its first text kept its own top margin: the
// erase form opened with a blank line, and so did every card whose first
// visible part is a paragraph (16 px more than its padding).
func TestCardsOpenWithoutABlankLine(t *testing.T) {
	b := start(t)
	visitor := b.decide("accept-all", necessary, preferences, analytics, marketing)
	b.signIn("/admin/consents/" + visitor.ConsentID)
	for _, p := range []string{"/admin/consents/" + visitor.ConsentID, "/admin/requests", "/admin/users", "/admin/account", "/admin/sites", "/admin/sites/demo"} {
		b.open(p)
		gaps := eval[[]string](b, `[...document.querySelectorAll("main .card")].filter(c => c.checkVisibility()).map(c => {
			const first = [...c.children].find(e => e.checkVisibility() && e.getBoundingClientRect().height > 0);
			if (!first) return "";
			const s = getComputedStyle(c), gap = first.getBoundingClientRect().top - c.getBoundingClientRect().top - parseFloat(s.borderTopWidth) - parseFloat(s.paddingTop);
			return Math.abs(gap) > 1 ? (c.dataset.testid || c.tagName.toLowerCase()) + " " + JSON.stringify(first.textContent.trim().slice(0, 40)) + " " + gap.toFixed(1) + " px below its padding" : "";
		}).filter(Boolean)`)
		if len(gaps) > 0 {
			t.Errorf("%s: %s", p, strings.Join(gaps, "; "))
		}
		if strings.HasPrefix(p, "/admin/consents/") {
			b.shotIfAsked("card-erase.png")
		}
	}
}

// TestFormButtonsLineUpWithFields: in the site editor's forms (and the
// requests' form) a form's button stands in its fields' column and no
// wider than they are, in English and in Arabic: "Save draft" and "Add
// category" ran 20 and 104 px past the fields' edge, to the card's.
func TestFormButtonsLineUpWithFields(t *testing.T) {
	b := start(t)
	b.signIn("/admin/sites/demo")
	for _, lang := range []string{"en", "ar"} {
		b.do("choosing "+lang, chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), lang))
		b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)
		for _, p := range []string{"/admin/sites/demo", "/admin/requests"} {
			b.open(p)
			out := eval[[]string](b, `[...document.querySelectorAll("main form.grid")].filter(f => f.checkVisibility()).flatMap(f => {
				const fields = [...f.querySelectorAll("input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea")].filter(e => e.checkVisibility()).map(e => e.getBoundingClientRect());
				if (!fields.length) return [];
				const left = Math.min(...fields.map(r => r.left)), right = Math.max(...fields.map(r => r.right));
				return [...f.children].filter(e => e.tagName === "BUTTON" && e.checkVisibility()).map(e => e.getBoundingClientRect()).filter(r => r.left < left - 1 || r.right > right + 1)
					.map(r => (f.dataset.testid || f.getAttribute("action")) + ": button " + Math.round(r.left) + "–" + Math.round(r.right) + ", fields " + Math.round(left) + "–" + Math.round(right));
			})`)
			if len(out) > 0 {
				t.Errorf("%s (%s): %s", p, lang, strings.Join(out, "; "))
			}
		}
		b.open("/admin/sites/demo")
		eval[bool](b, `(document.querySelector('form[data-testid="add-category"]').scrollIntoView({block: "center"}), true)`)
		b.shotIfAsked("buttons-" + lang + ".png")
	}
}
