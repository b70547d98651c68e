package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/sqlite"
	"github.com/consentry/consentry/internal/store/storetest"
)

// TestGPCOptOutFilterReadsItsIndex: the log's "Opted out by GPC" filter,
// of every site or of one, from the top or after a cursor, reads the
// partial index of the opt-outs' rows (migration 00021) newest first, never
// the log: a page of them costs the same however rare they are and however
// deep it is.
func TestGPCOptOutFilterReadsItsIndex(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var batch []*consent.Event
	for i := range 200 {
		e := storetest.Event([]string{"shop", "blog"}[i%2], i)
		if i%20 == 0 {
			e.Action, e.Source, e.GPC = consent.Custom, consent.SourceGPC, true
		}
		batch = append(batch, e)
	}
	if err := s.AppendBatch(ctx, batch); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for name, q := range map[string]consent.LogQuery{
		"every site":             {Action: consent.GPCOptOut},
		"every site, next page":  {Action: consent.GPCOptOut, Before: 150},
		"one site":               {Action: consent.GPCOptOut, Site: "shop"},
		"one site, next page":    {Action: consent.GPCOptOut, Site: "shop", Before: 150},
		"one site and a country": {Action: consent.GPCOptOut, Site: "shop", Country: "FR"},
	} {
		index := "events_gpc_optout"
		if q.Site != "" {
			index += "_site"
		}
		query, args, err := s.LogPage(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := db.Query("EXPLAIN QUERY PLAN "+query, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		// The events are read through the index (a SCAN of it reads only
		// the opt-outs' rows), the choices, user agents and pages probed.
		var events string
		for _, line := range plan {
			if strings.HasPrefix(line, "SCAN e") || strings.HasPrefix(line, "SEARCH e ") {
				events = line
			}
		}
		if !strings.Contains(events, "USING INDEX "+index+" ") && !strings.HasSuffix(events, "USING INDEX "+index) {
			t.Errorf("%s: plan %q, want the events read through %s", name, plan, index)
		}
	}
}
