package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/consent"
	"golang.org/x/net/html"
)

// TestNoJSProofNamesTheReturnPage: a decision made on the no-JavaScript
// page, sent there from a site's page with a return URL, records that page
// (its origin and path) as where consent was given, not the form's own
// /p/SITE that the form's Referer names.
func TestNoJSProofNamesTheReturnPage(t *testing.T) {
	a := newApp(t, 0)
	page := "/p/demo?lang=de&return=" + url.QueryEscape(a.URL()+"/demo/basket?step=2")
	rec := do(a, req{"GET", page, "", nil})
	if rec.Code != http.StatusOK {
		t.Fatalf("page: %d", rec.Code)
	}
	_, form := formFields(t, rec.Body.String(), "prefs-form")
	form.Set("action", "reject_all") // the button pressed
	rec = do(a, req{"POST", page, form.Encode(), map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": a.URL(), "Referer": a.URL() + page}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("post: %d %s", rec.Code, rec.Body)
	}
	var last *consent.Event
	if err := a.Store.Walk(context.Background(), 0, func(e *consent.Event) error { last = e; return nil }); err != nil {
		t.Fatal(err)
	}
	if last == nil || last.Source != consent.SourceNoJS {
		t.Fatalf("recorded %+v", last)
	}
	if want := a.URL() + "/demo/basket"; last.Personal.Page != want {
		t.Errorf("the proof's page is %q, want %q, where the visitor was", last.Personal.Page, want)
	}
}

// TestNoJSPageOffersTheReceipt: a visitor without JavaScript sees their
// consent ID and a link to the receipt of their choice, right after choosing
// and whenever they come back to the page, as the preference center shows
// them to a visitor with JavaScript; the link gives that receipt.
func TestNoJSPageOffersTheReceipt(t *testing.T) {
	a := newApp(t, 0)
	rec := do(a, req{"GET", "/p/demo?lang=de", "", nil})
	if rec.Code != http.StatusOK {
		t.Fatalf("page: %d", rec.Code)
	}
	if strings.Contains(rec.Body.String(), `data-testid="receipt"`) {
		t.Error("a visitor who never chose is offered a receipt")
	}
	_, form := formFields(t, rec.Body.String(), "prefs-form")
	form.Set("action", "reject_all")
	rec = do(a, req{"POST", "/p/demo?lang=de", form.Encode(), map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": a.URL()}})
	if rec.Code != http.StatusOK {
		t.Fatalf("post: %d %s", rec.Code, rec.Body)
	}
	var cookie string
	for _, c := range rec.Result().Cookies() {
		if c.Name == "consentry" {
			cookie = c.Name + "=" + c.Value
		}
	}
	if cookie == "" {
		t.Fatal("no token cookie set")
	}
	saved := receiptOffered(t, a, rec.Body.String(), "saved")
	again := do(a, req{"GET", "/p/demo?lang=de", "", map[string]string{"Cookie": cookie}})
	if id := receiptOffered(t, a, again.Body.String(), "current"); id != saved {
		t.Errorf("coming back, the page names consent ID %q, not %q", id, saved)
	}
}

// receiptOffered finds, in the section with the given test ID, the consent
// ID and the receipt link, follows the link and checks the receipt names the
// same ID. It returns the ID.
func receiptOffered(t *testing.T, a *app.App, page, section string) string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var id, href string
	for n := range doc.Descendants() {
		if attr(n, "data-testid") != section {
			continue
		}
		for m := range n.Descendants() {
			switch attr(m, "data-testid") {
			case "consent-id":
				if m.FirstChild != nil {
					id = m.FirstChild.Data
				}
			case "receipt":
				href = attr(m, "href")
			}
		}
	}
	if id == "" || href == "" {
		t.Fatalf("%s: consent ID %q, receipt link %q", section, id, href)
	}
	rec := do(a, req{"GET", href, "", map[string]string{"Accept": "text/html"}})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), id) {
		t.Errorf("%s: the receipt link %s gives %d without the ID %s", section, href, rec.Code, id)
	}
	return id
}
