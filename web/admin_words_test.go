package web_test

import (
	"context"
	"encoding/csv"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
)

// TestConsoleSpeaksWords: the log, the proof and the data-subject page say
// what happened in words, in each console language, with a Denied column
// beside Granted, and count events with the language's plural rules; the
// export keeps the codes and gains the denied column.
func TestConsoleSpeaksWords(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "viewer@shop.example", auth.Viewer)
	es := demoEvents(t, a, 2)
	es[1].Action, es[1].Granted = consent.AcceptAll, []string{"necessary", "preferences", "analytics", "marketing"}
	if err := a.Store.AppendBatch(context.Background(), es); err != nil {
		t.Fatal(err)
	}
	c := newConsole(t, a)
	c.login("viewer@shop.example")
	_, log, _ := c.get("/admin/log")
	cell := func(page, id string) []string {
		var out []string
		for _, m := range regexp.MustCompile(`data-testid="`+id+`"[^>]*>([^<]*)<`).FindAllStringSubmatch(page, -1) {
			out = append(out, m[1])
		}
		return out
	}
	// Newest first: the accept-all, then the custom choice.
	if got := cell(log, "action"); strings.Join(got, "|") != "Accepted all|Chose categories" {
		t.Errorf("actions %q", got)
	}
	if got := cell(log, "granted"); strings.Join(got, "|") != "Necessary, Preferences, Analytics, Marketing|Necessary, Analytics" {
		t.Errorf("granted %q", got)
	}
	if got := cell(log, "denied"); strings.Join(got, "|") != "—|Preferences, Marketing" {
		t.Errorf("denied %q", got)
	}
	if strings.Contains(log, ">accept_all<") || strings.Contains(log, ">banner<") || !strings.Contains(log, ">Banner<") {
		t.Error("the log shows codes where words belong")
	}
	_, proof, _ := c.get("/admin/events/" + es[0].ID.String())
	if !strings.Contains(proof, "<dd>Opt-in</dd>") || !strings.Contains(proof, "<dd>Preferences, Marketing</dd>") {
		t.Error("the proof view does not name the rule or the denied categories in words")
	}
	_, dsr, _ := c.get("/admin/consents/" + es[0].ConsentID.String())
	if got := cell(dsr, "event-count"); len(got) != 1 || got[0] != "1 event for this consent ID" {
		t.Errorf("event count %q", got)
	}
	// The export keeps codes, with the denied categories beside the granted.
	_, body, _ := c.get("/admin/log/export?format=csv")
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) != 3 || rows[0][8] != "denied" || rows[1][8] != "preferences marketing" || rows[2][8] != "" {
		t.Fatalf("export %q %v", rows, err)
	}
	// In Arabic: the words, and Arabic's plural for one.
	c.speak("ar")
	_, log, _ = c.get("/admin/log")
	if got := cell(log, "action"); strings.Join(got, "|") != "قبول الكل|اختيار فئات" {
		t.Errorf("Arabic actions %q", got)
	}
	_, dsr, _ = c.get("/admin/consents/" + es[0].ConsentID.String())
	if got := cell(dsr, "event-count"); len(got) != 1 || got[0] != "حدث واحد لمعرّف الموافقة هذا" {
		t.Errorf("Arabic event count %q", got)
	}
}

// TestGrantedAndDeniedInTheSitesOrder: the log, the visitor's page and the
// proof list a decision's granted categories in the order its revision
// offered them, as they list the denied ones: Granted came in the order
// recorded (alphabetical by key: "Statistik, Marketing, Notwendig,
// Präferenzen") beside Denied in the site's.
func TestGrantedAndDeniedInTheSitesOrder(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "viewer@shop.example", auth.Viewer)
	es := demoEvents(t, a, 2)
	es[0].Action, es[0].Granted = consent.AcceptAll, []string{"analytics", "marketing", "necessary", "preferences"}
	es[1].Action, es[1].Granted = consent.Custom, []string{"marketing", "necessary"}
	if err := a.Store.AppendBatch(context.Background(), es); err != nil {
		t.Fatal(err)
	}
	c := newConsole(t, a)
	c.login("viewer@shop.example")
	c.speak("de")
	cells := func(page, id string) string {
		var out []string
		for _, m := range regexp.MustCompile(`data-testid="`+id+`"[^>]*>([^<]*)<`).FindAllStringSubmatch(page, -1) {
			out = append(out, m[1])
		}
		return strings.Join(out, "|")
	}
	_, log, _ := c.get("/admin/log")
	if got := cells(log, "granted"); got != "Notwendig, Marketing|Notwendig, Präferenzen, Statistik, Marketing" {
		t.Errorf("log granted %q", got)
	}
	if got := cells(log, "denied"); got != "Präferenzen, Statistik|—" {
		t.Errorf("log denied %q", got)
	}
	_, dsr, _ := c.get("/admin/consents/" + es[1].ConsentID.String())
	if !strings.Contains(dsr, "<td>Notwendig, Marketing</td>") || !strings.Contains(dsr, "<td>Präferenzen, Statistik</td>") {
		t.Error("the visitor's page does not list granted and denied in the site's order")
	}
	_, proof, _ := c.get("/admin/events/" + es[0].ID.String())
	if !strings.Contains(proof, "<dd>Notwendig, Präferenzen, Statistik, Marketing</dd>") {
		t.Error("the proof does not list granted in the site's order")
	}
}

// TestLogCountryUnknownIsDash: an event whose country the server did not
// know (no trusted proxy header) shows "—" in the log's Country column, as
// the event's proof does; the cell was empty, as if the page had not
// loaded it.
func TestLogCountryUnknownIsDash(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Viewer)
	batch := demoEvents(t, a, 2)
	batch[0].Country, batch[1].Country = "", "DE"
	if err := a.Store.AppendBatch(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	_, page, _ := c.get("/admin/log")
	var got []string
	for _, m := range regexp.MustCompile(`data-testid="country">([^<]*)<`).FindAllStringSubmatch(page, -1) {
		got = append(got, m[1])
	}
	if want := []string{"DE", "—"}; !slices.Equal(got, want) {
		t.Errorf("the log's Country column reads %q, newest first; want %q", got, want)
	}
}
