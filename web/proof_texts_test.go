package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/storetest"
)

// TestProofNamesEveryTextInWords: the proof's "every text, exactly as
// shown" names each text as the site editor labels it, in the console's
// language and direction ('Schaltfläche „Alle akzeptieren“' beside
// 'Tout accepter' for a French visitor in a German console), in the
// editor's order; it named them by their keys (banner_accept,
// prefs_always_on), in no language.
func TestProofNamesEveryTextInWords(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "dpo@shop.example", auth.Admin)
	ctx := context.Background()
	shown, err := a.Store.Snapshot(ctx, "demo", 1, "fr")
	if err != nil {
		t.Fatal(err)
	}
	e := storetest.Event("demo", 0)
	e.Lang, e.TextsHash = "fr", shown.Hash
	if err := a.Store.AppendBatch(ctx, []*consent.Event{e}); err != nil {
		t.Fatal(err)
	}
	c := newConsole(t, a)
	c.login("dpo@shop.example")
	if status, _, _ := c.post("/admin/me", url.Values{"_csrf": {c.pageToken()}, "lang": {"de"}, "tz": {"UTC"}}); status != http.StatusSeeOther {
		t.Fatalf("language: %d", status)
	}
	_, page, _ := c.get("/admin/events/" + e.ID.String())
	var got [][2]string
	for _, m := range regexp.MustCompile(`<dt lang="de" dir="ltr">([^<]*)</dt><dd>([^<]*)</dd>`).FindAllStringSubmatch(page, -1) {
		got = append(got, [2]string{html.UnescapeString(m[1]), html.UnescapeString(m[2])})
	}
	if len(got) != 13 {
		t.Fatalf("%d texts named in the console's language, want the 13 the snapshot holds: %q", len(got), got)
	}
	for i, want := range map[int][2]string{
		0:  {"Überschrift des Banners", "Votre vie privée nous importe"},
		2:  {"Schaltfläche „Alle akzeptieren“", "Tout accepter"},
		12: {"Hinweis „Immer aktiv“", "Toujours activés"},
	} {
		if got[i] != want {
			t.Errorf("text %d is %q, want %q", i, got[i], want)
		}
	}
	if regexp.MustCompile(`<dt[^>]*>[a-z]+_[a-z_]+</dt>`).MatchString(page) {
		t.Errorf("the proof names a text by its key: %q", regexp.MustCompile(`<dt[^>]*>[a-z]+_[a-z_]+</dt>`).FindAllString(page, -1))
	}
}
