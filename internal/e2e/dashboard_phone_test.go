package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestDashboardChartsReadableOnAPhone: at 320 CSS px wide, in English and in
// Arabic, over 7, 30, 90 and 365 days, every label of both dashboard charts
// (the dates, the years under them, the y-axis's figures, the axis titles)
// is at least 10 px tall as drawn, inside its chart, and touches no other
// label. The charts were drawn 960 units wide and shrunk to the phone's
// 262 px, their labels 3.5 px tall.
func TestDashboardChartsReadableOnAPhone(t *testing.T) {
	b := start(t)
	b.seedHistory(400, 30, 12)
	b.signIn("/admin/dashboard")
	b.do("narrowing the viewport", chromedp.EmulateViewport(320, 640))
	for _, lang := range []string{"en", "ar"} {
		b.do("choosing the console's language", chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), lang))
		b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)
		b.open("/admin/dashboard")
		links := eval[[]string](b, `[...document.querySelectorAll('[data-testid="periods"] a')].map(a => a.getAttribute("href"))`)
		if len(links) != 4 {
			t.Fatalf("%s: %d period links, want 4", lang, len(links))
		}
		for i, link := range links {
			b.open(link)
			problems := eval[[]string](b, `(() => {
				const out = [];
				const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
				for (const id of ["chart", "optin-chart"]) {
					const shown = [...document.querySelectorAll('[data-testid="' + id + '"] > svg')].filter(s => s.getBoundingClientRect().width > 0);
					if (shown.length !== 1) { out.push(id + ": " + shown.length + " charts shown"); continue; }
					const svg = shown[0], box = svg.getBoundingClientRect();
					if (box.right > innerWidth + 0.5 || box.left < -0.5) out.push(id + ": the chart is at x=" + Math.round(box.left) + "–" + Math.round(box.right));
					const labels = [...svg.querySelectorAll("text.xtick, text.xsub, text.ytick, text.axis-title")];
					if (svg.querySelectorAll("text.xtick").length < 2) out.push(id + ": fewer than two dates");
					const boxes = labels.map(e => e.getBoundingClientRect());
					boxes.forEach((r, i) => {
						const what = id + ": " + labels[i].getAttribute("class") + " " + JSON.stringify(labels[i].textContent);
						const tall = labels[i].hasAttribute("transform") ? r.width : r.height;
						if (tall < 10) out.push(what + " is " + tall.toFixed(1) + " px tall");
						if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) out.push(what + " sticks out of the chart");
						for (let j = i + 1; j < boxes.length; j++) {
							if (overlap(r, boxes[j])) out.push(what + " overlaps " + JSON.stringify(labels[j].textContent));
						}
					});
				}
				return out;
			})()`)
			for _, p := range problems {
				t.Errorf("%s, period %d: %s", lang, i, p)
			}
		}
	}
}
