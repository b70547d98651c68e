package web_test

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
)

// TestEditedCookieLineKeepsItsPurposeKey: a cookie whose purpose is a
// visitor message (purpose_key, read in every visitor language) shows an
// empty purpose in the service form; an owner who changes its lifetime
// there keeps the key, and one who writes a purpose of their own gets that
// purpose instead. Its line saved with another lifetime became a cookie
// with an empty plain purpose, so visitors lost its purpose in every
// language.
func TestEditedCookieLineKeepsItsPurposeKey(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	ctx := context.Background()
	before, err := a.Store.Draft(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	n := slices.IndexFunc(before.Services, func(sv consent.Service) bool { return sv.Name == "Demo Analytics" })
	if n < 0 || len(before.Services[n].Cookies) != 2 || before.Services[n].Cookies[0].PurposeKey == "" || before.Services[n].Cookies[1].PurposeKey == "" {
		t.Fatalf("the demo's analytics cookies have no purpose keys: %+v", before.Services)
	}
	ga, pages := before.Services[n].Cookies[0], before.Services[n].Cookies[1]
	_, page, _ := c.get("/admin/sites/demo?edit=" + strconv.Itoa(n))
	action, form := formFields(t, page, "service-form")
	lines := strings.Split(form.Get("cookies"), "\r\n")
	if len(lines) != 2 || lines[0] != "_demo_ga | 395 | persistent | " {
		t.Fatalf("the form shows the cookies as %q", lines)
	}
	lines[0] = "_demo_ga | 30 | persistent | "
	lines[1] = strings.TrimSpace(lines[1]) + " Counts the pages you view"
	form.Set("cookies", strings.Join(lines, "\r\n"))
	if status, body, _ := c.post(action, form); status != http.StatusSeeOther {
		t.Fatalf("saving the service: %d %.300s", status, body)
	}
	after, err := a.Store.Draft(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	ks := after.Services[n].Cookies
	ga.Days = 30
	if len(ks) != 2 || ks[0] != ga {
		t.Errorf("_demo_ga given 30 days became %+v, want %+v", ks[0], ga)
	}
	pages.Purpose, pages.PurposeKey = "Counts the pages you view", ""
	if len(ks) != 2 || ks[1] != pages {
		t.Errorf("_demo_ga_* given a purpose became %+v, want %+v", ks[1], pages)
	}
}
