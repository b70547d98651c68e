package storetest

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store"
	"github.com/google/uuid"
)

// Raw reads one text column of a query on a store's database, behind the
// store's back (literal SQL only, so that it reads the same in every
// dialect).
type Raw func(query string) ([]string, error)

// RunNames runs the cases for the user agents and pages an erasure or a
// purge leaves named by no event: they are personal data and must go with
// the events. open returns two stores opened separately on one new empty
// database, as two Consentry instances (or a server and a `consentry
// purge` beside it) would be, and a Raw on that database.
func RunNames(t *testing.T, open func(t *testing.T) (store.Store, store.Store, Raw)) {
	t.Run("EraseRemovesItsNames", func(t *testing.T) { a, b, raw := open(t); testEraseRemovesNames(t, a, b, raw) })
	t.Run("PurgeRemovesItsNames", func(t *testing.T) { a, b, raw := open(t); testPurgeRemovesNames(t, a, b, raw) })
	t.Run("EraseWhileAnotherAppends", func(t *testing.T) { a, b, raw := open(t); testEraseWhileAppending(t, a, b, raw) })
	t.Run("SweepsBesideEachOther", func(t *testing.T) { a, b, raw := open(t); testSweepsBesideEachOther(t, a, b, raw) })
	t.Run("ErasureSweptByItself", func(t *testing.T) { a, _, raw := open(t); testErasureSweptByItself(t, a, raw) })
	t.Run("PurgeRecordsEachNameOnce", func(t *testing.T) { a, b, raw := open(t); testPurgeRecordsEachNameOnce(t, a, b, raw) })
	t.Run("FailedBatchLeavesNoNames", func(t *testing.T) { a, _, raw := open(t); testFailedBatchLeavesNoNames(t, a, raw) })
	t.Run("FailedSweepIsLogged", func(t *testing.T) { a, b, raw := open(t); testFailedSweepIsLogged(t, a, b, raw) })
}

// testPurgeRecordsEachNameOnce: a purge whose batches name the same user
// agents and pages leaves each pending once (before, once a batch: about
// 1.2 rows an event of a large purge, which the sweep after it read and
// cleared in several passes over the events); the sweep deletes them all.
func testPurgeRecordsEachNameOnce(t *testing.T, a, b store.Store, raw Raw) {
	ctx := context.Background()
	// The sweeps at opening are over: they would clear rows beside the count.
	waitFor(t, "the sweeps at opening", func() bool { return a.Sweeps().Runs >= 1 && b.Sweeps().Runs >= 1 })
	var events []*consent.Event
	for i := range 60 {
		events = append(events, named("shop", i, uuid.Nil, old.Add(time.Duration(i)*time.Second),
			fmt.Sprintf("Mozilla/5.0 often %d", i%2), fmt.Sprintf("https://shop.example/often/%d", i%5)))
	}
	if err := a.AppendBatch(ctx, events); err != nil {
		t.Fatal(err)
	}
	if p := purge(t, a, "", time.Now().AddDate(0, 0, -30), 6); p.Count != 60 {
		t.Fatalf("purged %d events, want 60", p.Count)
	}
	if n, err := raw("SELECT CAST(count(*) AS TEXT) FROM names_pending"); err != nil || len(n) != 1 || n[0] != "7" {
		t.Errorf("ten purge batches naming 2 user agents and 5 pages left %q candidate rows (want 7), err %v", n, err)
	}
	if n := sweep(t, a); n != 7 {
		t.Errorf("the sweep deleted %d, want 7", n)
	}
	checkNames(t, raw, "after the purge and a sweep", nil, nil)
	if n, err := raw("SELECT CAST(count(*) AS TEXT) FROM names_pending"); err != nil || len(n) != 1 || n[0] != "0" {
		t.Errorf("after the sweep %q candidate rows are left, err %v", n, err)
	}
}

// testFailedBatchLeavesNoNames: a batch that fails (here an event of it
// repeats a stored event's ID) leaves none of its new user agents and
// pages once a sweep has run, on PostgreSQL too, where they are stored
// before the batch's transaction; the strings of events that did commit
// stay, and the failed event, appended again, reads back with its own.
func testFailedBatchLeavesNoNames(t *testing.T, s store.Store, raw Raw) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	kept := named("shop", 1, uuid.Nil, now, "Mozilla/5.0 kept", "https://shop.example/kept")
	appendReads(t, s, "the first batch", kept)
	failed := named("shop", 2, uuid.Nil, now, "Mozilla/5.0 (failed batch)", "https://shop.example/failed-batch")
	again := named("shop", 3, uuid.Nil, now, "Mozilla/5.0 kept", "https://shop.example/kept")
	again.ID = kept.ID
	if err := s.AppendBatch(ctx, []*consent.Event{failed, again}); err == nil {
		t.Fatal("a batch repeating a stored event's ID was appended")
	}
	sweep(t, s)
	checkNames(t, raw, "after the failed batch and a sweep", []string{kept.Personal.UserAgent}, []string{kept.Personal.Page})
	retry := named("shop", 2, uuid.Nil, now, failed.Personal.UserAgent, failed.Personal.Page)
	appendReads(t, s, "the failed event again", retry)
	sweep(t, s)
	checkNames(t, raw, "after the retry and a sweep", []string{kept.Personal.UserAgent, retry.Personal.UserAgent},
		[]string{kept.Personal.Page, retry.Personal.Page})
}

// testFailedSweepIsLogged: a background sweep that fails (here the ledger
// head's table is gone when it reads it) is counted and logged with its
// error class and counts, no string of the tables; the erased strings stay
// until the next sweep, which succeeds, says so, and deletes them.
func testFailedSweepIsLogged(t *testing.T, s, other store.Store, raw Raw) {
	ctx := context.Background()
	var log LockedBuffer
	s.LogSweeps(slog.New(slog.NewTextHandler(&log, nil)))
	now := time.Now().UTC().Truncate(time.Microsecond)
	kept := named("shop", 1, uuid.Nil, now, "Mozilla/5.0 stays", "https://shop.example/stays")
	first := named("shop", 2, uuid.Nil, now, "Mozilla/5.0 (erased, sweep fails)", "https://shop.example/erased/sweep-fails")
	second := named("shop", 3, uuid.Nil, now, "Mozilla/5.0 (erased after)", "https://shop.example/erased/after")
	if err := s.AppendBatch(ctx, []*consent.Event{kept, first, second}); err != nil {
		t.Fatal(err)
	}
	// The sweeps the stores make when they open end first, with nothing
	// to do (the other's would otherwise fail, or sweep, beside the test).
	waitFor(t, "the sweeps at opening", func() bool { return s.Sweeps().Runs >= 1 && other.Sweeps().Runs >= 1 })
	before := s.Sweeps()
	if before.Failed != 0 {
		t.Fatalf("before anything broke: %+v", before)
	}
	if _, err := raw("ALTER TABLE ledger_head RENAME TO ledger_head_away"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Erase(ctx, first.ConsentID, "Art. 17", now); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a failed sweep", func() bool { return s.Sweeps().Failed == 1 })
	if got := s.Sweeps(); got.Runs != before.Runs+1 || got.Removed != before.Removed {
		t.Errorf("after the failed sweep: %+v (before %+v)", got, before)
	}
	waitFor(t, "the failure's log line", func() bool { return strings.Contains(log.String(), "name sweep failed") })
	line := log.String()
	if !regexp.MustCompile(`level=ERROR msg="name sweep failed: [^"]*" error="(sqlstate 42P01|sqlite code 1)" removed=0 failures_in_a_row=1 next_try=`).MatchString(line) {
		t.Errorf("the log says\n%s", line)
	}
	for _, personal := range []string{first.Personal.UserAgent, first.Personal.Page, kept.Personal.UserAgent, "erased", "shop.example"} {
		if strings.Contains(line, personal) {
			t.Errorf("the log names %q:\n%s", personal, line)
		}
	}
	checkNames(t, raw, "after the failed sweep", []string{kept.Personal.UserAgent, first.Personal.UserAgent, second.Personal.UserAgent},
		[]string{kept.Personal.Page, first.Personal.Page, second.Personal.Page})

	if _, err := raw("ALTER TABLE ledger_head_away RENAME TO ledger_head"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Erase(ctx, second.ConsentID, "Art. 17", now); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the sweep after", func() bool { return strings.Contains(log.String(), "name sweep succeeded again") })
	checkNames(t, raw, "after the sweep that succeeded", []string{kept.Personal.UserAgent}, []string{kept.Personal.Page})
	if got := s.Sweeps(); got.Runs != before.Runs+2 || got.Failed != 1 || got.Removed != before.Removed+4 {
		t.Errorf("after the sweep that succeeded: %+v (before %+v)", got, before)
	}
	if !strings.Contains(log.String(), "removed=4 failures_before=1") {
		t.Errorf("the log says\n%s", log.String())
	}
}

// waitFor waits up to store.SweepDelay and 10 s for done, failing the test
// when it does not come.
func waitFor(t *testing.T, what string, done func() bool) {
	t.Helper()
	for deadline := time.Now().Add(store.SweepDelay + 10*time.Second); !done(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %s", what, store.SweepDelay+10*time.Second)
		}
	}
}

// LockedBuffer is output a test reads while something else writes it: a
// log a background sweep writes, a server process's stdout.
type LockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *LockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *LockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// testErasureSweptByItself: an erasure's user agent and page leave the
// tables with no one calling the sweep, within store.SweepDelay and the
// sweep's own time (the test binaries shorten the delay).
func testErasureSweptByItself(t *testing.T, s store.Store, raw Raw) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	other := named("shop", 1, uuid.Nil, now, "Mozilla/5.0 stays", "https://shop.example/stays")
	visitor := named("shop", 2, uuid.Nil, now, "Mozilla/5.0 (erase-me, unswept)", "https://shop.example/erase-me/unswept")
	if err := s.AppendBatch(ctx, []*consent.Event{other, visitor}); err != nil {
		t.Fatal(err)
	}
	// The sweep a store makes when it opens is over by now: the erasure's
	// own must do it.
	time.Sleep(2 * store.SweepDelay)
	if _, err := s.Erase(ctx, visitor.ConsentID, "Art. 17", now); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(store.SweepDelay + 5*time.Second)
	for {
		agents, pages := names(t, raw)
		if len(agents) == 1 && len(pages) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s after the erasure, with no sweep called, the tables still hold %q and %q", store.SweepDelay+5*time.Second, agents, pages)
		}
		time.Sleep(20 * time.Millisecond)
	}
	checkNames(t, raw, "after the background sweep", []string{other.Personal.UserAgent}, []string{other.Personal.Page})
}

// sweep runs s's sweep and fails the test when it fails; it returns how
// many user agents and pages it deleted.
func sweep(t *testing.T, s store.Store) int {
	t.Helper()
	n, err := s.SweepNames(context.Background())
	if err != nil {
		t.Fatalf("sweep: %v", err)
	}
	return n
}

// named is an event of site with its own user agent and page.
func named(site string, i int, cid uuid.UUID, at time.Time, ua, page string) *consent.Event {
	e := Event(site, i)
	if cid != uuid.Nil {
		e.ConsentID = cid
	}
	e.Time, e.Personal.UserAgent, e.Personal.Page = at, ua, page
	return e
}

// names are the strings of the agents and pages tables, as stored.
func names(t *testing.T, raw Raw) (agents, pages []string) {
	t.Helper()
	agents, err := raw("SELECT ua FROM agents ORDER BY ua")
	if err != nil {
		t.Fatal(err)
	}
	pages, err = raw("SELECT url FROM pages ORDER BY url")
	if err != nil {
		t.Fatal(err)
	}
	return agents, pages
}

// checkNames fails unless the agents and pages tables hold exactly the
// strings given.
func checkNames(t *testing.T, raw Raw, when string, agents, pages []string) {
	t.Helper()
	slices.Sort(agents)
	slices.Sort(pages)
	gotAgents, gotPages := names(t, raw)
	if !slices.Equal(gotAgents, agents) || !slices.Equal(gotPages, pages) {
		t.Errorf("%s, the tables hold\n  agents %q\n  pages  %q\nwant\n  agents %q\n  pages  %q", when, gotAgents, gotPages, agents, pages)
	}
}

// appendReads appends e through s and reads it back with the user agent
// and page it was given: a number cached for a removed row would read back
// as nothing, or as another string SQLite gave that number since.
func appendReads(t *testing.T, s store.Store, who string, e *consent.Event) {
	t.Helper()
	ctx := context.Background()
	if err := s.AppendBatch(ctx, []*consent.Event{e}); err != nil {
		t.Fatalf("%s: %v", who, err)
	}
	got, err := s.Event(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Personal != e.Personal {
		t.Errorf("%s: an event with %+v reads back %+v", who, e.Personal, got.Personal)
	}
}

func countsOf(t *testing.T, s store.Store, site string) []consent.Count {
	t.Helper()
	c, err := s.Counts(context.Background(), site, 0, 1<<40)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(c, func(a, b consent.Count) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.Dim, b.Dim), cmp.Compare(a.Key, b.Key))
	})
	return c
}

// testEraseRemovesNames: erasing a visitor removes the user agent and page
// only their events named, in the database itself, and keeps those another
// visitor's events still name; the ledger verifies and the rollup is
// unchanged. Both stores had the erased strings' numbers cached; each then
// records a new event with them, and a brand-new string comes first that
// SQLite would give the freed number: every event reads back as it was
// given.
func testEraseRemovesNames(t *testing.T, a, b store.Store, raw Raw) {
	ctx := context.Background()
	const (
		shared     = "Mozilla/5.0 shared"
		sharedPage = "https://shop.example/"
		own        = "Mozilla/5.0 (X11; erase-me) Gecko/1"
		ownPage    = "https://shop.example/account/erase-me"
	)
	now := time.Now().UTC().Truncate(time.Microsecond)
	other := named("shop", 1, uuid.Nil, now, shared, sharedPage)
	visitor := named("shop", 2, uuid.Nil, now, own, ownPage)
	if err := a.AppendBatch(ctx, []*consent.Event{other, visitor}); err != nil {
		t.Fatal(err)
	}
	// The same visitor changes their mind on the other instance, which
	// caches the numbers too; one decision of theirs names the shared ones.
	again := named("shop", 3, visitor.ConsentID, now.Add(time.Second), own, ownPage)
	mixed := named("shop", 4, visitor.ConsentID, now.Add(2*time.Second), shared, sharedPage)
	if err := b.AppendBatch(ctx, []*consent.Event{again, mixed}); err != nil {
		t.Fatal(err)
	}
	checkNames(t, raw, "before the erasure", []string{shared, own}, []string{sharedPage, ownPage})
	before := countsOf(t, a, "shop")

	n, err := a.Erase(ctx, visitor.ConsentID, "Art. 17", now)
	if err != nil || n != 3 {
		t.Fatalf("erased %d, err %v; want 3", n, err)
	}
	// The other instance sweeps: what the erasure recorded is in the
	// database, not in the memory of the one that erased.
	// (The store's own sweep in the background may come first.)
	sweep(t, b)
	checkNames(t, raw, "after the erasure and a sweep", []string{shared}, []string{sharedPage})
	if n := sweep(t, a); n != 0 {
		t.Errorf("a second sweep deleted %d, want 0", n)
	}
	if got, _ := a.Event(ctx, other.ID); got.Personal != other.Personal {
		t.Errorf("another visitor's event reads %+v after the erasure, want %+v", got.Personal, other.Personal)
	}
	if n, err := verify(t, a); err != nil || n != 4 {
		t.Fatalf("after the erasure the ledger verifies %d events, err %v", n, err)
	}
	if after := countsOf(t, a, "shop"); !slices.Equal(before, after) {
		t.Errorf("the rollup changed with the erasure:\n  before %v\n  after  %v", before, after)
	}

	// A new string first (on SQLite it gets the number the erasure freed),
	// then the erased ones again on each instance, the one that erased and
	// the one that only had them cached.
	appendReads(t, a, "a new user agent", named("shop", 5, uuid.Nil, now.Add(3*time.Second), "Mozilla/5.0 newcomer", "https://shop.example/new"))
	appendReads(t, b, "the erased user agent again, on the instance that cached its number", named("shop", 6, uuid.Nil, now.Add(4*time.Second), own, ownPage))
	appendReads(t, a, "the erased user agent again, on the instance that erased it", named("shop", 7, uuid.Nil, now.Add(5*time.Second), own, ownPage))
	checkNames(t, raw, "after new events", []string{shared, own, "Mozilla/5.0 newcomer"}, []string{sharedPage, ownPage, "https://shop.example/new"})
	if n, err := verify(t, b); err != nil || n != 7 {
		t.Fatalf("after new events the ledger verifies %d events, err %v", n, err)
	}
}

// testPurgeRemovesNames: a purge removes the user agents and pages only the
// purged events named, in each batch's transaction, and keeps those a
// remaining event names; the ledger verifies, the rollup keeps its
// history, and both instances, which had the purged strings' numbers
// cached, record them again as given.
func testPurgeRemovesNames(t *testing.T, a, b store.Store, raw Raw) {
	ctx := context.Background()
	const (
		shared = "Mozilla/5.0 shared"
		page   = "https://shop.example/"
	)
	var olds []*consent.Event
	for i := range 12 {
		s := a
		if i%2 == 1 {
			s = b
		}
		e := named("shop", i, uuid.Nil, old.Add(time.Duration(i)*time.Second), "Mozilla/5.0 old "+string(rune('a'+i%4)), page+"old/"+string(rune('a'+i%3)))
		if i == 5 {
			e.Personal.UserAgent = shared
		}
		if err := s.AppendBatch(ctx, []*consent.Event{e}); err != nil {
			t.Fatal(err)
		}
		olds = append(olds, e)
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	recent := named("shop", 20, uuid.Nil, now, shared, page)
	if err := a.AppendBatch(ctx, []*consent.Event{recent}); err != nil {
		t.Fatal(err)
	}
	before := countsOf(t, a, "shop")
	p := purge(t, a, "", now.AddDate(0, 0, -30), 5)
	if p.Count != 12 {
		t.Fatalf("purged %d events, want 12", p.Count)
	}
	sweep(t, a)
	checkNames(t, raw, "after the purge and a sweep", []string{shared}, []string{page})
	if n, err := verify(t, b); err != nil || n != 1 {
		t.Fatalf("after the purge the ledger verifies %d events, err %v", n, err)
	}
	if after := countsOf(t, a, "shop"); !slices.Equal(before, after) {
		t.Errorf("the rollup changed with the purge:\n  before %v\n  after  %v", before, after)
	}
	appendReads(t, a, "a new user agent", named("shop", 21, uuid.Nil, now.Add(time.Second), "Mozilla/5.0 newcomer", page+"new"))
	for i, s := range []store.Store{b, a} {
		e := olds[len(olds)-1-i]
		appendReads(t, s, "a purged user agent again", named("shop", 22+i, uuid.Nil, now.Add(time.Duration(2+i)*time.Second), e.Personal.UserAgent, e.Personal.Page))
	}
	if n, err := verify(t, a); err != nil || n != 4 {
		t.Fatalf("after new events the ledger verifies %d events, err %v", n, err)
	}
}

// testEraseWhileAppending: one instance erases a visitor, the only one
// whose events name a user agent and page, and sweeps, while the other
// appends a new visitor's event with the same strings, their numbers in its
// cache. Either the sweep sees the new event and keeps the strings, or the
// append sees the removal and stores them again: the new event always reads
// back as it was given, the ledger verifies, and every string a remaining
// event names is in the tables.
func testEraseWhileAppending(t *testing.T, a, b store.Store, raw Raw) {
	ctx := context.Background()
	const rounds = 30
	now := time.Now().UTC().Truncate(time.Microsecond)
	var agents, pages []string
	for i := range rounds {
		ua, page := fmt.Sprintf("Mozilla/5.0 racing %d", i), fmt.Sprintf("https://shop.example/race/%d", i)
		at := now.Add(time.Duration(2*i) * time.Second)
		gone := named("shop", 2*i, uuid.Nil, at, ua, page)
		if err := b.AppendBatch(ctx, []*consent.Event{gone}); err != nil { // b caches the numbers
			t.Fatal(err)
		}
		kept := named("shop", 2*i+1, uuid.Nil, at.Add(time.Second), ua, page)
		erased := make(chan error, 1)
		go func() {
			_, err := a.Erase(ctx, gone.ConsentID, "Art. 17", at)
			if err == nil {
				_, err = a.SweepNames(ctx)
			}
			erased <- err
		}()
		if err := b.AppendBatch(ctx, []*consent.Event{kept}); err != nil {
			t.Fatalf("round %d: append beside an erasure: %v", i, err)
		}
		if err := <-erased; err != nil {
			t.Fatalf("round %d: erasure beside an append: %v", i, err)
		}
		got, err := a.Event(ctx, kept.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Personal != kept.Personal {
			t.Fatalf("round %d: an event appended beside an erasure reads back %+v, want %+v", i, got.Personal, kept.Personal)
		}
		agents, pages = append(agents, ua), append(pages, page)
	}
	sweep(t, b)
	checkNames(t, raw, "after the rounds", agents, pages)
	if n, err := verify(t, a); err != nil || n != 2*rounds {
		t.Fatalf("the ledger verifies %d events, err %v", n, err)
	}
}

// testSweepsBesideEachOther: both instances sweep at once, while one goes
// on erasing and appending, some new events naming strings just erased.
// Once all is done and swept, the tables hold exactly the strings the
// remaining events name, and every event reads back as it was given.
func testSweepsBesideEachOther(t *testing.T, a, b store.Store, raw Raw) {
	ctx := context.Background()
	const visitors = 40
	now := time.Now().UTC().Truncate(time.Microsecond)
	var events []*consent.Event
	for i := range visitors {
		// Each string is named by two visitors (i and i^1).
		e := named("shop", i, uuid.Nil, now.Add(time.Duration(i)*time.Millisecond),
			fmt.Sprintf("Mozilla/5.0 sweep %d", i/2), fmt.Sprintf("https://shop.example/sweep/%d", i/2))
		events = append(events, e)
	}
	if err := a.AppendBatch(ctx, events); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	swept := make(chan error, 2)
	for _, s := range []store.Store{a, b} {
		go func() {
			for {
				select {
				case <-stop:
					swept <- nil
					return
				default:
				}
				if _, err := s.SweepNames(ctx); err != nil {
					swept <- err
					return
				}
			}
		}()
	}
	kept := map[uuid.UUID]*consent.Event{}
	for i, e := range events {
		if i%4 == 3 { // one of each pair of pairs stays
			kept[e.ID] = e
			continue
		}
		if _, err := a.Erase(ctx, e.ConsentID, "Art. 17", now); err != nil {
			t.Fatal(err)
		}
		// A newcomer names a string just erased, on the other instance; the
		// other strings only erased visitors named go.
		if i%8 == 0 {
			n := named("shop", 100+i, uuid.Nil, now.Add(time.Second+time.Duration(i)*time.Millisecond), e.Personal.UserAgent, e.Personal.Page)
			appendReads(t, b, "a string just erased, beside sweeps", n)
			kept[n.ID] = n
		}
	}
	close(stop)
	for range 2 {
		if err := <-swept; err != nil {
			t.Fatalf("sweep beside another: %v", err)
		}
	}
	sweep(t, a)
	var agents, pages []string
	for _, e := range kept {
		agents, pages = append(agents, e.Personal.UserAgent), append(pages, e.Personal.Page)
		got, err := b.Event(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Personal != e.Personal {
			t.Errorf("an event reads back %+v after the sweeps, want %+v", got.Personal, e.Personal)
		}
	}
	checkNames(t, raw, "after the sweeps", slices.Compact(slices.Sorted(slices.Values(agents))), slices.Compact(slices.Sorted(slices.Values(pages))))
	if n, err := verify(t, a); err != nil || n != visitors+visitors/8 {
		t.Fatalf("the ledger verifies %d events, err %v", n, err)
	}
}
