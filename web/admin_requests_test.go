package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"golang.org/x/net/html"
)

// newestAudit is the newest entry of the audit trail.
func newestAudit(t *testing.T, c *console) auth.AuditEntry {
	t.Helper()
	entries, err := c.a.Store.AuditLog(context.Background(), 0, 1)
	if err != nil || len(entries) != 1 {
		t.Fatalf("audit trail: %v %v", entries, err)
	}
	return entries[0]
}

var requestLocation = regexp.MustCompile(`^/admin/requests/(\d+)$`)

// record posts the new-request form and returns the new request's number.
func (c *console) record(kind consent.RequestKind, received time.Time, reference, ids string) string {
	c.t.Helper()
	status, body, h := c.post("/admin/requests", url.Values{"_csrf": {c.pageToken()}, "kind": {string(kind)},
		"received": {received.Format(time.DateOnly)}, "reference": {reference}, "consent_ids": {ids}, "note": {"by email"}})
	m := requestLocation.FindStringSubmatch(h.Get("Location"))
	if status != http.StatusSeeOther || m == nil {
		c.t.Fatalf("recording a request: %d %q %s", status, h.Get("Location"), body)
	}
	return m[1]
}

// TestRequestLog: an admin records requests, sees them soonest due first
// with their state in words, answers one and extends another, each audited;
// the navigation counts what is overdue and due soon on every page; a bad
// form keeps what was typed; a viewer sees the list but cannot change it.
func TestRequestLog(t *testing.T) {
	a, dpo := signedIn(t, "dpo@shop.example", auth.Admin)
	addUser(t, a, "viewer@shop.example", auth.Viewer)

	_, page, _ := dpo.get("/admin/requests")
	if !strings.Contains(page, `data-testid="no-requests"`) || !strings.Contains(page, `data-testid="new-request"`) {
		t.Fatal("an empty log shows no empty state or no form")
	}
	// Far enough from the boundaries that a day's difference between the
	// test's clock and the server's changes nothing.
	now := time.Now().UTC()
	open := dpo.record(consent.RequestAccess, now, "letter of 1 March", "")
	soon := dpo.record(consent.RequestObjection, now.AddDate(0, 0, -27), "phone call", "")
	late := dpo.record(consent.RequestErasure, now.AddDate(0, 0, -60), "ticket 42 <b>", "")
	if e := newestAudit(t, dpo); e.Action != "request_add" || e.Target != "request "+late || !strings.Contains(e.Detail, "erasure, received") {
		t.Errorf("recording is audited as %+v", e)
	}

	_, page, _ = dpo.get("/admin/requests")
	order := regexp.MustCompile(`data-testid="request-link">#(\d+)<`).FindAllStringSubmatch(page, -1)
	if len(order) != 3 || order[0][1] != late || order[1][1] != soon || order[2][1] != open {
		t.Errorf("order %v, want soonest due first: %s %s %s", order, late, soon, open)
	}
	states := regexp.MustCompile(`data-state="([a-z_]+)">([^<]+)<`).FindAllStringSubmatch(page, -1)
	if len(states) != 3 || states[0][1] != "overdue" || !regexp.MustCompile(`^Overdue by \d+ days$`).MatchString(states[0][2]) ||
		states[1][1] != "due_soon" || !regexp.MustCompile(`^Due in \d days?$`).MatchString(states[1][2]) ||
		states[2][1] != "open" || !regexp.MustCompile(`^Due in \d\d days$`).MatchString(states[2][2]) {
		t.Errorf("states %q", states)
	}
	if strings.Contains(page, "ticket 42 <b>") || !strings.Contains(page, "ticket 42 &lt;b&gt;") {
		t.Error("a reference is not escaped")
	}
	// Every console page says what is overdue and due soon, in words.
	_, log, _ := dpo.get("/admin/log")
	if !strings.Contains(log, `data-testid="nav-overdue">1 overdue<`) || !strings.Contains(log, `data-testid="nav-due-soon">1 due soon<`) {
		t.Error("the navigation does not count overdue and due-soon requests")
	}

	// A bad form says why and keeps what was typed.
	status, body, _ := dpo.post("/admin/requests", url.Values{"_csrf": {dpo.pageToken()}, "kind": {"erasure"},
		"received": {now.AddDate(0, 0, 3).Format(time.DateOnly)}, "reference": {"kept reference"}})
	if status != http.StatusBadRequest || !strings.Contains(body, "cannot be later than today") || !strings.Contains(body, `value="kept reference"`) {
		t.Errorf("a request received in the future: %d", status)
	}
	status, body, _ = dpo.post("/admin/requests", url.Values{"_csrf": {dpo.pageToken()}, "kind": {"erasure"},
		"received": {now.Format(time.DateOnly)}, "reference": {"x"}, "consent_ids": {"not-an-id"}})
	if status != http.StatusBadRequest || !strings.Contains(body, "is not a consent ID") {
		t.Errorf("a bad consent ID: %d", status)
	}

	// Extend the one due soon; a second extension is refused.
	token := dpo.pageToken()
	status, _, _ = dpo.post("/admin/requests/"+soon+"/extend", url.Values{"_csrf": {token}, "months": {"2"}, "reason": {"records on three systems"}})
	if status != http.StatusSeeOther {
		t.Fatalf("extend: %d", status)
	}
	if e := newestAudit(t, dpo); e.Action != "request_extend" || e.Target != "request "+soon || !strings.Contains(e.Detail, "by 2 months") {
		t.Errorf("extension audited as %+v", e)
	}
	_, page, _ = dpo.get("/admin/requests/" + soon)
	if !strings.Contains(page, `data-testid="request-extension">2 months: records on three systems`) || strings.Contains(page, `data-testid="extend-request"`) {
		t.Error("the request's page does not show the extension, or still offers one")
	}
	if status, body, _ := dpo.post("/admin/requests/"+soon+"/extend", url.Values{"_csrf": {token}, "months": {"1"}, "reason": {"again"}}); status != http.StatusUnprocessableEntity || !strings.Contains(body, "one extension") {
		t.Errorf("a second extension: %d", status)
	}
	// Too late to extend the overdue one.
	if status, _, _ := dpo.post("/admin/requests/"+late+"/extend", url.Values{"_csrf": {token}, "months": {"1"}, "reason": {"late"}}); status != http.StatusUnprocessableEntity {
		t.Errorf("extending an overdue request: %d", status)
	}

	// Answer the overdue one: it leaves the open list and stays marked late.
	status, _, _ = dpo.post("/admin/requests/"+late+"/answer", url.Values{"_csrf": {token}, "answered": {now.Format(time.DateOnly)}, "outcome": {"erased"}})
	if status != http.StatusSeeOther {
		t.Fatalf("answer: %d", status)
	}
	if e := newestAudit(t, dpo); e.Action != "request_answer" || e.Target != "request "+late || !strings.Contains(e.Detail, "answered_late: erased") {
		t.Errorf("answer audited as %+v", e)
	}
	if status, _, _ := dpo.post("/admin/requests/"+late+"/answer", url.Values{"_csrf": {token}, "answered": {now.Format(time.DateOnly)}, "outcome": {"again"}}); status != http.StatusUnprocessableEntity {
		t.Errorf("a second answer: %d", status)
	}
	_, page, _ = dpo.get("/admin/requests")
	if strings.Contains(page, ">#"+late+"<") || strings.Contains(page, `data-testid="nav-overdue"`) {
		t.Error("an answered request is still open or counted overdue")
	}
	_, page, _ = dpo.get("/admin/requests?show=answered")
	if !strings.Contains(page, ">#"+late+"<") || !strings.Contains(page, `data-state="answered_late">Answered late<`) {
		t.Error("the answered list does not show the late answer")
	}
	if status, _, _ := dpo.get("/admin/requests/999"); status != http.StatusNotFound {
		t.Errorf("no such request: %d", status)
	}

	// A viewer sees the list and a request, without forms, and may not change them.
	viewer := newConsole(t, a)
	viewer.login("viewer@shop.example")
	_, page, _ = viewer.get("/admin/requests")
	if !strings.Contains(page, ">#"+soon+"<") || strings.Contains(page, `data-testid="new-request"`) {
		t.Error("a viewer does not see the list, or sees the form")
	}
	_, page, _ = viewer.get("/admin/requests/" + open)
	if strings.Contains(page, `data-testid="answer-request"`) || strings.Contains(page, `data-testid="extend-request"`) {
		t.Error("a viewer is offered to answer or extend")
	}
	vt := viewer.pageToken()
	for _, path := range []string{"/admin/requests", "/admin/requests/" + open + "/answer", "/admin/requests/" + open + "/extend"} {
		if status, _, _ := viewer.post(path, url.Values{"_csrf": {vt}, "kind": {"access"}, "received": {now.Format(time.DateOnly)},
			"reference": {"x"}, "answered": {now.Format(time.DateOnly)}, "outcome": {"x"}, "months": {"1"}, "reason": {"x"}}); status != http.StatusForbidden {
			t.Errorf("a viewer posting %s: %d, want 403", path, status)
		}
	}
	// Without the session's CSRF token, an admin's post is refused too.
	for _, path := range []string{"/admin/requests", "/admin/requests/" + open + "/answer", "/admin/requests/" + open + "/extend"} {
		if status, _, _ := dpo.post(path, url.Values{"kind": {"access"}, "received": {now.Format(time.DateOnly)}, "reference": {"x"},
			"answered": {now.Format(time.DateOnly)}, "outcome": {"x"}, "months": {"1"}, "reason": {"x"}}); status != http.StatusForbidden {
			t.Errorf("posting %s without a CSRF token: %d, want 403", path, status)
		}
	}
	if r, err := a.Store.Request(context.Background(), mustInt(t, open)); err != nil || r.Answer != nil || r.Extension != nil {
		t.Errorf("refused posts changed request %s: %+v %v", open, r, err)
	}
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRequestLinksDSRActions: a consent ID opened from a request's page
// carries the request through lookup, export and erasure, and each audit
// entry names it; a request that does not exist is 404.
func TestRequestLinksDSRActions(t *testing.T) {
	a, dpo := signedIn(t, "dpo@shop.example", auth.Admin)
	d := oneDecision(t, a)
	id := d.ConsentID.String()
	// From the visitor's page to a new request naming them.
	_, page, _ := dpo.get("/admin/consents/" + id)
	if !strings.Contains(page, "No request in the log names this consent ID.") || !strings.Contains(page, `href="/admin/requests?consent=`+id+`#new-request"`) {
		t.Fatal("the consent page does not offer to record a request about it")
	}
	if _, page, _ := dpo.get("/admin/requests?consent=" + id); !strings.Contains(page, `name="consent_ids" rows="2" cols="40" spellcheck="false">`+id+`</textarea>`) {
		t.Error("the form does not start with the consent ID")
	}
	rq := dpo.record(consent.RequestErasure, time.Now().UTC(), "web form 7", id)
	if _, page, _ := dpo.get("/admin/consents/" + id); !strings.Contains(page, `<a href="/admin/requests/`+rq+`">Request #`+rq+`</a>`) {
		t.Error("the consent page does not list the request naming it")
	}

	_, page, _ = dpo.get("/admin/requests/" + rq)
	link := "/admin/consents/" + id + "?request=" + rq
	if !strings.Contains(page, `href="`+link+`"`) {
		t.Fatalf("the request's page does not link its consent ID for the request")
	}
	_, page, _ = dpo.get(link)
	if e := newestAudit(t, dpo); e.Action != "dsr_lookup" || e.Target != id || e.Detail != "request "+rq {
		t.Errorf("lookup audited as %+v", e)
	}
	if !strings.Contains(page, `data-testid="for-request"`) || !strings.Contains(page, `/export?request=`+rq) ||
		!strings.Contains(page, `name="request" value="`+rq+`"`) || !strings.Contains(page, `value="Request #`+rq+`: web form 7"`) {
		t.Error("the consent page does not carry the request into export and erasure")
	}
	if status, _, _ := dpo.get("/admin/consents/" + id + "/export?request=" + rq); status != http.StatusOK {
		t.Fatalf("export: %d", status)
	}
	if e := newestAudit(t, dpo); e.Action != "dsr_export" || e.Detail != "request "+rq+"; as json" {
		t.Errorf("export audited as %+v", e)
	}
	token := dpo.pageToken()
	_, page, _ = dpo.post("/admin/consents/"+id+"/erase", url.Values{"_csrf": {token}, "reason": {"Request #" + rq}, "request": {rq}})
	if !strings.Contains(page, `name="request" value="`+rq+`"`) {
		t.Error("the erase confirmation drops the request")
	}
	status, _, h := dpo.post("/admin/consents/"+id+"/erase", url.Values{"_csrf": {token}, "reason": {"Request #" + rq}, "request": {rq}, "confirm": {"yes"}})
	if status != http.StatusSeeOther || h.Get("Location") != link {
		t.Errorf("erase: %d → %q", status, h.Get("Location"))
	}
	if e := newestAudit(t, dpo); e.Action != "erase" || !strings.HasPrefix(e.Detail, "request "+rq+"; 1 events") {
		t.Errorf("erasure audited as %+v", e)
	}
	for bad, want := range map[string]int{"999": http.StatusNotFound, "x": http.StatusBadRequest} {
		if status, _, _ := dpo.get("/admin/consents/" + id + "?request=" + bad); status != want {
			t.Errorf("request=%s: %d, want %d", bad, status, want)
		}
	}
}

// TestConsentPageSaysRequestStateApart: a visitor's page lists the
// requests naming their consent ID, each with its due date and then its
// state; the two read as words apart ("Due 2026-12-29 Due in 27 days"),
// for the eye and a screen reader alike. They ran together
// ("Due 2026-12-29Due in 27 days").
func TestConsentPageSaysRequestStateApart(t *testing.T) {
	a, dpo := signedIn(t, "dpo@shop.example", auth.Admin)
	d := oneDecision(t, a)
	id := d.ConsentID.String()
	dpo.record(consent.RequestErasure, time.Now().UTC().AddDate(0, 0, -40), "letter", id)
	_, page, _ := dpo.get("/admin/consents/" + id)
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && n.Data == "section" && attr(n, "data-testid") == "consent-requests" {
			for li := range n.Descendants() {
				if li.Type == html.ElementNode && li.Data == "li" {
					lines = append(lines, strings.Join(strings.Fields(textOf(li)), " "))
				}
			}
		}
	}
	if len(lines) != 1 || !regexp.MustCompile(`· Due \d{4}-\d\d-\d\d Overdue by \d+ days$`).MatchString(lines[0]) {
		t.Errorf("the visitor's page lists the requests naming them as %q, want one ending '· Due DATE Overdue by N days'", lines)
	}
}
