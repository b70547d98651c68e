package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestInvalidFieldsStandOut: a field the console's refusal is about
// (aria-invalid) looks unlike the others in its form by more than colour
// (WCAG 1.4.1): its border is thicker at its start, in a colour of at least
// 3:1 against what it stands on (1.4.11), and its label is bold. Every kind
// of field the console marks (a text, a number, a link, a colour, a list
// of lines, a choice) in the two forms that mark them (New site, Basics),
// in English and Arabic (right to left: the bar is at the field's right).
// A field with an error looked like every other.
func TestInvalidFieldsStandOut(t *testing.T) {
	b := start(t)
	b.signIn("/admin/sites")
	for _, lang := range []string{"en", "ar"} {
		b.open("/admin/log")
		b.do("choosing the console's language", chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), lang))
		b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)

		// New site: an ID that exists; the name, a field of the same kind,
		// is fine.
		b.open("/admin/sites")
		b.typeInto("#ns-id", "demo")
		b.typeInto("#ns-name", "Demo again")
		b.clickTo("Create", `document.querySelector('form[data-testid="new-site"] button[type="submit"]')`)
		b.standsOut(lang, "#ns-id", "#ns-name")
		b.do("scrolling to the form", chromedp.ScrollIntoView(chromedp.CSS(`form[data-testid="new-site"]`)))
		b.shotIfAsked("invalid-new-site-" + lang + ".png")

		for _, tc := range []struct {
			field, value, peer string
		}{
			{"#b-name", "   ", "#b-lifetime"},                  // a text field, required: spaces only
			{"#b-lifetime", "0", "#b-retention"},               // a number
			{"#b-privacy", "shop.example/privacy", "#b-legal"}, // a link
			{"#b-rules", "USA opt-out", "#b-origins"},          // a list of lines
			{"#b-text", "#ffffff", "#b-accent"},                // a colour: white on the white background
			{"#b-layout", "zigzag", "#b-position"},             // a choice, posted as a browser would not
		} {
			b.open("/admin/sites/demo")
			b.do("setting "+tc.field, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
				const f = document.querySelector(%q);
				if (f.tagName === "SELECT") f.add(new Option(%q, %q));
				f.value = %q;
				f.form.noValidate = true; // posted by hand: the server's refusal is what is seen
				document.querySelector("#b-background").value = "#ffffff";
			})()`, tc.field, tc.value, tc.value, tc.value)))
			b.clickTo("Save draft", `document.querySelector('form[data-testid="basics"] button[type="submit"]')`)
			b.standsOut(lang, tc.field, tc.peer)
			if tc.field == "#b-rules" {
				b.do("scrolling to the field", chromedp.ScrollIntoView(chromedp.CSS(tc.field)))
				b.shotIfAsked("invalid-field-" + lang + ".png")
			}
		}
	}
}

// standsOut checks that field is marked invalid and drawn unlike peer, a
// field of its form that is not: a border at its start at least twice as
// thick, in a colour of at least 3:1 on the background behind it, and a
// bold label.
func (b *browser) standsOut(lang, field, peer string) {
	b.t.Helper()
	type look struct {
		Invalid       string  `json:"invalid"`
		Start, Other  float64 // border widths: the inline start, the block start
		Contrast      float64 `json:"contrast"`
		LabelWeight   int     `json:"labelWeight"`
		Colour, Label string
	}
	see := func(sel string) look {
		return eval[look](b, fmt.Sprintf(`(() => {
			const f = document.querySelector(%q), s = getComputedStyle(f);
			const rtl = s.direction === "rtl";
			const lum = c => {
				const [r, g, b] = c.match(/[\d.]+/g).slice(0, 3).map(v => {
					v /= 255;
					return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
				});
				return 0.2126 * r + 0.7152 * g + 0.0722 * b;
			};
			let bg = "rgb(255, 255, 255)";
			for (let e = f.parentElement; e; e = e.parentElement) {
				const c = getComputedStyle(e).backgroundColor;
				if (c !== "rgba(0, 0, 0, 0)" && c !== "transparent") { bg = c; break; }
			}
			const edge = rtl ? s.borderRightColor : s.borderLeftColor;
			const [hi, lo] = [lum(edge), lum(bg)].sort((x, y) => y - x);
			const label = document.querySelector('label[for="' + f.id + '"]');
			return {
				invalid: f.getAttribute("aria-invalid") || "",
				Start: parseFloat(rtl ? s.borderRightWidth : s.borderLeftWidth),
				Other: parseFloat(s.borderTopWidth),
				contrast: (hi + 0.05) / (lo + 0.05),
				labelWeight: parseInt(getComputedStyle(label).fontWeight),
				Colour: edge, Label: label.textContent.trim(),
			};
		})()`, sel))
	}
	bad, good := see(field), see(peer)
	if bad.Invalid != "true" || good.Invalid != "" {
		b.t.Fatalf("%s: %s marked %q and %s marked %q, want the first alone aria-invalid; the page says %q", lang, field, bad.Invalid, peer, good.Invalid,
			eval[string](b, `document.querySelector('[data-testid="error"]')?.textContent.trim() || ""`))
	}
	if bad.Start < 2*good.Start || bad.Other <= good.Other {
		b.t.Errorf("%s: %s (refused) has borders %.0f px at its start and %.0f px elsewhere, %s %.0f and %.0f: want it thicker, more than a colour apart",
			lang, field, bad.Start, bad.Other, peer, good.Start, good.Other)
	}
	if bad.Contrast < 3 {
		b.t.Errorf("%s: %s's border %s has %.2f:1 against its background, want at least 3:1", lang, field, bad.Colour, bad.Contrast)
	}
	if bad.LabelWeight < 600 || good.LabelWeight >= 600 {
		b.t.Errorf("%s: the labels weigh %d (%q, refused) and %d (%q), want the refused one's bold alone", lang, bad.LabelWeight, bad.Label, good.LabelWeight, good.Label)
	}
	if strings.TrimSpace(bad.Label) == "" {
		b.t.Errorf("%s: %s has no label", lang, field)
	}
}
