package e2e

import (
	"slices"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
)

// TestRefusedOriginSaysSo: a page on an origin the site does not allow gets
// the banner, but its decision is refused (403). The snippet reads the
// refusal (it carries the CORS headers the page needs), does not try again,
// and says in the banner's language that the choice could not be saved;
// the banner stays usable and nothing is recorded.
func TestRefusedOriginSaysSo(t *testing.T) {
	b := start(t)
	h := b.newHost(false)
	b.publishDemo("the host is not allowed", func(s *consent.Site) {
		s.Origins = slices.DeleteFunc(s.Origins, func(o string) bool { return o == h.srv.URL })
	})
	for _, c := range []struct{ lang, want string }{
		{"de", "Ihre Auswahl konnte nicht gespeichert werden."},
		{"ar", "تعذّر حفظ اختيارك."},
	} {
		url := h.page("/"+c.lang, `<!DOCTYPE html><html lang="`+c.lang+`"><head><meta charset="utf-8"><title>Host</title>
<script src="{{consentry}}/c.js" data-site="demo"></script></head><body><p>host</p></body></html>`)
		b.navigate(url)
		b.waitBanner()
		b.watchPosts()
		start := time.Now()
		b.click("accept-all", part("accept-all"))
		b.wait("the error on the banner", visible(part("banner")+`.querySelector(".cy-error")`))
		if got := eval[string](b, part("banner")+`.querySelector(".cy-error").textContent`); got != c.want {
			t.Errorf("%s: the banner says %q, want %q", c.lang, got, c.want)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%s: the error took %v to show", c.lang, d)
		}
		b.settle()
		if posts := eval[[]struct {
			Status int `json:"status"`
		}](b, `window.__posts`); len(posts) != 1 || posts[0].Status != 403 {
			t.Errorf("%s: the snippet posted %+v, want once, read as a 403", c.lang, posts)
		}
		if !b.isVisible(part("reject-all")) || !b.isVisible(part("customize")) {
			t.Errorf("%s: the banner is not usable after the refusal", c.lang)
		}
		if eval[any](b, `window.Consentry.get()`) != nil {
			t.Errorf("%s: the snippet holds a decision after the refusal", c.lang)
		}
		b.shotIfAsked("refused-" + c.lang + ".png")
	}
	if n := len(b.events()); n != 0 {
		t.Errorf("%d events recorded from an origin the site does not allow", n)
	}
}
