package web_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
)

// TestAuditSessionsAndFiltersInWords: the trail says how many sessions a
// "sign out everywhere" ended ('1 Sitzung beendet') and the filters of an
// export of the log and of the trail itself, each by its label on the form
// and its value, an action, a source or GPC in words ('Aktion: Alle
// akzeptiert; Land: DE; GPC: ja; Quelle: Banner'), in the console's
// language; they were the English the server writes ('sessions=1',
// 'action=accept_all&country=DE&gpc=1&source=banner'). The CSV keeps what
// was written. In Arabic the filters are separated by the Arabic
// semicolon.
func TestAuditSessionsAndFiltersInWords(t *testing.T) {
	_, c := signedIn(t, "dpo@shop.example", auth.Admin)
	for _, path := range []string{"/admin/log/export?format=csv&action=accept_all&source=banner&gpc=1&country=DE",
		"/admin/audit/export?action=dsr_lookup&actor=dpo"} {
		if status, body, _ := c.get(path); status != 200 {
			t.Fatalf("%s: %d %.300s", path, status, body)
		}
	}
	if status, _, _ := c.post("/admin/account/signout-everywhere", url.Values{"_csrf": {c.pageToken()}}); status != 303 {
		t.Fatalf("signing out everywhere: %d", status)
	}
	c.login("dpo@shop.example")
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"en", []string{"1 session ended", "Action: Looked up a visitor; Who: dpo", "Action: Accepted all; Country: DE; GPC: yes; Source: Banner"}},
		{"de", []string{"1 Sitzung beendet", "Aktion: Besucher nachgeschlagen; Wer: dpo", "Aktion: Alle akzeptiert; Land: DE; GPC: ja; Quelle: Banner"}},
		// The Arabic semicolon, not a Latin one, which would join "DE" and
		// "GPC" into one run read left to right.
		{"ar", []string{"أُنهيت جلسة واحدة", "الإجراء: قبول الكل؛ البلد: DE؛ GPC: نعم؛ المصدر: الشريط"}},
	} {
		got, _ := auditDetails(t, c, tc.lang, "")
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: no %q in the trail's details\n%s", tc.lang, w, strings.Join(got, "\n"))
			}
		}
		if all := strings.Join(got, "\n"); strings.Contains(all, "sessions=") || strings.Contains(all, "action=") {
			t.Errorf("%s: the trail shows a detail as the server writes it", tc.lang)
		}
	}
	_, body, _ := c.get("/admin/audit/export")
	for _, w := range []string{",sessions=1,", ",action=accept_all&country=DE&gpc=1&source=banner,", ",action=dsr_lookup&actor=dpo,"} {
		if !strings.Contains(body, w) {
			t.Errorf("the CSV does not keep %q as written:\n%s", w, body)
		}
	}
}
