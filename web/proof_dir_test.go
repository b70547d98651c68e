package web_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/storetest"
)

// TestProofTextsInTheirDirection: the proof's "what the visitor was shown"
// is laid out in the direction of the language it was shown in, whatever
// the console's: an Arabic visitor's banner reads right to left in an
// English console, a French one left to right in an Arabic console. It took
// the console's direction, so an Arabic banner's full stops and «quotes»
// stood at the wrong ends and its buttons in the wrong order. The console's
// own words among them keep the console's language and direction.
func TestProofTextsInTheirDirection(t *testing.T) {
	c, ids := shownProof(t, "ar", "fr")
	texts := regexp.MustCompile(`<div[^>]*data-testid="texts"[^>]*>`)
	dir := regexp.MustCompile(`\bdir="([^"]*)"`)
	for _, tc := range []struct{ console, visitor, want string }{
		{"en", "ar", "rtl"}, {"en", "fr", "ltr"}, {"ar", "fr", "ltr"}, {"ar", "ar", "rtl"},
	} {
		c.speak(tc.console)
		_, page, _ := c.get("/admin/events/" + ids[tc.visitor])
		div := texts.FindString(page)
		if div == "" {
			t.Fatalf("%s console: no texts on the proof of a %s visitor's decision", tc.console, tc.visitor)
		}
		if m := dir.FindStringSubmatch(div); m == nil || m[1] != tc.want {
			t.Errorf("%s console, %s visitor: the texts shown are %s, want dir=%q", tc.console, tc.visitor, div, tc.want)
		}
		// Inside them, the console's own "every text, exactly as shown" is
		// in the console's language and direction.
		after := page[strings.Index(page, div):]
		summary := regexp.MustCompile(`<summary[^>]*>`).FindString(after)
		wantDir := map[string]string{"en": "ltr", "ar": "rtl"}[tc.console]
		if !strings.Contains(summary, `lang="`+tc.console+`"`) || !strings.Contains(summary, `dir="`+wantDir+`"`) {
			t.Errorf("%s console, %s visitor: the console's summary among the texts shown is %s, want lang=%q dir=%q", tc.console, tc.visitor, summary, tc.console, wantDir)
		}
	}
}

// shownProof signs a DPO in to a new app's console after recording one
// decision of the demo site per language, each shown that language's
// texts snapshot; it returns the console and each decision's event ID.
func shownProof(t *testing.T, langs ...string) (*console, map[string]string) {
	t.Helper()
	a := newApp(t, 0)
	addUser(t, a, "dpo@shop.example", auth.Admin)
	ctx := context.Background()
	ids := map[string]string{}
	for i, lang := range langs {
		shown, err := a.Store.Snapshot(ctx, "demo", 1, lang)
		if err != nil {
			t.Fatal(err)
		}
		e := storetest.Event("demo", i)
		e.Lang, e.TextsHash = lang, shown.Hash
		if err := a.Store.AppendBatch(ctx, []*consent.Event{e}); err != nil {
			t.Fatal(err)
		}
		ids[lang] = e.ID.String()
	}
	c := newConsole(t, a)
	c.login("dpo@shop.example")
	return c, ids
}
