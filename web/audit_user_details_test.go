package web_test

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
)

// TestAuditUserDetailsInWords: the trail says a user's role and state, as
// a user was added or changed, in the console's language ('Betrachter';
// 'Rolle: Administrator; Status: Deaktiviert'); it showed the codes the
// server writes ('viewer', 'role=admin disabled=true'). The CSV keeps
// what was written.
func TestAuditUserDetailsInWords(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	if status, body, _ := c.post("/admin/users", url.Values{"_csrf": {c.pageToken()}, "email": {"clerk@shop.example"}, "role": {"viewer"},
		"password": {"correct horse battery staple"}}); status != 303 {
		t.Fatalf("adding a user: %d %.300s", status, body)
	}
	users, err := a.Store.Users(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(users, func(u *auth.User) bool { return u.Email == "clerk@shop.example" })
	if status, body, _ := c.post("/admin/users/"+strconv.FormatInt(users[i].ID, 10), url.Values{"_csrf": {c.pageToken()}, "role": {"admin"}, "disabled": {"1"}}); status != 303 {
		t.Fatalf("changing the user: %d %.300s", status, body)
	}
	for _, tc := range []struct{ lang, added, changed string }{
		{"en", "Viewer", "Role: Administrator; state: Disabled"},
		{"de", "Betrachter", "Rolle: Administrator; Status: Deaktiviert"},
		{"fr", "Lecteur", "Rôle\u202f: Administrateur\u202f; état\u202f: Désactivé"},
		{"es", "Lector", "Rol: Administrador; estado: Desactivado"},
		{"ar", "مشاهد", "الدور: مسؤول؛ الحالة: معطَّل"},
	} {
		got, _ := auditDetails(t, c, tc.lang, "")
		if !slices.Contains(got, tc.added) || !slices.Contains(got, tc.changed) {
			t.Errorf("%s: the trail's details are %q, want %q and %q", tc.lang, got, tc.added, tc.changed)
		}
	}
	_, body, _ := c.get("/admin/audit/export")
	if !strings.Contains(body, "role=admin disabled=true") || !strings.Contains(body, ",viewer,") {
		t.Errorf("the CSV does not keep the details as written:\n%s", body)
	}
}
