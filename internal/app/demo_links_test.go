package app

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"testing"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/web"
)

// TestDemoLinksFollowItsAddress: the demo site links its banner to the
// demo's privacy and legal notices at the address it is served on, in the
// visitor's language; started on another address, an editorial revision
// moves them there; links an owner wrote stay as they are.
func TestDemoLinksFollowItsAddress(t *testing.T) {
	ctx := context.Background()
	st, bundle := demoStore(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	links := func() *consent.Site {
		t.Helper()
		site, err := st.Site(ctx, web.DemoSite)
		if err != nil {
			t.Fatal(err)
		}
		return site
	}
	if err := seedDemo(ctx, st, bundle, "http://127.0.0.1:8080", log); err != nil {
		t.Fatal(err)
	}
	site := links()
	if got, want := site.LinksFor("ar"), (consent.Links{Privacy: "http://127.0.0.1:8080/demo/privacy?lang=ar", Legal: "http://127.0.0.1:8080/demo/legal?lang=ar"}); got != want {
		t.Fatalf("first start: Arabic links %+v, want %+v", got, want)
	}
	if err := seedDemo(ctx, st, bundle, "http://127.0.0.1:8093", log); err != nil {
		t.Fatal(err)
	}
	site = links()
	if !maps.Equal(site.Links, DemoLinks("http://127.0.0.1:8093")) || !site.Editorial {
		t.Fatalf("another address: revision %d (editorial %t), English links %+v", site.Revision, site.Editorial, site.LinksFor("en"))
	}

	own := map[string]consent.Links{"en": {Privacy: "https://pharmacy.example/privacy"}}
	site.Links = own
	site.PrepareRevision(site, true)
	if _, err := st.Publish(ctx, site, nil); err != nil {
		t.Fatal(err)
	}
	rev := site.Revision
	if err := seedDemo(ctx, st, bundle, "http://127.0.0.1:8094", log); err != nil {
		t.Fatal(err)
	}
	if site = links(); !maps.Equal(site.Links, own) || site.Revision == rev {
		t.Errorf("the owner's links became %+v (revision %d after %d)", site.LinksFor("en"), site.Revision, rev)
	}
}
