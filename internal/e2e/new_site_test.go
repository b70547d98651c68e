package e2e

import (
	"strings"
	"testing"
)

// TestNewSiteFormInTheBrowser: the console's New site form, filled in a
// browser, takes an origin typed without a scheme (saved as https://, the
// editor saying so, as README promises) and checks the ID's pattern. The
// origin field was type="url", so the browser refused "shop.example"
// ("Please enter a URL.") before the server could assume https://; and the
// ID's pattern was no valid regular expression under the v flag browsers
// compile patterns with, so the browser ignored it.
func TestNewSiteFormInTheBrowser(t *testing.T) {
	b := start(t)
	b.signIn("/admin/sites")
	b.typeInto("#ns-id", "Bad Id")
	if !eval[bool](b, `document.querySelector("#ns-id").validity.patternMismatch`) {
		t.Error(`the browser does not check the site ID's pattern: "Bad Id" passes`)
	}
	eval[bool](b, `(document.querySelector("#ns-id").value = "", true)`)
	b.typeInto("#ns-id", "shop")
	b.typeInto("#ns-name", "Shop")
	b.typeInto("#ns-origin", "shop.example")
	if msg := eval[string](b, `document.querySelector("#ns-origin").validationMessage`); msg != "" {
		t.Fatalf("the browser refuses the origin shop.example: %q", msg)
	}
	b.submit("Create", `document.querySelector('form[data-testid="new-site"] button[type="submit"]')`, "/admin/sites/shop?assumed=https%3A%2F%2Fshop.example")
	if note := b.text(`[data-testid="origin-assumed"]`); !strings.Contains(note, "https://shop.example") {
		t.Errorf("the editor does not say https://shop.example was assumed: %q", note)
	}
}
