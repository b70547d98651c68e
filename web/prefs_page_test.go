package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/consentry/consentry/internal/consent"
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
