package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/consentry/consentry/internal/app"
)

// TestExportIsAudited: an export from the command line leaves an audit
// entry, actor "cli", with its format and filter, as one from the console.
func TestExportIsAudited(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "c.db")
	made, err := app.OpenStore(context.Background(), db) // an empty deployment
	if err != nil {
		t.Fatal(err)
	}
	made.Close()
	if code, _, errOut := consentry(t, "export", "--format", "ndjson", "--country", "FR", "--db", db); code != 0 {
		t.Fatalf("export: exit %d, %s", code, errOut)
	}
	st, err := app.OpenStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	entries, err := st.AuditLog(context.Background(), 0, 10)
	if err != nil || len(entries) != 1 {
		t.Fatalf("audit trail %+v, %v: want one entry", entries, err)
	}
	if e := entries[0]; e.Actor != "cli" || e.Action != "export" || e.Target != "ndjson" || e.Detail != "country=FR" {
		t.Errorf("audit entry %+v", e)
	}
}
