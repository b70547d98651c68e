package e2e

import (
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/consentry/consentry/internal/store"
)

// seedRefusals has the demo site's store count decisions refused from two
// origins it does not allow, today and two days ago, as instances flush
// them: the site list flags the site and its editor lists them, with their
// Add buttons.
func (b *browser) seedRefusals() {
	b.t.Helper()
	now := time.Now()
	for _, h := range []struct {
		at time.Time
		r  store.Refusal
	}{
		{now, store.Refusal{Site: "demo", Origin: "http://shop.example", Count: 12}},
		{now.Add(-48 * time.Hour), store.Refusal{Site: "demo", Origin: "https://www.pharmacy.example", Count: 3}},
	} {
		if err := b.app.Store.AddRefusals(b.ctx, store.RefusalHour(h.at), []store.Refusal{h.r}, 0); err != nil {
			b.t.Fatal(err)
		}
	}
}

// TestRefusedOriginScreenshots writes into $CONSENTRY_SCREENSHOTS the site
// list and the site editor's Basics with decisions refused from two origins
// the demo site does not allow (http:// for its own, www. missing), and the
// editor once the first is added, in English and in Arabic, to look at.
func TestRefusedOriginScreenshots(t *testing.T) {
	if os.Getenv("CONSENTRY_SCREENSHOTS") == "" {
		t.Skip("CONSENTRY_SCREENSHOTS is not set")
	}
	b := start(t)
	refuse := func(origin string, n int) {
		for range n {
			r, _ := http.NewRequest("POST", b.app.URL()+"/api/v1/sites/demo/consents", strings.NewReader(`{"action":"accept_all","revision":1}`))
			r.Header.Set("Origin", origin)
			r.Header.Set("Content-Type", "text/plain")
			res, err := http.DefaultClient.Do(r)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusForbidden {
				t.Fatalf("a decision from %s: %d, want 403", origin, res.StatusCode)
			}
		}
	}
	refuse("http://shop.example", 12)
	refuse("https://www.pharmacy.example", 1)
	b.signIn("/admin/sites/demo")
	b.do("sizing the window", chromedp.EmulateViewport(1100, 900))
	for _, lang := range []string{"en", "ar"} {
		b.open("/admin/sites/demo")
		b.speak(lang)
		b.open("/admin/sites")
		b.shotIfAsked("refused-sites-" + lang + ".png")
		b.open("/admin/sites/demo")
		b.do("scrolling to Basics", chromedp.ScrollIntoView(chromedp.CSS(`#basics`)))
		b.shotIfAsked("refused-origins-" + lang + ".png")
	}
	b.clickTo("Add it", `document.querySelector('[data-testid="allow-origin"]')`)
	b.shotIfAsked("refused-origin-added-ar.png")
}
