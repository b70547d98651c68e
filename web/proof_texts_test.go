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
	if len(got) != 24 {
		t.Fatalf("%d texts named in the console's language, want the 24 the snapshot holds: %q", len(got), got)
	}
	for i, want := range map[int][2]string{
		0:  {"Überschrift des Banners", "Votre vie privée nous importe"},
		6:  {"Schaltfläche „Alle akzeptieren“", "Tout accepter"},
		19: {"Hinweis „Immer aktiv“", "Toujours activés"},
		20: {"Platzhalter: Inhalt blockiert", "Ce contenu de {service} est bloqué tant que vous n’autorisez pas les cookies «\u202f{category}\u202f»."},
		21: {"Platzhalter: Cookies, die der Dienst setzen kann", "Il peut déposer ces cookies\u202f: {cookies}."},
		22: {"Platzhalter: Schaltfläche zum einmaligen Laden", "Charger cette fois"},
		23: {"Platzhalter: Schaltfläche zum Erlauben der Kategorie", "Autoriser «\u202f{category}\u202f»"},
	} {
		if got[i] != want {
			t.Errorf("text %d is %q, want %q", i, got[i], want)
		}
	}
	// The body of each region, the opt-in one's first, each followed by
	// the one shown where Global Privacy Control binds; the GPC note,
	// naming the demo's category.
	for i, want := range map[int]string{1: "Text des Banners (übrige Regionen)", 2: "Text des Banners (Opt-out-Regionen)", 3: "Text des Banners (Opt-out-Regionen, Global Privacy Control aktiv)",
		4: "Text des Banners (Regionen mit reinem Hinweis)", 5: "Text des Banners (Regionen mit reinem Hinweis, Global Privacy Control aktiv)",
		16: "Hinweis, wo Global Privacy Control verbindlich ist (Opt-out-Regionen und Regionen mit reinem Hinweis)"} {
		if got[i][0] != want {
			t.Errorf("text %d is named %q, want %q", i, got[i][0], want)
		}
	}
	if !strings.Contains(got[2][1], "Sauf opposition de votre part") || !strings.Contains(got[16][1], "«\u202fMarketing\u202f»") ||
		strings.Contains(got[3][1], "publicités") || strings.Contains(got[5][1], "publicités") {
		t.Errorf("the opt-out body %q, the GPC note %q, the bodies where it binds %q, %q", got[2][1], got[16][1], got[3][1], got[5][1])
	}
	for i, want := range map[int][2]string{17: {"Link zum Impressum", "/demo/legal?lang=fr"}, 18: {"Link zur Datenschutzerklärung", "/demo/privacy?lang=fr"}} {
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
	for lang, want := range map[string]string{"fr": "<strong>Nécessaires</strong>\u202f: Indispensables", "de": "<strong>Notwendig</strong>: "} {
		_, page, _ := c.get("/admin/events/" + ids[lang])
		if !strings.Contains(html.UnescapeString(page), want) {
			t.Errorf("a %s visitor's categories on the proof: %q, want %q", lang, regexp.MustCompile(`<li[^>]*><strong>[^<]*</strong>[^<]{0,20}`).FindAllString(html.UnescapeString(page), 2), want)
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

// TestProofShowsTheBodyOfTheVisitorsMode: the proof's card shows the
// banner's body as the visitor read it, their region's: an opt-out
// visitor's "Unless you say no", not the opt-in "With your permission" every
// proof showed; and, where Global Privacy Control bound them, the note that
// said so, naming the site's category; where it was on and the visitor still
// decided (opt-in), the note that said it was honoured, naming it too.
func TestProofShowsTheBodyOfTheVisitorsMode(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "dpo@shop.example", auth.Admin)
	ctx := context.Background()
	shown, err := a.Store.Snapshot(ctx, "demo", 1, "en")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for i, rule := range []string{"opt-in (FR)", "opt-out (US)", "notice (CA)"} {
		e := storetest.Event("demo", i)
		e.Lang, e.TextsHash, e.Rule, e.GPC = "en", shown.Hash, rule, true
		if err := a.Store.AppendBatch(ctx, []*consent.Event{e}); err != nil {
			t.Fatal(err)
		}
		ids[rule] = e.ID.String()
	}
	c := newConsole(t, a)
	c.login("dpo@shop.example")
	card := regexp.MustCompile(`(?s)<p data-testid="texts-body">([^<]*)</p>(?:\s*<p data-testid="texts-gpc">([^<]*)</p>)?`)
	for rule, want := range map[string][2]string{
		"opt-in (FR)":  {"With your permission we would also like", "was honoured: “Marketing” cookies stay off unless you turn them on yourself."},
		"opt-out (US)": {"Unless you say no, we also use cookies", "honoured: “Marketing” cookies stay off. To choose otherwise"},
		"notice (CA)":  {"unless you turn them off.", "honoured: “Marketing” cookies stay off. To choose otherwise"},
	} {
		_, page, _ := c.get("/admin/events/" + ids[rule])
		m := card.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("%s: no body on the proof", rule)
		}
		body, gpc := html.UnescapeString(m[1]), html.UnescapeString(m[2])
		if !strings.Contains(body, want[0]) || (want[1] == "") != (gpc == "") || !strings.Contains(gpc, want[1]) {
			t.Errorf("%s: the proof shows the body %q and the GPC note %q; want %q and %q", rule, body, gpc, want[0], want[1])
		}
	}
}

// TestProofListsTheServicesShown: under each category it offered, the proof
// lists the services the preference center listed there and each one's
// cookies, as the visitor read them (a German visitor's "Demo-Analyse" and
// its German purposes), with their lifetime and type; the table's
// headings are the console's. The proof listed the categories only, so
// what a visitor was told about who sets which cookie was not shown.
func TestProofListsTheServicesShown(t *testing.T) {
	c, ids := shownProof(t, "de")
	_, page, _ := c.get("/admin/events/" + ids["de"])
	page = html.UnescapeString(page)
	li := regexp.MustCompile(`(?s)<li data-testid="texts-category-analytics">.*?</li>`).FindString(page)
	for _, want := range []string{"<strong>Demo-Analyse</strong>", "Demo Analytics Ltd.", "Unterscheidet Besucher, damit Besuche gezählt werden können.", "<code>_demo_ga</code>", "<code>_demo_ga_*</code>", ">395<", "https://analytics.example/privacy", `<th scope="col">Purpose</th>`, "Persistent"} {
		if !strings.Contains(li, want) {
			t.Errorf("the analytics category on a German visitor's proof lacks %q: %q", want, li)
		}
	}
	if strings.Contains(li, "_demo_ads") {
		t.Errorf("a marketing cookie is listed under analytics: %q", li)
	}
	necessary := regexp.MustCompile(`(?s)<li data-testid="texts-category-necessary">.*?</li>`).FindString(page)
	if !strings.Contains(necessary, "<code>session</code>") || !strings.Contains(necessary, "Session<") {
		t.Errorf("the necessary category lacks the shop's session cookie, a session cookie: %q", necessary)
	}
}

// TestProofShowsTheGPCBoundBody: where Global Privacy Control bound the
// visitor (on, in an opt-out or notice region), the proof shows the body
// they were shown, which leaves out what the signal kept off ("show you
// relevant ads"); without the signal, the body that names it. Each is a text
// of the snapshot, named in words.
func TestProofShowsTheGPCBoundBody(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "dpo@shop.example", auth.Admin)
	ctx := context.Background()
	shown, err := a.Store.Snapshot(ctx, "demo", 1, "en")
	if err != nil {
		t.Fatal(err)
	}
	c := newConsole(t, a)
	c.login("dpo@shop.example")
	card := regexp.MustCompile(`<p data-testid="texts-body">([^<]*)</p>`)
	for i, tc := range []struct {
		rule string
		gpc  bool
		want string
	}{
		{"opt-out (US)", true, "Unless you say no, we also use cookies to remember your preferences and measure how the site is used."},
		{"notice (CA)", true, "We also use cookies to remember your preferences and measure how the site is used, unless you turn them off."},
		{"opt-out (US)", false, "measure how the site is used and show you relevant ads."},
	} {
		e := storetest.Event("demo", i)
		e.Lang, e.TextsHash, e.Rule, e.GPC = "en", shown.Hash, tc.rule, tc.gpc
		if err := a.Store.AppendBatch(ctx, []*consent.Event{e}); err != nil {
			t.Fatal(err)
		}
		_, page, _ := c.get("/admin/events/" + e.ID.String())
		m := card.FindStringSubmatch(page)
		if m == nil || !strings.Contains(html.UnescapeString(m[1]), tc.want) {
			t.Errorf("%s, GPC %v: the proof shows the body %q; want %q in it", tc.rule, tc.gpc, m, tc.want)
		}
		for _, label := range []string{"Banner text (opt-out regions, Global Privacy Control on)", "Banner text (notice-only regions, Global Privacy Control on)"} {
			if !strings.Contains(page, ">"+label+"</dt>") {
				t.Errorf("%s, GPC %v: the proof lists no %q", tc.rule, tc.gpc, label)
			}
		}
	}
}
