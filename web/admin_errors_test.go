package web_test

import (
	"context"
	"encoding/json"
	"go/ast"
	"go/token"
	"go/types"
	"html"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/i18n"
)

var (
	errorNote = regexp.MustCompile(`(?s)data-testid="error">(.*?)</p>`)
	tag       = regexp.MustCompile(`<[^>]*>`)
)

// shownError is the message a console page shows in its error note, as
// read (a value's <bdi> aside).
func shownError(t *testing.T, page string) string {
	t.Helper()
	m := errorNote.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the page shows no error")
	}
	return untagged(m[1])
}

// untagged is HTML's text, its tags aside.
func untagged(s string) string { return html.UnescapeString(tag.ReplaceAllString(s, "")) }

// TestConsoleErrorsInItsLanguage: what the log's, the export's and the
// dashboard's filters and the data-subject request forms refuse is said in
// the console's language, after the field's label as the form shows it,
// never after the input's name; an API client still gets the English with
// the field apart.
func TestConsoleErrorsInItsLanguage(t *testing.T) {
	_, c := signedIn(t, "dpo@shop.example", auth.Admin)
	tomorrow := time.Now().UTC().AddDate(0, 0, 2).Format(time.DateOnly)
	n := c.record("access", time.Now().UTC().AddDate(0, 0, -3), "letter", "")
	get := func(path string, want int) string {
		t.Helper()
		status, page, _ := c.get(path)
		if status != want {
			t.Errorf("%s: %d, want %d", path, status, want)
		}
		return shownError(t, page)
	}
	post := func(path string, form url.Values) string {
		t.Helper()
		form.Set("_csrf", c.pageToken())
		status, page, _ := c.post(path, form)
		if status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", path, status)
		}
		return shownError(t, page)
	}
	record := url.Values{"kind": {"access"}, "received": {tomorrow}, "reference": {"letter"}}
	c.speak("de")
	for _, tc := range []struct{ got, want string }{
		{get("/admin/log?from=1999-01-01", 400), "Von: „1999-01-01“ liegt vor 2000, vor jeder Entscheidung"},
		{get("/admin/log?from=2026-02-01&to=2026-01-01", 400), "Bis: liegt vor dem ersten Tag des Zeitraums"},
		{get("/admin/log?granted=Statistik%20x", 400), "Erteilt: „Statistik x“ ist keine Kategorie"},
		{get("/admin/log?q=hello", 400), "„hello“ ist weder eine Einwilligungs-ID noch eine Ereignis-ID noch ein Token."},
		{get("/admin/log?q=0196a1b2-0000-7000-8000-000000000001", 404), "Es gibt kein Ereignis und keine Einwilligungs-ID 0196a1b2-0000-7000-8000-000000000001."},
		{get("/admin/log/export?format=csv&country=DEU", 400), "Land: „DEU“ ist kein zweibuchstabiger Ländercode"},
		{get("/admin/dashboard?to=1999-12-31", 400), "Bis: „1999-12-31“ liegt vor 2000, vor jeder Entscheidung"},
		{get("/admin/dashboard?from=2025-01-01&to=2026-06-30", 400), "Der Zeitraum darf höchstens ein Jahr umfassen."},
		{get("/admin/dashboard?rev=x", 400), "Zweite Version: „x“ ist keine Versionsnummer."},
		{post("/admin/requests", record), "Eingegangen am: darf nicht nach dem heutigen Tag liegen"},
		{post("/admin/requests/"+n+"/answer", url.Values{"answered": {"2026-13-01"}, "outcome": {"sent"}}), "Beantwortet am: „2026-13-01“ ist kein Tag: verwenden Sie JJJJ-MM-TT"},
		{post("/admin/requests/"+n+"/extend", url.Values{"months": {"1"}, "reason": {""}}), "Grund für die Verzögerung: erforderlich, höchstens 500 Zeichen"},
	} {
		if tc.got != tc.want {
			t.Errorf("shown %q\n want %q", tc.got, tc.want)
		}
	}
	// Every console language: no input name in front, no English message.
	for _, lang := range i18n.Console {
		c.speak(lang)
		got := []string{get("/admin/log?from=1999-01-01", 400), post("/admin/requests", record)}
		for i, name := range []string{"from", "received"} {
			if strings.HasPrefix(got[i], name+":") || (lang != "en" && strings.Contains(got[i], "before 2000")) ||
				(lang != "en" && strings.Contains(got[i], "later than today")) {
				t.Errorf("%s: %q", lang, got[i])
			}
		}
		if lang == "en" && got[1] != "Received on: cannot be later than today" {
			t.Errorf("en: %q", got[1])
		}
	}
	// An API client gets the English, with the field apart.
	req, _ := http.NewRequest(http.MethodGet, c.srv.URL+"/admin/log/export?format=csv&from=1999-01-01", nil)
	req.Header.Set("Accept", "application/json")
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct {
		Error struct{ Message, Field string }
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil || res.StatusCode != 400 ||
		body.Error.Field != "from" || body.Error.Message != `"1999-01-01" is before 2000, older than any decision` {
		t.Errorf("JSON: %d %+v %v", res.StatusCode, body, err)
	}
}

// madeKeys are the message keys made, not written, where an error or an
// audit entry's words are given one: by the file and the key's expression,
// every key it can make.
var madeKeys = map[string][]string{
	// consent.Appearance.ContrastPairs' keys.
	"appearance.go: p.Key": {"e_contrast_text", "e_contrast_buttons", "e_contrast_button_edge", "e_contrast_load_once", "e_contrast_focus", "e_contrast_switch"},
	// consent.Change's What.
	`change_words.go: "a_chg_" + c.What`: {"a_chg_added", "a_chg_removed", "a_chg_order", "a_chg_service_added", "a_chg_service_removed",
		"a_chg_service", "a_chg_cookie_added", "a_chg_cookie_removed", "a_chg_cookie", "a_chg_category_added", "a_chg_category_removed", "a_chg_category_gpc"},
	// templates' appearanceLabels.
	"change_words.go: k": {"a_layout", "a_position_banner", "a_background", "a_text_colour", "a_accent", "a_accent_text", "a_non_blocking"},
	// consent.YesNo's values.
	`change_words.go: "a_" + v`: {"a_yes", "a_no"},
}

// TestEveryErrorKeyIsTranslated reads the module's source (tests aside)
// for every message key an error or an audit entry's words are given
// (Say("key", …), words.SayN("key", n, …)) and fails when a console
// language has no text for it.
func TestEveryErrorKeyIsTranslated(t *testing.T) {
	keys, seen := map[string]string{}, map[string]bool{}
	fset, files := moduleSource(t)
	for _, sf := range files {
		ast.Inspect(sf.file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); !ok || !(sel.Sel.Name == "Say" && len(call.Args) == 2 || sel.Sel.Name == "SayN" && len(call.Args) == 3) {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				pos := fset.Position(call.Pos())
				site := filepath.Base(pos.Filename) + ": " + types.ExprString(call.Args[0])
				made, listed := madeKeys[site]
				if !listed {
					t.Errorf("%s: an error's message key is not a string literal (%s); list the keys it makes in madeKeys", pos, site)
					return true
				}
				seen[site] = true
				for _, key := range made {
					keys[key] = pos.String()
				}
				return true
			}
			key, _ := strconv.Unquote(lit.Value)
			keys[key] = fset.Position(lit.Pos()).String()
			return true
		})
	}
	for site := range madeKeys {
		if !seen[site] {
			t.Errorf("madeKeys lists %s, which the source no longer has", site)
		}
	}
	if len(keys) < 30 {
		t.Fatalf("found only %d message keys: %v", len(keys), keys)
	}
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for key, where := range keys {
		for _, lang := range i18n.Console {
			if b.For(lang).T(key) == key {
				t.Errorf("%s: %s has no text in %s", where, key, lang)
			}
		}
	}
}

// TestUsersAndAccountErrorsInItsLanguage: what the users screen and the
// account screen's password form refuse is said in the console's language,
// after the field's label as the form shows it ('Neues Passwort:
// mindestens 12 Zeichen'), not in English after the input's name
// ('password: must be at least 12 characters'), a role in words
// ('Administrator oder Betrachter', not 'admin oder viewer'); the CLI's
// English stays.
func TestUsersAndAccountErrorsInItsLanguage(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	me, err := a.Store.UserByEmail(context.Background(), "dpo@shop.example")
	if err != nil {
		t.Fatal(err)
	}
	post := func(path string, want int, form url.Values) string {
		t.Helper()
		form.Set("_csrf", c.pageToken())
		status, page, _ := c.post(path, form)
		if status != want {
			t.Errorf("%s: %d, want %d", path, status, want)
		}
		return shownError(t, page)
	}
	user := func(email, role, pw string) url.Values {
		return url.Values{"email": {email}, "role": {role}, "password": {pw}}
	}
	long := strings.Repeat("x", 12)
	cases := func() []string {
		return []string{
			post("/admin/users", 400, user("no-address", "viewer", long)),
			post("/admin/users", 400, user("new@shop.example", "root", long)),
			post("/admin/users", 400, user("new@shop.example", "viewer", "short")),
			post("/admin/users", 400, user("new@shop.example", "viewer", strings.Repeat("ü", 40))),
			post("/admin/users", 400, user("dpo@shop.example", "viewer", long)),
			post("/admin/users/"+strconv.FormatInt(me.ID, 10), 400, url.Values{"role": {"viewer"}}),
			post("/admin/users/"+strconv.FormatInt(me.ID, 10), 400, url.Values{"role": {"root"}}),
			post("/admin/users/nobody", 400, url.Values{"role": {"viewer"}}),
			post("/admin/users/99999", 404, url.Values{"role": {"viewer"}}),
			post("/admin/account/password", 400, url.Values{"current": {password}, "password": {"short"}}),
		}
	}
	for lang, want := range map[string][]string{
		"en": {
			"Email: “no-address” is not an email address", "Role: “root” is not a role: choose Administrator or Viewer",
			"Password: at least 12 characters", "Password: at most 72 bytes", "Email: dpo@shop.example already has an account",
			"You cannot disable yourself or give up your own admin role.", "Role: “root” is not a role: choose Administrator or Viewer",
			"“nobody” is not a user.", "There is no such user.", "New password: at least 12 characters",
		},
		"de": {
			"E-Mail-Adresse: „no-address“ ist keine E-Mail-Adresse", "Rolle: „root“ ist keine Rolle: wählen Sie Administrator oder Betrachter",
			"Passwort: mindestens 12 Zeichen", "Passwort: höchstens 72 Bytes", "E-Mail-Adresse: dpo@shop.example hat bereits ein Konto",
			"Sie können sich nicht selbst deaktivieren oder Ihre eigene Administratorrolle abgeben.", "Rolle: „root“ ist keine Rolle: wählen Sie Administrator oder Betrachter",
			"„nobody“ ist kein Benutzer.", "Diesen Benutzer gibt es nicht.", "Neues Passwort: mindestens 12 Zeichen",
		},
		"fr": nil, "es": nil, "ar": nil,
	} {
		c.speak(lang)
		got := cases()
		if want != nil && !slices.Equal(got, want) {
			t.Errorf("%s:\n%s\nwant\n%s", lang, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		for _, g := range got {
			if strings.Contains(g, "viewer") {
				t.Errorf("%s: %q names a role by its code", lang, g)
			}
			for _, english := range []string{"email:", "password:", "role:", "not an email", "at least", "at most", "already has", "cannot disable", "not a user", "no such user"} {
				if lang != "en" && strings.Contains(g, english) {
					t.Errorf("%s: %q says %q", lang, g, english)
				}
			}
		}
	}
}

// TestEraseAndAuditErrorsInItsLanguage: an erasure without a reason and
// the audit trail's filters that are not days are refused in the console's
// language after the field's label ('Von: „2026-13-01“ ist kein Tag …'),
// the trail's on its own page with its filters, its export's too; an API
// client still gets the English with the field apart.
func TestEraseAndAuditErrorsInItsLanguage(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	d := oneDecision(t, a)
	erase := "/admin/consents/" + d.ConsentID.String() + "/erase"
	cases := func() []string {
		var out []string
		for _, path := range []string{"/admin/audit?from=2026-13-01", "/admin/audit?to=1.2.2026", "/admin/audit/export?from=2026-13-01", "/admin/audit?before=x"} {
			status, page, _ := c.get(path)
			if status != http.StatusBadRequest || !strings.Contains(page, `data-testid="audit-filters"`) || strings.Contains(page, `data-testid="audit"`) {
				t.Errorf("%s: %d, want 400 on the trail's page with its filters and no entries", path, status)
			}
			out = append(out, shownError(t, page))
		}
		status, page, _ := c.post(erase, url.Values{"_csrf": {c.pageToken()}, "reason": {" "}})
		if status != http.StatusBadRequest {
			t.Errorf("erase without a reason: %d", status)
		}
		return append(out, shownError(t, page))
	}
	for lang, want := range map[string][]string{
		"en": {"From: “2026-13-01” is not a day: use YYYY-MM-DD", "To: “1.2.2026” is not a day: use YYYY-MM-DD",
			"From: “2026-13-01” is not a day: use YYYY-MM-DD", "“x” is not a position in the log.",
			"Reason (for example the request’s reference): required, at most 500 characters"},
		"de": {"Von: „2026-13-01“ ist kein Tag: verwenden Sie JJJJ-MM-TT", "Bis: „1.2.2026“ ist kein Tag: verwenden Sie JJJJ-MM-TT",
			"Von: „2026-13-01“ ist kein Tag: verwenden Sie JJJJ-MM-TT", "„x“ ist keine Position im Protokoll.",
			"Grund (zum Beispiel das Aktenzeichen der Anfrage): erforderlich, höchstens 500 Zeichen"},
		"fr": nil, "es": nil, "ar": nil,
	} {
		c.speak(lang)
		got := cases()
		if want != nil && !slices.Equal(got, want) {
			t.Errorf("%s:\n%s\nwant\n%s", lang, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		for _, g := range got {
			for _, english := range []string{"from:", "to:", "reason:", "not a day", "say why", "required"} {
				if lang != "en" && strings.Contains(g, english) {
					t.Errorf("%s: %q says %q", lang, g, english)
				}
			}
		}
	}
	req, _ := http.NewRequest(http.MethodGet, c.srv.URL+"/admin/audit/export?from=2026-13-01", nil)
	req.Header.Set("Accept", "application/json")
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct {
		Error struct{ Message, Field string }
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil || res.StatusCode != 400 ||
		body.Error.Field != "from" || body.Error.Message != `"2026-13-01" is not a day: use YYYY-MM-DD` {
		t.Errorf("JSON: %d %+v %v", res.StatusCode, body, err)
	}
}

// TestSiteEditorErrorsInItsLanguage: what the sites screen and the site
// editor's forms refuse — the form's own checks and the site's validation
// behind them — is said in the console's language after the field's label
// as the editor's form labels it ('Länderregeln, eine pro Zeile: …: „USA“
// ist kein zweibuchstabiger Ländercode …'), not in English after the input's name ('rules: "USA" is
// not a two-letter country code in capitals'); sites apply keeps the
// English. The new-site form's one origin is named as its field names it,
// without a line number ("Allowed origins: … (line 1)" before).
func TestSiteEditorErrorsInItsLanguage(t *testing.T) {
	_, c := signedIn(t, "owner@shop.example", auth.Admin)
	post := func(path string, form url.Values) string {
		t.Helper()
		form.Set("_csrf", c.pageToken())
		status, page, _ := c.post(path, form)
		if status != http.StatusBadRequest {
			t.Errorf("%s %v: %d, want 400", path, form, status)
		}
		return shownError(t, page)
	}
	basics := func(field, value string) string {
		t.Helper()
		_, page, _ := c.get("/admin/sites/demo")
		action, form := formFields(t, page, "basics")
		form.Set(field, value)
		return post(action, form)
	}
	if status, _, _ := c.post("/admin/sites/demo/catalog", url.Values{"_csrf": {c.pageToken()}, "id": {"hotjar"}, "category": {"analytics"}}); status != http.StatusSeeOther {
		t.Fatalf("adding Hotjar: %d", status)
	}
	cases := func() []string {
		return []string{
			post("/admin/sites", url.Values{"id": {"demo"}, "name": {"Demo"}}),
			post("/admin/sites", url.Values{"id": {"Neue Seite"}, "name": {"Neu"}}),
			basics("lifetime_days", "0"),
			basics("rules", "USA opt-out"),
			basics("rules", "US"),
			basics("rules", "US opt-sideways"),
			basics("origins", "https://ok.example\r\nftp://shop.example"),
			post("/admin/sites", url.Values{"id": {"neu"}, "name": {"Neu"}, "origin": {"ftp://shop.example"}}),
			basics("text", "#ffffff"),
			post("/admin/sites/demo/categories", url.Values{"key": {"Neu"}, "name": {"Neu"}, "lang": {"de"}}),
			post("/admin/sites/demo/categories", url.Values{"key": {"neu"}, "name": {" "}, "lang": {"de"}}),
			post("/admin/sites/demo/categories/necessary/delete", url.Values{}),
			post("/admin/sites/demo/services", url.Values{"name": {"Chat"}, "category": {"preferences"}, "cookies": {"chat_id | 30"}}),
			post("/admin/sites/demo/catalog", url.Values{"id": {"hotjar"}, "category": {"analytics"}}),
		}
	}
	for lang, want := range map[string][]string{
		"en": {
			"There is a site “demo” already.", "A site ID is 1 to 63 lower-case letters, digits or dashes.",
			"Remember a choice for (days): give the number of days a choice is remembered, 1 to 395",
			"Country rules, one a line: country and opt-in, opt-out or notice (any other country, and an unknown one, is opt-in): “USA” is not a two-letter country code in capitals",
			"Country rules, one a line: country and opt-in, opt-out or notice (any other country, and an unknown one, is opt-in): “US”: write one rule a line, like: US opt-out",
			"Country rules, one a line: country and opt-in, opt-out or notice (any other country, and an unknown one, is opt-in): US: “opt-sideways” is not a rule: write opt-in, opt-out or notice",
			"Allowed origins, one a line: “ftp://shop.example” (line 2) is not an origin like https://shop.example",
			"Allowed origin: “ftp://shop.example” is not an origin like https://shop.example",
			"Text colour: the text on the background has a contrast of 1.00:1; WCAG AA needs at least 4.5:1",
			"Categories: the key “Neu” is not lower-case letters, digits or underscores",
			"Name: a category needs a name visitors understand", "Categories: “necessary” is required and stays",
			"Cookies: “chat_id | 30”: write one cookie a line as: name | days | session or persistent | purpose [| domain]",
			"Add from the catalog: Hotjar is on this site already",
		},
		"de": {
			"Es gibt bereits eine Website „demo“.", "Eine Website-ID besteht aus 1 bis 63 Kleinbuchstaben, Ziffern oder Bindestrichen.",
			"Entscheidung speichern für (Tage): geben Sie an, wie viele Tage eine Entscheidung gespeichert bleibt, 1 bis 395",
			"Länderregeln, eine pro Zeile: Land und opt-in, opt-out oder notice (jedes andere Land und ein unbekanntes gilt als opt-in): „USA“ ist kein zweibuchstabiger Ländercode in Großbuchstaben",
			"Länderregeln, eine pro Zeile: Land und opt-in, opt-out oder notice (jedes andere Land und ein unbekanntes gilt als opt-in): „US“: schreiben Sie eine Regel pro Zeile, etwa: US opt-out",
			"Länderregeln, eine pro Zeile: Land und opt-in, opt-out oder notice (jedes andere Land und ein unbekanntes gilt als opt-in): US: „opt-sideways“ ist keine Regel: schreiben Sie opt-in, opt-out oder notice",
			"Erlaubte Ursprünge, einer pro Zeile: „ftp://shop.example“ (Zeile 2) ist kein Ursprung wie https://shop.example",
			"Erlaubter Ursprung: „ftp://shop.example“ ist kein Ursprung wie https://shop.example",
			"Textfarbe: der Text auf dem Hintergrund hat einen Kontrast von 1,00:1; WCAG AA verlangt mindestens 4,5:1",
			"Kategorien: der Schlüssel „Neu“ besteht nicht aus Kleinbuchstaben, Ziffern oder Unterstrichen",
			"Name: eine Kategorie braucht einen Namen, den Besucher verstehen", "Kategorien: „necessary“ ist erforderlich und bleibt",
			"Cookies: „chat_id | 30“: schreiben Sie ein Cookie pro Zeile als: Name | Tage | session oder persistent | Zweck [| Domain]",
			"Aus dem Katalog hinzufügen: Hotjar ist bereits auf dieser Website",
		},
		"fr": nil, "es": nil, "ar": nil,
	} {
		c.speak(lang)
		got := cases()
		if want != nil && !slices.Equal(got, want) {
			t.Errorf("%s:\n%s\nwant\n%s", lang, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		for _, g := range got {
			for _, english := range []string{"id:", "lifetime:", "rules:", "origins:", "appearance.", "categories:", "cookies:", "catalog:",
				"exists already", "lower-case", "give the number", "two-letter", "write one", "is not a", "contrast of", "needs a name", "on this site already"} {
				if lang != "en" && strings.Contains(g, english) {
					t.Errorf("%s: %q says %q", lang, g, english)
				}
			}
		}
	}
}

// TestSiteEditorUnknownSiteInItsLanguage: the site editor of a site, or a
// revision of it, that does not exist is a 404 that says so in the
// console's language, as the dashboard's and the log's are ('Es gibt keine
// Website nosuch.'), not the store's English ('no site "nosuch"').
func TestSiteEditorUnknownSiteInItsLanguage(t *testing.T) {
	_, c := signedIn(t, "owner@shop.example", auth.Admin)
	for lang, want := range map[string][]string{
		"en": {"There is no site nosuch.", "There is no site nosuch.", "Site demo has no published revision 9."},
		"de": {"Es gibt keine Website nosuch.", "Es gibt keine Website nosuch.", "Die Website demo hat keine veröffentlichte Version 9."},
	} {
		c.speak(lang)
		for i, path := range []string{"/admin/sites/nosuch", "/admin/sites/nosuch/embed", "/admin/sites/demo/diff?a=1&b=9"} {
			status, page, _ := c.get(path)
			if got := shownError(t, page); status != http.StatusNotFound || got != want[i] {
				t.Errorf("%s %s: %d %q, want 404 %q", lang, path, status, got, want[i])
			}
		}
	}
}

// TestEraseReasonCountsCharacters: an erasure's reason may be 500
// characters, as the form's maxlength and the refusal ('at most 500
// characters') say, in any script: it was 500 bytes, so 200 characters of
// Chinese (600 bytes), which the form let through, were refused as too long,
// and so was the reason the form fills in from a request whose reference is
// in such a script.
func TestEraseReasonCountsCharacters(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	d := oneDecision(t, a)
	erase := "/admin/consents/" + d.ConsentID.String() + "/erase"
	for _, tc := range []struct {
		reason string
		want   int
	}{
		{strings.Repeat("請", 200), http.StatusOK},
		{strings.Repeat("ü", 500), http.StatusOK},
		{strings.Repeat("ü", 501), http.StatusBadRequest},
	} {
		if status, _, _ := c.post(erase, url.Values{"_csrf": {c.pageToken()}, "reason": {tc.reason}}); status != tc.want {
			t.Errorf("a reason of %d characters (%d bytes): %d, want %d", utf8.RuneCountInString(tc.reason), len(tc.reason), status, tc.want)
		}
	}
}

// TestTextTooLongNamesItsLabel: a site's text refused as too long is named
// as the texts form labels it ("Überschrift des Banners", "Category name:
// Analytics"), in the console's language, not by its key ("banner_title",
// "category_analytics"); a category name refused is not repeated in it.
func TestTextTooLongNamesItsLabel(t *testing.T) {
	_, c, tok := ownerOfShop(t)
	long := strings.Repeat("x", 2001)
	for _, tc := range []struct {
		console, path string
		form          url.Values
		want          string
	}{
		{"en", "/admin/sites/shop/texts", url.Values{"lang": {"de"}, "t_banner_title": {long}}, "Text: de: “Banner heading” must be 1 to 2000 characters"},
		{"de", "/admin/sites/shop/texts", url.Values{"lang": {"fr"}, "t_banner_title": {long}}, "Text: fr: „Überschrift des Banners“ muss 1 bis 2000 Zeichen lang sein"},
		{"en", "/admin/sites/shop/texts", url.Values{"lang": {"de"}, "t_category_analytics_desc": {long}}, "Text: de: “Category description: Statistik” must be 1 to 2000 characters"},
		{"fr", "/admin/sites/shop/categories/analytics", url.Values{"lang": {"en"}, "name": {long}}, "Texte\u202f: en\u202f: «\u202fNom de la catégorie\u202f: Analytics\u202f» doit compter de 1 à 2000 caractères"},
	} {
		if status, _, _ := c.post("/admin/me", url.Values{"_csrf": {tok}, "lang": {tc.console}, "tz": {"UTC"}}); status != http.StatusSeeOther {
			t.Fatalf("language: %d", status)
		}
		tc.form.Set("_csrf", tok)
		status, page, _ := c.post(tc.path, tc.form)
		if status != http.StatusBadRequest {
			t.Fatalf("%s %v: %d", tc.path, tc.form.Get("lang"), status)
		}
		if got := shownError(t, page); got != tc.want {
			t.Errorf("%s console: the error says\n%q\nwant\n%q", tc.console, got, tc.want)
		}
	}
}

// TestRefusedTextsKeepWhatWasTyped: a language's texts refused (one too
// long) come back in that language's form with everything typed, not in
// the English form with the French typing gone.
func TestRefusedTextsKeepWhatWasTyped(t *testing.T) {
	_, c, tok := ownerOfShop(t)
	long := strings.Repeat("x", 2001)
	status, page, _ := c.post("/admin/sites/shop/texts", url.Values{"_csrf": {tok}, "lang": {"fr"}, "t_banner_title": {long}, "t_banner_body": {"Nous utilisons des cookies"}})
	if status != http.StatusBadRequest {
		t.Fatalf("%d", status)
	}
	form := regexp.MustCompile(`(?s)<form [^>]*data-testid="texts-form">.*?<input type="hidden" name="lang" value="([^"]*)">.*?</form>`).FindStringSubmatch(page)
	if form == nil || form[1] != "fr" {
		t.Fatalf("the refused French texts come back in another language's form (%.120q)", form)
	}
	for _, want := range []string{`name="t_banner_title"`, ">" + long + "</textarea>", ">Nous utilisons des cookies</textarea>"} {
		if !strings.Contains(form[0], want) {
			t.Errorf("the refused French texts lack %.80q", want)
		}
	}
}
