package web_test

import (
	"context"
	"database/sql"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/store/storetest"
)

// TestAuditVerifyBreakInWords: a console verification that found the
// ledger broken says where and why in the trail in the console's language
// ('Protokoll unterbrochen bei Ereignis #2 (…): sein Hash passt nicht zu
// seinem Inhalt …'); it was the English the server writes ('ledger broken
// at event #2 (…): its hash does not match …'). The CSV keeps what was
// written.
func TestAuditVerifyBreakInWords(t *testing.T) {
	var path string
	a := newApp(t, 0, func(o *app.Options) { path = filepath.Join(t.TempDir(), "c.db"); o.DB = "sqlite:" + path })
	addUser(t, a, "dpo@shop.example", auth.Admin)
	es := demoEvents(t, a, 3)
	if err := a.Store.AppendBatch(context.Background(), es); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range storetest.Rechoose(es[1].Seq, "country", "'ZZ'") {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	c := newConsole(t, a)
	c.login("dpo@shop.example")
	if status, body, _ := c.post("/admin/integrity", url.Values{"_csrf": {c.pageToken()}, "full": {"1"}}); status != 200 || !strings.Contains(body, `data-testid="broken"`) {
		t.Fatalf("verifying a tampered ledger: %d %.300s", status, body)
	}
	at := "#2 (" + es[1].ID.String() + ")"
	for _, tc := range []struct{ lang, want string }{
		{"en", "Ledger broken at event " + at + ": its hash does not match its content and the event before it: this event was changed, or the one before it was changed or removed"},
		{"de", "Protokoll unterbrochen bei Ereignis " + at + ": sein Hash passt nicht zu seinem Inhalt und dem Ereignis davor: Dieses Ereignis wurde geändert, oder das davor wurde geändert oder entfernt"},
		{"fr", "Registre rompu à l’événement " + at + "\u202f: son empreinte ne correspond pas à son contenu et à l’événement qui le précède\u202f: cet événement a été modifié, ou le précédent a été modifié ou supprimé"},
	} {
		if got, _ := auditDetails(t, c, tc.lang, "?action=verify"); !slices.Equal(got, []string{tc.want}) {
			t.Errorf("%s: the trail says the verification found\n%q\nwant\n%q", tc.lang, got, tc.want)
		}
	}
	if _, body, _ := c.get("/admin/audit/export"); !strings.Contains(body, `,"ledger broken at event #2 (`+es[1].ID.String()+"): its hash does not match") {
		t.Errorf("the CSV does not keep the detail as written:\n%s", body)
	}
}
