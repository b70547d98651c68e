package web_test

import (
	"html"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/auth"
)

// TestFrenchConsoleColons: in French the console joins a label to its value
// with a narrow no-break space before the colon ("Événements dans le
// registre : 0", "Reçue le : …"), on its pages and in what its forms
// refuse, as a French message's own colons are written; it joined them as
// English does, "registre: 0". English keeps "Events in the ledger: 0".
func TestFrenchConsoleColons(t *testing.T) {
	_, c := signedIn(t, "dpo@shop.example", auth.Admin)
	for lang, want := range map[string][]string{
		"fr": {"Événements dans le registre\u202f: 0<", "Révision en ligne\u202f: 1<", "Reçue le\u202f: "},
		"en": {"Events in the ledger: 0<", "Live revision: 1<", "Received on: "},
	} {
		c.speak(lang)
		_, integrity, _ := c.get("/admin/integrity")
		_, site, _ := c.get("/admin/sites/demo")
		tomorrow := time.Now().UTC().AddDate(0, 0, 2).Format(time.DateOnly)
		_, refused, _ := c.post("/admin/requests", url.Values{"_csrf": {c.pageToken()}, "kind": {"access"}, "received": {tomorrow}, "reference": {"letter"}})
		for i, page := range []string{integrity, site, shownError(t, refused)} {
			if !strings.Contains(html.UnescapeString(page), want[i]) {
				t.Errorf("%s: the page does not show %q", lang, want[i])
			}
		}
	}
}

// TestFrenchVisitorPunctuation: the visitor's pages, the banner, the
// preference center, the page without JavaScript and the receipt, join a
// label to its value as the console does, with a narrow no-break space
// before the colon in French ("Votre identifiant de consentement : …"),
// and their texts' own colons and guillemets have the same space; they
// joined with an ordinary colon, "consentement: …", beside texts whose
// colons had an ordinary or a full-width no-break space. English keeps
// "Your consent ID: …".
func TestFrenchVisitorPunctuation(t *testing.T) {
	a := newApp(t, 0)
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	for lang, want := range map[string][]string{
		"fr": {"consentement\u202f: <code", "«\u202fParamètres des cookies\u202f»", "Autorisés\u202f: "},
		"en": {"Your consent ID: <code", "“Cookie settings”", "Allowed: "},
	} {
		banner := decode[struct{ HTML string }](t, do(a, req{"GET", "/api/v1/sites/demo/banner?v=2&lang=" + lang, "", nil}))
		prefs := decode[struct{ HTML string }](t, do(a, req{"GET", "/api/v1/sites/demo/banner?v=2&part=prefs&lang=" + lang, "", nil}))
		nojs := do(a, req{"POST", "/p/demo", url.Values{"action": {"reject_all"}, "revision": {"1"}, "lang": {lang}}.Encode(), form})
		tok := decode[consentResp](t, do(a, req{"POST", consents, `{"action":"accept_all","revision":1,"lang":"` + lang + `"}`, nil})).Token
		receipt := do(a, req{"GET", "/api/v1/consents/receipt?token=" + url.QueryEscape(tok), "", map[string]string{"Accept": "text/html"}})
		for _, page := range []struct {
			name, body string
			wants      []string
		}{
			{"the banner", banner.HTML, want[1:2]},
			{"the preference center", prefs.HTML, want[:1]},
			{"the page without JavaScript", nojs.Body.String(), []string{want[0], want[2]}},
			{"the receipt", receipt.Body.String(), want[:1]},
		} {
			for _, w := range page.wants {
				if !strings.Contains(html.UnescapeString(page.body), w) {
					t.Errorf("%s, %s: does not show %q", lang, page.name, w)
				}
			}
		}
	}
}

// TestLabelsJoinedByColon: no template, the console's or the visitor's,
// joins a label to its value with a colon of its own, which French would
// get without its space; they all use the language's Colon.
func TestLabelsJoinedByColon(t *testing.T) {
	own := regexp.MustCompile(`\}:( |$)|": "`)
	files, err := filepath.Glob("../templates/*.templ")
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if own.MatchString(line) {
				t.Errorf("%s:%d joins with its own colon: %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
}
