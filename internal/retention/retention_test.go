package retention_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/retention"
	"github.com/consentry/consentry/internal/store"
	"github.com/consentry/consentry/internal/store/pgtest"
	"github.com/consentry/consentry/internal/store/postgres"
	"github.com/consentry/consentry/internal/store/sqlite"
	"github.com/consentry/consentry/internal/store/storetest"
)

func TestScheduledRoundSQLite(t *testing.T) {
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	testRound(t, s)
}

func TestScheduledRoundPostgres(t *testing.T) {
	s, err := postgres.Open(context.Background(), pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	testRound(t, s)
}

// A round purges the sites that set a retention, and only their events
// older than it, as the scheduler, audited; the ledger still verifies. A
// second round finds nothing; while another holds the lock, none runs.
func testRound(t *testing.T, s store.Store) {
	ctx := context.Background()
	shop := storetest.Site("shop")
	shop.Retention.Duration = 400 * 24 * time.Hour
	for _, site := range []*consent.Site{shop, storetest.Site("blog")} {
		if _, err := s.Publish(ctx, site, nil); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().UTC()
	var batch []*consent.Event
	for i := range 40 {
		e := storetest.Event([]string{"shop", "blog"}[i%2], i)
		e.Time = now.AddDate(-2, 0, 0).Add(time.Duration(i) * time.Second) // 20 of each, past 400 days
		if i >= 30 {
			e.Time = now.AddDate(0, 0, -300) // 5 of each, within it
		}
		e.Expires = e.Time.Add(consent.DefaultLifetime)
		batch = append(batch, e)
	}
	if err := s.AppendBatch(ctx, batch); err != nil {
		t.Fatal(err)
	}
	purges, err := round(t, s, now)
	if err != nil {
		t.Fatalf("round: %v", err)
	}
	if len(purges) != 1 || purges[0].Site != "shop" || purges[0].Count != 15 || purges[0].Actor != "scheduler" {
		t.Fatalf("purges %+v", purges)
	}
	left := map[string]int{}
	if err := s.Walk(ctx, 0, func(e *consent.Event) error { left[e.Site]++; return nil }); err != nil {
		t.Fatal(err)
	}
	if left["shop"] != 5 || left["blog"] != 20 {
		t.Errorf("left %v, want shop 5 (within 400 days), blog 20 (no retention)", left)
	}
	if n, purged, err := verify(s); err != nil || n != 25 || purged != 15 {
		t.Fatalf("verify: %d events, %d purged, err %v", n, purged, err)
	}
	trail, err := s.AuditLog(ctx, 0, 10)
	if err != nil || len(trail) != 1 || trail[0].Actor != "scheduler" || trail[0].Action != "purge" || trail[0].Target != "shop" {
		t.Errorf("audit trail %+v, err %v", trail, err)
	}
	if purges, err := round(t, s, now); err != nil || len(purges) != 0 {
		t.Errorf("second round: %+v, err %v", purges, err)
	}
	if recs, _ := s.Purges(ctx, 10); len(recs) != 1 {
		t.Errorf("a round with nothing to do left a record: %+v", recs)
	}
	release, ok, err := s.PurgeLock(ctx)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	defer release()
	if _, ran, err := retention.Round(ctx, s, now.AddDate(1, 0, 0)); err != nil || ran {
		t.Errorf("a round while another holds the lock: ran %v, err %v", ran, err)
	}
}

// A purge keeps the proof of a decision still in force, however old it is
// (one made under a longer lifetime than the site's current one); --force
// (Options.Force) removes it too.
func TestRunKeepsDecisionsInForce(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Publish(ctx, storetest.Site("shop"), nil); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	var batch []*consent.Event
	for i := range 4 {
		e := storetest.Event("shop", i)
		e.Time = now.AddDate(-2, 0, 0).Add(time.Duration(i) * time.Second)
		e.Expires = e.Time.Add(consent.DefaultLifetime)
		if i == 1 {
			e.Expires = now.AddDate(0, 1, 0) // made under a three-year lifetime
		}
		batch = append(batch, e)
	}
	if err := s.AppendBatch(ctx, batch); err != nil {
		t.Fatal(err)
	}
	o := retention.Options{Site: "shop", Cutoff: now.AddDate(-1, 0, 0), Actor: "cli"}
	p, err := retention.Run(ctx, s, o)
	if err != nil || p.Count != 3 {
		t.Fatalf("purged %d, err %v; want the 3 expired", p.Count, err)
	}
	if _, err := s.Event(ctx, batch[1].ID); err != nil {
		t.Fatalf("the decision still in force was purged: %v", err)
	}
	o.Force = true
	if p, err = retention.Run(ctx, s, o); err != nil || p.Count != 1 {
		t.Fatalf("forced: purged %d, err %v; want 1", p.Count, err)
	}
	if n, purged, err := verify(s); err != nil || n != 0 || purged != 4 {
		t.Errorf("verify: %d events, %d purged, err %v", n, purged, err)
	}
}

// verify walks s's whole ledger to its head and says how many events
// verified and how many purged ones the runs crossed.
func verify(s store.Store) (n, purged int64, err error) {
	ctx := context.Background()
	seq, head, err := s.Head(ctx)
	if err != nil {
		return 0, 0, err
	}
	var v ledger.Verifier
	if err := v.Run(ctx, s, nil); err != nil {
		return 0, 0, err
	}
	return v.Count(), v.Purged(), v.Finish(seq, head)
}

// round runs a round that must run. On PostgreSQL the purge lock is the
// database's, not the schema's: a test of another package on the same
// database may hold it for a moment, so round tries again while it is
// taken, for at most half a minute.
func round(t *testing.T, s store.Store, now time.Time) ([]store.Purge, error) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		purges, ran, err := retention.Round(context.Background(), s, now)
		if err != nil || ran {
			return purges, err
		}
		if time.Now().After(deadline) {
			t.Fatal("the purge lock stayed taken for 30 s: no round ran")
		}
	}
}

// The hourly round first closes the record of a purge killed before it
// could end (here: begun, two batches, never ended), whether or not a site
// sets a retention: done, interrupted, audited under its actor. A head
// recorded afterwards covers it; a second round finds nothing to close.
func TestRoundClosesKilledPurge(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Publish(ctx, storetest.Site("blog"), nil); err != nil {
		t.Fatal(err)
	}
	var batch []*consent.Event
	for i := range 10 {
		e := storetest.Event("blog", i)
		e.Time = time.Now().UTC().AddDate(-2, 0, 0).Add(time.Duration(i) * time.Second)
		e.Expires = e.Time.Add(consent.DefaultLifetime)
		batch = append(batch, e)
	}
	if err := s.AppendBatch(ctx, batch); err != nil {
		t.Fatal(err)
	}
	killed := store.Purge{Actor: "cli", Cutoff: time.Now().UTC()}
	if err := s.BeginPurge(ctx, &killed); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := s.PurgeBatch(ctx, &killed, 3); err != nil {
			t.Fatal(err)
		}
	}
	pins, err := retention.Pin(ctx, s, -1)
	if n, _ := pins.Head(); err != nil || n != 0 {
		t.Fatalf("pinned before the round: %d, err %v", n, err)
	}
	purges, ran, err := retention.Round(ctx, s, time.Now())
	if err != nil || !ran || len(purges) != 1 {
		t.Fatalf("round: %+v, ran %v, err %v", purges, ran, err)
	}
	if p := purges[0]; p.ID != killed.ID || !p.Done || !p.Interrupted || p.Count != 6 || p.Last != 6 {
		t.Errorf("closed %+v", p)
	}
	pins, err = retention.Pin(ctx, s, -1)
	if n, _ := pins.Head(); err != nil || n != 1 {
		t.Errorf("pinned after the round: %d, err %v", n, err)
	}
	trail, err := s.AuditLog(ctx, 0, 10)
	if err != nil || len(trail) != 1 || trail[0].Actor != "cli" || trail[0].Action != "purge" ||
		trail[0].Detail != retention.Describe(purges[0])+"; closed by scheduler" {
		t.Errorf("audit trail %+v, err %v", trail, err)
	}
	if n, purged, err := verify(s); err != nil || n != 4 || purged != 6 {
		t.Errorf("verify: %d events, %d purged, err %v", n, purged, err)
	}
	if purges, ran, err := retention.Round(ctx, s, time.Now()); err != nil || !ran || len(purges) != 0 {
		t.Errorf("second round: %+v, ran %v, err %v", purges, ran, err)
	}
}

// A purge cancelled between batches (Ctrl-C, a server shutting down) ends
// its record itself: done, interrupted, with what it removed by then.
func TestRunCancelledEndsInterrupted(t *testing.T) {
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Publish(context.Background(), storetest.Site("blog"), nil); err != nil {
		t.Fatal(err)
	}
	var batch []*consent.Event
	for i := range 10 {
		e := storetest.Event("blog", i)
		e.Time = time.Now().UTC().AddDate(-2, 0, 0).Add(time.Duration(i) * time.Second)
		e.Expires = e.Time.Add(consent.DefaultLifetime)
		batch = append(batch, e)
	}
	if err := s.AppendBatch(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p, err := retention.Run(ctx, s, retention.Options{Cutoff: time.Now(), Actor: "cli", Batch: 4,
		Progress: func(store.Purge, int64) { cancel() }})
	if !errors.Is(err, context.Canceled) || !p.Done || !p.Interrupted || p.Count != 4 {
		t.Fatalf("cancelled purge %+v, err %v", p, err)
	}
	if open, err := s.UnfinishedPurges(context.Background()); err != nil || len(open) != 0 {
		t.Errorf("unfinished %+v, err %v", open, err)
	}
	recs, err := s.Purges(context.Background(), 1)
	if err != nil || len(recs) != 1 || !recs[0].Done || !recs[0].Interrupted || recs[0].Count != 4 {
		t.Errorf("record %+v, err %v", recs, err)
	}
}

// A period of nothing is refused as such, not as something unreadable.
func TestParseAge(t *testing.T) {
	for in, want := range map[string]time.Duration{"400d": 400 * 24 * time.Hour, "400": 400 * 24 * time.Hour, "9600h": 9600 * time.Hour} {
		if got, err := retention.ParseAge(in); err != nil || got != want {
			t.Errorf("ParseAge(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for in, says := range map[string]string{"0d": "no time at all", "0h": "no time at all", "-5h": "no time at all", "soon": "not a period", "100001d": "more than",
		"18m": "not a period", "30s": "not a period", "1h30m": "not a period", "1m1h": "not a period"} {
		_, err := retention.ParseAge(in)
		if consent.ErrorCode(err) != consent.EInvalid || !strings.Contains(err.Error(), says) {
			t.Errorf("ParseAge(%q): %v; want invalid, saying %q", in, err, says)
		}
	}
}
