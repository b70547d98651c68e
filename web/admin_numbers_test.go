package web_test

import (
	"context"
	"encoding/csv"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/storetest"
)

// The dashboard shows counts grouped as the user's language groups digits:
// the tiles, the y-axis, the bars' tooltips, the table under the chart and
// the chart's description; its percentages as the language writes them
// (33,3 % in German and French), the opt-in chart's y-axis too (25 %; it
// was '25%' in every language). What machines read (the chart's data attribute,
// the CSV export) keeps plain digits.
func TestDashboardGroupsCounts(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "dpo@shop.example", auth.Viewer)
	day := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
	const n = 12345 // 4,115 accept all, 4,115 reject all, 4,115 custom
	var batch []*consent.Event
	for j := range n {
		e := storetest.Event("demo", j)
		e.Time = day.Add(time.Duration(j) * time.Second)
		switch j % 3 {
		case 0:
			e.Action, e.Granted = consent.AcceptAll, []string{"analytics", "marketing", "necessary", "preferences"}
		case 1:
			e.Action, e.Granted = consent.RejectAll, []string{"necessary"}
		}
		batch = append(batch, e)
	}
	if err := a.Store.AppendBatch(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	c := newConsole(t, a)
	c.login("dpo@shop.example")
	tile := func(page, id string) string {
		m := regexp.MustCompile(`data-testid="tile-` + id + `"><span class="n">([^<]*)<`).FindStringSubmatch(page)
		if m == nil {
			return ""
		}
		return html.UnescapeString(m[1])
	}
	for _, tc := range []struct {
		lang, total, each, top, desc, rate, quarter string
	}{
		{"en", "12,345", "4,115", "15,000", "12,345 decisions from", "33.3%", "25%"},
		{"de", "12.345", "4.115", "15.000", "12.345 Entscheidungen vom", "33,3\u00a0%", "25\u00a0%"},
		{"fr", "12\u00a0345", "4\u00a0115", "15\u00a0000", "12\u00a0345 décisions du", "33,3\u00a0%", "25\u00a0%"},
		{"ar", "12,345", "4,115", "15,000", "12,345", "33.3\u200e%\u200e", "25\u200e%\u200e"},
	} {
		if status, body, _ := c.post("/admin/me", url.Values{"lang": {tc.lang}, "tz": {"UTC"}, "_csrf": {c.pageToken()}}); status != http.StatusSeeOther {
			t.Fatalf("setting %s: %d %s", tc.lang, status, body)
		}
		status, page, _ := c.get("/admin/dashboard?site=demo&from=2026-11-01&to=2026-11-07")
		if status != http.StatusOK {
			t.Fatalf("%s: %d", tc.lang, status)
		}
		if got := tile(page, "total"); got != tc.total {
			t.Errorf("%s: total tile %q, want %q", tc.lang, got, tc.total)
		}
		for _, act := range []string{"accept_all", "reject_all", "custom"} {
			if got := tile(page, act); got != tc.each {
				t.Errorf("%s: %s tile %q, want %q", tc.lang, act, got, tc.each)
			}
		}
		if y := texts(page, "chart-y", "ytick"); len(y) == 0 || y[len(y)-1] != tc.top {
			t.Errorf("%s: y labels %q, want the top one %q", tc.lang, y, tc.top)
		}
		if y := texts(page, "optin-y", "ytick"); len(y) != 5 || y[1] != tc.quarter {
			t.Errorf("%s: the opt-in chart's y labels %q, want the second %q", tc.lang, y, tc.quarter)
		}
		text := html.UnescapeString(page)
		if !strings.Contains(text, ": "+tc.each+"</title>") {
			t.Errorf("%s: no bar's tooltip shows %q", tc.lang, tc.each)
		}
		if !strings.Contains(text, "<td>"+tc.total+"</td>") {
			t.Errorf("%s: the chart's table does not show %q", tc.lang, tc.total)
		}
		if m := regexp.MustCompile(`<desc id="chart-desc">([^<]*)<`).FindStringSubmatch(text); m == nil || !strings.Contains(m[1], tc.desc) {
			t.Errorf("%s: chart description %q, want it to contain %q", tc.lang, m, tc.desc)
		}
		if m := regexp.MustCompile(`data-testid="rate-marketing">([^<]*)<`).FindStringSubmatch(text); m == nil || m[1] != tc.rate {
			t.Errorf("%s: marketing's grant rate %q, want %q", tc.lang, m, tc.rate)
		}
		if !strings.Contains(page, `data-top="15000"`) {
			t.Errorf("%s: the chart's data-top is not plain digits", tc.lang)
		}
	}
	status, body, _ := c.get("/admin/dashboard/export?site=demo&from=2026-11-01&to=2026-11-07")
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if status != http.StatusOK || err != nil {
		t.Fatalf("CSV: %d %v %q", status, err, body)
	}
	if want := []string{"2026-11-03", "4115", "4115", "4115", "0", "0", "12345"}; !slices.ContainsFunc(rows, func(r []string) bool { return slices.Equal(r, want) }) {
		t.Errorf("CSV rows %q, want one %q", rows, want)
	}
}

// The integrity page groups its counts too (the events in the ledger; the
// head to record, which a machine reads, keeps plain digits).
func TestIntegrityGroupsCounts(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "dpo@shop.example", auth.Viewer)
	first := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	seedDays(t, a, first, []int{1200, 1200})
	c := newConsole(t, a)
	c.login("dpo@shop.example")
	for _, tc := range []struct{ lang, ledger string }{
		{"en", "Events in the ledger: 2,400<"},
		{"de", "Ereignisse im Protokoll: 2.400<"},
	} {
		if status, body, _ := c.post("/admin/me", url.Values{"lang": {tc.lang}, "tz": {"UTC"}, "_csrf": {c.pageToken()}}); status != http.StatusSeeOther {
			t.Fatalf("setting %s: %d %s", tc.lang, status, body)
		}
		status, page, _ := c.get("/admin/integrity")
		if status != http.StatusOK || !strings.Contains(html.UnescapeString(page), tc.ledger) {
			t.Errorf("%s: %d, the integrity page does not say %q", tc.lang, status, tc.ledger)
		}
		if !strings.Contains(page, `data-testid="head">2400:`) {
			t.Errorf("%s: the head to record is not in plain digits", tc.lang)
		}
	}
}

// TestSiteEditorContrastInTheConsolesNumbers: the site editor's contrast
// ratios are written with the console language's decimal separator
// ("4,5:1" in German, French and Spanish), not always with a point.
func TestSiteEditorContrastInTheConsolesNumbers(t *testing.T) {
	_, c, _ := ownerOfShop(t)
	ratios := regexp.MustCompile(`\d+(?:[.,]\d)?:1`)
	contrast := regexp.MustCompile(`(?s)data-testid="contrast">.*?</p>`)
	for _, tc := range []struct{ lang, sep string }{{"en", "."}, {"de", ","}, {"fr", ","}, {"es", ","}, {"ar", "."}} {
		c.speak(tc.lang)
		_, page, _ := c.get("/admin/sites/shop")
		got := ratios.FindAllString(contrast.FindString(page), -1)
		if len(got) != 3 { // what WCAG asks, then the text's and the accent's
			t.Fatalf("%s: the contrast line shows %q, want three ratios", tc.lang, got)
		}
		for _, r := range got {
			if !regexp.MustCompile(`^\d+` + regexp.QuoteMeta(tc.sep) + `\d:1$`).MatchString(r) {
				t.Errorf("%s: contrast %q, want one decimal after %q", tc.lang, r, tc.sep)
			}
		}
	}
}

// TestContrastErrorInTheConsolesNumbers: a colour refused for too little
// contrast names the ratios with the console language's decimal separator
// ("4,48:1 … 4,5:1" in German), as the line under the colours does.
func TestContrastErrorInTheConsolesNumbers(t *testing.T) {
	_, c, tok := ownerOfShop(t)
	basics := url.Values{"_csrf": {tok}, "name": {"Shop"}, "origins": {"https://shop.example"}, "lifetime_days": {"183"}, "layout": {"bar"},
		"position": {"bottom"}, "background": {"#ffffff"}, "text": {"#777777"}, "accent": {"#1d4ed8"}, "accent_text": {"#ffffff"}}
	for _, tc := range []struct{ lang, ratio, min string }{{"en", "4.48:1", "4.5:1"}, {"de", "4,48:1", "4,5:1"}, {"fr", "4,48:1", "4,5:1"}} {
		msg := refusedBasics(t, c, tok, tc.lang, basics)
		if !strings.Contains(msg, tc.ratio) || !strings.Contains(msg, tc.min) {
			t.Errorf("%s: the error says %q, want %s and %s", tc.lang, msg, tc.ratio, tc.min)
		}
	}
}

// refusedBasics posts the shop's Basics form in a console language and
// returns the refusal it shows, failing unless the form is refused (400).
func refusedBasics(t *testing.T, c *console, tok, lang string, basics url.Values) string {
	t.Helper()
	if status, _, _ := c.post("/admin/me", url.Values{"_csrf": {tok}, "lang": {lang}, "tz": {"UTC"}}); status != http.StatusSeeOther {
		t.Fatalf("language: %d", status)
	}
	status, page, _ := c.post("/admin/sites/shop/basics", basics)
	if status != http.StatusBadRequest {
		t.Fatalf("%s: background %s, text %s, buttons %s, button text %s: %d, want 400", lang,
			basics.Get("background"), basics.Get("text"), basics.Get("accent"), basics.Get("accent_text"), status)
	}
	return shownError(t, page)
}

// TestContrastRefusesEveryPairDrawn: colours whose text and button text
// pass but whose buttons vanish into the background (#333333 on #222222,
// 1.26:1: a placeholder's "Load this once" and every button's edge) are
// refused, in the console's language, naming the pair, its contrast and
// WCAG's 3:1 for a control's boundary.
func TestContrastRefusesEveryPairDrawn(t *testing.T) {
	_, c, tok := ownerOfShop(t)
	basics := url.Values{"_csrf": {tok}, "name": {"Shop"}, "origins": {"https://shop.example"}, "lifetime_days": {"183"}, "layout": {"bar"},
		"position": {"bottom"}, "background": {"#222222"}, "text": {"#ffffff"}, "accent": {"#333333"}, "accent_text": {"#ffffff"}}
	for _, tc := range []struct{ lang, pair, ratio string }{
		{"en", "the buttons’ colour", "1.26:1"}, {"de", "die Farbe der Schaltflächen", "1,26:1"}, {"ar", "تباين لون الأزرار على الخلفية", "1.26:1"},
	} {
		msg := refusedBasics(t, c, tok, tc.lang, basics)
		if !strings.Contains(msg, tc.pair) || !strings.Contains(msg, tc.ratio) || !strings.Contains(msg, "3:1") {
			t.Errorf("%s: the error says %q, want %q, %s and 3:1", tc.lang, msg, tc.pair, tc.ratio)
		}
	}
}

// TestSiteEditorContrastIsCutNotRounded: a contrast just under WCAG's 4.5:1
// (#777777 on white, 4.48:1, refused, the editor showing what was typed) is
// shown as 4.4:1 ✗, not as "4.5:1 ✗" beside "needs 4.5:1".
func TestSiteEditorContrastIsCutNotRounded(t *testing.T) {
	_, c, tok := ownerOfShop(t)
	basics := url.Values{"_csrf": {tok}, "name": {"Shop"}, "origins": {"https://shop.example"}, "lifetime_days": {"183"}, "layout": {"bar"},
		"position": {"bottom"}, "background": {"#ffffff"}, "text": {"#777777"}, "accent": {"#1d4ed8"}, "accent_text": {"#ffffff"}}
	status, page, _ := c.post("/admin/sites/shop/basics", basics)
	if status != http.StatusBadRequest {
		t.Fatalf("#777777 on white: %d, want 400", status)
	}
	line := html.UnescapeString(regexp.MustCompile(`(?s)data-testid="contrast">.*?</p>`).FindString(page))
	if !strings.Contains(line, "4.4:1 ✗") || strings.Contains(line, "4.5:1 ✗") {
		t.Errorf("#777777 on white (4.48:1) is shown as %q, want 4.4:1 ✗", line)
	}
}
