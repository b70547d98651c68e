package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
)

// TestPublishNeedsPrivacyLink: a site is not published without a link to
// its privacy policy (a visitor can always read it before choosing), nor
// with a language that has a legal notice link alone, whose visitors the
// banner would show no privacy policy. The site editor says so in the
// console's language after the Basics form's privacy policy link of the
// language at fault, shown in that language and marked invalid; nothing is
// published until the link is there. Both were published.
func TestPublishNeedsPrivacyLink(t *testing.T) {
	a, c := signedIn(t, "owner@shop.example", auth.Admin)
	tok := c.pageToken()
	if status, body, _ := c.post("/admin/sites", url.Values{"_csrf": {tok}, "id": {"shop"}, "name": {"Shop"}, "origin": {"https://shop.example"}}); status != http.StatusSeeOther {
		t.Fatalf("new site: %d %.300s", status, body)
	}
	refusal := regexp.MustCompile(`(?s)<p id="form-error" class="error" role="alert" data-testid="error">(.*?)</p>`)
	privacy := regexp.MustCompile(`<input id="b-privacy" name="privacy_link" type="url" value="([^"]*)"[^>]*aria-describedby="form-error" aria-invalid="true"`)
	publish := func(lang string) (string, string) {
		t.Helper()
		status, page, _ := c.post("/admin/sites/shop/publish", url.Values{"_csrf": {tok}, "lang": {lang}, "change_note": {"first"}})
		if status != http.StatusBadRequest {
			t.Fatalf("publishing: %d, want 400", status)
		}
		m := refusal.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("publishing: no refusal in %.500s", page)
		}
		return untagged(m[1]), page
	}
	for _, tc := range []struct{ console, want string }{
		{"en", "Privacy policy link (English, en): needed to publish: a visitor can always read the privacy policy before choosing"},
		{"de", "Link zur Datenschutzerklärung (English, en): zum Veröffentlichen nötig: Besucher können die Datenschutzerklärung immer lesen, bevor sie wählen"},
		{"fr", "Lien vers la politique de confidentialité (English, en)\u202f: nécessaire pour publier\u202f: un visiteur peut toujours lire la politique de confidentialité avant de choisir"},
		{"es", "Enlace a la política de privacidad (English, en): necesario para publicar: un visitante siempre puede leer la política de privacidad antes de elegir"},
		{"ar", "رابط سياسة الخصوصية (English, en): مطلوب للنشر: يمكن للزائر دائمًا قراءة سياسة الخصوصية قبل أن يختار"},
	} {
		c.speak(tc.console)
		said, page := publish("en")
		if said != tc.want {
			t.Errorf("%s: no link at all: %q, want %q", tc.console, said, tc.want)
		}
		if !privacy.MatchString(page) {
			t.Errorf("%s: the privacy policy link is not marked invalid", tc.console)
		}
	}

	// An English privacy policy and a German legal notice alone: a German
	// visitor would see the legal notice and no privacy policy.
	c.speak("en")
	for lang, link := range map[string]url.Values{"en": {"privacy_link": {"https://shop.example/privacy"}}, "de": {"legal_link": {"https://shop.example/impressum"}}} {
		_, page, _ := c.get("/admin/sites/shop?lang=" + lang)
		action, form := formFields(t, page, "basics")
		for k, v := range link {
			form[k] = v
		}
		if status, _, _ := c.post(action, form); status != http.StatusSeeOther {
			t.Fatalf("saving the %s link: %d", lang, status)
		}
	}
	said, page := publish("en")
	if want := "Privacy policy link (Deutsch, de): needed beside the legal notice link to publish, or visitors in this language see no privacy policy"; said != want {
		t.Errorf("a German legal notice alone: %q, want %q", said, want)
	}
	if m := privacy.FindStringSubmatch(page); m == nil || m[1] != "" || !strings.Contains(page, `value="https://shop.example/impressum"`) {
		t.Error("the editor does not show the German links with the privacy policy link marked invalid")
	}
	if _, err := a.Store.Site(context.Background(), "shop"); consent.ErrorCode(err) != consent.ENotFound {
		t.Fatalf("a refused site was published: %v", err)
	}

	_, page, _ = c.get("/admin/sites/shop?lang=de")
	action, form := formFields(t, page, "basics")
	form.Set("privacy_link", "https://shop.example/datenschutz")
	if status, _, _ := c.post(action, form); status != http.StatusSeeOther {
		t.Fatalf("saving the German privacy policy link: %d", status)
	}
	if status, body, _ := c.post("/admin/sites/shop/publish", url.Values{"_csrf": {tok}, "lang": {"en"}}); status != http.StatusSeeOther {
		t.Fatalf("publishing with both links: %d %.300s", status, body)
	}
}
