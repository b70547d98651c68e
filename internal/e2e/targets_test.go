package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// crowded lists the targets (links, buttons, fields) in the cells matched
// by cells that are smaller than 24×24 CSS px, and the pairs sharing a cell
// that are closer than 8 px to each other, so that a touch meant for one
// lands on the other (WCAG 2.2, 2.5.8 Target Size, with room to spare).
func (b *browser) crowded(cells string) []string {
	b.t.Helper()
	return eval[[]string](b, fmt.Sprintf(`(() => {
		const out = [], name = e => e.tagName.toLowerCase() + " " + JSON.stringify(e.textContent.trim());
		for (const cell of document.querySelectorAll(%q)) {
			const ts = [...cell.querySelectorAll("a[href], button, select, input:not([type=hidden]), textarea, summary")];
			// A box in its label is touched through the label.
			const rs = ts.map(t => (t.closest("label") || t).getBoundingClientRect());
			ts.forEach((t, i) => {
				if (rs[i].width < 24 || rs[i].height < 24)
					out.push(name(t) + " is " + Math.round(rs[i].width) + "×" + Math.round(rs[i].height) + " px");
				for (let j = i + 1; j < ts.length; j++) {
					const a = rs[i], c = rs[j];
					const dx = Math.max(0, c.left - a.right, a.left - c.right), dy = Math.max(0, c.top - a.bottom, a.top - c.bottom);
					if (Math.hypot(dx, dy) < 8) out.push(name(t) + " and " + name(ts[j]) + " are " + Math.hypot(dx, dy).toFixed(1) + " px apart");
				}
			});
		}
		return out;
	})()`, cells))
}

// TestConsoleListTargetsApart: the site editor's services list puts its
// Edit link and Remove button apart, each big enough to touch, in English
// and in Arabic (right to left); so do the users list's role, disabled and
// save controls. Edit and Remove touched.
func TestConsoleListTargetsApart(t *testing.T) {
	b := start(t)
	b.signIn("/admin/sites/demo")
	for _, lang := range []string{"en", "ar"} {
		b.do("choosing "+lang, chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), lang))
		b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)
		for _, p := range []struct{ path, cells string }{
			{"/admin/sites/demo", `[data-testid="services"] td`},
			{"/admin/users", `[data-testid="users"] td`},
		} {
			b.open(p.path)
			if n := eval[int](b, fmt.Sprintf(`document.querySelectorAll(%q).length`, p.cells)); n == 0 {
				t.Fatalf("%s (%s) has no %s", p.path, lang, p.cells)
			}
			if out := b.crowded(p.cells); len(out) > 0 {
				t.Errorf("%s (%s): %s", p.path, lang, strings.Join(out, "; "))
			}
		}
	}
}

// TestUsersDisabledBoxLinedUp: on the users list, each user's Disabled box
// stands level with its word, in English and in Arabic; it sat at the top
// of a 32 px field, above the word.
func TestUsersDisabledBoxLinedUp(t *testing.T) {
	b := start(t)
	b.signIn("/admin/users")
	for _, lang := range []string{"en", "ar"} {
		b.do("choosing "+lang, chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), lang))
		b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)
		b.open("/admin/users")
		off := eval[[]float64](b, `[...document.querySelectorAll('[data-testid="users"] input[name="disabled"]')].map(box => {
			const text = [...box.closest("label").childNodes].find(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
			const r = document.createRange();
			r.selectNodeContents(text);
			const w = r.getBoundingClientRect(), c = box.getBoundingClientRect();
			return Math.abs((c.top + c.bottom) / 2 - (w.top + w.bottom) / 2);
		})`)
		if len(off) == 0 {
			t.Fatalf("users (%s): no Disabled box", lang)
		}
		for _, d := range off {
			if d > 2 {
				t.Errorf("users (%s): the Disabled box stands %.1f px off its word's middle", lang, d)
			}
		}
	}
}

// TestConsoleBoxesLinedUp: the site editor's radio buttons (material or
// editorial) and checkboxes (the banner leaving the page usable, the age
// notice, a category's GPC) are boxes of their own size standing level
// with the first line of their label, in English and in Arabic. The
// console's rule for fields (32 px high, padded) made each radio button
// sit 10 px above its words and stretched each checkbox across its column,
// its box drawn in the middle, away from the label.
func TestConsoleBoxesLinedUp(t *testing.T) {
	b := start(t)
	b.draftRetention()
	for _, lang := range []string{"en", "ar"} {
		b.do("choosing "+lang, chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), lang))
		b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)
		b.open("/admin/sites/demo")
		out := eval[[]string](b, `(() => {
			const out = [], boxes = [...document.querySelectorAll('main input[type=radio], main input[type=checkbox]')];
			if (boxes.length < 5) out.push("only " + boxes.length + " boxes");
			for (const box of boxes) {
				const label = box.closest("label") || document.querySelector('label[for="' + box.id + '"]');
				const text = [...label.childNodes].find(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
				const r = document.createRange();
				r.selectNodeContents(text);
				const line = r.getClientRects()[0], c = box.getBoundingClientRect();
				const off = Math.abs((c.top + c.bottom) / 2 - (line.top + line.bottom) / 2);
				const name = (box.id || box.value) + " (" + label.textContent.trim().slice(0, 30) + ")";
				if (off > 2) out.push(name + " stands " + off.toFixed(1) + " px off its label's first line");
				if (c.width > 24 || c.height > 24) out.push(name + " is " + Math.round(c.width) + "×" + Math.round(c.height) + " px");
			}
			return out;
		})()`)
		for _, o := range out {
			t.Errorf("site editor (%s): %s", lang, o)
		}
	}
	b.shotIfAsked("console-boxes-lined-up-ar.png")
}

// TestIntegrityButtonsApart: the integrity page's two buttons, "Verify new
// events" and "Verify everything from the start", stand 8 px apart, in
// English and in Arabic, so a touch meant for the quick check does not
// start the long one (WCAG 2.2, 2.5.8, with room to spare); their forms
// stood side by side and the buttons touched.
func TestIntegrityButtonsApart(t *testing.T) {
	b := start(t)
	b.signIn("/admin/integrity")
	for _, lang := range []string{"en", "ar"} {
		b.do("choosing "+lang, chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), lang))
		b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)
		b.open("/admin/integrity")
		gap := eval[float64](b, `(() => {
			const a = document.querySelector('[data-testid="verify"]').getBoundingClientRect(), c = document.querySelector('[data-testid="verify-full"]').getBoundingClientRect();
			return Math.hypot(Math.max(0, c.left - a.right, a.left - c.right), Math.max(0, c.top - a.bottom, a.top - c.bottom));
		})()`)
		if gap < 8 {
			t.Errorf("integrity (%s): the two verify buttons are %.1f px apart", lang, gap)
		}
	}
	b.shotIfAsked("integrity-buttons-ar.png")
}

// TestConsoleCardsSpacedByTheirPadding: inside every card of the console's
// screens (the site editor, the embed page, the sites list, the account
// page), the blocks it holds start and end at its padding, at a desktop's width
// and a phone's; a heading's own top margin doubled the space at the top
// of the site editor's Publish card and of the catalog (40 px above, 16 px
// below).
func TestConsoleCardsSpacedByTheirPadding(t *testing.T) {
	b := start(t)
	b.signIn("/admin/sites/demo")
	for _, width := range []int64{1280, 360} {
		b.do("setting the viewport", chromedp.EmulateViewport(width, 800))
		for _, path := range []string{"/admin/sites/demo", "/admin/sites/demo/embed", "/admin/sites", "/admin/account"} {
			b.open(path)
			out := eval[[]string](b, `[...document.querySelectorAll(".card")].flatMap(card => {
				const kids = [...card.children].filter(k => k.getClientRects().length > 0 && getComputedStyle(k).display !== "inline");
				if (kids.length === 0) return [];
				const c = card.getBoundingClientRect(), s = getComputedStyle(card);
				const top = Math.min(...kids.map(k => k.getBoundingClientRect().top)) - (c.top + parseFloat(s.borderTopWidth) + parseFloat(s.paddingTop));
				const bottom = (c.bottom - parseFloat(s.borderBottomWidth) - parseFloat(s.paddingBottom)) - Math.max(...kids.map(k => k.getBoundingClientRect().bottom));
				const name = card.dataset.testid || card.id || card.tagName.toLowerCase();
				return Math.abs(top) > 1 || Math.abs(bottom) > 1 ? [name + ": " + top.toFixed(1) + " px more space at the top, " + bottom.toFixed(1) + " px at the bottom"] : [];
			})`)
			for _, o := range out {
				t.Errorf("%s at %d px: %s", path, width, o)
			}
		}
	}
}

// TestEraseConfirmTargetsApart: asked to confirm an erasure, "Yes, erase
// these fields" and "Cancel, keep everything" stand apart, the link as
// tall as a target to touch, in English and in Arabic: the button that
// cannot be undone and the way out touched (3.9 px), the link 20 px high.
func TestEraseConfirmTargetsApart(t *testing.T) {
	b := start(t)
	visitor := b.decide("accept-all", necessary, preferences, analytics, marketing)
	b.signIn("/admin/consents/" + visitor.ConsentID)
	for _, lang := range []string{"en", "ar"} {
		b.do("choosing "+lang, chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), lang))
		b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)
		b.open("/admin/consents/" + visitor.ConsentID)
		b.typeInto(`form[data-testid="erase"] #reason`, "DSR-2026-0042")
		b.clickTo("Erase", `document.querySelector('form[data-testid="erase"] button[type="submit"]')`)
		if n := eval[int](b, `document.querySelectorAll('form[data-testid="erase-confirm"] :is(a, button)').length`); n != 2 {
			t.Fatalf("%s: the confirmation has %d links and buttons, want Yes and Cancel", lang, n)
		}
		if out := b.crowded(`form[data-testid="erase-confirm"]`); len(out) > 0 {
			t.Errorf("%s: %s", lang, strings.Join(out, "; "))
		}
		b.shotIfAsked("erase-confirm-" + lang + ".png")
	}
}
