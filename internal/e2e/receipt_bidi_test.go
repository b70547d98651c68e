package e2e

import (
	"net/url"
	"testing"
)

// TestReceiptTimeReadsLeftToRight: on the receipt in a right-to-left
// language a decision's time (2026-12-02 10:15 UTC) is drawn as it is
// written, every character right of the one before; the bidi algorithm
// drew it 'UTC 10:15 2026-12-02', the date at the right end.
func TestReceiptTimeReadsLeftToRight(t *testing.T) {
	b := start(t)
	b.decide("accept-all", necessary, preferences, analytics, marketing)
	tok := eval[string](b, `decodeURIComponent((document.cookie.match(/(?:^|; )consentry=([^;]*)/) || [])[1] || "")`)
	if tok == "" {
		t.Fatal("the visitor has no consent cookie after deciding")
	}
	for _, lang := range []string{"ar", "he", "fa", "ur"} {
		b.open("/api/v1/consents/receipt?" + url.Values{"token": {tok}, "lang": {lang}}.Encode())
		b.wait("the receipt page in "+lang, visible(onPage("receipt-rows")))
		if dir := eval[string](b, `document.documentElement.dir`); dir != "rtl" {
			t.Fatalf("%s: the receipt's page is %q, want rtl", lang, dir)
		}
		// Where each character of the time is drawn, in the text's order
		// (spaces left out: a space between two runs may stand anywhere).
		type glyph struct {
			Char string  `json:"char"`
			Left float64 `json:"left"`
		}
		got := eval[[]glyph](b, `(() => {
			const w = document.createTreeWalker(`+onPage("receipt-rows")+`.tBodies[0].rows[0].cells[0], NodeFilter.SHOW_TEXT);
			for (let n; (n = w.nextNode());) {
				if (!/\d{4}-\d\d-\d\d/.test(n.data)) continue;
				const out = [];
				for (let i = 0; i < n.data.length; i++) {
					if (n.data[i] === " ") continue;
					const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);
					out.push({char: n.data[i], left: r.getBoundingClientRect().left});
				}
				return out;
			}
			return [];
		})()`)
		if len(got) < len("2026-12-0210:15UTC") {
			t.Fatalf("%s: the receipt's first row shows no time: %v", lang, got)
		}
		for i := 1; i < len(got); i++ {
			if got[i].Left <= got[i-1].Left {
				t.Errorf("%s: the receipt's time is drawn out of order: %q at x=%.0f is not right of %q at x=%.0f", lang, got[i].Char, got[i].Left, got[i-1].Char, got[i-1].Left)
				break
			}
		}
	}
}
