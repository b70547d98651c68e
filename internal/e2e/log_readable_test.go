package e2e

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestLogReadableAt1280: at 1280 px the consent log is a list read line by
// line, in English, German and Arabic: the table fits its box (no sideways
// scroll), every row is one line high, and a list of categories cut short
// to fit names them all in its title. The consent ID shows its last group,
// its whole value the link's title and target, and searching that value
// still finds the visitor. Before, a consent ID wrapped to three lines, the
// time to two, and rows were 80 px high; then the granted and denied
// categories still wrapped: rows two lines high in English, three in German.
func TestLogReadableAt1280(t *testing.T) {
	b := start(t)
	b.seedHistory(3, 1, 40) // over a page (50) of accept_all on any weekday
	visitor := b.decide("accept-all", necessary, preferences, analytics, marketing)
	b.signIn("/admin/log")
	b.do("setting the viewport", chromedp.EmulateViewport(1280, 800))
	for _, lang := range []string{"en", "de", "ar"} {
		b.speak(lang)
		b.open("/admin/log")
		b.shotIfAsked("log-1280-" + lang + ".png")
		m := eval[struct {
			Rows, Tall       int
			Highest, Line    float64
			Scroll, Box      int
			Wrapped, Cut     []string
			Title, Href, Txt string
		}](b, `(() => {
			const t = document.querySelector('table[data-testid="log"]'), box = t.closest(".scroll");
			const line = parseFloat(getComputedStyle(t.tBodies[0].rows[0].cells[0]).lineHeight);
			const rows = [...t.tBodies[0].rows], hs = rows.map(r => r.getBoundingClientRect().height);
			const wrapped = [];
			rows.forEach((r, i) => {
				for (const [what, cell] of [["time", r.cells[0]], ["consent ID", r.cells[r.cells.length - 1]]]) {
					const n = new Set([...cell.querySelector("a").getClientRects()].map(q => Math.round(q.top))).size;
					if (n !== 1) wrapped.push("row " + i + "'s " + what + " on " + n + " lines");
				}
			});
			const cut = [];
			for (const td of t.querySelectorAll('td[data-testid="granted"], td[data-testid="denied"]')) {
				const words = td.textContent.trim();
				if (td.scrollWidth <= td.clientWidth + 1) continue;
				if (td.title !== words) cut.push(td.dataset.testid + " " + JSON.stringify(words) + " cut short, titled " + JSON.stringify(td.title));
				else if (getComputedStyle(td).textOverflow !== "ellipsis") cut.push(td.dataset.testid + " " + JSON.stringify(words) + " cut without an ellipsis");
			}
			const first = rows[0].cells[rows[0].cells.length - 1].querySelector("a");
			return {rows: rows.length, tall: hs.filter(h => h > line + 14).length, highest: Math.max(...hs), line,
				scroll: box.scrollWidth, box: box.clientWidth, wrapped, cut,
				title: first.title, href: new URL(first.href).pathname, txt: first.textContent.trim()};
		})()`)
		if m.Rows == 0 {
			t.Fatalf("%s: the log shows no rows", lang)
		}
		if m.Scroll > m.Box {
			t.Errorf("%s: at 1280 px the log is %d px wide in a box of %d: it scrolls sideways", lang, m.Scroll, m.Box)
		}
		if m.Tall > 0 {
			t.Errorf("%s: at 1280 px %d of %d rows are taller than one line (the highest %.0f px, a line %.1f px)", lang, m.Tall, m.Rows, m.Highest, m.Line)
		}
		if len(m.Cut) > 0 {
			t.Errorf("%s: at 1280 px %s", lang, strings.Join(m.Cut[:min(len(m.Cut), 4)], "; "))
		}
		if len(m.Wrapped) > 0 {
			t.Errorf("%s: at 1280 px %s", lang, strings.Join(m.Wrapped[:min(len(m.Wrapped), 4)], "; "))
		}
		if m.Title != visitor.ConsentID || m.Href != "/admin/consents/"+visitor.ConsentID || m.Txt != "…"+visitor.ConsentID[24:] {
			t.Errorf("%s: the newest row's consent ID shows %q, titled %q, leading to %s; want …%s, titled and leading to %s",
				lang, m.Txt, m.Title, m.Href, visitor.ConsentID[24:], visitor.ConsentID)
		}
	}
	// Language and GPC are a link away, kept from page to page.
	b.speak("en")
	b.open("/admin/log?action=accept_all")
	heads := `[...document.querySelectorAll('table[data-testid="log"] thead th')].map(th => th.textContent.trim()).join(", ")`
	if h := eval[string](b, heads); strings.Contains(h, "Language") || strings.Contains(h, "GPC") {
		t.Errorf("by default the log's columns are %s, want no Language or GPC", h)
	}
	b.clickTo("Show every column", `document.querySelector('[data-testid="columns"]')`)
	if h := eval[string](b, heads); !strings.Contains(h, "Language") || !strings.Contains(h, "GPC") {
		t.Errorf("after Show every column the log's columns are %s, want Language and GPC", h)
	}
	b.shotIfAsked("log-1280-all-columns.png")
	if q := b.query(); q.Get("action") != "accept_all" || q.Get("columns") != "all" {
		t.Errorf("Show every column led to %s: the filter or the columns lost", b.location())
	}
	b.clickTo("Older decisions", `document.querySelector('[data-testid="older"]')`)
	if h := eval[string](b, heads); !strings.Contains(h, "GPC") || b.query().Get("action") != "accept_all" {
		t.Errorf("the next page (%s) shows the columns %s: every column and the filter should stay", b.location(), h)
	}
	b.do("narrowing the viewport", chromedp.EmulateViewport(320, 640))
	b.fullShotIfAsked("log-320-all-columns.png")
	b.do("widening the viewport", chromedp.EmulateViewport(1280, 800))
	b.clickTo("Show fewer columns", `document.querySelector('[data-testid="columns"]')`)
	if h := eval[string](b, heads); strings.Contains(h, "GPC") || b.query().Get("action") != "accept_all" {
		t.Errorf("after Show fewer columns (%s) the columns are %s", b.location(), h)
	}

	// The whole ID, as the title gives it, still finds its visitor.
	b.open("/admin/log?q=" + url.QueryEscape(visitor.ConsentID))
	if loc, want := b.location(), fmt.Sprintf("%s/admin/consents/%s", b.base, visitor.ConsentID); loc != want {
		t.Errorf("searching the consent ID %s led to %s, want %s", visitor.ConsentID, loc, want)
	}
}
