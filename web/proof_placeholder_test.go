package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/storetest"
)

// TestProofOfPlaceholderOnOlderSnapshot: a decision made on a blocked
// embed's placeholder whose revision's snapshot was stored before the
// placeholder's texts were kept (a site not published since) says so on
// its proof, above the texts that snapshot does hold, rather than pass
// the banner's off as what the visitor read; one on the banner says
// nothing of it.
func TestProofOfPlaceholderOnOlderSnapshot(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "dpo@shop.example", auth.Admin)
	ctx := context.Background()
	older := consent.NewSnapshot(consent.Texts{Site: "shop", Revision: 1, Lang: "en", Messages: map[string]string{
		"banner_title": "We value your privacy", "banner_body": "We use cookies.",
	}})
	if _, err := a.Store.AddSnapshot(ctx, older); err != nil {
		t.Fatal(err)
	}
	ids := map[consent.Source]string{}
	for i, src := range []consent.Source{consent.SourcePlaceholder, consent.SourceBanner} {
		e := storetest.Event("shop", i)
		e.Lang, e.Revision, e.TextsHash, e.Source = "en", 1, older.Hash, src
		if err := a.Store.AppendBatch(ctx, []*consent.Event{e}); err != nil {
			t.Fatal(err)
		}
		ids[src] = e.ID.String()
	}
	c := newConsole(t, a)
	c.login("dpo@shop.example")
	_, page, _ := c.get("/admin/events/" + ids[consent.SourcePlaceholder])
	if !strings.Contains(page, `data-testid="placeholder-texts-missing"`) || !strings.Contains(page, "Placeholder of a blocked embed") ||
		!strings.Contains(page, "do not include the placeholder’s") || !strings.Contains(page, "We use cookies.") {
		t.Errorf("the proof of a decision on a placeholder over an older snapshot does not say its texts were not kept:\n%s", page)
	}
	if _, page, _ := c.get("/admin/events/" + ids[consent.SourceBanner]); strings.Contains(page, "placeholder-texts-missing") {
		t.Error("the proof of a decision on the banner speaks of a placeholder")
	}
}
