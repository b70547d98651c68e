package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/app"
	"github.com/google/uuid"
)

// trustOnly makes 10.9.9.9 the only trusted proxy: requests from the
// loopback address are then direct, and their X-Forwarded-For is a lie.
func trustOnly(o *app.Options) {
	o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.9.9.9/32")}
}

// TestForwardedForOnlyFromTrustedProxies: a client on 127.0.0.1 rotating
// X-Forwarded-For gets neither past the rate limit nor past the sign-in
// throttle, and the ledger records its real (truncated) address.
func TestForwardedForOnlyFromTrustedProxies(t *testing.T) {
	a := newApp(t, 1, trustOnly) // 1 decision/s, burst 2
	c := newConsole(t, a)
	post := func(i int) *http.Response {
		r, _ := http.NewRequest("POST", c.srv.URL+consents, strings.NewReader(`{"action":"reject_all","revision":1}`))
		r.Header.Set("Content-Type", "text/plain")
		r.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.%d.%d", i/250, i%250+1))
		res, err := c.http.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	var codes []int
	for i := range 6 {
		codes = append(codes, post(i).StatusCode)
	}
	if codes[5] != http.StatusTooManyRequests {
		t.Errorf("rotating X-Forwarded-For from 127.0.0.1: codes %v, want 429 once over the burst", codes)
	}

	// The recorded address is the socket's, truncated.
	a2 := newApp(t, 0, trustOnly)
	c2 := newConsole(t, a2)
	r, _ := http.NewRequest("POST", c2.srv.URL+consents, strings.NewReader(`{"action":"accept_all","revision":1}`))
	r.Header.Set("Content-Type", "text/plain")
	r.Header.Set("X-Forwarded-For", "203.0.113.99")
	res, err := c2.http.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var resp consentResp
	if err := json.NewDecoder(res.Body).Decode(&resp); err != nil {
		t.Fatal(err)
	}
	ev, err := a2.Store.Event(context.Background(), uuid.MustParse(resp.EventID))
	if err != nil {
		t.Fatal(err)
	}
	if ev.Personal.IP != "127.0.0.0" {
		t.Errorf("recorded IP %q, want the socket's 127.0.0.0", ev.Personal.IP)
	}

	// The sign-in throttle holds the address, whatever it claims.
	token := c2.csrf()
	var last int
	for i := range 40 {
		r, _ := http.NewRequest("POST", c2.srv.URL+"/admin/login", strings.NewReader(url.Values{
			"email": {fmt.Sprintf("nobody%d@shop.example", i)}, "password": {"guess guess guess"}, "_csrf": {token}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i+1))
		res, err := c2.http.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		last = res.StatusCode
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("40 sign-ins for 40 accounts from 127.0.0.1 under rotating X-Forwarded-For: last %d, want 429", last)
	}
	entries, _ := a2.Store.AuditLog(context.Background(), 0, 100)
	for _, e := range entries {
		if e.IP != "127.0.0.1" {
			t.Errorf("audit entry %s records IP %q, want 127.0.0.1", e.Action, e.IP)
			break
		}
	}
}
