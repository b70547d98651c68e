package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/auth"
)

// TestRefusedBasicsKeepEveryEdit: a Basics form with two bad fields (a
// lifetime of 999 days, a rule line that is not a rule) among a dozen good
// edits says both faults at once and shows the form again with every edit
// as typed, the bad ones included, nothing reverted to what was stored; the
// owner corrects the two and saves, and every edit is in the draft.
func TestRefusedBasicsKeepEveryEdit(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	ctx := context.Background()
	_, page, _ := c.get("/admin/sites/demo")
	action, form := formFields(t, page, "basics")
	typed := map[string]string{
		"name":           "Green Cross Pharmacy",
		"retention_days": "400",
		"lifetime_days":  "999",
		"rules":          "US opt-out\nCA notice please",
		"consent_mode":   "analytics: analytics_storage\nmarketing: ad_storage ad_user_data",
		"background":     "#fffbea",
		"privacy_link":   "https://shop.example/datenschutz",
		"age_notice":     "1",
	}
	for k, v := range typed {
		form.Set(k, v)
	}
	status, body, _ := c.post(action, form)
	if status != http.StatusBadRequest {
		t.Fatalf("two bad fields: %d %.300s", status, body)
	}
	_, again := formFields(t, body, "basics")
	for k, v := range typed {
		if got := strings.ReplaceAll(again.Get(k), "\r\n", "\n"); got != v {
			t.Errorf("refused, the form shows %s %q, not %q as typed", k, got, v)
		}
	}
	for _, said := range []string{"1 to 395", "CA notice please"} {
		if !strings.Contains(body, said) {
			t.Errorf("the refusal does not say %q", said)
		}
	}
	if d, _ := a.Store.Draft(ctx, "demo"); d.Name == typed["name"] {
		t.Error("a refused form changed the draft")
	}
	again.Set("lifetime_days", "180")
	again.Set("rules", "US opt-out\nCA notice")
	if status, body, _ := c.post(action, again); status != http.StatusSeeOther {
		t.Fatalf("corrected: %d %.300s", status, body)
	}
	d, _ := a.Store.Draft(ctx, "demo")
	if d.Name != typed["name"] || d.Retention.Duration != 400*24*time.Hour || d.Lifetime.Duration != 180*24*time.Hour ||
		d.Rules["CA"] != "notice" || len(d.ConsentMap["marketing"]) != 2 || d.Appearance.Background != "#fffbea" ||
		d.Links["en"].Privacy != typed["privacy_link"] || !d.AgeNotice {
		t.Errorf("saved after correcting: name %q, retention %v, lifetime %v, rules %v, Consent Mode %v, look %+v, links %+v, age notice %v",
			d.Name, d.Retention.Duration, d.Lifetime.Duration, d.Rules, d.ConsentMap, d.Appearance, d.Links["en"], d.AgeNotice)
	}
}
