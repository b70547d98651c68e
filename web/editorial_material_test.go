package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/templates"
)

// TestEditorialPublishOfMaterialChangesIsConfirmed: Google Ads added to a
// published site is a material change (consent.AnyMaterial). The publish
// form marks that change as material and offers a confirmation for an
// editorial revision; publishing as editorial without ticking it is
// refused (400) in the owner's language, nothing published, the form
// keeping what was typed (editorial chosen, the internal note, what
// changed) with the confirmation marked invalid; ticked, the revision is
// editorial and its audit entry says the owner confirmed it although
// the changes are material. An editorial change (a new name) asks for no
// confirmation. An editorial publish asked for nothing: choosing
// "editorial" was enough for no visitor to be asked about Google Ads.
func TestEditorialPublishOfMaterialChangesIsConfirmed(t *testing.T) {
	a, c, tok := ownerOfShop(t)
	ctx := context.Background()
	if status, body, _ := c.post("/admin/sites/shop/publish", url.Values{"_csrf": {tok}}); status != http.StatusSeeOther {
		t.Fatalf("publishing: %d %.300s", status, body)
	}
	if status, body, _ := c.post("/admin/sites/shop/catalog", url.Values{"_csrf": {tok}, "id": {"google-ads"}, "category": {"marketing"}}); status != http.StatusSeeOther {
		t.Fatalf("adding Google Ads: %d %.300s", status, body)
	}
	_, page, _ := c.get("/admin/sites/shop")
	var marked string
	for _, row := range regexp.MustCompile(`(?s)<tr>.*?</tr>`).FindAllString(page, -1) {
		if strings.Contains(row, "Google Ads") && marked == "" { // the changes come first
			marked = row
		}
	}
	if !strings.Contains(marked, `data-testid="material"`) {
		t.Errorf("the publish form does not mark adding Google Ads as material:\n%s", marked)
	}
	if !strings.Contains(page, `data-testid="confirm-editorial"`) {
		t.Error("the publish form offers no confirmation for an editorial revision of material changes")
	}
	for _, tc := range []struct{ lang, want string }{
		{"en", "Nothing published: the changes marked “material” alter what visitors consented to"},
		{"de", "Nichts veröffentlicht: Die als „wesentlich“ markierten Änderungen"},
	} {
		c.speak(tc.lang)
		code, page, _ := c.post("/admin/sites/shop/publish", url.Values{"_csrf": {tok}, "kind": {"editorial"},
			"change_note": {"ADS-1"}, "what_changed_en": {"We show ads"}})
		if code != http.StatusBadRequest || !strings.Contains(page, tc.want) {
			t.Errorf("%s: editorial without confirmation: %d, want 400 saying %q:\n%.2000s", tc.lang, code, tc.want, errorOf(page))
		}
		_, form := formFields(t, page, "publish-form")
		if form.Get("kind") != "editorial" || form.Get("change_note") != "ADS-1" || form.Get("what_changed_en") != "We show ads" {
			t.Errorf("%s: the refused form lost what was typed: kind %q, note %q, what changed %q", tc.lang, form.Get("kind"), form.Get("change_note"), form.Get("what_changed_en"))
		}
		if !regexp.MustCompile(`<input[^>]*data-testid="confirm-editorial"[^>]*aria-invalid="true"|<input[^>]*aria-invalid="true"[^>]*data-testid="confirm-editorial"`).MatchString(page) {
			t.Errorf("%s: the confirmation is not marked invalid", tc.lang)
		}
	}
	if s, _ := a.Store.Site(ctx, "shop"); s.Revision != 1 {
		t.Fatalf("a refused editorial publish published revision %d", s.Revision)
	}
	c.speak("en")
	if status, body, _ := c.post("/admin/sites/shop/publish", url.Values{"_csrf": {tok}, "kind": {"editorial"}, "change_note": {"ADS-1"}, "confirm_editorial": {"1"}}); status != http.StatusSeeOther {
		t.Fatalf("editorial, confirmed: %d %.300s", status, body)
	}
	if s, _ := a.Store.Site(ctx, "shop"); s.Revision != 2 || !s.Editorial {
		t.Fatalf("confirmed: revision %d, editorial %t", s.Revision, s.Editorial)
	}
	entries, err := a.Store.AuditLog(ctx, 0, 1)
	if err != nil || len(entries) != 1 || entries[0].Action != "publish" {
		t.Fatalf("the newest audit entry: %+v %v", entries, err)
	}
	if !strings.HasPrefix(entries[0].Detail, "revision 2 (editorial, confirmed although material): ADS-1; ") {
		t.Errorf("the publish entry's detail: %s", entries[0].Detail)
	}
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{
		"en": "Revision 2, editorial, confirmed although its changes are material: ADS-1",
		"de": "Revision 2, redaktionell, bestätigt, obwohl die Änderungen wesentlich sind: ADS-1",
	} {
		if got := templates.AuditDetailWords(bundle.For(lang), entries[0]); !strings.HasPrefix(got, want) {
			t.Errorf("in %s the entry says %q, want %q first", lang, got, want)
		}
	}

	// An editorial change alone: no confirmation offered or needed.
	c.saveBasics("shop", "name", "The Shop")
	if _, page, _ = c.get("/admin/sites/shop"); strings.Contains(page, `data-testid="confirm-editorial"`) || strings.Contains(page, `data-testid="material"`) {
		t.Error("a new name alone is marked material or asks for a confirmation")
	}
	if status, body, _ := c.post("/admin/sites/shop/publish", url.Values{"_csrf": {tok}, "kind": {"editorial"}}); status != http.StatusSeeOther {
		t.Errorf("an editorial change published as editorial: %d %.300s", status, body)
	}
}

// errorOf is a refused page's error note, or the page when it has none.
func errorOf(page string) string {
	if m := regexp.MustCompile(`(?s)<p id="form-error".*?</p>`).FindString(page); m != "" {
		return m
	}
	return page
}
