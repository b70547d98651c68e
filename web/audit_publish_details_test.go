package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/auth"
)

// TestAuditPublishDetailsInWords: the trail says a published revision's
// number, its kind and its note in the console's language ('Revision 2,
// redaktionell: JIRA-7'), from the console or from sites apply ('Revision
// 3, wesentlich, aus blog.yaml'); it showed what the server writes
// ('revision 2 (editorial): JIRA-7', 'revision 3 from blog.yaml, editorial
// false'). The CSV keeps what was written.
func TestAuditPublishDetailsInWords(t *testing.T) {
	a, c, tok := ownerOfShop(t)
	if status, body, _ := c.post("/admin/sites/shop/publish", url.Values{"_csrf": {tok}}); status != http.StatusSeeOther {
		t.Fatalf("publishing: %d %.300s", status, body)
	}
	c.saveBasics("shop", "name", "The Shop")
	if status, body, _ := c.post("/admin/sites/shop/publish", url.Values{"_csrf": {tok}, "kind": {"editorial"}, "change_note": {"JIRA-7"}}); status != http.StatusSeeOther {
		t.Fatalf("publishing: %d %.300s", status, body)
	}
	if err := a.Store.Audit(context.Background(), auth.AuditEntry{Time: time.Now().UTC(), Actor: "cli", Action: "publish", Target: "shop",
		Detail: "revision 3 from blog.yaml, editorial false", IP: "-"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"en", []string{"Revision 1, material", "Revision 2, editorial: JIRA-7", "Revision 3, material, from blog.yaml"}},
		{"de", []string{"Revision 1, wesentlich", "Revision 2, redaktionell: JIRA-7", "Revision 3, wesentlich, aus blog.yaml"}},
		{"fr", []string{"Révision 1, substantielle", "Révision 2, rédactionnelle\u202f: JIRA-7", "Révision 3, substantielle, depuis blog.yaml"}},
		{"es", []string{"Revisión 1, sustancial", "Revisión 2, editorial: JIRA-7", "Revisión 3, sustancial, desde blog.yaml"}},
		{"ar", []string{"المراجعة 1، جوهرية", "المراجعة 2، تحريرية: JIRA-7", "المراجعة 3، جوهرية، من blog.yaml"}},
	} {
		got, _ := auditDetails(t, c, tc.lang, "?action=publish")
		for _, w := range tc.want {
			// Then what the revision changed (TestAuditSaysWhatChanged).
			if !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, w) }) {
				t.Errorf("%s: no %q in the trail's details %q", tc.lang, w, got)
			}
		}
	}
	_, body, _ := c.get("/admin/audit/export")
	if !strings.Contains(body, "revision 2 (editorial): JIRA-7") || !strings.Contains(body, "revision 3 from blog.yaml, editorial false") {
		t.Errorf("the CSV does not keep the details as written:\n%s", body)
	}
}
