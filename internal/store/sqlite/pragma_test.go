package sqlite

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"

	"modernc.org/sqlite"
)

// Acknowledged means durable: the writer connection runs WAL with
// synchronous=FULL, commits sync with fdatasync on Linux (as SQLite's own
// build does), and readers cannot write.
func TestPragmas(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var mode string
	var sync, fk, ro int
	if err := s.w.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode %q, err %v", mode, err)
	}
	if err := s.w.QueryRow("PRAGMA synchronous").Scan(&sync); err != nil || sync != 2 {
		t.Errorf("synchronous %d (want 2, FULL), err %v", sync, err)
	}
	if err := s.w.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys %d, err %v", fk, err)
	}
	// A multi-row insert's statement journal stays in memory: in a file it
	// cost the writer a write for every page past 64 KiB.
	var temp int
	if err := s.w.QueryRow("PRAGMA temp_store").Scan(&temp); err != nil || temp != 2 {
		t.Errorf("writer temp_store %d (want 2, MEMORY), err %v", temp, err)
	}
	if err := s.r.QueryRow("PRAGMA query_only").Scan(&ro); err != nil || ro != 1 {
		t.Errorf("reader query_only %d, err %v", ro, err)
	}
	if runtime.GOOS == "linux" && !sqlite.FdatasyncEnabled() {
		t.Error("commits sync with fsync, not fdatasync")
	}
	if _, err := s.r.Exec("DELETE FROM events"); err == nil {
		t.Error("the reader pool could write")
	}
}
