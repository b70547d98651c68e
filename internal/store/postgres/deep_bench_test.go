package postgres_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/pgtest"
	"github.com/consentry/consentry/internal/store/postgres"
	"github.com/consentry/consentry/internal/store/storetest"
	"github.com/jackc/pgx/v5"
)

// BenchmarkDeepLog fills a fresh schema with CONSENTRY_BENCH_EVENTS events
// (it skips without the variable; 10,000,000 is what DESIGN.md names) by
// SQL, fast, over 30 days, then measures what must not slow as the log
// grows: appending batches of 500, on an empty schema first and then on the
// full one, and log pages at any depth. The seeded rows do not form a chain;
// nothing here verifies it.
func BenchmarkDeepLog(b *testing.B) {
	n, _ := strconv.Atoi(os.Getenv("CONSENTRY_BENCH_EVENTS"))
	if n == 0 {
		b.Skip("CONSENTRY_BENCH_EVENTS is not set")
	}
	ctx := context.Background()
	empty, err := postgres.Open(ctx, pgtest.URL(b))
	if err != nil {
		b.Fatal(err)
	}
	defer empty.Close()
	b.Run("AppendBatchEmpty", func(b *testing.B) { appendRate(b, empty) })
	url := pgtest.URL(b)
	s, err := postgres.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	start := time.Now().UTC().AddDate(0, 0, -30).Truncate(24 * time.Hour)
	step := int64(30*24*time.Hour/time.Microsecond) / int64(n)
	t0 := time.Now()
	args := []any{start.UnixMicro(), step, n}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO events (seq, time, expires, revision, flags, id, consent_id, site_id, action, granted, source,
			lang, country, rule, texts_hash, ip, page, pii_salt, pii_digest, hash)
		SELECT g, $1 + g * $2, $1 + g * $2 + 15552000000000, 1, g % 4,
			('00000000-0000-7000-8000-' || lpad(to_hex(g), 12, '0'))::uuid,
			('00000000-0000-7000-9000-' || lpad(to_hex(g), 12, '0'))::uuid,
			(ARRAY['shop', 'blog'])[1 + g % 2], (ARRAY['accept_all', 'reject_all', 'custom', 'withdraw'])[1 + g % 4],
			'analytics,necessary', 'banner', 'fr', (ARRAY['FR', 'DE', 'US'])[1 + g % 3], 'opt-in',
			sha256('texts'::bytea), '203.0.113.0', 'https://shop.example/p/' || (g % 977),
			decode(md5(g::text), 'hex'), sha256(g::text::bytea), sha256(('h' || g)::bytea)
		FROM generate_series(1, $3::bigint) g`, args},
		{`INSERT INTO days (day, first_seq) SELECT time / 86400000000, min(seq) FROM events GROUP BY 1`, nil},
		{`UPDATE ledger_head SET seq = $3::bigint, time = $1 + $3::bigint * $2, hash = sha256(('h' || $3::bigint)::bytea)`, args},
		{`VACUUM ANALYZE events`, nil},
	} {
		if _, err := conn.Exec(ctx, q.sql, q.args...); err != nil {
			b.Fatalf("%.40s: %v", q.sql, err)
		}
	}
	var size int64
	conn.QueryRow(ctx, "SELECT pg_total_relation_size('events')").Scan(&size)
	b.Logf("seeded %d events in %s, %d bytes/event", n, time.Since(t0).Round(time.Second), size/int64(n))

	b.Run("AppendBatchFull", func(b *testing.B) { appendRate(b, s) })
	deep := int64(n / 100)
	for _, tc := range []struct {
		name string
		q    consent.LogQuery
	}{
		{"LogFirstPage", consent.LogQuery{}},
		{"LogDeepPageSite", consent.LogQuery{Site: "shop", Before: deep}},
		{"LogDeepFiltered", consent.LogQuery{Site: "shop", Action: consent.Custom, Before: deep}},
		{"LogDateRange", consent.LogQuery{Site: "shop", From: start.AddDate(0, 0, 10), To: start.AddDate(0, 0, 12)}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				page, err := s.Log(ctx, tc.q)
				if err != nil || len(page) == 0 {
					b.Fatalf("%d events, err %v", len(page), err)
				}
			}
		})
	}
}

// appendRate appends batches of 500, at least 50,000 events whatever
// -benchtime says, and reports events per second.
func appendRate(b *testing.B, s *postgres.Store) {
	events := make([]*consent.Event, 500)
	written := 0
	t0 := time.Now()
	for written < max(b.N, 50000) {
		for i := range events {
			events[i] = storetest.Event("shop", written+i)
		}
		if err := s.AppendBatch(context.Background(), events); err != nil {
			b.Fatal(err)
		}
		written += len(events)
	}
	b.ReportMetric(float64(written)/time.Since(t0).Seconds(), "events/s")
}
