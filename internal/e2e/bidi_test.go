package e2e

import (
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/consentry/consentry/internal/consent"
)

// TestRequestTextsKeepTheirOrderInArabic: in the Arabic console, what staff
// typed in Latin script (a requester's reference, a note, an outcome) reads
// in its own order on the list and on the request's page: a leading quote
// stays before the word it opens instead of moving to the far end.
func TestRequestTextsKeepTheirOrderInArabic(t *testing.T) {
	b := start(t)
	today := consent.DateOf(time.Now(), time.UTC)
	r := &consent.SubjectRequest{Kind: consent.RequestAccess, Received: today.AddDate(0, 0, -1), Reference: `"DSR-42" by email`,
		Note: `"urgent" per phone`, CreatedAt: time.Now().UTC(), CreatedBy: b.adminEmail}
	if err := r.Validate(today); err != nil {
		t.Fatal(err)
	}
	if err := b.app.Store.AddRequest(b.ctx, r); err != nil {
		t.Fatal(err)
	}
	b.signIn("/admin/requests")
	b.do("choosing Arabic", chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), "ar"))
	b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)
	// Where the text's first character (the opening quote) and its second
	// (D) are drawn: in the text's own order the quote is left of the D.
	inOrder := func(where, text string) {
		t.Helper()
		got := eval[[]float64](b, `(() => {
			const want = `+strconv.Quote(text)+`;
			const w = document.createTreeWalker(document.querySelector("main") || document.body, NodeFilter.SHOW_TEXT);
			for (let n; (n = w.nextNode());) {
				if (n.data.trim() !== want) continue;
				const at = n.data.indexOf(want), x = (i) => { const r = document.createRange(); r.setStart(n, at + i); r.setEnd(n, at + i + 1); return r.getBoundingClientRect().left; };
				return [x(0), x(1)];
			}
			return [];
		})()`)
		if len(got) != 2 {
			t.Fatalf("%s: %q is not on the page", where, text)
		}
		if got[0] > got[1] {
			t.Errorf("%s: %q is drawn out of order in the Arabic console (its opening quote at x=%.0f, right of the next letter at x=%.0f)", where, text, got[0], got[1])
		}
	}
	b.open("/admin/requests")
	inOrder("the list of requests", r.Reference)
	b.open("/admin/requests/" + strconv.FormatInt(r.ID, 10))
	inOrder("the request's page", r.Reference)
	inOrder("the request's page", r.Note)
}
