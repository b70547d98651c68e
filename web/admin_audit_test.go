package web_test

import (
	"context"
	"encoding/csv"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/auth"
)

// TestAuditSearchAndExport: the audit trail filters by who, what and day,
// its CSV holds the same entries, and both show addresses truncated
// (IPv4 /24, IPv6 /48), never in full.
func TestAuditSearchAndExport(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "dpo@shop.example", auth.Admin)
	ctx := context.Background()
	day := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	for _, e := range []auth.AuditEntry{
		{Time: day, Actor: "alice@shop.example", Action: "erase", Target: "x", IP: "203.0.113.77"},
		{Time: day.AddDate(0, 0, 1), Actor: "bob@shop.example", Action: "erase", Target: "y", IP: "2001:db8:1234:5678::1"},
		{Time: day.AddDate(0, 0, 2), Actor: "alice@shop.example", Action: "export", Target: "csv", IP: "203.0.113.78"},
	} {
		if err := a.Store.Audit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	c := newConsole(t, a)
	c.login("dpo@shop.example")
	targets := func(page string) string {
		return strings.Join(regexpAll(page, `data-testid="audit-target"><bdi[^>]*>([xy]|csv)</bdi>`), ",")
	}
	for _, tc := range []struct{ query, want string }{
		{"actor=alice", "csv,x"},
		{"action=erase", "y,x"},
		{"from=2026-03-11&to=2026-03-11", "y"},
		{"actor=ALICE&action=erase&from=2026-03-10&to=2026-03-10", "x"},
	} {
		status, page, _ := c.get("/admin/audit?" + tc.query)
		if got := targets(page); status != 200 || got != tc.want {
			t.Errorf("%s: %d, targets %s, want %s", tc.query, status, got, tc.want)
		}
		if strings.Contains(page, "203.0.113.77") || strings.Contains(page, "2001:db8:1234:5678::1") {
			t.Errorf("%s: the page shows a full address", tc.query)
		}
	}
	if _, page, _ := c.get("/admin/audit?action=erase"); !strings.Contains(page, "203.0.113.0") || !strings.Contains(page, "2001:db8:1234::") {
		t.Error("the page does not show the truncated addresses")
	}
	status, body, h := c.get("/admin/audit/export?action=erase")
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if status != 200 || err != nil || !strings.Contains(h.Get("Content-Disposition"), "attachment") || len(rows) != 3 {
		t.Fatalf("export: %d %q %v", status, rows, err)
	}
	if rows[1][3] != "bob@shop.example" || rows[1][7] != "2001:db8:1234::" || rows[2][7] != "203.0.113.0" {
		t.Errorf("export rows %q", rows[1:])
	}
	if entries, _ := a.Store.AuditLog(ctx, 0, 1); entries[0].Action != "audit_export" || entries[0].Actor != "dpo@shop.example" {
		t.Errorf("the export is not audited: %+v", entries[0])
	}
	if status, _, _ := c.get("/admin/audit?from=10/03/2026"); status != 400 {
		t.Errorf("a bad day: %d, want 400", status)
	}
}

func regexpAll(s, expr string) []string {
	var out []string
	for _, m := range regexp.MustCompile(expr).FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}
