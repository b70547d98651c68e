package web_test

import (
	"context"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/storetest"
)

// TestArabicConsoleJoinsByArabicComma: where the console joins items into
// one line (a service's cookies in the site editor and the catalog, a
// proof's link to the visitor's newer decision, its words and its time),
// Arabic joins them by its own comma "،", as the log's lists of categories
// do: they were joined by a Latin ", ". (A language's name with its code,
// "(English, en)", is left as it is for now.)
func TestArabicConsoleJoinsByArabicComma(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	ctx := context.Background()
	old, newer := storetest.Event("demo", 1), storetest.Event("demo", 2)
	newer.ConsentID, newer.Time = old.ConsentID, old.Time.Add(time.Minute)
	if err := a.Store.AppendBatch(ctx, []*consent.Event{old, newer}); err != nil {
		t.Fatal(err)
	}
	c.speak("ar")
	named := regexp.MustCompile(`\([^()]*, [a-z]{2,3}(-[A-Za-z0-9]+)?\)`)
	tags := regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>|<[^>]*>`)
	for _, p := range []string{"/admin/sites/demo", "/admin/events/" + old.ID.String()} {
		_, page, _ := c.get(p)
		text := html.UnescapeString(tags.ReplaceAllString(page, "\n"))
		if !strings.Contains(text, "، ") {
			t.Errorf("%s (ar) joins nothing by the Arabic comma", p)
		}
		// A cookie's name keeps its order in an Arabic line.
		if strings.HasPrefix(p, "/admin/sites/") && !strings.Contains(text, "\u2066_demo_ga\u2069، \u2066_demo_ga_*\u2069") {
			t.Errorf("%s (ar) does not list the cookies _demo_ga and _demo_ga_* each isolated left to right", p)
		}
		for _, line := range strings.Split(text, "\n") {
			if strings.Contains(named.ReplaceAllString(line, ""), ", ") {
				t.Errorf("%s (ar) joins by a Latin comma: %q", p, strings.TrimSpace(line))
			}
		}
	}
}
