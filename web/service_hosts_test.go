package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestHandAddedServiceHosts: a service added by hand in the console is
// given the hosts its tags load from, checked as YAML's are, so autoblock
// can hold it; a refused host is named and the form keeps what was typed.
func TestHandAddedServiceHosts(t *testing.T) {
	a, c, tok := ownerOfShop(t)
	if _, page, _ := c.get("/admin/sites/shop"); !strings.Contains(page, `name="hosts"`) {
		t.Fatal("the service form has no hosts")
	}
	form := url.Values{"_csrf": {tok}, "name": {"Chat widget"}, "provider": {"Widget Ltd"}, "category": {"preferences"},
		"cookies": {"wid | 30 | persistent | Remembers the chat"}, "hosts": {"https://widget.example/\ncdn.widget.example"}}
	status, body, _ := c.post("/admin/sites/shop/services", form)
	if status != http.StatusBadRequest || !strings.Contains(untagged(body), `“https://widget.example/” is not a host`) || !strings.Contains(body, "cdn.widget.example") {
		t.Fatalf("a URL for a host: %d %.2000s", status, body)
	}
	form.Set("hosts", "widget.example\n cdn.widget.example/embed \n")
	if status, body, _ := c.post("/admin/sites/shop/services", form); status != http.StatusSeeOther {
		t.Fatalf("add: %d %.500s", status, body)
	}
	d, _ := a.Store.Draft(context.Background(), "shop")
	sv := d.Services[len(d.Services)-1]
	if !slices.Equal(sv.Hosts, []string{"widget.example", "cdn.widget.example/embed"}) {
		t.Fatalf("hosts %v", sv.Hosts)
	}
	if _, page, _ := c.get("/admin/sites/shop?edit=" + strconv.Itoa(len(d.Services)-1)); !strings.Contains(page, "widget.example\ncdn.widget.example/embed</textarea>") {
		t.Error("editing the service does not show its hosts")
	}
	if status, _, _ := c.post("/admin/sites/shop/publish", url.Values{"_csrf": {tok}, "change_note": {"chat"}}); status != http.StatusSeeOther {
		t.Fatal("publish")
	}
	if rec := do(a, req{"GET", "/api/v1/sites/shop/banner", "", nil}); !strings.Contains(rec.Body.String(), `"cdn.widget.example/embed"`) {
		t.Error("the banner's services lack the hand-added service's hosts")
	}
}
