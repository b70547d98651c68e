package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/words"
	"github.com/consentry/consentry/templates"
)

// TestEmptyValueSaidMissing: a refusal of a value left empty says that none
// was given, after the field's label, in the console's language ('Second
// revision: none given'); it quoted the nothing given ('„“ ist keine
// Versionsnummer'), without saying which field. Two revisions compared
// without a number for the second, a user added without an email, a
// request's answer without its day.
func TestEmptyValueSaidMissing(t *testing.T) {
	_, c := signedIn(t, "dpo@shop.example", auth.Admin)
	for _, tc := range []struct {
		lang, path string
		form       url.Values
		want       string
	}{
		{"en", "/admin/sites/demo/diff?a=1&b=", nil, "Second revision: none given"},
		{"de", "/admin/sites/demo/diff?a=&b=2", nil, "Erste Version: keine Angabe"},
		{"ar", "/admin/sites/demo/diff?a=1&b=", nil, "المراجعة الثانية: لم تُحدَّد قيمة"},
		{"fr", "/admin/users", url.Values{"email": {""}, "role": {"viewer"}, "password": {"a long enough password"}}, "Adresse e-mail\u202f: aucune valeur indiquée"},
		{"es", "/admin/users", url.Values{"email": {""}, "role": {"viewer"}, "password": {"a long enough password"}}, "Correo electrónico: ningún valor indicado"},
	} {
		c.speak(tc.lang)
		status, page := c.send(tc.path, tc.form)
		if status != http.StatusBadRequest {
			t.Errorf("%s %s: %d, want 400", tc.lang, tc.path, status)
		}
		if got := shownError(t, page); got != tc.want {
			t.Errorf("%s %s: the page says %q, want %q", tc.lang, tc.path, got, tc.want)
		}
	}
}

// TestEveryEmptyValueSaidMissing: a value left empty is said to be missing
// ('none given', in the console's language) in every message that can
// show one, not only where it is the message's only argument
// (TestEmptyValueSaidMissing): a cookie line without a name or a lifetime,
// which quoted the nothing given ('service “Stats”: “” is not a cookie
// name'); both revisions of a comparison left out, which said the first
// alone; and an audit entry whose words carry an empty value, which showed
// nothing after its colon.
func TestEveryEmptyValueSaidMissing(t *testing.T) {
	_, c, tok := ownerOfShop(t)
	for _, tc := range []struct {
		lang, path string
		form       url.Values
		want       []string // the refusal's parts
	}{
		{"en", "/admin/sites/shop/diff?a=&b=", nil, []string{"First revision: none given", "Second revision: none given"}},
		{"de", "/admin/sites/shop/diff?a=x&b=", nil, []string{"Erste Version: „x“ ist keine Versionsnummer.", "Zweite Version: keine Angabe"}},
		{"ar", "/admin/sites/shop/diff?a=&b=", nil, []string{"المراجعة الأولى: لم تُحدَّد قيمة", "المراجعة الثانية: لم تُحدَّد قيمة"}},
		{"en", "/admin/sites/shop/services", url.Values{"cookies": {" | 30 | persistent | Counts visits"}}, []string{"Services: service “Stats”, a cookie’s name: none given"}},
		{"fr", "/admin/sites/shop/services", url.Values{"cookies": {" | 30 | persistent | Counts visits"}}, []string{"Services\u202f: service «\u202fStats\u202f», nom d’un cookie\u202f: aucune valeur indiquée"}},
		{"de", "/admin/sites/shop/services", url.Values{"cookies": {"_st |  | persistent | Counts visits"}}, []string{"Cookies: „_st |  | persistent | Counts visits“, Laufzeit: keine Angabe: geben Sie die Zahl der Tage an, etwa 395"}},
		{"es", "/admin/sites/shop/services", url.Values{"cookies": {"_st |  | persistent | Counts visits"}}, []string{"Cookies: «_st |  | persistent | Counts visits», duración: ningún valor indicado: indique el número de días, por ejemplo 395"}},
		{"ar", "/admin/sites/shop/services", url.Values{"cookies": {" | 30 | persistent | Counts visits"}}, []string{"الخدمات: الخدمة «Stats»، اسم ملف تعريف الارتباط: لم تُحدَّد قيمة"}},
	} {
		c.speak(tc.lang)
		if tc.form != nil {
			for k, v := range map[string]string{"_csrf": tok, "name": "Stats", "provider": "Shop", "category": "analytics", "lang": "en"} {
				tc.form.Set(k, v)
			}
		}
		status, page := c.send(tc.path, tc.form)
		if status != http.StatusBadRequest {
			t.Errorf("%s %s: %d, want 400", tc.lang, tc.path, status)
			continue
		}
		if got := shownError(t, page); got != strings.Join(tc.want, "") {
			t.Errorf("%s %s %v: the page says\n%q\nwant\n%q", tc.lang, tc.path, tc.form["cookies"], got, strings.Join(tc.want, " | "))
		}
		if n := strings.Count(page, `class="part"`); len(tc.want) > 1 && n != len(tc.want) {
			t.Errorf("%s %s: %d parts, want %d, each on a line of its own", tc.lang, tc.path, n, len(tc.want))
		}
	}

	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lang string
		said words.Words
		want string
	}{
		{"en", words.Say("a_audit_detail_extend", map[string]words.Words{"By": words.SayN("a_n_months", 1, nil), "Due": words.Written("2027-01-31"), "Reason": words.Written("")}),
			"Extended by 1 month, now due on 2027-01-31: none given"},
		{"de", words.Say("a_audit_change_to", map[string]words.Words{"What": words.Written("appearance.font"), "New": words.Written("")}),
			"appearance.font: keine Angabe"},
		{"fr", words.Say("a_audit_named", map[string]words.Words{"Name": words.Written("Stats"), "ID": words.Written("")}),
			"Stats (aucune valeur indiquée)"},
	} {
		if got := templates.AuditDetailWords(b.For(tc.lang), auth.AuditEntry{Action: "site_edit", Words: []words.Words{tc.said}}); got != tc.want {
			t.Errorf("%s: the audit entry reads %q, want %q", tc.lang, got, tc.want)
		}
	}
}
