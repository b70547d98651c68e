package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/templates"
)

var tags = regexp.MustCompile(`<[^>]*>`)

// TestSignInSaysHowToCreateTheFirstUser: a console with no user (served
// without --demo, before `consentry user add`) says on its sign-in page, in
// each console language, that nobody can sign in yet and the command that
// creates the first user, also after a failed sign-in; once a user exists
// it says nothing of it. The page showed only the form, which nobody could
// get past.
func TestSignInSaysHowToCreateTheFirstUser(t *testing.T) {
	a := newApp(t, 0, func(o *app.Options) { o.Demo = false })
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	c := newConsole(t, a)
	if len(b.ConsoleLanguages()) < 5 {
		t.Fatalf("console languages %q", b.ConsoleLanguages())
	}
	for _, lang := range b.ConsoleLanguages() {
		status, body, _ := c.get("/admin/login?lang=" + lang)
		tr := b.For(lang)
		text := strings.Join(strings.Fields(tags.ReplaceAllString(body, "")), " ") // as a browser shows it
		for _, want := range []string{`data-testid="no-user"`, html.EscapeString(tr.T("a_login_no_user")), html.EscapeString(tr.T("a_login_no_user_db")), templates.FirstUserCommand} {
			if status != http.StatusOK || !strings.Contains(body, want) && !strings.Contains(text, want) {
				t.Errorf("%s: %d, the sign-in page lacks %q", lang, status, want)
			}
		}
	}
	status, body, _ := c.post("/admin/login", url.Values{"email": {"dpo@shop.example"}, "password": {password}, "_csrf": {c.csrf()}})
	if status != http.StatusUnauthorized || !strings.Contains(body, `data-testid="no-user"`) {
		t.Errorf("a failed sign-in with no user: %d, says how to create one: %t", status, strings.Contains(body, `data-testid="no-user"`))
	}
	addUser(t, a, "dpo@shop.example", auth.Admin)
	if _, body, _ := c.get("/admin/login"); strings.Contains(body, `data-testid="no-user"`) || strings.Contains(body, templates.FirstUserCommand) {
		t.Error("with a user, the sign-in page still says how to create the first")
	}
	c.login("dpo@shop.example")
}
