package postgres_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/pgtest"
	"github.com/consentry/consentry/internal/store/storetest"
	"github.com/jackc/pgx/v5"
)

// TestGPCOptOutFilterReadsItsIndex: the log's "Opted out by GPC" filter,
// of every site or of one, from the top or after a cursor, reads the
// partial index of the opt-outs' rows (migration 00021) newest first, never
// the log: a page of them costs the same however rare they are and however
// deep it is. Sequential scans are priced out, so that the few rows of a
// test table do not make one the cheaper plan.
func TestGPCOptOutFilterReadsItsIndex(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	s := openURL(t, url)
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
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SET enable_seqscan = off"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "ANALYZE events"); err != nil {
		t.Fatal(err)
	}
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
		rows, err := conn.Query(ctx, "EXPLAIN "+query, args...)
		if err != nil {
			t.Fatal(name, err)
		}
		plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(name, err)
		}
		// Every read of events goes through the index: no other index of
		// events, no sequential scan.
		var used []string
		for _, line := range plan {
			if m := readsOfEvents.FindStringSubmatch(line); m != nil {
				used = append(used, m[1]+m[2]+m[3])
			}
		}
		if len(used) == 0 || slices.ContainsFunc(used, func(u string) bool { return u != index }) {
			t.Errorf("%s: plan\n%s\nreads events through %q, want %s only", name, strings.Join(plan, "\n"), used, index)
		}
	}
}

// readsOfEvents finds a read of the events table in a plan's line: the
// index it reads, or "Seq" for a sequential scan.
var readsOfEvents = regexp.MustCompile(`(?:Index Scan(?: Backward)?|Index Only Scan(?: Backward)?) using (\w+) on events e|Bitmap Index Scan on (events\w*)|(Seq) Scan on events`)
