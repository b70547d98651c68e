// Package storetest is the one conformance suite every store.Store must
// pass. Each implementation's tests call Run with a constructor that returns
// a fresh, empty store.
package storetest

import (
	"cmp"
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/store"
	"github.com/consentry/consentry/internal/words"
	"github.com/google/uuid"
)

// Run runs the suite. open must return a new empty store for each call.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(*testing.T, store.Store)
	}{
		{"SiteNotFound", testSiteNotFound},
		{"PublishRevisions", testPublishRevisions},
		{"PublishRefusesInvalid", testPublishRefusesInvalid},
		{"PublishNeedsPrivacyLink", testPublishNeedsPrivacyLink},
		{"AppendAndRead", testAppendAndRead},
		{"ChainVerifies", testChainVerifies},
		{"ConcurrentWriterKeepsChain", testConcurrentWriter},
		{"EmptyBatchProbesAndKeepsChain", testEmptyBatch},
		{"CancelledBatchStoresNothing", testCancelledBatch},
		{"UnknownTexts", testUnknownTexts},
		{"LogPagesAndFilters", testLog},
		{"LogDateRange", testLogDates},
		{"ExportStreamsOldestFirst", testExport},
		{"EraseKeepsChain", testErase},
		{"DailyRollup", testRollup},
		{"RevisionRollup", testRevisionRollup},
		{"TimesNeverGoBack", testMonotonicTime},
		{"VerifiedCheckpoint", testVerified},
		{"Users", testUsers},
		{"AuditTrail", testAudit},
		{"AuditRepeatCountsUp", testAuditRepeat},
		{"AuditClipsLengths", testAuditClips},
		{"AuditKeepsWords", testAuditWords},
		{"Sessions", testSessions},
		{"PasswordChangeEndsSessions", testPasswordEndsSessions},
		{"Throttle", testThrottle},
		{"SiteList", testSiteList},
		{"DraftsAndRevisions", testDrafts},
		{"PublishKeepsDraft", testPublishKeepsDraft},
		{"OverridesOfOldSites", testOverridesOfOldSites},
		{"LastEventOfConsent", testLastEvent},
		{"SnapshotsAtPublish", testSnapshotsAtPublish},
		{"ConfigsNamedBySnapshots", testConfigsNamed},
		{"AddSnapshotFirstWins", testAddSnapshot},
		{"SnapshotsStream", testSnapshotsStream},
		{"RequestIDsRecordOnce", testRequestIDs},
		{"PruneRequests", testPruneRequests},
		{"ManyAgentsAndChoices", testManyAgentsAndChoices},
		{"SubjectRequests", testSubjectRequests},
		{"RefusedOrigins", testRefusals},
		{"SubjectRequestOnceOnly", testSubjectRequestOnce},
		{"PurgeEverySite", testPurgeEverySite},
		{"PurgeOneSiteLeavesRuns", testPurgeOneSite},
		{"PurgeInParts", testPurgeInParts},
		{"PurgeKeepsInForce", testPurgeKeepsInForce},
		{"PurgeDone", testPurgeDone},
		{"PurgeLock", testPurgeLock},
		{"PurgeUnfinished", testPurgeUnfinished},
		{"PurgeEndedRemovesNoMore", testPurgeEndedRemovesNoMore},
		{"BigBatchesRecordEachOnce", testBigBatches},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

// Site is a minimal site for tests that can be published: with a link to
// its privacy policy, as every published site has.
func Site(id string) *consent.Site {
	return &consent.Site{
		ID: id, Name: "Test " + id, Origins: []string{"https://" + id + ".example"},
		Categories: []consent.Category{{Key: "necessary", Required: true}, {Key: "preferences"}, {Key: "analytics"}, {Key: "marketing", GPC: true}},
		ConsentMap: consent.DefaultConsentMap(),
		Links:      map[string]consent.Links{"en": {Privacy: "https://" + id + ".example/privacy"}},
	}
}

// Event returns a filled-in event for site, as the HTTP layer would make it
// for a new visitor.
func Event(site string, i int) *consent.Event {
	now := time.Now().UTC().Truncate(time.Microsecond)
	id := uuid.Must(uuid.NewV7())
	return &consent.Event{
		// A new visitor's consent ID is its first event's ID, as in production.
		ID: id, ConsentID: id, Site: site, Revision: 1,
		Action: consent.Custom, Granted: []string{"analytics", "necessary"}, Source: consent.SourceBanner,
		Lang: "fr", Country: "FR", Rule: "opt-in", GPC: i%2 == 0, DNT: i%3 == 0,
		TextsHash: Snapshot(site).Hash,
		Time:      now, Expires: now.Add(consent.DefaultLifetime),
		Personal: consent.Personal{IP: "203.0.113.0", UserAgent: fmt.Sprintf("Mozilla/5.0 test %d", i%3), Page: "https://" + site + ".example/p"},
	}
}

func testSiteNotFound(t *testing.T, s store.Store) {
	_, err := s.Site(context.Background(), "nope")
	if consent.ErrorCode(err) != consent.ENotFound {
		t.Fatalf("err = %v, want not found", err)
	}
	if _, err := s.Event(context.Background(), uuid.Must(uuid.NewV7())); consent.ErrorCode(err) != consent.ENotFound {
		t.Fatalf("event: err = %v, want not found", err)
	}
}

func testPublishRevisions(t *testing.T, s store.Store) {
	ctx := context.Background()
	site := Site("shop")
	for want := 1; want <= 3; want++ {
		site.Name = fmt.Sprintf("Shop v%d", want)
		rev, err := s.Publish(ctx, site, nil)
		if err != nil || rev != want {
			t.Fatalf("publish: rev %d, err %v; want %d", rev, err, want)
		}
	}
	got, err := s.Site(ctx, "shop")
	if err != nil {
		t.Fatal(err)
	}
	if got.Revision != 3 || got.Name != "Shop v3" || !reflect.DeepEqual(got.Categories, site.Categories) {
		t.Errorf("got %+v", got)
	}
}

func testPublishRefusesInvalid(t *testing.T, s store.Store) {
	site := Site("shop")
	site.Origins = []string{"not an origin"}
	if _, err := s.Publish(context.Background(), site, nil); consent.ErrorCode(err) != consent.EInvalid {
		t.Fatalf("err = %v, want invalid", err)
	}
	if _, err := s.Site(context.Background(), "shop"); consent.ErrorCode(err) != consent.ENotFound {
		t.Fatalf("a refused site was half-saved: %v", err)
	}
}

// testPublishNeedsPrivacyLink: a site with no privacy policy link, or with
// a language that has a legal notice link alone, is refused by Publish and
// PublishKeeping alike, and nothing is saved; its draft is saved, to be
// finished.
func testPublishNeedsPrivacyLink(t *testing.T, s store.Store) {
	ctx := context.Background()
	for _, links := range []map[string]consent.Links{
		nil,
		{"en": {Privacy: "https://shop.example/privacy"}, "de": {Legal: "https://shop.example/impressum"}},
	} {
		site := Site("shop")
		site.Links = links
		if _, err := s.Publish(ctx, site, nil); consent.ErrorCode(err) != consent.EInvalid {
			t.Fatalf("%v: publish: err = %v, want invalid", links, err)
		}
		if _, err := s.PublishKeeping(ctx, site, nil, Site("shop")); consent.ErrorCode(err) != consent.EInvalid {
			t.Fatalf("%v: publish keeping the draft: err = %v, want invalid", links, err)
		}
		if _, err := s.Site(ctx, "shop"); consent.ErrorCode(err) != consent.ENotFound {
			t.Fatalf("%v: a refused site was published: %v", links, err)
		}
		if err := s.SaveDraft(ctx, site); err != nil {
			t.Fatalf("%v: the draft: %v", links, err)
		}
	}
}

func testAppendAndRead(t *testing.T, s store.Store) {
	ctx := context.Background()
	e1, e2 := Event("shop", 0), Event("shop", 1)
	e2.ConsentID = e1.ConsentID
	if err := s.AppendBatch(ctx, []*consent.Event{e1, e2}); err != nil {
		t.Fatal(err)
	}
	if e1.Seq == 0 || e2.Seq != e1.Seq+1 {
		t.Fatalf("seqs %d, %d", e1.Seq, e2.Seq)
	}
	got, err := s.Event(ctx, e2.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, e2) {
		t.Errorf("read back\n%+v\nwant\n%+v", got, e2)
	}
	all, err := s.EventsByConsent(ctx, e1.ConsentID)
	if err != nil || len(all) != 2 || all[0].ID != e1.ID {
		t.Fatalf("by consent: %d events, err %v", len(all), err)
	}
}

func verify(t *testing.T, s store.Store) (int64, error) {
	t.Helper()
	ctx := context.Background()
	seq, head, err := s.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var v ledger.Verifier
	if err := v.Run(ctx, s, nil); err != nil {
		return v.Count(), err
	}
	return v.Count(), v.Finish(seq, head)
}

func testChainVerifies(t *testing.T, s store.Store) {
	ctx := context.Background()
	for b := range 3 {
		var batch []*consent.Event
		for i := range 4 {
			batch = append(batch, Event("shop", b*4+i))
		}
		if err := s.AppendBatch(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	n, err := verify(t, s)
	if err != nil || n != 12 {
		t.Fatalf("verified %d events, err %v", n, err)
	}
}

func testConcurrentWriter(t *testing.T, s store.Store) {
	w := ledger.NewWriter(s, 1000, 64, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 400)
	for i := range 400 {
		wg.Add(1)
		go func() { defer wg.Done(); errs <- w.Append(context.Background(), Event("shop", i)) }()
	}
	wg.Wait()
	w.Close()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	n, err := verify(t, s)
	if err != nil || n != 400 {
		t.Fatalf("verified %d events, err %v", n, err)
	}
}

// An empty batch is the ledger writer's probe after a failure: it commits a
// write transaction and changes nothing, on an empty ledger or a long one.
func testEmptyBatch(t *testing.T, s store.Store) {
	ctx := context.Background()
	if err := s.AppendBatch(ctx, nil); err != nil {
		t.Fatalf("probe on an empty ledger: %v", err)
	}
	if seq, hash, err := s.Head(ctx); err != nil || seq != 0 || hash != ([32]byte{}) {
		t.Fatalf("head after a probe on an empty ledger: %d %x %v", seq, hash, err)
	}
	if err := s.AppendBatch(ctx, []*consent.Event{Event("shop", 0), Event("shop", 1)}); err != nil {
		t.Fatal(err)
	}
	seq, hash, err := s.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AppendBatch(ctx, nil); err != nil {
		t.Fatalf("probe: %v", err)
	}
	if seq2, hash2, err := s.Head(ctx); err != nil || seq2 != seq || hash2 != hash {
		t.Fatalf("a probe moved the head: %d %x → %d %x (%v)", seq, hash, seq2, hash2, err)
	}
	if err := s.AppendBatch(ctx, []*consent.Event{Event("shop", 2)}); err != nil {
		t.Fatal(err)
	}
	if n, err := verify(t, s); err != nil || n != 3 {
		t.Fatalf("verified %d events, err %v", n, err)
	}
}

// A batch whose deadline has passed fails and leaves no trace: the writer
// answers its events 503, so none of them may be half-stored.
func testCancelledBatch(t *testing.T, s store.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.AppendBatch(ctx, []*consent.Event{Event("shop", 0)}); err == nil {
		t.Fatal("a batch with a cancelled context committed")
	}
	if seq, _, err := s.Head(context.Background()); err != nil || seq != 0 {
		t.Fatalf("head %d, err %v: want nothing stored", seq, err)
	}
	if err := s.AppendBatch(context.Background(), []*consent.Event{Event("shop", 1)}); err != nil {
		t.Fatalf("the next batch: %v", err)
	}
	if n, err := verify(t, s); err != nil || n != 1 {
		t.Fatalf("verified %d events, err %v", n, err)
	}
}

func testUnknownTexts(t *testing.T, s store.Store) {
	if _, err := s.Texts(context.Background(), [32]byte{9}); consent.ErrorCode(err) != consent.ENotFound {
		t.Errorf("unknown texts: %v", err)
	}
}

// seed appends n events for site in batches of 7, each with its own consent
// ID, actions cycling through accept_all, reject_all, custom and withdraw.
func seed(t *testing.T, s store.Store, site string, n int, at time.Time) []*consent.Event {
	t.Helper()
	acts := []consent.Action{consent.AcceptAll, consent.RejectAll, consent.Custom, consent.Withdraw}
	var all, batch []*consent.Event
	for i := range n {
		e := Event(site, i)
		e.Action = acts[i%4]
		if e.Action != consent.Custom && e.Action != consent.AcceptAll {
			e.Granted = []string{"necessary"}
		}
		e.Country = []string{"FR", "DE", "US"}[i%3]
		e.Time = at.Add(time.Duration(i) * time.Second)
		batch = append(batch, e)
		if len(batch) == 7 || i == n-1 {
			if err := s.AppendBatch(context.Background(), batch); err != nil {
				t.Fatal(err)
			}
			all, batch = append(all, batch...), nil
		}
	}
	return all
}

func ids(es []*consent.Event) []int64 {
	out := make([]int64, len(es))
	for i, e := range es {
		out[i] = e.Seq
	}
	return out
}

func testLog(t *testing.T, s store.Store) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	seed(t, s, "shop", 30, now)
	seed(t, s, "blog", 10, now.Add(time.Minute))
	// Keyset paging through one site: every event once, newest first.
	var seen []int64
	q := consent.LogQuery{Site: "shop", Limit: 8}
	for {
		page, err := s.Log(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, e := range page {
			if e.Site != "shop" {
				t.Fatalf("site filter let %s through", e.Site)
			}
		}
		seen = append(seen, ids(page)...)
		q.Before = page[len(page)-1].Seq
	}
	if len(seen) != 30 || seen[0] != 30 || seen[29] != 1 {
		t.Fatalf("paged %v", seen)
	}
	gpc := true
	for name, tc := range map[string]struct {
		q    consent.LogQuery
		want int
	}{
		"action":          {consent.LogQuery{Action: consent.RejectAll}, 11},
		"granted":         {consent.LogQuery{Site: "shop", Granted: "analytics"}, 15},
		"denied":          {consent.LogQuery{Site: "shop", Denied: "analytics"}, 15},
		"country":         {consent.LogQuery{Country: "US"}, 13},
		"gpc":             {consent.LogQuery{Site: "blog", GPC: &gpc}, 5},
		"source and lang": {consent.LogQuery{Source: consent.SourceBanner, Lang: "fr"}, 40},
		"nothing":         {consent.LogQuery{Lang: "xx"}, 0},
	} {
		tc.q.Limit = 500
		page, err := s.Log(ctx, tc.q)
		if err != nil || len(page) != tc.want {
			t.Errorf("%s: %d events, err %v; want %d", name, len(page), err, tc.want)
		}
	}
}

func testLogDates(t *testing.T, s store.Store) {
	ctx := context.Background()
	day := time.Date(2026, 3, 10, 22, 0, 0, 0, time.UTC)
	for d := range 4 { // 5 events on each of four days, late in the UTC day
		seed(t, s, "shop", 5, day.AddDate(0, 0, d))
	}
	for name, tc := range map[string]struct {
		from, to time.Time
		want     int
	}{
		"one day":      {day.Truncate(24*time.Hour).AddDate(0, 0, 1), day.Truncate(24*time.Hour).AddDate(0, 0, 2), 5},
		"from only":    {day.AddDate(0, 0, 2), time.Time{}, 10},
		"to only":      {time.Time{}, day.AddDate(0, 0, 1), 5},
		"mid-day cut":  {day.Add(2 * time.Second), day.Add(4 * time.Second), 2},
		"before all":   {time.Time{}, day.AddDate(0, 0, -3), 0},
		"after all":    {day.AddDate(0, 0, 9), time.Time{}, 0},
		"whole period": {day.AddDate(0, 0, -1), day.AddDate(0, 0, 5), 20},
	} {
		page, err := s.Log(ctx, consent.LogQuery{From: tc.from, To: tc.to, Limit: 500})
		if err != nil || len(page) != tc.want {
			t.Errorf("%s: %d events, err %v; want %d", name, len(page), err, tc.want)
		}
	}
}

func testExport(t *testing.T, s store.Store) {
	seed(t, s, "shop", 12000, time.Now().UTC()) // more than one internal page
	var got []int64
	err := s.Export(context.Background(), consent.LogQuery{Action: consent.Custom}, func(e *consent.Event) error {
		got = append(got, e.Seq)
		return nil
	})
	if err != nil || len(got) != 3000 || got[0] != 3 || got[2999] != 11999 {
		t.Fatalf("exported %d (first %v), err %v", len(got), got[:min(len(got), 3)], err)
	}
}

func testErase(t *testing.T, s store.Store) {
	ctx := context.Background()
	es := seed(t, s, "shop", 6, time.Now().UTC())
	cid := es[2].ConsentID
	more := Event("shop", 9)
	more.ConsentID = cid
	if err := s.AppendBatch(ctx, []*consent.Event{more}); err != nil {
		t.Fatal(err)
	}
	at := time.Now().UTC().Truncate(time.Microsecond)
	n, err := s.Erase(ctx, cid, "Art. 17 request #12", at)
	if err != nil || n != 2 {
		t.Fatalf("erased %d, err %v", n, err)
	}
	got, _ := s.EventsByConsent(ctx, cid)
	for _, e := range got {
		if e.Personal != (consent.Personal{}) || e.PIISalt != nil || e.Erased == nil || e.Erased.Reason != "Art. 17 request #12" || !e.Erased.At.Equal(at) {
			t.Errorf("after erasure: %+v %+v", e.Personal, e.Erased)
		}
	}
	if other, _ := s.Event(ctx, es[3].ID); other.Personal.IP == "" {
		t.Error("another visitor's data was erased")
	}
	if n, err := verify(t, s); err != nil || n != 7 {
		t.Fatalf("after erasure the ledger verifies %d events, err %v", n, err)
	}
	if n, _ := s.Erase(ctx, cid, "again", at); n != 0 {
		t.Errorf("erasing twice changed %d events", n)
	}
}

func testRollup(t *testing.T, s store.Store) {
	ctx := context.Background()
	day := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	seed(t, s, "shop", 8, day)
	seed(t, s, "shop", 4, day.AddDate(0, 0, 1))
	seed(t, s, "blog", 3, day)
	counts, err := s.Counts(ctx, "shop", consent.Day(day), consent.Day(day)+1)
	if err != nil {
		t.Fatal(err)
	}
	st := consent.Summarize(counts, consent.Day(day), consent.Day(day)+1)
	if st.Total != 12 || st.Actions[consent.AcceptAll] != 3 || st.Granted["analytics"] != 6 || len(st.Days) != 2 || st.Days[1].Total != 4 {
		t.Errorf("stats %+v", st)
	}
	if st.Countries[0] != (consent.KeyCount{Key: "FR", N: 5}) {
		t.Errorf("countries %v", st.Countries)
	}
}

// Each revision's decisions are counted by action and by category granted,
// over every day, apart from other sites and from revisions whose number
// starts with the same digits.
func testRevisionRollup(t *testing.T, s store.Store) {
	ctx := context.Background()
	day := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	var batch []*consent.Event
	add := func(site string, rev int, at time.Time, act consent.Action, granted ...string) {
		e := Event(site, len(batch))
		e.Revision, e.Action, e.Granted, e.Time = rev, act, granted, at
		batch = append(batch, e)
	}
	for i := range 3 {
		add("shop", 1, day, consent.AcceptAll, "analytics", "marketing", "necessary", "preferences")
		add("shop", 1, day.Add(time.Minute), consent.RejectAll, "necessary")
		add("shop", 10, day.Add(2*time.Minute), consent.RejectAll, "necessary")
		if i == 0 {
			add("shop", 1, day.Add(3*time.Minute), consent.Custom, "analytics", "necessary")
			add("blog", 1, day.Add(3*time.Minute), consent.AcceptAll, "analytics", "necessary")
		}
	}
	if err := s.AppendBatch(ctx, batch); err != nil {
		t.Fatal(err)
	}
	next := Event("shop", 99) // a later day, in a batch of its own
	next.Revision, next.Action, next.Granted, next.Time = 1, consent.Withdraw, []string{"necessary"}, day.AddDate(0, 0, 2)
	if err := s.AppendBatch(ctx, []*consent.Event{next}); err != nil {
		t.Fatal(err)
	}
	counts, err := s.RevisionCounts(ctx, "shop", 1)
	if err != nil {
		t.Fatal(err)
	}
	days := map[int64]bool{}
	for _, c := range counts {
		days[c.Day] = true
	}
	r := consent.RevisionTotals(counts)[1]
	if len(consent.RevisionTotals(counts)) != 1 || r == nil || len(days) != 2 {
		t.Fatalf("revision 1's counts span revisions %v and %d days: %+v", consent.RevisionTotals(counts), len(days), counts)
	}
	want := consent.RevisionStats{Revision: 1, Total: 8,
		Actions: map[consent.Action]int64{consent.AcceptAll: 3, consent.RejectAll: 3, consent.Custom: 1, consent.Withdraw: 1},
		Granted: map[string]int64{"analytics": 4, "marketing": 3, "preferences": 3, "necessary": 8}}
	if fmt.Sprint(*r) != fmt.Sprint(want) {
		t.Errorf("revision 1: %+v, want %+v", *r, want)
	}
	ten, err := s.RevisionCounts(ctx, "shop", 10)
	if r := consent.RevisionTotals(ten)[10]; err != nil || r == nil || r.Total != 3 || r.Actions[consent.RejectAll] != 3 || r.Granted["analytics"] != 0 {
		t.Errorf("revision 10: %+v, %v", r, err)
	}
	if none, err := s.RevisionCounts(ctx, "shop", 2); err != nil || len(none) != 0 {
		t.Errorf("revision 2, never used: %v, %v", none, err)
	}
	// The day's totals by action are unchanged by the new dimension.
	dayCounts, err := s.Counts(ctx, "shop", consent.Day(day), consent.Day(day))
	if st := consent.Summarize(dayCounts, consent.Day(day), consent.Day(day)); err != nil || st.Total != 10 {
		t.Errorf("the day's decisions: %d, %v, want 10", st.Total, err)
	}
}

// RevisionBackfill checks migration 00008's backfill on a store: redo must
// undo that migration (which drops the revision counts) and apply it again,
// which must count the stored events exactly as the ledger writer did.
func RevisionBackfill(t *testing.T, s store.Store, redo func() error) {
	ctx := context.Background()
	day := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	seed(t, s, "shop", 30, day)
	seed(t, s, "shop", 9, day.AddDate(0, 0, 1))
	seed(t, s, "blog", 5, day.AddDate(0, 0, 1))
	e := Event("shop", 0)
	e.Revision, e.Granted, e.Time = 2, nil, day.AddDate(0, 0, 2) // no category at all
	if err := s.AppendBatch(ctx, []*consent.Event{e}); err != nil {
		t.Fatal(err)
	}
	type key struct {
		site string
		rev  int
	}
	before := map[key][]consent.Count{}
	for _, k := range []key{{"shop", 1}, {"shop", 2}, {"blog", 1}} {
		c, err := s.RevisionCounts(ctx, k.site, k.rev)
		if err != nil || len(c) == 0 {
			t.Fatalf("%s revision %d before: %v, %v", k.site, k.rev, c, err)
		}
		before[k] = sortCounts(c)
	}
	if err := redo(); err != nil {
		t.Fatal(err)
	}
	for k, want := range before {
		got, err := s.RevisionCounts(ctx, k.site, k.rev)
		if err != nil || fmt.Sprint(sortCounts(got)) != fmt.Sprint(want) {
			t.Errorf("%s revision %d backfilled: %v (%v), the writer counted %v", k.site, k.rev, sortCounts(got), err, want)
		}
	}
}

func sortCounts(c []consent.Count) []consent.Count {
	slices.SortFunc(c, func(a, b consent.Count) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.Key, b.Key))
	})
	return c
}

func testMonotonicTime(t *testing.T, s store.Store) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	a, b := Event("shop", 0), Event("shop", 1)
	a.Time, b.Time = now, now.Add(-time.Second) // queued late
	if err := s.AppendBatch(ctx, []*consent.Event{a, b}); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Event(ctx, b.ID)
	if got.Time.Before(a.Time) {
		t.Errorf("time went back: %v after %v", got.Time, a.Time)
	}
	if _, err := verify(t, s); err != nil {
		t.Fatal(err)
	}
}

func testVerified(t *testing.T, s store.Store) {
	ctx := context.Background()
	if seq, _, at, err := s.Verified(ctx); err != nil || seq != 0 || !at.IsZero() {
		t.Fatalf("fresh: %d %v %v", seq, at, err)
	}
	at := time.Now().UTC().Truncate(time.Microsecond)
	if err := s.SetVerified(ctx, 42, [32]byte{7}, at); err != nil {
		t.Fatal(err)
	}
	seq, h, got, err := s.Verified(ctx)
	if err != nil || seq != 42 || h != [32]byte{7} || !got.Equal(at) {
		t.Errorf("got %d %x %v %v", seq, h, got, err)
	}
}

func testUsers(t *testing.T, s store.Store) {
	ctx := context.Background()
	u := &auth.User{Email: "dpo@shop.example", PasswordHash: "x", Role: auth.Viewer, Lang: "ar", TZ: "Asia/Riyadh", CreatedAt: time.Now().UTC().Truncate(time.Microsecond)}
	if err := s.AddUser(ctx, u); err != nil || u.ID == 0 {
		t.Fatalf("add: %v", err)
	}
	dup := *u
	if err := s.AddUser(ctx, &dup); consent.ErrorCode(err) != consent.EInvalid {
		t.Errorf("duplicate email: %v", err)
	}
	got, err := s.UserByEmail(ctx, "DPO@shop.example")
	if err != nil || got.ID != u.ID || got.TZ != "Asia/Riyadh" || got.Role != auth.Viewer {
		t.Fatalf("by email: %+v %v", got, err)
	}
	got.Role, got.Disabled = auth.Admin, true
	if err := s.UpdateUser(ctx, got); err != nil {
		t.Fatal(err)
	}
	got, _ = s.User(ctx, u.ID)
	if got.Role != auth.Admin || !got.Disabled {
		t.Errorf("after update %+v", got)
	}
	if _, err := s.UserByEmail(ctx, "nobody@shop.example"); consent.ErrorCode(err) != consent.ENotFound {
		t.Errorf("unknown user: %v", err)
	}
	if all, _ := s.Users(ctx); len(all) != 1 {
		t.Errorf("%d users", len(all))
	}
}

func testAudit(t *testing.T, s store.Store) {
	ctx := context.Background()
	for i := range 5 {
		if err := s.Audit(ctx, auth.AuditEntry{Time: time.Now().UTC(), Actor: "dpo@shop.example", Action: "export", Target: fmt.Sprint(i), IP: "127.0.0.1"}); err != nil {
			t.Fatal(err)
		}
	}
	page, err := s.AuditLog(ctx, 0, 3)
	if err != nil || len(page) != 3 || page[0].Target != "4" {
		t.Fatalf("page %+v %v", page, err)
	}
	page, _ = s.AuditLog(ctx, page[2].Seq, 3)
	if len(page) != 2 || page[1].Target != "0" {
		t.Errorf("second page %+v", page)
	}
}

func testSiteList(t *testing.T, s store.Store) {
	ctx := context.Background()
	for _, id := range []string{"shop", "blog", "shop"} {
		if _, err := s.Publish(ctx, Site(id), nil); err != nil {
			t.Fatal(err)
		}
	}
	sites, err := s.SiteList(ctx)
	if err != nil || len(sites) != 2 || sites[0].ID != "blog" || sites[1].Revision != 2 {
		t.Fatalf("sites %v %v", sites, err)
	}
}

func testDrafts(t *testing.T, s store.Store) {
	ctx := context.Background()
	site := Site("shop")
	if err := s.SaveDraft(ctx, site); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Site(ctx, "shop"); consent.ErrorCode(err) != consent.ENotFound {
		t.Errorf("an unpublished draft is live: %v", err)
	}
	if list, _ := s.SiteList(ctx); len(list) != 1 || list[0].Revision != 0 {
		t.Errorf("a new site's draft is not listed: %v", list)
	}
	d, err := s.Draft(ctx, "shop")
	if err != nil || d.Revision != 0 || d.Name != site.Name {
		t.Fatalf("draft %+v %v", d, err)
	}
	if _, err := s.Publish(ctx, d, nil); err != nil {
		t.Fatal(err)
	}
	d, _ = s.Draft(ctx, "shop") // no edits since: the published revision
	if d.Revision != 1 {
		t.Errorf("draft after publishing: revision %d", d.Revision)
	}
	d.Name, d.ChangeNote = "Shop, renamed", "New analytics provider"
	if err := s.SaveDraft(ctx, d); err != nil {
		t.Fatal(err)
	}
	if live, _ := s.Site(ctx, "shop"); live.Name != site.Name {
		t.Error("saving a draft changed the live site")
	}
	bad := *d
	bad.Origins = []string{"ftp://x"}
	if err := s.SaveDraft(ctx, &bad); consent.ErrorCode(err) != consent.EInvalid {
		t.Errorf("invalid draft: %v", err)
	}
	if got, _ := s.Draft(ctx, "shop"); got.Name != "Shop, renamed" {
		t.Error("a refused draft was half-saved")
	}
	if rev, err := s.Publish(ctx, d, nil); err != nil || rev != 2 {
		t.Fatalf("publish: %d %v", rev, err)
	}
	revs, err := s.Revisions(ctx, "shop")
	if err != nil || len(revs) != 2 || revs[0].Number != 2 || revs[0].ChangeNote != "New analytics provider" || revs[1].Hash == revs[0].Hash {
		t.Fatalf("revisions %+v %v", revs, err)
	}
	old, err := s.Revision(ctx, "shop", 1)
	if err != nil || old.Name != site.Name || old.Revision != 1 {
		t.Errorf("revision 1: %+v %v", old, err)
	}
	if _, err := s.Revision(ctx, "shop", 9); consent.ErrorCode(err) != consent.ENotFound {
		t.Errorf("revision 9: %v", err)
	}
	if _, err := s.Draft(ctx, "nope"); consent.ErrorCode(err) != consent.ENotFound {
		t.Errorf("draft of an unknown site: %v", err)
	}
}

func testAuditRepeat(t *testing.T, s store.Store) {
	ctx := context.Background()
	t0 := time.Now().UTC().Truncate(time.Microsecond)
	fail := func(at time.Time, target, ip string) {
		t.Helper()
		e := auth.AuditEntry{Time: at, Actor: target, Action: "signin_failed", Target: target, IP: ip}
		if err := s.AuditRepeat(ctx, e, at.Add(-15*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 50 {
		fail(t0.Add(time.Duration(i)*time.Second), "dpo@shop.example", "192.0.2.1")
	}
	fail(t0.Add(time.Minute), "dpo@shop.example", "192.0.2.2")   // another address: its own entry
	fail(t0.Add(time.Minute), "other@shop.example", "192.0.2.1") // another account: its own entry
	fail(t0.Add(time.Hour), "dpo@shop.example", "192.0.2.1")     // after the window: a new entry
	page, err := s.AuditLog(ctx, 0, 10)
	if err != nil || len(page) != 4 {
		t.Fatalf("%d entries (%v), want 4", len(page), err)
	}
	first := page[3]
	if first.Count != 50 || !first.Time.Equal(t0) || !first.Last.Equal(t0.Add(49*time.Second)) {
		t.Errorf("counted entry: count %d, time %v, last %v", first.Count, first.Time, first.Last)
	}
	if page[0].Count != 1 || !page[0].Last.Equal(page[0].Time) {
		t.Errorf("single entry: count %d, last %v, time %v", page[0].Count, page[0].Last, page[0].Time)
	}
}

func testAuditClips(t *testing.T, s store.Store) {
	ctx := context.Background()
	long := "a\x00b\xff" + strings.Repeat("x", 10000)
	e := auth.AuditEntry{Time: time.Now().UTC(), Actor: long, Action: "signin_failed", Target: long, Detail: long, IP: long}
	if err := s.Audit(ctx, e); err != nil {
		t.Fatal(err)
	}
	if err := s.AuditRepeat(ctx, e, e.Time.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	page, _ := s.AuditLog(ctx, 0, 10)
	if len(page) != 1 || page[0].Count != 2 {
		t.Fatalf("%d entries, want the clipped repeat counted into the first", len(page))
	}
	if g := page[0]; len(g.Actor) > auth.MaxEmail || len(g.Target) > auth.MaxEmail || len(g.Detail) > auth.MaxDetail || len(g.IP) > auth.MaxField {
		t.Errorf("stored %d, %d, %d, %d bytes", len(g.Actor), len(g.Target), len(g.Detail), len(g.IP))
	}
	if g := page[0]; !strings.HasPrefix(g.Target, "ab\uFFFDx") {
		t.Errorf("stored %q…, want NUL dropped and invalid UTF-8 replaced", g.Target[:8])
	}
}

// testAuditWords: an entry's Words (migration 00015) read back as written,
// nested arguments and plural counts included, from Audit and from the
// first AuditRepeat of a failure; an entry without them reads back with
// none (as one written before 00015), and their texts are clipped as
// Detail is.
func testAuditWords(t *testing.T, s store.Store) {
	ctx := context.Background()
	at := time.Now().UTC().Truncate(time.Microsecond)
	said := []words.Words{
		words.Say("a_audit_target_request", map[string]words.Words{"N": words.WrittenInt(7)}),
		words.SayN("a_audit_detail_erased", 2, map[string]words.Words{"Reason": words.Written("letter of 1 March")}),
		words.Say("a_audit_detail_user", map[string]words.Words{"Role": words.SayCode("a_role_", "viewer"), "State": words.Say("a_active", nil)}),
	}
	long := "a\x00b\xff" + strings.Repeat("x", 10000)
	for _, e := range []auth.AuditEntry{
		{Time: at, Actor: "dpo@shop.example", Action: "erase", Target: "c1", Detail: "request 7; 2 events: letter of 1 March", Words: said, IP: "-"},
		{Time: at, Actor: "dpo@shop.example", Action: "signout", Target: "dpo@shop.example", IP: "-"},
		{Time: at, Actor: "dpo@shop.example", Action: "export", Target: "csv", Detail: long, Words: []words.Words{words.Written(long)}, IP: "-"},
	} {
		if err := s.Audit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	failed := auth.AuditEntry{Time: at, Actor: "x@shop.example", Action: "signin_failed", Target: "x@shop.example", IP: "192.0.2.1",
		Words: []words.Words{words.Say("a_audit_detail_intact", nil)}}
	for range 2 {
		if err := s.AuditRepeat(ctx, failed, at.Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	page, err := s.AuditLog(ctx, 0, 10)
	if err != nil || len(page) != 4 {
		t.Fatalf("%d entries, %v", len(page), err)
	}
	if !reflect.DeepEqual(page[3].Words, said) || page[3].Detail != "request 7; 2 events: letter of 1 March" {
		t.Errorf("words read back as\n%+v\nwant\n%+v", page[3].Words, said)
	}
	if page[2].Words != nil {
		t.Errorf("an entry without words reads back with %+v", page[2].Words)
	}
	if w := page[1].Words; len(w) != 1 || len(w[0].Text) > auth.MaxDetail || !strings.HasPrefix(w[0].Text, "ab\uFFFDx") {
		t.Errorf("a long text in words is not clipped as a detail is: %d bytes", len(w[0].Text))
	}
	if page[0].Count != 2 || !reflect.DeepEqual(page[0].Words, failed.Words) {
		t.Errorf("a repeated entry: count %d, words %+v", page[0].Count, page[0].Words)
	}
}

func addUser(t *testing.T, s store.Store, email string) *auth.User {
	t.Helper()
	u := &auth.User{Email: email, PasswordHash: "x", Role: auth.Admin, Lang: "en", TZ: "UTC", CreatedAt: time.Now().UTC()}
	if err := s.AddUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

func testSessions(t *testing.T, s store.Store) {
	ctx := context.Background()
	u, v := addUser(t, s, "dpo@shop.example"), addUser(t, s, "viewer@shop.example")
	now := time.Now().UTC().Truncate(time.Microsecond)
	mk := func(user int64, id byte, started time.Time) auth.Session {
		t.Helper()
		sess := auth.Session{ID: [32]byte{id}, UserID: user, Started: started, Seen: started}
		if err := s.AddSession(ctx, sess); err != nil {
			t.Fatal(err)
		}
		return sess
	}
	old := mk(u.ID, 9, now.Add(-auth.AbsoluteTimeout-2*time.Hour))
	a, b, c := mk(u.ID, 1, now), mk(u.ID, 2, now), mk(v.ID, 3, now)
	if _, _, err := s.Session(ctx, old.ID); consent.ErrorCode(err) != consent.ENotFound {
		t.Errorf("a session past the absolute timeout was kept: %v", err)
	}
	got, user, err := s.Session(ctx, a.ID)
	if err != nil || got != a || user.ID != u.ID || user.Email != u.Email {
		t.Fatalf("session %+v user %+v: %v", got, user, err)
	}
	if err := s.TouchSession(ctx, a.ID, now.Add(5*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := s.Session(ctx, a.ID); !got.Seen.Equal(now.Add(5*time.Minute)) || !got.Started.Equal(now) {
		t.Errorf("after touch: %+v", got)
	}
	if err := s.EndSession(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.EndSession(ctx, a.ID); err != nil {
		t.Errorf("ending an ended session: %v", err)
	}
	if _, _, err := s.Session(ctx, a.ID); consent.ErrorCode(err) != consent.ENotFound {
		t.Errorf("ended session: %v", err)
	}
	mk(u.ID, 4, now)
	if n, err := s.EndSessions(ctx, u.ID); err != nil || n != 2 {
		t.Errorf("ended %d sessions (%v), want 2", n, err)
	}
	for _, id := range [][32]byte{b.ID, {4}} {
		if _, _, err := s.Session(ctx, id); consent.ErrorCode(err) != consent.ENotFound {
			t.Errorf("session after sign-out everywhere: %v", err)
		}
	}
	if _, _, err := s.Session(ctx, c.ID); err != nil {
		t.Errorf("another user's session ended: %v", err)
	}
}

func testPasswordEndsSessions(t *testing.T, s store.Store) {
	ctx := context.Background()
	u, v := addUser(t, s, "dpo@shop.example"), addUser(t, s, "viewer@shop.example")
	now := time.Now().UTC()
	for i, user := range []int64{u.ID, u.ID, v.ID} {
		if err := s.AddSession(ctx, auth.Session{ID: [32]byte{byte(i + 1)}, UserID: user, Started: now, Seen: now}); err != nil {
			t.Fatal(err)
		}
	}
	u.Lang = "ar"
	if err := s.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Session(ctx, [32]byte{1}); err != nil {
		t.Errorf("a language change ended a session: %v", err)
	}
	u.PasswordHash = "y"
	if err := s.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	for _, id := range []byte{1, 2} {
		if _, _, err := s.Session(ctx, [32]byte{id}); consent.ErrorCode(err) != consent.ENotFound {
			t.Errorf("session %d after a password change: %v", id, err)
		}
	}
	if _, _, err := s.Session(ctx, [32]byte{3}); err != nil {
		t.Errorf("another user's session ended: %v", err)
	}
	v.Disabled = true
	if err := s.UpdateUser(ctx, v); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Session(ctx, [32]byte{3}); consent.ErrorCode(err) != consent.ENotFound {
		t.Errorf("session of a disabled user: %v", err)
	}
}

func testThrottle(t *testing.T, s store.Store) {
	ctx := context.Background()
	b := auth.Backoff{Free: 2, Base: time.Minute, Max: time.Hour, Forget: 24 * time.Hour}
	now := time.Now().UTC().Truncate(time.Microsecond)
	if st, err := s.ThrottleStates(ctx, "i:192.0.2.1"); err != nil || len(st) != 0 {
		t.Fatalf("states of an unknown key: %v %v", st, err)
	}
	var last auth.ThrottleState
	for range 3 {
		var err error
		if last, err = s.ThrottleFail(ctx, "i:192.0.2.1", now, b); err != nil {
			t.Fatal(err)
		}
	}
	if last.Failures != 3 || !last.Until.Equal(now.Add(time.Minute)) || !last.Forget.Equal(now.Add(24*time.Hour)) {
		t.Errorf("after 3 failures: %+v", last)
	}
	// Failures from several instances at once are all counted.
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.ThrottleFail(ctx, "a:dpo@shop.example", now, b); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	st, err := s.ThrottleStates(ctx, "i:192.0.2.1", "a:dpo@shop.example", "k:none")
	if err != nil || len(st) != 2 || st["i:192.0.2.1"] != last || st["a:dpo@shop.example"].Failures != 8 {
		t.Errorf("states %+v %v", st, err)
	}
	known := auth.ThrottleState{Forget: now.Add(time.Hour)}
	if err := s.ThrottleSet(ctx, "k:192.0.2.1 dpo@shop.example", known); err != nil {
		t.Fatal(err)
	}
	if err := s.ThrottleSet(ctx, "a:dpo@shop.example", auth.ThrottleState{}); err != nil {
		t.Fatal(err)
	}
	st, _ = s.ThrottleStates(ctx, "k:192.0.2.1 dpo@shop.example", "a:dpo@shop.example")
	if len(st) != 1 || st["k:192.0.2.1 dpo@shop.example"] != known {
		t.Errorf("after set and clear: %+v", st)
	}
	// A failure long after drops every forgotten key.
	if _, err := s.ThrottleFail(ctx, "i:198.51.100.1", now.Add(48*time.Hour), b); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.ThrottleStates(ctx, "i:192.0.2.1", "k:192.0.2.1 dpo@shop.example"); len(st) != 0 {
		t.Errorf("forgotten keys kept: %+v", st)
	}
}

// testManyAgentsAndChoices appends more distinct user agents, pages and choices
// than a store keeps in memory, each batch also repeating ones seen before:
// every event reads back with its own, and the chain verifies.
func testManyAgentsAndChoices(t *testing.T, s store.Store) {
	ctx := context.Background()
	const n, batch = 12000, 1500
	for i := 0; i < n; i += batch {
		var events []*consent.Event
		for j := i; j < i+batch; j++ {
			e := Event("shop", j)
			e.Personal.UserAgent, e.Rule = fmt.Sprintf("agent %d", j), fmt.Sprintf("rule %d", j)
			e.Personal.Page = fmt.Sprintf("https://shop.example/p/%d", j)
			events = append(events, e)
		}
		for _, j := range []int{0, i / 2, i + 1} { // seen before, and in this batch
			e := Event("shop", j)
			e.Personal.UserAgent, e.Rule = fmt.Sprintf("agent %d", j), fmt.Sprintf("rule %d", j)
			e.Personal.Page = fmt.Sprintf("https://shop.example/p/%d", j)
			events = append(events, e)
		}
		if err := s.AppendBatch(ctx, events); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := verify(t, s); err != nil {
		t.Fatalf("after %d events: %v", got, err)
	}
	err := s.Walk(ctx, 0, func(e *consent.Event) error {
		a, r, p := strings.TrimPrefix(e.Personal.UserAgent, "agent "), strings.TrimPrefix(e.Rule, "rule "), strings.TrimPrefix(e.Personal.Page, "https://shop.example/p/")
		if a != r || a != p || a == "" {
			return fmt.Errorf("event #%d reads back with agent %q, rule %q and page %q", e.Seq, e.Personal.UserAgent, e.Rule, e.Personal.Page)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
