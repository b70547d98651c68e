package web_test

import (
	"context"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/storetest"
)

// TestProofNamesEveryTextInWords: the proof's "every text, exactly as
// shown" names each text as the site editor labels it, in the console's
// language and direction ('Schaltfläche „Alle akzeptieren“' beside
// 'Tout accepter' for a French visitor in a German console), in the
// editor's order; it named them by their keys (banner_accept,
// prefs_always_on, link_privacy), in no language. The demo's two links
// are among them, named as the Basics form names them.
func TestProofNamesEveryTextInWords(t *testing.T) {
	c, ids := shownProof(t, "fr")
	c.speak("de")
	_, page, _ := c.get("/admin/events/" + ids["fr"])
	var got [][2]string
	for _, m := range regexp.MustCompile(`<dt lang="de" dir="ltr">([^<]*)</dt><dd>([^<]*)</dd>`).FindAllStringSubmatch(page, -1) {
		got = append(got, [2]string{html.UnescapeString(m[1]), html.UnescapeString(m[2])})
	}
	if len(got) != 15 {
		t.Fatalf("%d texts named in the console's language, want the 15 the snapshot holds: %q", len(got), got)
	}
	for i, want := range map[int][2]string{
		0:  {"Überschrift des Banners", "Votre vie privée nous importe"},
		2:  {"Schaltfläche „Alle akzeptieren“", "Tout accepter"},
		14: {"Hinweis „Immer aktiv“", "Toujours activés"},
	} {
		if got[i] != want {
			t.Errorf("text %d is %q, want %q", i, got[i], want)
		}
	}
	for i, want := range map[int][2]string{12: {"Link zum Impressum", "/demo/legal?lang=fr"}, 13: {"Link zur Datenschutzerklärung", "/demo/privacy?lang=fr"}} {
		if got[i][0] != want[0] || !strings.HasSuffix(got[i][1], want[1]) {
			t.Errorf("text %d is %q, want %q and a link ending %s", i, got[i], want[0], want[1])
		}
	}
	if regexp.MustCompile(`<dt[^>]*>[a-z]+_[a-z_]+</dt>`).MatchString(page) {
		t.Errorf("the proof names a text by its key: %q", regexp.MustCompile(`<dt[^>]*>[a-z]+_[a-z_]+</dt>`).FindAllString(page, -1))
	}
}

// TestProofCategoriesInTheVisitorsPunctuation: on the proof, each category
// a French visitor was shown is joined to its description as French joins
// them, by a narrow no-break space and a colon ('Nécessaires : …'), as the
// banner showed them; it was an English colon ('Nécessaires: …').
func TestProofCategoriesInTheVisitorsPunctuation(t *testing.T) {
	c, ids := shownProof(t, "fr", "de")
	for lang, want := range map[string]string{"fr": "<li><strong>Nécessaires</strong>\u202f: Indispensables", "de": "<li><strong>Notwendig</strong>: "} {
		_, page, _ := c.get("/admin/events/" + ids[lang])
		if !strings.Contains(html.UnescapeString(page), want) {
			t.Errorf("a %s visitor's categories on the proof: %q, want %q", lang, regexp.MustCompile(`<li><strong>[^<]*</strong>[^<]{0,20}`).FindAllString(html.UnescapeString(page), 2), want)
		}
	}
}

// TestProofRuleInOnePairOfParentheses: the proof says the rule a decision
// was made under with one pair of parentheses where the rule's own name has
// one, "Opt-in (vorherige Einwilligung, Land unbekannt)", not
// "Opt-in (vorherige Einwilligung) (Land unbekannt)"; where it has none,
// "Opt-in (country unknown)" as before.
func TestProofRuleInOnePairOfParentheses(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "dpo@shop.example", auth.Admin)
	e := storetest.Event("demo", 0)
	e.Rule = "opt-in (country unknown)"
	if err := a.Store.AppendBatch(context.Background(), []*consent.Event{e}); err != nil {
		t.Fatal(err)
	}
	c := newConsole(t, a)
	c.login("dpo@shop.example")
	for _, tc := range []struct{ lang, want string }{
		{"en", "Opt-in (country unknown)"},
		{"de", "Opt-in (vorherige Einwilligung, Land unbekannt)"},
		{"fr", "Consentement préalable (opt-in, pays inconnu)"},
		{"es", "Consentimiento previo (opt-in, país desconocido)"},
		{"ar", "موافقة مسبقة (البلد غير معروف)"},
	} {
		c.speak(tc.lang)
		_, page, _ := c.get("/admin/events/" + e.ID.String())
		if page = html.UnescapeString(page); !strings.Contains(page, tc.want) || strings.Contains(page, ") (") {
			t.Errorf("%s: the proof's rule is not %q: %q", tc.lang, tc.want, regexp.MustCompile(`\([^()<]*\)[^<]{0,30}`).FindAllString(page, 4))
		}
	}
}
