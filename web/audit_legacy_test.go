package web_test

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/retention"
)

// TestAuditLegacyEntriesReadAsBefore: every detail the console's writers
// and a purge put in the audit trail carries its words (words.Words,
// migration 00015), and an entry written before 00015 — the same English,
// no words — reads on the trail exactly as the one written since, in
// English and in German: the old entries keep showing as they did.
func TestAuditLegacyEntriesReadAsBefore(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	ctx := context.Background()
	now := time.Now().UTC()
	late := c.record("erasure", now.AddDate(0, 0, -60), "ticket 42", "")
	open := c.record("access", now.AddDate(0, 0, -3), "letter", "")
	for path, form := range map[string]url.Values{
		"/admin/requests/" + late + "/answer": {"answered": {now.Format(time.DateOnly)}, "outcome": {"data erased"}},
		"/admin/requests/" + open + "/extend": {"months": {"2"}, "reason": {"many systems"}},
		"/admin/users":                        {"email": {"clerk@shop.example"}, "role": {"viewer"}, "password": {"correct horse battery staple"}},
		"/admin/integrity":                    {"full": {"1"}},
	} {
		form.Set("_csrf", c.pageToken())
		if status, body, _ := c.post(path, form); status != 303 && status != 200 {
			t.Fatalf("%s: %d %.300s", path, status, body)
		}
	}
	users, err := a.Store.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	clerk := users[slices.IndexFunc(users, func(u *auth.User) bool { return u.Email == "clerk@shop.example" })]
	if status, _, _ := c.post("/admin/users/"+strconv.FormatInt(clerk.ID, 10), url.Values{"_csrf": {c.pageToken()}, "role": {"admin"}, "disabled": {"1"}}); status != 303 {
		t.Fatalf("changing the user: %d", status)
	}
	appendEightOld(t, a)
	p, err := retention.Run(ctx, a.Store, retention.Options{Cutoff: now.AddDate(-1, 0, 0), Actor: "cli"})
	if err != nil {
		t.Fatal(err)
	}
	if err := retention.Audit(ctx, a.Store, p, nil); err != nil {
		t.Fatal(err)
	}

	written, err := a.Store.AuditLog(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range slices.Backward(written) {
		if e.Detail != "" && len(e.Words) == 0 {
			t.Errorf("%s wrote the detail %q without its words", e.Action, e.Detail)
		}
		e.Words = nil // as written before 00015
		if err := a.Store.Audit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct{ lang, want string }{
		{"en", "Extended by 2 months, now due on "}, {"de", "Verlängert um 2 Monate, jetzt fällig am "},
	} {
		got, _ := auditDetails(t, c, tc.lang, "")
		if len(got) != 2*len(written) {
			t.Fatalf("%s: %d details, want %d", tc.lang, len(got), 2*len(written))
		}
		old, since := got[:len(written)], got[len(written):]
		if !slices.Equal(old, since) {
			t.Errorf("%s: written before 00015 the trail reads\n%s\nwritten since\n%s", tc.lang, strings.Join(old, "\n"), strings.Join(since, "\n"))
		}
		if !slices.ContainsFunc(since, func(s string) bool { return strings.HasPrefix(s, tc.want) }) {
			t.Errorf("%s: no detail begins %q in\n%s", tc.lang, tc.want, strings.Join(since, "\n"))
		}
	}
}
