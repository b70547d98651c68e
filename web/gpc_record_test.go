package web_test

import (
	"context"
	"html"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/storetest"
	"github.com/google/uuid"
)

// TestGPCOptOutIsNotAcceptAll: in an opt-out country, the opt-out a
// browser's Global Privacy Control signal makes without a click is recorded
// as a custom decision of what it leaves granted, whether the snippet sends
// it as accept_all (every build released so far) or as custom; the log, the
// proof, the visitor's page and the receipt say "Opted out by Global
// Privacy Control" and the dashboard does not count it as "Accepted all".
// The proof says no banner was shown. A record stored as accept_all before
// (the ledger is never rewritten) reads the same. They all said "Accepted
// all", and the proof showed the banner's buttons as what the visitor saw.
func TestGPCOptOutIsNotAcceptAll(t *testing.T) {
	a := newApp(t, 0, func(o *app.Options) {
		o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
		o.CountryHeader = "X-Country"
	})
	ctx := context.Background()
	site, _ := a.Store.Site(ctx, "demo")
	site.Rules = map[string]consent.Mode{"US": consent.OptOut}
	if _, err := a.Store.Publish(ctx, site, nil); err != nil {
		t.Fatal(err)
	}
	a.Server.ForgetSites()
	type answer struct {
		consentResp
		GPC       bool     `json:"gpc"`
		GPCDenied []string `json:"gpc_denied"`
	}
	post := func(body string, gpc bool) answer {
		r := httptest.NewRequest("POST", consents, strings.NewReader(body))
		r.RemoteAddr = "10.1.2.3:5000"
		r.Header.Set("X-Country", "US")
		if gpc {
			r.Header.Set("Sec-GPC", "1")
		}
		rec := httptest.NewRecorder()
		a.Server.ServeHTTP(rec, r)
		if rec.Code != 201 {
			t.Fatalf("%s: %d %s", body, rec.Code, rec.Body)
		}
		return decode[answer](t, rec)
	}
	snippet := post(`{"action":"accept_all","revision":2,"lang":"en","source":"gpc","gpc":true}`, true)
	custom := post(`{"action":"custom","categories":{"preferences":true,"analytics":true},"revision":2,"lang":"en","source":"gpc","gpc":true}`, true)
	clicked := post(`{"action":"accept_all","revision":2,"lang":"en","source":"banner"}`, false)
	want := []string{"analytics", "necessary", "preferences"}
	for name, ans := range map[string]answer{"accept_all from gpc": snippet, "custom from gpc": custom} {
		ev, err := a.Store.Event(ctx, uuid.MustParse(ans.EventID))
		if err != nil {
			t.Fatal(err)
		}
		if ev.Action != consent.Custom || ev.Source != consent.SourceGPC || !ev.GPC || !slices.Equal(ev.Granted, want) ||
			!slices.Equal(ans.Granted, want) || !ans.GPC {
			t.Errorf("%s: recorded %s from %s (gpc %v) granting %v, answered %v (gpc %v); want custom from gpc granting %v",
				name, ev.Action, ev.Source, ev.GPC, ev.Granted, ans.Granted, ans.GPC, want)
		}
	}
	// The answer still says what the signal kept off that the request asked for.
	if !slices.Equal(snippet.GPCDenied, []string{"marketing"}) || custom.GPCDenied != nil {
		t.Errorf("gpc_denied: %v after accept_all, %v after the custom opt-out; want [marketing] and none", snippet.GPCDenied, custom.GPCDenied)
	}

	addUser(t, a, "dpo@shop.example", auth.Admin)
	c := newConsole(t, a)
	c.login("dpo@shop.example")
	// The day's rollup counts one "Accepted all", the click (and the
	// signal's opt-outs on a tile of their own: TestDashboardCountsGPCOptOutsApart).
	_, dash, _ := c.get("/admin/dashboard?site=demo")
	if got := regexp.MustCompile(`data-testid="tile-accept_all">\s*<span class="n">([^<]*)<`).FindStringSubmatch(dash); got == nil || got[1] != "1" {
		t.Errorf("the Accepted all tile counts %q, want 1: the click, not the signal's opt-outs", got)
	}

	// A record an earlier release stored as accept_all from gpc, of the
	// same visitor.
	old := storetest.Event("demo", 0)
	old.ConsentID, old.Action, old.Source, old.GPC, old.Granted = uuid.MustParse(snippet.ConsentID), consent.AcceptAll, consent.SourceGPC, true, want
	old.Lang, old.Revision, old.Country, old.Rule = "en", 2, "US", "opt-out (US)"
	old.Time = time.Now().UTC().Truncate(time.Microsecond)
	if err := a.Store.AppendBatch(ctx, []*consent.Event{old}); err != nil {
		t.Fatal(err)
	}
	gpcIDs := []string{snippet.EventID, custom.EventID, old.ID.String()}

	const gpcWords = "Opted out by Global Privacy Control"
	_, log, _ := c.get("/admin/log")
	for _, id := range append(gpcIDs, clicked.EventID) {
		row := regexp.MustCompile(`(?s)<tr role="row" data-testid="row"><td[^>]*><a href="/admin/events/` + id + `"[^>]*>.*?</tr>`).FindString(log)
		// The log's column says it in a few words, its title in full.
		action := html.UnescapeString(regexp.MustCompile(`data-testid="action"[^>]*>([^<]*)<`).FindStringSubmatch(row + `data-testid="action">?<`)[1])
		title := html.UnescapeString(regexp.MustCompile(`data-testid="action"[^>]* title="([^"]*)"|$`).FindStringSubmatch(row)[1])
		if w := map[bool][2]string{true: {"Accepted all", ""}, false: {"Opted out by GPC", gpcWords}}[id == clicked.EventID]; action != w[0] || title != w[1] {
			t.Errorf("the log row of %s says %q, titled %q, want %q titled %q", id, action, title, w[0], w[1])
		}
	}
	listed := 0 // proofs listing every text, as the site would have shown it
	for _, id := range gpcIDs {
		_, proof, _ := c.get("/admin/events/" + id)
		if strings.Contains(html.UnescapeString(proof), "Every text, exactly as the site would have shown it") {
			listed++
		}
		proof = html.UnescapeString(proof)
		if !strings.Contains(proof, "<dd>"+gpcWords+"</dd>") || strings.Contains(proof, "<dd>Accepted all</dd>") ||
			!strings.Contains(proof, `data-testid="texts-not-shown">No banner was shown for this decision`) {
			t.Errorf("the proof of %s does not say the signal opted out with no banner shown:\n%s", id, proof)
		}
		// Nor does it head the snapshot as what the visitor was shown.
		if strings.Contains(proof, "What the visitor was shown") || strings.Contains(proof, "Every text, exactly as shown") ||
			!strings.Contains(proof, "<h2>What the site would have shown</h2>") {
			t.Errorf("the proof of %s heads the snapshot as what the visitor was shown", id)
		}
	}
	if listed == 0 {
		t.Error("no proof of a GPC opt-out lists its texts as the site would have shown them")
	}
	if _, proof, _ := c.get("/admin/events/" + clicked.EventID); !strings.Contains(proof, "<dd>Accepted all</dd>") || strings.Contains(proof, "texts-not-shown") ||
		!strings.Contains(proof, "<h2>What the visitor was shown</h2>") || strings.Contains(proof, "would have shown") {
		t.Error("the proof of a click on Accept all does not say so, or says no banner was shown")
	}
	_, page, _ := c.get("/admin/consents/" + snippet.ConsentID)
	actions := regexp.MustCompile(`data-testid="history-action">([^<]*)</td>\s*<td data-testid="history-source">([^<]*)<`).FindAllStringSubmatch(page, -1)
	if len(actions) != 2 {
		t.Fatalf("the visitor's page lists %d decisions with their source, want 2", len(actions))
	}
	for _, m := range actions {
		if m[1] != gpcWords || m[2] != "Global Privacy Control signal" {
			t.Errorf("the visitor's page says %q from %q, want %q from the signal", m[1], m[2], gpcWords)
		}
	}

	receipt := do(a, req{"GET", "/api/v1/consents/receipt?token=" + url.QueryEscape(snippet.Token), "", map[string]string{"Accept": "text/html"}}).Body.String()
	if n := strings.Count(html.UnescapeString(receipt), "Opted out by your browser’s Global Privacy Control signal"); n != 2 || strings.Contains(receipt, "Accepted all") {
		t.Errorf("the receipt says the signal opted out %d times of 2, or says Accepted all:\n%s", n, receipt)
	}
}
