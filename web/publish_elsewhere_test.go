package web_test

import (
	"context"
	"net/http"
	"testing"
)

// A revision published by another instance (here straight through the
// store, as `consentry sites apply` or another instance's console does,
// without this server forgetting its cached site) is accepted at once when
// a visitor was shown it: the banner came from an instance that already
// serves it, the decision lands on one whose cache still holds the old
// revision. A revision never published is still refused.
func TestRevisionPublishedElsewhereIsAccepted(t *testing.T) {
	a := newApp(t, 0)
	if rec := do(a, req{"POST", consents, `{"action":"reject_all","revision":1}`, nil}); rec.Code != http.StatusCreated {
		t.Fatalf("revision 1: %d %s", rec.Code, rec.Body)
	}
	site, err := a.Store.Site(context.Background(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	site.ChangeNote = "published on another instance"
	rev, err := a.Store.Publish(context.Background(), site, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rev != 2 {
		t.Fatalf("published revision %d, want 2", rev)
	}
	if rec := do(a, req{"POST", consents, `{"action":"reject_all","revision":2}`, nil}); rec.Code != http.StatusCreated {
		t.Errorf("revision 2 just published elsewhere: %d %s", rec.Code, rec.Body)
	}
	if rec := do(a, req{"POST", consents, `{"action":"reject_all","revision":3}`, nil}); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("revision 3, never published: %d %s", rec.Code, rec.Body)
	}

	// The no-JavaScript form likewise: its page came from another instance.
	if _, err := a.Store.Publish(context.Background(), site, nil); err != nil {
		t.Fatal(err)
	}
	form := req{"POST", "/p/demo", "action=reject_all&revision=3&lang=en",
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}
	if rec := do(a, form); rec.Code != http.StatusOK && rec.Code != http.StatusSeeOther {
		t.Errorf("no-JS form, revision 3 just published elsewhere: %d %.300s", rec.Code, rec.Body)
	}
}
