package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
)

// TestEraseAgainAfterNewDecisions: a visitor whose personal data was
// erased chooses again (their browser keeps the consent ID, so the new
// decision carries an address, a browser and a page under it). Their page
// says so beside the erasure and offers erasure again; it said "erased"
// over the new data and offered nothing. Erased again, the page says the
// latest erasure and offers nothing more.
func TestEraseAgainAfterNewDecisions(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "dpo@shop.example", auth.Admin)
	ctx := context.Background()
	es := demoEvents(t, a, 3)
	es[1].ConsentID = es[0].ConsentID
	if err := a.Store.AppendBatch(ctx, es[:2]); err != nil {
		t.Fatal(err)
	}
	c := newConsole(t, a)
	c.login("dpo@shop.example")
	path := "/admin/consents/" + es[0].ConsentID.String()
	erase := func(reason string) {
		t.Helper()
		_, page, _ := c.get(path)
		if !strings.Contains(page, `data-testid="erase"`) {
			t.Fatalf("before erasing (%s), the page offers no erasure", reason)
		}
		tok := csrfField.FindStringSubmatch(page)[1]
		if status, _, _ := c.post(path+"/erase", url.Values{"_csrf": {tok}, "reason": {reason}, "confirm": {"yes"}}); status != http.StatusSeeOther {
			t.Fatalf("erase %s: %d", reason, status)
		}
	}
	erase("DSR-1")
	if _, page, _ := c.get(path); strings.Contains(page, `data-testid="erase"`) || strings.Contains(page, `data-testid="erased-again"`) {
		t.Error("with nothing left to erase, the page still offers erasure or says data came back")
	}
	time.Sleep(10 * time.Millisecond) // the second erasure is the later
	es[2].ConsentID = es[0].ConsentID
	es[2].Personal = consent.Personal{IP: "198.51.100.0", UserAgent: "Back/1.0", Page: "https://shop.example/again"}
	if err := a.Store.AppendBatch(ctx, es[2:]); err != nil {
		t.Fatal(err)
	}
	_, page, _ := c.get(path)
	if !strings.Contains(page, "198.51.100.0") || !strings.Contains(page, `data-testid="erased-again"`) || !strings.Contains(page, "DSR-1") {
		t.Errorf("after a new decision: new address shown %v, said to be back %v, the erasure named %v",
			strings.Contains(page, "198.51.100.0"), strings.Contains(page, `data-testid="erased-again"`), strings.Contains(page, "DSR-1"))
	}
	erase("DSR-2")
	_, page, _ = c.get(path)
	if strings.Contains(page, "198.51.100.0") || strings.Contains(page, `data-testid="erase"`) || strings.Contains(page, `data-testid="erased-again"`) || !strings.Contains(page, "DSR-2") {
		t.Error("erased again, the page still shows the new data, offers erasure, or does not name the latest erasure")
	}
	if e, _ := a.Store.Event(ctx, es[2].ID); e.Personal != (consent.Personal{}) || e.Erased == nil || e.Erased.Reason != "DSR-2" {
		t.Errorf("the later decision after the second erasure: %+v %+v", e.Personal, e.Erased)
	}
}
