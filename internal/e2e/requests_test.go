package e2e

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/consentry/consentry/internal/consent"
	"github.com/google/uuid"
)

// addRequest records a data-subject request straight in the store, received
// days ago, as the console would.
func (b *browser) addRequest(kind consent.RequestKind, daysAgo int, reference string, ids ...uuid.UUID) *consent.SubjectRequest {
	b.t.Helper()
	today := consent.DateOf(time.Now(), time.UTC)
	r := &consent.SubjectRequest{Kind: kind, Received: today.AddDate(0, 0, -daysAgo), Reference: reference, ConsentIDs: ids,
		CreatedAt: time.Now().UTC(), CreatedBy: b.adminEmail}
	if err := r.Validate(today); err != nil {
		b.t.Fatal(err)
	}
	if err := b.app.Store.AddRequest(b.ctx, r); err != nil {
		b.t.Fatal(err)
	}
	return r
}

// TestConsoleRequests: a privacy officer sees in the navigation what is
// overdue and due soon, records a request through the form, finds it in the
// list in due-date order with its state in words, opens the visitor's
// consent page from it, and marks it answered.
func TestConsoleRequests(t *testing.T) {
	b := start(t)
	visitor := b.decide("accept-all", necessary, preferences, analytics, marketing)
	late := b.addRequest(consent.RequestErasure, 45, "DSR-2026-0038 · email to privacy@", uuid.MustParse(visitor.ConsentID))
	b.addRequest(consent.RequestAccess, 26, "DSR-2026-0040 · web form")
	b.addRequest(consent.RequestRectification, 3, "DSR-2026-0044 · letter")

	b.signIn("/admin/requests")
	nav := eval[string](b, `document.querySelector('[data-testid="nav-requests"]').innerText`)
	if !strings.Contains(nav, "1 overdue") || !strings.Contains(nav, "1 due soon") {
		t.Errorf("the navigation says %q, want 1 overdue and 1 due soon", nav)
	}
	if s := eval[string](b, `document.querySelector('tr[data-testid="request-row"] [data-testid="request-state"]').innerText`); !regexp.MustCompile(`^Overdue by \d+ days$`).MatchString(s) {
		t.Errorf("the first row says %q, want the overdue request first, in words", s)
	}
	b.shotIfAsked("console-requests.png")

	// Record one through the form: received yesterday, about the visitor.
	received := consent.DateOf(time.Now(), time.UTC).AddDate(0, 0, -1)
	b.do("filling in the request",
		chromedp.SetValue(chromedp.CSS(`#rq-kind`), "erasure"),
		chromedp.SetValue(chromedp.CSS(`#rq-received`), received.Format(time.DateOnly)),
		chromedp.SendKeys(chromedp.CSS(`#rq-reference`), "DSR-2026-0045 · phone, confirmed by email"),
		chromedp.SendKeys(chromedp.CSS(`#rq-ids`), visitor.ConsentID),
		chromedp.SendKeys(chromedp.CSS(`#rq-note`), "Wants the records erased."))
	if resp := b.clickTo("Record the request", `document.querySelector('[data-testid="record-request"]')`); resp.Status != http.StatusOK {
		t.Fatalf("recording answered %d", resp.Status)
	}
	m := regexp.MustCompile(`/admin/requests/(\d+)$`).FindStringSubmatch(b.location())
	if m == nil {
		t.Fatalf("after recording the browser is at %s, want the request's page", b.location())
	}
	want := consent.DueDate(received, 1).Format(time.DateOnly)
	if due := eval[string](b, `document.querySelector('[data-testid="request-due"]').innerText`); due != want {
		t.Errorf("the new request is due %q, want %s", due, want)
	}

	// From the request to the visitor's page, which names the request.
	b.clickTo("the consent ID", `document.querySelector('[data-testid="request-consent"]')`)
	if note := eval[string](b, `document.querySelector('[data-testid="for-request"]')?.innerText || ""`); !strings.Contains(note, "#"+m[1]) {
		t.Errorf("the consent page opened from the request says %q", note)
	}
	entries, err := b.app.Store.AuditLog(b.ctx, 0, 1)
	if err != nil || len(entries) != 1 || entries[0].Action != "dsr_lookup" || entries[0].Detail != "request "+m[1] {
		t.Errorf("the lookup is audited as %+v (%v)", entries, err)
	}
	b.open("/admin/requests/" + m[1])

	// Mark it answered today.
	b.do("typing the outcome", chromedp.SendKeys(chromedp.CSS(`#rq-outcome`), "Erased; confirmed to the requester by email"))
	if resp := b.clickTo("Mark as answered", `document.querySelector('[data-testid="mark-answered"]')`); resp.Status != http.StatusOK {
		t.Fatalf("answering answered %d", resp.Status)
	}
	if st := eval[string](b, `document.querySelector('[data-testid="request-state"]').innerText`); st != "Answered on time" {
		t.Errorf("after answering the request says %q", st)
	}
	if eval[bool](b, `!!document.querySelector('[data-testid="answer-request"]')`) {
		t.Error("an answered request still offers the answer form")
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	r, err := b.app.Store.Request(b.ctx, id)
	if err != nil || r.Answer == nil || r.Answer.Outcome != "Erased; confirmed to the requester by email" || r.Answer.By != b.adminEmail {
		t.Fatalf("stored: %+v %v", r, err)
	}

	// The answered list has it; the overdue one is still open and counted.
	b.open("/admin/requests?show=answered")
	if rows := eval[string](b, `document.querySelector('table[data-testid="requests"]').innerText`); !strings.Contains(rows, "#"+m[1]) {
		t.Errorf("the answered list:\n%s", rows)
	}
	b.open("/admin/requests/" + strconv.FormatInt(late.ID, 10))
	if st := eval[string](b, `document.querySelector('[data-testid="request-state"]').dataset.state`); st != "overdue" {
		t.Errorf("the overdue request's page says %q", st)
	}
}
