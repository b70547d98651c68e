package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// shotIfAsked writes a screenshot of the page into $CONSENTRY_SCREENSHOTS
// when that is set, for a person to look at.
func (b *browser) shotIfAsked(name string) {
	b.t.Helper()
	dir := os.Getenv("CONSENTRY_SCREENSHOTS")
	if dir == "" {
		return
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join("..", "..", dir)
	}
	b.settle()
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// fullShotIfAsked is shotIfAsked of the whole page, not only the viewport.
func (b *browser) fullShotIfAsked(name string) {
	b.t.Helper()
	dir := os.Getenv("CONSENTRY_SCREENSHOTS")
	if dir == "" {
		return
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join("..", "..", dir)
	}
	b.settle()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// TestAccountPage: from the header's own name to the account page, a
// password change there keeps this browser signed in, and "Sign out
// everywhere" ends the session.
func TestAccountPage(t *testing.T) {
	b := start(t)
	b.signIn("/admin/log")
	b.clickTo("the signed-in user's name", `document.querySelector('[data-testid="who"]')`)
	if loc := b.location(); loc != b.base+"/admin/account" {
		t.Fatalf("the user's name leads to %s", loc)
	}
	b.shotIfAsked("account-en.png")
	const fresh = "another long passphrase"
	b.do("typing the passwords",
		chromedp.SendKeys(chromedp.CSS("#current"), b.adminPassword),
		chromedp.SendKeys(chromedp.CSS("#new-password"), fresh))
	b.clickTo("Change password", `document.querySelector('form[data-testid="password"] button[type="submit"]')`)
	if !b.isVisible(`document.querySelector('[data-testid="changed"]')`) {
		t.Fatalf("no confirmation after changing the password, at %s", b.location())
	}
	b.shotIfAsked("account-changed-en.png")
	b.do("choosing Arabic", chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), "ar"))
	b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)
	b.open("/admin/account")
	if l := eval[string](b, `document.documentElement.lang + " " + document.documentElement.dir`); l != "ar rtl" {
		t.Errorf("the account page in Arabic is %q", l)
	}
	b.shotIfAsked("account-ar.png")
	b.clickTo("Sign out everywhere", `document.querySelector('form[data-testid="signout-everywhere"] button[type="submit"]')`)
	if loc := b.location(); loc != b.base+"/admin/login" {
		t.Fatalf("after signing out everywhere: %s", loc)
	}
	b.open("/admin/log")
	if loc := b.location(); !strings.HasPrefix(loc, b.base+"/admin/login?") {
		t.Errorf("the console after signing out everywhere: %s", loc)
	}

	// Two wrong passwords are one entry of the audit trail, counted.
	for range 2 {
		b.open("/admin/login")
		b.do("typing a wrong password",
			chromedp.SendKeys(chromedp.CSS("#email"), b.adminEmail),
			chromedp.SendKeys(chromedp.CSS("#password"), "not the password"))
		b.clickTo("Sign in", `document.querySelector('form[data-testid="login"] button[type="submit"]')`)
	}
	b.adminPassword = fresh
	b.signIn("/admin/audit")
	if got := eval[string](b, `document.querySelector('[data-testid="count"]')?.textContent || ""`); got != "× 2" {
		t.Errorf("the audit trail counts the repeated failure as %q, want × 2", got)
	}
	if over := b.overflowing(); len(over) > 0 {
		t.Errorf("the audit trail sticks out sideways: %v", over)
	}
	b.shotIfAsked("audit-ar.png")
}
