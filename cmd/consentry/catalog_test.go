package main

import (
	"strings"
	"testing"
)

func TestCatalogCommands(t *testing.T) {
	out, err := cli(t, "catalog", "list")
	if err != nil || !strings.Contains(out, "google-analytics") || !strings.Contains(out, "167 of 167 services") {
		t.Errorf("catalog list: %v\n%s", err, out)
	}
	out, err = cli(t, "catalog", "list", "--search", "youtube")
	if err != nil || !strings.Contains(out, "youtube") || strings.Contains(out, "hotjar") {
		t.Errorf("catalog list --search youtube: %v\n%s", err, out)
	}
	out, err = cli(t, "catalog", "show", "youtube")
	for _, want := range []string{"youtube-nocookie.com", "VISITOR_INFO1_LIVE", "179 days", "catalog: youtube", "Plays embedded videos"} {
		if err != nil || !strings.Contains(out, want) {
			t.Errorf("catalog show youtube lacks %q: %v\n%s", want, err, out)
		}
	}
	// A day is one day, not "1 days" (YouTube's GPS, Stripe's __stripe_sid).
	out, err = cli(t, "catalog", "show", "stripe")
	if err != nil || !strings.Contains(out, "__stripe_sid  1 day ") || strings.Contains(out, "1 days") {
		t.Errorf("catalog show stripe: a one-day cookie: %v\n%s", err, out)
	}
	if _, err := cli(t, "catalog", "show", "nope"); err == nil || exitCode(err) != 2 {
		t.Errorf("an unknown ID: %v", err)
	}
}
