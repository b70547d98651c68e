package main

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/store/sqlite"
	"github.com/consentry/consentry/templates"
)

// TestPurgeBreakInWords: a purge that meets evidence failing to verify
// stops, and its audit entry says where and why in the console's language
// after the record ('vor dem Ende abgebrochen; Protokoll unterbrochen bei
// Ereignis #4 (…): nicht bereinigt: sein Hash passt nicht …'), as the
// console's own verification says a break; its words say in English what
// the command line printed. The purge's breaks had no words (the one of a
// changed event had them taken away), and the entry said only that the
// purge stopped.
func TestPurgeBreakInWords(t *testing.T) {
	for _, tc := range []struct {
		name   string
		before []string // purges of other sites first: --site
		tamper string
		seq    int64
		german string // after "Protokoll unterbrochen bei Ereignis #seq "
	}{
		{"changed event", nil, rechoose(4, "country", "'ZZ'"), 4,
			"nicht bereinigt: sein Hash passt nicht zu seinem Inhalt und dem Ereignis davor"},
		{"event before it missing", nil, "DELETE FROM events WHERE seq = 3", 3,
			"(vor der Bereinigung): dieses Ereignis fehlt, und keine Bereinigung verzeichnet seine Entfernung"},
		{"run after it recorded against another hash", []string{"blog"}, "UPDATE purged SET before_hash = after_hash WHERE first_seq = 5", 4,
			"nicht bereinigt: sein Hash ist nicht der, der verzeichnet wurde, als die Ereignisse danach (#5 bis #5) bereinigt wurden"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, _ := agedLedger(t, 40, 5)
			db := "sqlite:" + path
			for _, site := range tc.before {
				if out, err := runCmd(t, "purge", "--db", db, "--older-than", "200d", "--site", site); err != nil {
					t.Fatalf("%v %q", err, out)
				}
			}
			tamper(t, path, tc.tamper)
			out, err := runCmd(t, "purge", "--db", db, "--older-than", "200d", "--site", "shop")
			var b *ledger.Break
			if !errors.As(err, &b) || b.Seq != tc.seq {
				t.Fatalf("purge of tampered evidence: %v %q, want a break at #%d", err, out, tc.seq)
			}
			st, err := sqlite.Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			entries, err := st.AuditLog(context.Background(), 0, 1)
			if err != nil || len(entries) != 1 || entries[0].Action != "purge" {
				t.Fatalf("%v %+v", err, entries)
			}
			bundle, err := i18n.Load()
			if err != nil {
				t.Fatal(err)
			}
			e := entries[0]
			if got := templates.AuditDetailWords(bundle.For("en"), e); !strings.HasSuffix(got, "; L"+b.Error()[1:]) || !strings.HasSuffix(e.Detail, "; "+b.Error()) {
				t.Errorf("the purge's entry says\n%q\nand its detail\n%q\nwant both to end with %q", got, e.Detail, b.Error())
			}
			want := "vor dem Ende abgebrochen; Protokoll unterbrochen bei Ereignis #" + strconv.FormatInt(tc.seq, 10) + " "
			if got := templates.AuditDetailWords(bundle.For("de"), e); !strings.Contains(got, want) || !strings.Contains(got, tc.german) {
				t.Errorf("the trail says in German\n%q\nwant it to hold %q and %q", got, want, tc.german)
			}
		})
	}
}
