package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
)

// TestEveryDSRActionIsAudited: looking a visitor up, exporting their records
// and erasing them each leave an audit entry naming who, what and whose;
// a viewer may look up and export but gets 403 on erasure, audited or not.
func TestEveryDSRActionIsAudited(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "dpo@shop.example", auth.Admin)
	addUser(t, a, "viewer@shop.example", auth.Viewer)
	d := oneDecision(t, a)
	id := d.ConsentID.String()
	path := "/admin/consents/" + id
	newest := func() auth.AuditEntry {
		t.Helper()
		entries, err := a.Store.AuditLog(context.Background(), 0, 1)
		if err != nil || len(entries) != 1 {
			t.Fatalf("audit trail: %v %v", entries, err)
		}
		return entries[0]
	}
	viewer := newConsole(t, a)
	viewer.login("viewer@shop.example")
	dpo := newConsole(t, a)
	dpo.login("dpo@shop.example")
	for _, tc := range []struct {
		who    *console
		actor  string
		do     func(c *console) int
		action string
	}{
		{viewer, "viewer@shop.example", func(c *console) int { s, _, _ := c.get(path); return s }, "dsr_lookup"},
		{viewer, "viewer@shop.example", func(c *console) int { s, _, _ := c.get(path + "/export"); return s }, "dsr_export"},
		{dpo, "dpo@shop.example", func(c *console) int { s, _, _ := c.get(path); return s }, "dsr_lookup"},
		{dpo, "dpo@shop.example", func(c *console) int {
			s, _, _ := c.post(path+"/erase", url.Values{"_csrf": {c.pageToken()}, "reason": {"DSR-9"}, "confirm": {"yes"}})
			return s
		}, "erase"},
	} {
		if status := tc.do(tc.who); status >= 400 {
			t.Fatalf("%s by %s: %d", tc.action, tc.actor, status)
		}
		if e := newest(); e.Action != tc.action || e.Actor != tc.actor || e.Target != id {
			t.Errorf("after %s by %s the newest audit entry is %+v", tc.action, tc.actor, e)
		}
	}
	if status, _, _ := viewer.post(path+"/erase", url.Values{"_csrf": {viewer.pageToken()}, "reason": {"x"}, "confirm": {"yes"}}); status != http.StatusForbidden {
		t.Errorf("a viewer erasing: %d, want 403", status)
	}
}

// TestProofViewIsAudited: the proof of one decision shows the visitor's
// address, browser and page, so opening it is a lookup of that visitor in
// the audit trail, as the visitor's page is; a viewer's too.
func TestProofViewIsAudited(t *testing.T) {
	a, viewer := signedIn(t, "viewer@shop.example", auth.Viewer)
	d := oneDecision(t, a)
	if status, _, _ := viewer.get("/admin/events/" + d.ID.String()); status != http.StatusOK {
		t.Fatalf("proof: %d", status)
	}
	entries, err := a.Store.AuditLog(context.Background(), 0, 1)
	if err != nil || len(entries) != 1 {
		t.Fatalf("audit trail: %v %v", entries, err)
	}
	if e := entries[0]; e.Action != "dsr_lookup" || e.Actor != "viewer@shop.example" || e.Target != d.ConsentID.String() ||
		e.Detail != "proof of event "+d.ID.String() {
		t.Errorf("after opening a proof the newest audit entry is %+v", e)
	}
}

// TestUnknownConsentIDIsAPage: a consent ID with no decisions (mistyped, or
// purged), opened from a data-subject request, is the console's page saying
// that nothing is held under it, with the request and the navigation, and
// the lookup is audited: not a bare error page that ends the request's way.
func TestUnknownConsentIDIsAPage(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	id := "01a230e1-0000-7000-8000-000000000000"
	if status, body, _ := c.post("/admin/requests", url.Values{"_csrf": {c.pageToken()}, "kind": {"access"},
		"received": {time.Now().UTC().Format(time.DateOnly)}, "reference": {"mail 7"}, "consent_ids": {id}}); status != http.StatusSeeOther {
		t.Fatalf("recording the request: %d %s", status, body)
	}
	status, page, _ := c.get("/admin/consents/" + id + "?request=1")
	if status != http.StatusNotFound {
		t.Errorf("an ID with no decisions: %d, want 404", status)
	}
	for _, want := range []string{`data-testid="no-events"`, `href="/admin/requests/1"`, `href="/admin/log"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page of an ID with no decisions lacks %s", want)
		}
	}
	for _, unwanted := range []string{`data-testid="dsr-export"`, `data-testid="erase"`} {
		if strings.Contains(page, unwanted) {
			t.Errorf("the page of an ID with no decisions offers %s", unwanted)
		}
	}
	entries, err := a.Store.AuditLog(context.Background(), 0, 1)
	if err != nil || len(entries) != 1 || entries[0].Action != "dsr_lookup" || entries[0].Target != id || entries[0].Detail != "request 1" {
		t.Errorf("the lookup is audited as %+v (%v)", entries, err)
	}
}

// TestProofSaysWhenSuperseded: the proof of a decision the visitor has since
// replaced (a change of mind, a withdrawal) says so and links the newest
// one, so nobody relies on it as what the visitor allows; the newest
// decision's proof says nothing of the kind.
func TestProofSaysWhenSuperseded(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "dpo@shop.example", auth.Admin)
	es := demoEvents(t, a, 2)
	es[1].ConsentID = es[0].ConsentID
	es[1].Action, es[1].Granted = consent.Withdraw, []string{"necessary"}
	if err := a.Store.AppendBatch(context.Background(), es); err != nil {
		t.Fatal(err)
	}
	c := newConsole(t, a)
	c.login("dpo@shop.example")
	_, first, _ := c.get("/admin/events/" + es[0].ID.String())
	if !strings.Contains(first, `data-testid="superseded"`) || !strings.Contains(first, `href="/admin/events/`+es[1].ID.String()+`"`) ||
		!strings.Contains(first, "Withdrew consent") {
		t.Errorf("the proof of a replaced decision does not name the withdrawal that replaced it")
	}
	if _, newest, _ := c.get("/admin/events/" + es[1].ID.String()); strings.Contains(newest, `data-testid="superseded"`) {
		t.Errorf("the proof of the newest decision says it was replaced")
	}
}

// TestVisitorPageNewestFirst: a visitor's page in the console lists their
// decisions newest first, as the log and the visitor's own receipt do, and
// so does the erasure's confirmation; it listed them oldest first, so the
// standing choice was at the bottom of a long history.
func TestVisitorPageNewestFirst(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	first := decode[consentResp](t, do(a, req{"POST", consents, `{"action":"accept_all","revision":1,"lang":"en"}`, nil}))
	for _, body := range []string{`"action":"custom","categories":{"analytics":true}`, `"action":"reject_all"`} {
		if rec := do(a, req{"POST", consents, `{` + body + `,"revision":1,"lang":"en","consent_id":"` + first.ConsentID + `","token":"` + first.Token + `"}`, nil}); rec.Code != http.StatusCreated {
			t.Fatalf("%s: %d %s", body, rec.Code, rec.Body)
		}
	}
	actions := regexp.MustCompile(`(?s)<tr><td>(?:<a [^>]*>)?[^<]*(?:</a>)?</td><td[^>]*>([^<]*)</td>`)
	path := "/admin/consents/" + first.ConsentID
	_, page, _ := c.get(path)
	table := page[strings.Index(page, `data-testid="history"`):]
	var got []string
	for _, m := range actions.FindAllStringSubmatch(table, -1) {
		got = append(got, m[1])
	}
	if want := []string{"Rejected all", "Chose categories", "Accepted all"}; !slices.Equal(got, want) {
		t.Errorf("the visitor's page lists %q, want newest first %q", got, want)
	}
	_, page, _ = c.post(path+"/erase", url.Values{"_csrf": {c.pageToken()}, "reason": {"DSR-9"}})
	table = page[strings.Index(page, `data-testid="erase-preview"`):]
	got = nil
	for _, m := range actions.FindAllStringSubmatch(table, -1) {
		got = append(got, m[1])
	}
	if want := []string{"Rejected all", "Chose categories", "Accepted all"}; !slices.Equal(got, want) {
		t.Errorf("the erasure's confirmation lists %q, want newest first %q", got, want)
	}
}
