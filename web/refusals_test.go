package web_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"html"
	"io"
	"maps"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/web"
)

// refusal is one way a hand-made address or form is refused: a GET of
// path, or a POST of form to it (the page's CSRF token added), answered
// with status; typed is what the user gave that the refusal must repeat
// in every language ("" when it names nothing typed).
type refusal struct {
	path   string
	form   url.Values
	status int
	typed  string
	// signedOut drives it in a browser asking for the language
	// (Accept-Language), posting the form as it is, without a session, or
	// with the console's when cookies.
	signedOut, cookies bool
}

// refusalFixture is what the refusals name: a consent ID with a decision,
// one with none, a recorded request.
type refusalFixture struct {
	consent, missing, request string
}

// consoleRefusals are the console's refusals of hand-made addresses and
// forms, each driven in every language below.
func consoleRefusals(f refusalFixture) []refusal {
	return []refusal{
		// The form at every page's foot: language and time zone.
		{path: "/admin/me", form: url.Values{"lang": {"xx"}, "tz": {"UTC"}}, status: 400, typed: "xx"},
		{path: "/admin/me", form: url.Values{"lang": {"de"}, "tz": {"Mars/Base"}}, status: 400, typed: "Mars/Base"},
		// Signed out: the sign-in form expired, a form posted after the
		// session ended.
		{path: "/admin/login", form: url.Values{"email": {"dpo@shop.example"}, "password": {"x"}}, status: 403, signedOut: true},
		{path: "/admin/logout", form: url.Values{}, status: 403, signedOut: true},
		// A form larger than the console takes.
		{path: "/admin/sites/demo/texts", form: url.Values{"lang": {"de"}, "banner_title": {strings.Repeat("x", int(web.ConsoleBodyLimit))}}, status: 413},
		// The log's export.
		{path: "/admin/log/export?format=xlsx&country=DE", status: 400, typed: "xlsx"},
		// The dashboard's exports.
		{path: "/admin/dashboard/export?view=pie", status: 400, typed: "pie"},
		{path: "/admin/dashboard/export?view=revisions", status: 404},
		// A data-subject request's addresses: a consent ID with no
		// decision, an event or a request that is not on record.
		{path: "/admin/consents/" + f.missing + "/export", status: 404, typed: f.missing},
		{path: "/admin/consents/" + f.missing + "/erase", form: url.Values{"reason": {"DSR-7"}}, status: 404, typed: f.missing},
		{path: "/admin/events/" + f.missing, status: 404, typed: f.missing},
		{path: "/admin/requests/9999", status: 404, typed: "9999"},
		{path: "/admin/requests/9999/answer", form: url.Values{"answered": {"2026-01-01"}, "outcome": {"sent"}}, status: 404, typed: "9999"},
		{path: "/admin/consents/" + f.consent + "?request=9999", status: 404, typed: "9999"},
		{path: "/admin/consents/" + f.consent + "/export?request=9999", status: 404, typed: "9999"},
		{path: "/admin/consents/" + f.consent + "/erase", form: url.Values{"reason": {"DSR-7"}, "request": {"9999"}}, status: 404, typed: "9999"},
		{path: "/admin/consents/" + f.consent + "?request=x7", status: 400, typed: "x7"},
		{path: "/admin/consents/" + f.consent + "/export?request=x7", status: 400, typed: "x7"},
		// Two revisions compared.
		{path: "/admin/sites/demo/diff?a=x1&b=1", status: 400, typed: "x1"},
		{path: "/admin/sites/demo/diff?a=1&b=", status: 400},
	}
}

// emptyConsoleRefusals are the refusals of a deployment with no site yet.
func emptyConsoleRefusals(refusalFixture) []refusal {
	return []refusal{
		{path: "/admin/dashboard/export", status: 404},
	}
}

// refusalNote finds what a page says it refused: the console's or the
// visitor's error note, a receipt's refusal, a broken ledger.
var refusalNote = regexp.MustCompile(`(?s)data-testid="(?:error|receipt-refused|broken)">(.*?)</p>`)

var markup = regexp.MustCompile(`<[^>]*>`)

// said is the text of page's refusal note, "" when it has none.
func said(page string) string {
	m := refusalNote.FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return html.UnescapeString(markup.ReplaceAllString(m[1], ""))
}

// englishLeft names the English of a refusal that a page in another
// language repeats: the whole sentence, or what follows the field's label
// ('Time zone: “x” is not a time zone like …' without 'Time zone: ').
func englishLeft(english, page string) string {
	text := html.UnescapeString(markup.ReplaceAllString(page, " "))
	parts := []string{english}
	if _, rest, ok := strings.Cut(english, ": "); ok {
		parts = append(parts, rest)
	}
	for _, p := range parts {
		if len(p) >= 12 && strings.Contains(p, " ") && strings.Contains(text, p) {
			return p
		}
	}
	return ""
}

// refusalConsoles signs in a user of each console language to a new app
// with a request and, with the demo, a decision, and returns the app, the
// consoles by language and what the refusals name.
func refusalConsoles(t *testing.T, demo bool) (*app.App, map[string]*console, refusalFixture) {
	a := newApp(t, 0, func(o *app.Options) { o.Demo = demo })
	f := refusalFixture{missing: "0196a1b2-0000-7000-8000-000000000001"}
	if demo {
		d := oneDecision(t, a)
		f.consent = d.ConsentID.String()
	}
	cs := map[string]*console{}
	for _, lang := range []string{"en", "de", "ar"} {
		addUser(t, a, lang+"@shop.example", auth.Admin)
		cs[lang] = newConsole(t, a)
		cs[lang].login(lang + "@shop.example")
		if lang != "en" {
			cs[lang].speak(lang)
		}
	}
	f.request = cs["en"].record(consent.RequestAccess, time.Now().UTC().AddDate(0, 0, -3), "letter", "")
	return a, cs, f
}

// TestRefusalsSayNoEnglish drives every refusal of a hand-made console
// address or form in English, German and Arabic: each says what it refused
// (naming what was typed), and the German and Arabic pages say it in their
// language, with no sentence of the English one left in them.
func TestRefusalsSayNoEnglish(t *testing.T) {
	a, cs, f := refusalConsoles(t, true)
	sayNoEnglish(t, cs, consoleRefusals(f))
	// An export's format refused, the log keeps its filters.
	if _, page, _ := cs["de"].get("/admin/log/export?format=xlsx&country=DE"); !strings.Contains(page, `name="country" size="3" maxlength="2" value="DE"`) {
		t.Error("the log refusing an export's format drops its filters")
	}
	// A signed head of a ledger whose texts snapshots do not verify.
	if res, err := appDB(t, a).Exec(`UPDATE snapshots SET body = body || ' '`); err != nil {
		t.Fatal(err)
	} else if n, _ := res.RowsAffected(); n == 0 {
		t.Fatal("no texts snapshot to forge")
	}
	sayNoEnglish(t, cs, []refusal{{path: "/admin/integrity/head", status: 422}})
	// The database away: the session cannot be read, the browser's
	// language is the console's.
	a.Store.Close()
	sayNoEnglish(t, cs, []refusal{{path: "/admin/log", status: 503, signedOut: true, cookies: true}})
	_, cs, f = refusalConsoles(t, false)
	sayNoEnglish(t, cs, emptyConsoleRefusals(f))
}

// sayNoEnglish drives each refusal in the English console, then in the
// German and the Arabic one, and compares what they say.
func sayNoEnglish(t *testing.T, cs map[string]*console, refusals []refusal) {
	t.Helper()
	drive := func(c *console, lang string, r refusal) (int, string) {
		t.Helper()
		if r.signedOut {
			method := http.MethodGet
			if r.form != nil {
				method = http.MethodPost
			}
			var cookies []*http.Cookie
			if r.cookies {
				u, _ := url.Parse(c.srv.URL + r.path)
				cookies = c.http.Jar.Cookies(u)
			}
			return sendAs(t, method, c.srv.URL+r.path, lang, r.form, cookies)
		}
		return c.send(r.path, r.form)
	}
	for _, r := range refusals {
		name := r.path
		if r.form != nil {
			name = "POST " + r.path + " " + r.form.Encode()
		}
		name = name[:min(len(name), 120)]
		status, page := drive(cs["en"], "en", r)
		english := said(page)
		if status != r.status || english == "" || !strings.Contains(english, r.typed) {
			t.Errorf("%s, en: %d saying %q, want %d naming %q", name, status, english, r.status, r.typed)
			continue
		}
		// A field is named as the form shows it, never by its input's name.
		inputs := url.Values{}
		maps.Copy(inputs, r.form)
		if u, err := url.Parse(r.path); err == nil {
			maps.Copy(inputs, u.Query())
		}
		for input := range inputs {
			if strings.HasPrefix(english, input+":") {
				t.Errorf("%s: %q names the field by its input's name", name, english)
			}
		}
		for _, lang := range []string{"de", "ar"} {
			status, page := drive(cs[lang], lang, r)
			got := said(page)
			switch left := englishLeft(english, page); {
			case status != r.status || got == "":
				t.Errorf("%s, %s: %d saying %q, want %d and a refusal", name, lang, status, got, r.status)
			case got == english || left != "":
				t.Errorf("%s, %s: says the English %q (%q)", name, lang, english, got)
			case !strings.Contains(got, r.typed):
				t.Errorf("%s, %s: %q does not name %q", name, lang, got, r.typed)
			}
		}
	}
}

// TestRefusedTimeZoneKeptAsTyped: the form at the foot of the refusal's
// page holds the time zone as it was typed, to correct.
func TestRefusedTimeZoneKeptAsTyped(t *testing.T) {
	_, cs, _ := refusalConsoles(t, true)
	c := cs["de"]
	status, page, _ := c.post("/admin/me", url.Values{"_csrf": {c.pageToken()}, "lang": {"de"}, "tz": {"Europe/Pariss"}})
	if want := "Zeitzone: „Europe/Pariss“ ist keine Zeitzone wie Europe/Paris"; status != 400 || said(page) != want {
		t.Errorf("%d saying %q, want 400 saying %q", status, said(page), want)
	}
	if !strings.Contains(page, `name="tz" value="Europe/Pariss"`) {
		t.Error("the form does not keep the time zone as typed")
	}
}

// unsaidRefusals are the errors of package web that carry no message key,
// by file and function, and why no one reads them in the console: every
// other refusal it makes must be said (consent.Error.Say), so that the
// console can say it in its user's language.
var unsaidRefusals = map[string]string{
	"banner.go:getBanner":                   "the visitor API: JSON, in English by contract",
	"consents.go:postConsent":               "the visitor API: JSON, in English by contract",
	"consents.go:record":                    "the visitor API; the page without JavaScript says page_error_form",
	"consents_continue.go:proven":           "the visitor API: JSON, in English by contract (the page without JavaScript sends only a valid token)",
	"consents.go:decodeBody":                "the visitor API: JSON, in English by contract",
	"consents.go:checkOrigin":               "the visitor API: JSON, in English by contract",
	"consents.go:postVerify":                "the visitor API: JSON, in English by contract",
	"receipt.go:getReceipt":                 "to a program only: a page asked for says receipt_token_invalid",
	"routes.go:rateLimit":                   "the visitor API, and the page without JavaScript, whose title says it",
	"server.go:entry":                       "visitors only: the API's English; the page without JavaScript says page_error_site",
	"limits.go:bodyError":                   "a body cut short: the client hung up and reads no answer",
	"errors.go:handleError":                 "Echo's own refusals: their status's name, which the page's title says in words",
	"admin_dashboard.go:getDashboardExport": "the dashboard's own refusal, in the console's words already (view.Error)",
}

// TestEveryRefusalIsSaid reads package web's source for every refusal it
// makes (consent.Errorf, FieldError, Wrap, an Error literal), in a function
// or a package-level variable, and fails on one that is not given a message
// key (Say, Key) and is not listed in unsaidRefusals: a new refusal that
// would reach the console in English whatever its language, as
// TestRefusalsSayNoEnglish finds for those it drives.
func TestEveryRefusalIsSaid(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		// A refusal stands in a function or in a package-level variable
		// (errCSRF): each is read on its own, named by its name.
		check := func(where string, decl ast.Node) {
			said := map[ast.Node]bool{}
			ast.Inspect(decl, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok {
					if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Say" {
						// Say may end a chain of the error's methods,
						// consent.FieldError(…).Naming(…).Say(…): each
						// call in it is said.
						for x := sel.X; ; {
							said[x] = true
							c, ok := x.(*ast.CallExpr)
							if !ok {
								break
							}
							m, ok := c.Fun.(*ast.SelectorExpr)
							if !ok || isConsent(m.X) {
								break
							}
							x = m.X
						}
					}
				}
				return true
			})
			ast.Inspect(decl, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					sel, ok := n.Fun.(*ast.SelectorExpr)
					if !ok || !isConsent(sel.X) || !slices.Contains([]string{"Errorf", "FieldError", "Wrap"}, sel.Sel.Name) || said[n] {
						return true
					}
				case *ast.CompositeLit:
					sel, ok := n.Type.(*ast.SelectorExpr)
					if !ok || !isConsent(sel.X) || sel.Sel.Name != "Error" || hasKey(n) {
						return true
					}
				default:
					return true
				}
				seen[where] = true
				if unsaidRefusals[where] == "" {
					t.Errorf("%s (%s): a refusal without a message key: Say what it says, in all five admin locales", fset.Position(n.Pos()), where)
				}
				return true
			})
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				check(path+":"+d.Name.Name, d)
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					if v, ok := spec.(*ast.ValueSpec); ok {
						check(path+":"+v.Names[0].Name, v)
					}
				}
			}
		}
	}
	for where := range unsaidRefusals {
		if !seen[where] {
			t.Errorf("unsaidRefusals lists %s, which has no refusal without a key", where)
		}
	}
}

func isConsent(x ast.Expr) bool {
	id, ok := x.(*ast.Ident)
	return ok && id.Name == "consent"
}

// hasKey reports whether an Error literal names its message key.
func hasKey(lit *ast.CompositeLit) bool {
	for _, e := range lit.Elts {
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok && id.Name == "Key" {
				return true
			}
		}
	}
	return false
}

// sendAs sends a form request as a browser asking for lang, with only the
// cookies given (none: someone signed out) and following no redirect, and
// returns the answer's status and page.
func sendAs(t *testing.T, method, target, lang string, form url.Values, cookies []*http.Cookie) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", lang)
	for _, ck := range cookies {
		req.AddCookie(ck)
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	page, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(page)
}
