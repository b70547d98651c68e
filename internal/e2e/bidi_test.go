package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/words"
)

// TestRequestTextsKeepTheirOrderInArabic: in the Arabic console, what staff
// typed in Latin script (a requester's reference, a note, an outcome) reads
// in its own order on the list and on the request's page: a leading quote
// stays before the word it opens instead of moving to the far end. A time
// reads date, time and zone in their order, on the request's page and in
// the audit trail (it read 'UTC 21:43:44 2026-12-01').
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
	// A time (2026-12-01 21:43:44 UTC) reads date, time, zone from left
	// to right: its year's first digit is drawn left of its zone.
	timeInOrder := func(where, selector string) {
		t.Helper()
		got := eval[[]float64](b, `(() => {
			const w = document.createTreeWalker(document.querySelector(`+strconv.Quote(selector)+`), NodeFilter.SHOW_TEXT);
			for (let n; (n = w.nextNode());) {
				const m = n.data.match(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [A-Z]+/);
				if (!m) continue;
				const x = (i) => { const r = document.createRange(); r.setStart(n, m.index + i); r.setEnd(n, m.index + i + 1); return r.getBoundingClientRect().left; };
				return [x(0), x(m[0].length - 1)];
			}
			return [];
		})()`)
		if len(got) != 2 {
			t.Fatalf("%s: no time in %s", where, selector)
		}
		if got[0] > got[1] {
			t.Errorf("%s: a time is drawn out of order in the Arabic console (its year at x=%.0f, right of its zone at x=%.0f)", where, got[0], got[1])
		}
	}
	b.open("/admin/requests")
	inOrder("the list of requests", r.Reference)
	b.open("/admin/requests/" + strconv.FormatInt(r.ID, 10))
	inOrder("the request's page", r.Reference)
	inOrder("the request's page", r.Note)
	timeInOrder("the request's page", `[data-testid="request-recorded"]`)
	b.open("/admin/audit")
	timeInOrder("the audit trail", `[data-testid="audit"] tbody td`)
}

// TestAuditIDInParenthesesArabic: in the Arabic console, an event ID in
// parentheses inside an audit entry's detail ('السجل مكسور عند الحدث #7
// (01a2…): …') reads in its own order and has the opening parenthesis on
// its right (where an Arabic sentence opens one) and the closing one on its
// left, and it stays on one line with its parentheses. The ID's hyphens
// took the sentence's direction: its parts stood in reverse order, over
// two lines. A consent ID as the entry's target, alone in its cell, is not
// broken at a hyphen either. (A phone's line has no room for a UUID.)
func TestAuditIDInParenthesesArabic(t *testing.T) {
	b := start(t)
	const id = "01a2334c-6d5d-7d38-bc02-77bf69afc480"
	at := words.Say("a_break_at_event", map[string]words.Words{"Seq": words.WrittenInt(7), "ID": words.Written(id)})
	const target = "01a2334c-7e5e-7d38-bc02-77bf69afc481" // as a lookup names a consent ID
	if err := b.app.Store.Audit(b.ctx, auth.AuditEntry{Time: time.Now().UTC(), Actor: "cli", Action: "verify", Target: target,
		Detail: "TAMPERED: ledger broken at event #7 (" + id + "): …", IP: "-", Words: []words.Words{
			words.Say("a_audit_detail_tampered", map[string]words.Words{"Break": words.Say("a_break", map[string]words.Words{"At": at, "Reason": words.Say("a_break_hash", nil)})}),
		}}); err != nil {
		t.Fatal(err)
	}
	b.signIn("/admin/audit")
	b.do("choosing Arabic", chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), "ar"))
	b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)
	const width = 1280 // the window of every browser test
	b.open("/admin/audit?action=verify")
	// Each character's box, from "(" before the ID to ")" after it.
	boxes := eval[[][]float64](b, `(() => {
		const id = `+strconv.Quote(id)+`, cell = document.querySelector('[data-testid="audit-detail"]');
		const chars = [], w = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
		for (let n; (n = w.nextNode());) for (let i = 0; i < n.data.length; i++) chars.push([n, i]);
		const at = chars.map(([n, i]) => n.data[i]).join("").indexOf(id);
		if (at < 1) return [];
		return chars.slice(at - 1, at + id.length + 1).map(([n, i]) => {
			const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);
			const b = r.getBoundingClientRect(); return [b.left, b.right, b.top];
		});
	})()`)
	if len(boxes) != len(id)+2 {
		t.Fatalf("at %d px the Arabic trail does not show %q in its detail", width, id)
	}
	open, first, last, closing := boxes[0], boxes[1], boxes[len(boxes)-2], boxes[len(boxes)-1]
	for i, c := range boxes {
		if c[2] != first[2] {
			t.Errorf("at %d px, %q breaks across lines: its character %d is at y=%.0f, its first at y=%.0f", width, "("+id+")", i, c[2], first[2])
			break
		}
	}
	if first[0] > last[0] {
		t.Errorf("at %d px, %s reads backwards: its first character at x=%.0f, its last at x=%.0f", width, id, first[0], last[0])
	}
	if lines := eval[int](b, `(() => {
		const r = document.createRange(); r.selectNodeContents(document.querySelector('[data-testid="audit-target"]'));
		return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size;
	})()`); lines != 1 {
		t.Errorf("at %d px, the target %s takes %d lines: it breaks at a hyphen", width, target, lines)
	}
	if open[0] < last[1]-0.5 || closing[1] > first[0]+0.5 {
		t.Errorf("at %d px, the parentheses around %s face the wrong way: '(' at x=%.0f–%.0f and ')' at x=%.0f–%.0f, the ID from x=%.0f to %.0f",
			width, id, open[0], open[1], closing[0], closing[1], first[0], last[1])
	}
}

// TestFieldsReadInTheirOwnDirection: a console field reads what it holds in
// that text's own direction, line by line, whatever the console's: in the
// Arabic console a service's English description read ".Keeps your visit
// …", its full stop at the start, and in the English console editing the
// Arabic texts an Arabic description ended in a full stop on the right.
// Every text field and text area of the site editor, with a service open,
// resolves its direction from its text (unicode-bidi: plaintext); numbers
// keep the console's alignment.
func TestFieldsReadInTheirOwnDirection(t *testing.T) {
	b := start(t)
	b.signIn("/admin/sites/demo?edit=1")
	check := func(what string) {
		t.Helper()
		got := eval[[]string](b, `[...document.querySelectorAll("main input, main textarea")]
			.filter(e => e.type !== "hidden" && e.offsetParent !== null)
			.map(e => (e.id || e.name) + ":" + e.type + ":" + getComputedStyle(e).unicodeBidi)`)
		if len(got) < 10 {
			t.Fatalf("%s: only %d fields: %q", what, len(got), got)
		}
		for _, f := range got {
			typ, bidi := f, ""
			if i := strings.LastIndex(f, ":"); i >= 0 {
				typ, bidi = f[:i], f[i+1:]
			}
			text := !strings.HasSuffix(typ, ":number") && !strings.HasSuffix(typ, ":color") && !strings.HasSuffix(typ, ":checkbox") &&
				!strings.HasSuffix(typ, ":date") && !strings.HasSuffix(typ, ":password")
			if text && bidi != "plaintext" || !text && bidi == "plaintext" {
				t.Errorf("%s: %s reads its text with unicode-bidi %s", what, f, bidi)
			}
		}
	}
	check("the English console")
	b.do("choosing Arabic", chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), "ar"))
	b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)
	b.open("/admin/sites/demo?edit=1")
	if d := eval[string](b, `document.querySelector("#s-desc").value`); !strings.HasPrefix(d, "Keeps your visit") {
		t.Fatalf("the service's description is %q, want the English one", d)
	}
	check("the Arabic console")
}
