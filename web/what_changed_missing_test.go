package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/i18n"
)

// TestWhatChangedMissingSaid: before a material revision is published, the
// site editor says which languages its "what changed" text is not written
// in yet, named in the console's language, as visitors asked again who
// read one of them are told only that cookies changed. The texts typed in
// the publish form are saved into the draft without publishing (Save
// draft), and the list shrinks; the live revision's texts, which a new
// draft carries, are not counted as written, nor shown to be published
// again. The owner was told nothing, and 53 of 54 languages went out
// empty.
func TestWhatChangedMissingSaid(t *testing.T) {
	a, c, tok := ownerOfShop(t)
	if code, body, _ := c.post("/admin/sites/shop/publish", url.Values{"_csrf": {tok}}); code != http.StatusSeeOther {
		t.Fatalf("publishing revision 1: %d %.300s", code, body)
	}
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	all := len(bundle.Languages())
	rename := func(name string) {
		t.Helper()
		c.saveBasics("shop", "name", name)
	}
	rename("Shop 2")
	missing := regexp.MustCompile(`(?s)<p class="note" data-testid="what-changed-missing">(.*?)</p>`)
	said := func(page string) string {
		m := missing.FindStringSubmatch(page)
		if m == nil {
			return ""
		}
		return strings.Join(strings.Fields(untagged(m[1])), " ")
	}
	for _, tc := range []struct{ lang, count, named, notNamed string }{
		{"en", "Not written yet in " + strconv.Itoa(all) + " languages; visitors asked again who read one of them are told only that cookies changed: ", "Latin American Spanish (es-419)", "Français"},
		{"de", "Noch in " + strconv.Itoa(all) + " Sprachen nicht geschrieben;", "Französisch (fr)", "French"},
		{"fr", "Pas encore écrit dans " + strconv.Itoa(all) + " langues ;", "espagnol (Amérique latine, es-419)", "Deutsch"},
		{"es", "Aún sin escribir en " + strconv.Itoa(all) + " idiomas;", "alemán (de)", "Deutsch"},
		{"ar", "لغات لم يُكتب بها بعد: " + strconv.Itoa(all) + "؛", "(de)", "Deutsch"},
	} {
		c.speak(tc.lang)
		_, page, _ := c.get("/admin/sites/shop")
		got := said(page)
		if !strings.HasPrefix(got, tc.count) || !strings.Contains(got, tc.named) || strings.Contains(got, tc.notNamed) {
			t.Errorf("%s: the editor says %q, want %q… naming %q, not %q", tc.lang, got, tc.count, tc.named, tc.notNamed)
		}
	}

	// (Words split at every space: French's narrow ones are a space.)

	// Two written and saved, not published.
	c.speak("en")
	_, page, _ := c.get("/admin/sites/shop")
	action, form := formFields(t, page, "publish-form")
	if action != "/admin/sites/shop/publish" {
		t.Fatalf("the publish form posts to %s", action)
	}
	form.Set("what_changed_en", "We now show videos.")
	form.Set("what_changed_de", "Wir zeigen jetzt Videos.")
	code, _, h := c.post("/admin/sites/shop/what-changed", form)
	if loc := h.Get("Location"); code != http.StatusSeeOther || !strings.HasSuffix(loc, "#publish") {
		t.Fatalf("saving what changed: %d to %q, want 303 to #publish", code, loc)
	}
	if site, _ := a.Store.Site(t.Context(), "shop"); site.Revision != 1 {
		t.Fatalf("saving what changed published revision %d", site.Revision)
	}
	_, page, _ = c.get(h.Get("Location"))
	got := said(page)
	if want := "Not written yet in " + strconv.Itoa(all-2) + " languages"; !strings.HasPrefix(got, want) || strings.Contains(got, "English (en)") || strings.Contains(got, "German (de)") || !strings.Contains(got, "French (fr)") {
		t.Errorf("after saving English and German the editor says %q, want %q…, without English and German", got, want)
	}
	if !strings.Contains(page, "Wir zeigen jetzt Videos.</textarea>") || !strings.Contains(page, `data-testid="saved"`) {
		t.Error("the saved texts are not in the publish form, or the draft is not said to be saved")
	}

	// Published: the next draft carries revision 2's texts, which are
	// not this one's.
	_, form = formFields(t, page, "publish-form")
	form.Set("kind", "material")
	if code, body, _ := c.post("/admin/sites/shop/publish", form); code != http.StatusSeeOther {
		t.Fatalf("publishing revision 2: %d %.300s", code, body)
	}
	if site, _ := a.Store.Site(t.Context(), "shop"); site.WhatChanged["de"] != "Wir zeigen jetzt Videos." {
		t.Fatalf("revision 2 says %q to a German visitor", site.WhatChanged["de"])
	}
	rename("Shop 3")
	_, page, _ = c.get("/admin/sites/shop")
	if got := said(page); !strings.HasPrefix(got, "Not written yet in "+strconv.Itoa(all)+" languages") || strings.Contains(page, "Wir zeigen jetzt Videos.</textarea>") {
		t.Errorf("revision 3's draft shows revision 2's what changed as written: %q", got)
	}
}
