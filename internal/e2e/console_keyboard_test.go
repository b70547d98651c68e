package e2e

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// tabStop is where a press of Tab put the focus.
type tabStop struct {
	What    string  `json:"what"`    // tag, test id or text, for a message
	Index   int     `json:"index"`   // its place among the page's links and controls, in the document's order
	Top     float64 `json:"top"`     // its box, in the document's coordinates
	Bottom  float64 `json:"bottom"`  //
	Outline string  `json:"outline"` // its computed outline: style and width
	Visible bool    `json:"visible"` // an outline drawn at least 2 px wide
	Seen    bool    `json:"seen"`    // wholly inside the viewport
}

// TestConsoleTabsInOrderOnAPhone: at 320 px, Tab reaches every link and
// button of the console's header and of the first stacked rows of the log
// and the requests, one after the other in the document's order, each
// below or beside the one before (never above it), scrolled into sight and
// with a visible focus indicator (an outline at least 2 px wide), in
// English and Arabic.
func TestConsoleTabsInOrderOnAPhone(t *testing.T) {
	b, c := axeConsole(t)
	b.signIn("/admin/log")
	b.open(c.consent)
	b.do("narrowing the viewport", chromedp.EmulateViewport(320, 640))
	for _, lang := range []string{"en", "ar"} {
		b.do("choosing the console's language", chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), lang))
		b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)
		for _, p := range []struct{ path, table string }{{"/admin/log", "log"}, {"/admin/requests", "requests"}} {
			b.open(p.path)
			// The stops wanted: every link and control of the header, then
			// on to the links of the table's first three rows.
			last := eval[int](b, `(() => {
				const all = [...document.querySelectorAll("a[href], button, input, select, textarea, summary")].filter(e => !e.disabled && e.getClientRects().length);
				window.__stops = all;
				const rows = [...document.querySelector("[data-testid=`+p.table+`]").tBodies[0].rows].slice(0, 3);
				const inRows = all.filter(e => rows.some(r => r.contains(e)));
				return all.indexOf(inRows[inRows.length - 1]);
			})()`)
			if last < 0 {
				t.Fatalf("%s (%s) has no link in its first rows", p.path, lang)
			}
			var bad []string
			var prev *tabStop
			// A date field takes three presses, one for each of its parts.
			i := 0
			for presses := 0; i <= last && presses < 4*(last+1); presses++ {
				b.key(kb.Tab)
				s := eval[tabStop](b, `(() => {
					const e = document.activeElement, r = e.getBoundingClientRect(), st = getComputedStyle(e);
					return {what: e.tagName.toLowerCase() + " " + (e.dataset.testid || e.textContent.trim().slice(0, 30)),
						index: window.__stops.indexOf(e), top: r.top + scrollY, bottom: r.bottom + scrollY,
						outline: st.outlineStyle + " " + st.outlineWidth, visible: st.outlineStyle !== "none" && parseFloat(st.outlineWidth) >= 2,
						seen: r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth};
				})()`)
				if prev != nil && s.Index == prev.Index && s.Index >= 0 {
					continue
				}
				switch {
				case s.Index != i:
					bad = append(bad, "Tab "+strconv.Itoa(i+1)+" reached "+s.What+" (stop "+strconv.Itoa(s.Index)+")")
				case !s.Visible:
					bad = append(bad, s.What+" has no visible focus: outline "+s.Outline)
				case !s.Seen:
					bad = append(bad, s.What+" is out of sight with the focus")
				case prev != nil && s.Bottom <= prev.Top:
					bad = append(bad, s.What+" stands above "+prev.What)
				}
				if len(bad) > 0 {
					break
				}
				prev = &s
				i++
			}
			if len(bad) == 0 && i <= last {
				bad = append(bad, "Tab reached "+strconv.Itoa(i)+" of "+strconv.Itoa(last+1)+" stops")
			}
			if len(bad) > 0 {
				t.Errorf("at 320 px (%s), Tab on %s: %s", lang, p.path, strings.Join(bad, "; "))
			}
		}
	}
}
