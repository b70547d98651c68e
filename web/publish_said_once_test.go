package web_test

import (
	"context"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
)

// TestPublishSaidOnce: the site editor's publish section says "Publish"
// once, on its button, in each console language; it said it three times
// more: its heading, "Publishing will make these changes live:" and the
// legend of the choice between a material and an editorial revision, which
// now names that choice.
func TestPublishSaidOnce(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "owner@shop.example", auth.Admin)
	d, err := a.Store.Draft(context.Background(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	d.Name = "Green Cross"
	if err := a.Store.SaveDraft(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	c := newConsole(t, a)
	c.login("owner@shop.example")
	section := regexp.MustCompile(`(?s)<section class="card" data-testid="publish">.*?</section>`)
	tags := regexp.MustCompile(`<[^>]*>`)
	for lang, stem := range map[string]string{"en": "publish", "de": "veröffentlich", "fr": "publi", "es": "publicar", "ar": "نشر"} {
		c.speak(lang)
		_, page, _ := c.get("/admin/sites/demo")
		s := section.FindString(page)
		if !strings.Contains(s, `data-testid="publish-button"`) {
			t.Fatalf("%s: no publish form:\n%s", lang, s)
		}
		text := strings.ToLower(html.UnescapeString(tags.ReplaceAllString(s, " ")))
		if n := strings.Count(text, stem); n != 1 {
			t.Errorf("%s: the publish section says %q %d times, want once (its button):\n%s", lang, stem, n, strings.Join(strings.Fields(text), " "))
		}
	}
}
