package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/store"
	"github.com/google/uuid"
)

// testLastEvent: the newest decision of a consent ID is one probe away, so a
// backend learns at once that a token was superseded, by a withdrawal too.
func testLastEvent(t *testing.T, s store.Store) {
	ctx := context.Background()
	first := Event("shop", 0)
	other := Event("shop", 1)
	again := Event("shop", 2)
	again.ConsentID = first.ConsentID
	again.Action, again.Granted = consent.Withdraw, []string{"necessary"}
	if err := s.AppendBatch(ctx, []*consent.Event{first, other}); err != nil {
		t.Fatal(err)
	}
	if e, err := s.LastEvent(ctx, first.ConsentID); err != nil || e.ID != first.ID {
		t.Fatalf("before the withdrawal: %v, %v; want %s", e, err, first.ID)
	}
	if err := s.AppendBatch(ctx, []*consent.Event{again, Event("shop", 3)}); err != nil {
		t.Fatal(err)
	}
	e, err := s.LastEvent(ctx, first.ConsentID)
	if err != nil || e.ID != again.ID || e.Action != consent.Withdraw || e.Seq != again.Seq {
		t.Fatalf("after the withdrawal: %+v, %v; want %s", e, err, again.ID)
	}
	if _, err := s.LastEvent(ctx, uuid.Must(uuid.NewV7())); consent.ErrorCode(err) != consent.ENotFound {
		t.Fatalf("unknown consent ID: %v, want not found", err)
	}
}

// Snapshot is the stand-in texts snapshot that Event's events name: site's
// revision 1 in French.
func Snapshot(site string) consent.Snapshot {
	return consent.NewSnapshot(consent.Texts{Site: site, Revision: 1, Lang: "fr",
		Messages: map[string]string{"banner_title": "Cookies sur " + site}})
}

// texts freezes a site revision in two languages, as a publish does.
func texts(site *consent.Site) []consent.Snapshot {
	var out []consent.Snapshot
	for _, l := range []string{"en", "fr"} {
		out = append(out, consent.NewSnapshot(consent.Texts{Site: site.ID, Revision: site.Revision, Lang: l,
			Messages: map[string]string{"banner_title": site.Name + " " + l}}))
	}
	return out
}

// testSnapshotsAtPublish: publishing stores each language's snapshot of the
// new revision, under its number; older revisions keep theirs.
func testSnapshotsAtPublish(t *testing.T, s store.Store) {
	ctx := context.Background()
	site := Site("shop")
	for rev := 1; rev <= 2; rev++ {
		site.Name = fmt.Sprintf("Shop v%d", rev)
		if n, err := s.Publish(ctx, site, texts); err != nil || n != rev {
			t.Fatalf("publish: %d, %v", n, err)
		}
	}
	var seqs []int64
	for rev := 1; rev <= 2; rev++ {
		for _, l := range []string{"en", "fr"} {
			snap, err := s.Snapshot(ctx, "shop", rev, l)
			want := fmt.Sprintf("Shop v%d %s", rev, l)
			if err != nil || snap.Check() != nil || !strings.Contains(string(snap.Body), want) || snap.Site != "shop" || snap.Revision != rev || snap.Lang != l {
				t.Fatalf("revision %d %s: %+v, %v; want %q", rev, l, snap, err, want)
			}
			body, err := s.Texts(ctx, snap.Hash)
			if err != nil || string(body) != string(snap.Body) {
				t.Errorf("texts by hash: %q, %v", body, err)
			}
			seqs = append(seqs, snap.Seq)
		}
	}
	if !slices.IsSorted(seqs) || seqs[0] == 0 {
		t.Errorf("snapshots stored in order %v", seqs)
	}
	if _, err := s.Snapshot(ctx, "shop", 2, "de"); consent.ErrorCode(err) != consent.ENotFound {
		t.Errorf("a language never frozen: %v, want not found", err)
	}
	if _, err := s.Snapshot(ctx, "shop", 3, "en"); consent.ErrorCode(err) != consent.ENotFound {
		t.Errorf("an unpublished revision: %v, want not found", err)
	}
}

// testConfigsNamed: a revision's texts snapshots are made knowing the hash
// of the configuration stored for it (Site.Frozen), the revision read back
// carries the same, and Configs streams every revision's stored
// configuration and hash, by site and number, which ledger.CheckTexts
// checks against what the snapshots named: intact here.
func testConfigsNamed(t *testing.T, s store.Store) {
	ctx := context.Background()
	frozen := map[string][32]byte{}
	named := func(site *consent.Site) []consent.Snapshot {
		frozen[fmt.Sprintf("%s/%d", site.ID, site.Revision)] = site.Frozen
		return []consent.Snapshot{consent.NewSnapshot(consent.Texts{Site: site.ID, Revision: site.Revision, Lang: "en",
			Config: hex.EncodeToString(site.Frozen[:])})}
	}
	for _, id := range []string{"shop", "blog", "shop"} {
		if _, err := s.Publish(ctx, Site(id), named); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	err := s.Configs(ctx, func(c consent.PublishedConfig) error {
		key := fmt.Sprintf("%s/%d", c.Site, c.Revision)
		got = append(got, key)
		if sha256.Sum256(c.Config) != c.Hash || c.Hash != frozen[key] {
			t.Errorf("%s: stored config hashes to %x, stored hash %x, the snapshots were given %x", key, sha256.Sum256(c.Config), c.Hash, frozen[key])
		}
		return nil
	})
	if err != nil || !slices.Equal(got, []string{"blog/1", "shop/1", "shop/2"}) {
		t.Fatalf("Configs streamed %v, %v", got, err)
	}
	site, err := s.Revision(ctx, "shop", 1)
	if err != nil || site.Frozen != frozen["shop/1"] || site.Frozen == ([32]byte{}) {
		t.Errorf("revision 1 read back says its configuration hashes to %x, published %x: %v", site.Frozen, frozen["shop/1"], err)
	}
	if _, err := ledger.CheckTexts(ctx, s, 0); err != nil {
		t.Errorf("an intact store fails the texts and configurations check: %v", err)
	}
}

// testAddSnapshot: a language added after a revision was published gets its
// snapshot on first use; the first one stored stays, whoever comes second.
func testAddSnapshot(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.Publish(ctx, Site("shop"), nil); err != nil {
		t.Fatal(err)
	}
	first := consent.NewSnapshot(consent.Texts{Site: "shop", Revision: 1, Lang: "de", Messages: map[string]string{"banner_title": "Erste"}})
	second := consent.NewSnapshot(consent.Texts{Site: "shop", Revision: 1, Lang: "de", Messages: map[string]string{"banner_title": "Zweite"}})
	got, err := s.AddSnapshot(ctx, first)
	if err != nil || got.Hash != first.Hash || got.Seq == 0 {
		t.Fatalf("add: %+v, %v", got, err)
	}
	if got, err = s.AddSnapshot(ctx, second); err != nil || got.Hash != first.Hash || string(got.Body) != string(first.Body) {
		t.Fatalf("a second snapshot for the same revision and language: %+v, %v; want the first kept", got, err)
	}
	if _, err := s.Texts(ctx, second.Hash); consent.ErrorCode(err) != consent.ENotFound {
		t.Errorf("the loser was stored: %v", err)
	}
	if got, err := s.Snapshot(ctx, "shop", 1, "de"); err != nil || got.Hash != first.Hash {
		t.Errorf("snapshot: %+v, %v", got, err)
	}
}

// testSnapshotsStream: every snapshot, body included, oldest first; an
// edited body fails its check.
func testSnapshotsStream(t *testing.T, s store.Store) {
	ctx := context.Background()
	site := Site("shop")
	for range 3 {
		if _, err := s.Publish(ctx, site, texts); err != nil {
			t.Fatal(err)
		}
	}
	var got []consent.Snapshot
	if err := s.Snapshots(ctx, func(snap consent.Snapshot) error { got = append(got, snap); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 6 {
		t.Fatalf("%d snapshots, want 6", len(got))
	}
	for i, snap := range got {
		if err := snap.Check(); err != nil {
			t.Error(err)
		}
		if i > 0 && snap.Seq <= got[i-1].Seq {
			t.Errorf("out of order: %d after %d", snap.Seq, got[i-1].Seq)
		}
	}
	forged := got[2]
	forged.Body = []byte(strings.Replace(string(forged.Body), "Test shop", "Forged", 1))
	if forged.Check() == nil {
		t.Error("an edited body passed its check")
	}
}

// testRequestIDs: a retry with the same request ID answers the event
// recorded first and stores nothing new, whether the first is in an earlier
// batch (committed after its client gave up) or in the same one.
func testRequestIDs(t *testing.T, s store.Store) {
	ctx := context.Background()
	reqA, reqB := uuid.New(), uuid.New()
	e1, e2, e3 := Event("shop", 0), Event("shop", 1), Event("shop", 2)
	e1.RequestID, e2.RequestID, e3.RequestID = reqA, reqA, reqB
	if err := s.AppendBatch(ctx, []*consent.Event{e1, e2, e3}); err != nil {
		t.Fatal(err)
	}
	if e1.Repeat || e3.Repeat || !e2.Repeat || e2.ID != e1.ID || e2.ConsentID != e1.ConsentID || e2.Seq != e1.Seq || e2.Hash != e1.Hash {
		t.Fatalf("in one batch: first %+v\nrepeat %+v", e1, e2)
	}
	if seq, _, _ := s.Head(ctx); seq != 2 {
		t.Fatalf("head %d after two requests, one sent twice", seq)
	}
	e4, e5, e6 := Event("shop", 3), Event("shop", 4), Event("shop", 5)
	e4.RequestID, e6.RequestID = reqA, uuid.New()
	e4.Action = consent.Withdraw // a retry answers the first result, whatever it says
	if err := s.AppendBatch(ctx, []*consent.Event{e4, e5, e6}); err != nil {
		t.Fatal(err)
	}
	if !e4.Repeat || e4.ID != e1.ID || e4.Seq != e1.Seq || e4.Action != e1.Action || e4.Expires != e1.Expires || e5.Repeat || e6.Repeat {
		t.Fatalf("in a later batch: first %+v\nrepeat %+v", e1, e4)
	}
	if e4.RequestID != reqA {
		t.Errorf("the repeat lost its request ID")
	}
	seq, _, _ := s.Head(ctx)
	if seq != 4 || e5.Seq != 3 || e6.Seq != 4 {
		t.Fatalf("head %d, new events at %d and %d; want 4, 3 and 4", seq, e5.Seq, e6.Seq)
	}
	if n, err := verify(t, s); err != nil || n != 4 {
		t.Fatalf("verified %d, %v", n, err)
	}
	day := consent.Day(e1.Time)
	counts, err := s.Counts(ctx, "shop", day, day+1)
	if err != nil {
		t.Fatal(err)
	}
	var actions int64
	for _, c := range counts {
		if c.Dim == "action" {
			actions += c.N
		}
	}
	if actions != 4 {
		t.Errorf("the rollup counts %d decisions, want 4", actions)
	}
}

// testPruneRequests: request IDs are kept for a while, not for ever; once
// pruned, the same ID records a new event.
func testPruneRequests(t *testing.T, s store.Store) {
	ctx := context.Background()
	old, recent := Event("shop", 0), Event("shop", 1)
	old.RequestID, recent.RequestID = uuid.New(), uuid.New()
	old.Time = old.Time.Add(-48 * time.Hour)
	if err := s.AppendBatch(ctx, []*consent.Event{old}); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendBatch(ctx, []*consent.Event{recent}); err != nil {
		t.Fatal(err)
	}
	n, err := s.PruneRequests(ctx, time.Now().Add(-24*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("pruned %d, %v; want 1", n, err)
	}
	again, retry := Event("shop", 2), Event("shop", 3)
	again.RequestID, retry.RequestID = old.RequestID, recent.RequestID
	if err := s.AppendBatch(ctx, []*consent.Event{again, retry}); err != nil {
		t.Fatal(err)
	}
	if again.Repeat || again.Seq != 3 || !retry.Repeat || retry.ID != recent.ID {
		t.Errorf("after pruning: %+v, %+v", again, retry)
	}
}

// testRequestIDsTwoInstances sends every request to both instances at once,
// as a client retrying through a load balancer might: each is recorded once,
// and both answer the same event.
func testRequestIDsTwoInstances(t *testing.T, a, b store.Store) {
	const requests = 100
	wa, wb := ledger.NewWriter(a, 1000, 64, nil), ledger.NewWriter(b, 1000, 64, nil)
	var wg sync.WaitGroup
	answers := make([][2]*consent.Event, requests)
	errs := make(chan error, 2*requests)
	for i := range requests {
		id := uuid.New()
		for k, w := range []*ledger.Writer{wa, wb} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				e := Event("shop", i)
				e.RequestID = id
				errs <- w.Append(context.Background(), e)
				answers[i][k] = e
			}()
		}
	}
	wg.Wait()
	wa.Close()
	wb.Close()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for i, ans := range answers {
		if ans[0].ID != ans[1].ID || ans[0].Repeat == ans[1].Repeat {
			t.Fatalf("request %d: answered %s (repeat %v) and %s (repeat %v)", i, ans[0].ID, ans[0].Repeat, ans[1].ID, ans[1].Repeat)
		}
	}
	if n, err := verify(t, b); err != nil || n != requests {
		t.Fatalf("verified %d events, err %v; want %d, one per request", n, err, requests)
	}
}

// testBigBatches: batches of any size, with many request IDs and rollup
// rows (a store may cut them into several statements), record every event
// exactly, count each once and find every repeat.
func testBigBatches(t *testing.T, s store.Store) {
	ctx := context.Background()
	langs := []string{"fr", "de", "en", "es", "it", "nl", "pl"}
	var first []*consent.Event
	n := 0
	for _, size := range []int{1, 63, 100} {
		var batch []*consent.Event
		for range size {
			e := Event([]string{"shop", "blog"}[n%2], n)
			e.Lang, e.Country = langs[n%len(langs)], fmt.Sprintf("C%d", n%23)
			e.Granted = [][]string{{"necessary"}, {"analytics", "necessary"}, {"marketing", "necessary"}}[n%3]
			e.RequestID = uuid.New()
			batch = append(batch, e)
			n++
		}
		if err := s.AppendBatch(ctx, batch); err != nil {
			t.Fatal(err)
		}
		first = append(first, batch...)
	}
	for i, e := range first {
		if e.Seq != int64(i+1) || e.Repeat {
			t.Fatalf("event %d: seq %d, repeat %v", i, e.Seq, e.Repeat)
		}
		got, err := s.Event(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := *e
		want.RequestID = uuid.Nil
		if !reflect.DeepEqual(got, &want) {
			t.Fatalf("event %d read back\n%+v\nwant\n%+v", i, got, &want)
		}
	}
	// 45 requests: 40 retries of requests from every batch, 5 new ones.
	var again []*consent.Event
	for i := range 45 {
		e := Event("shop", n+i)
		if i%9 != 4 {
			e.RequestID = first[(i*37)%len(first)].RequestID
		} else {
			e.RequestID = uuid.New()
		}
		again = append(again, e)
	}
	if err := s.AppendBatch(ctx, again); err != nil {
		t.Fatal(err)
	}
	seq := int64(len(first))
	for i, e := range again {
		if i%9 == 4 {
			seq++
			if e.Repeat || e.Seq != seq {
				t.Errorf("new request %d: seq %d, repeat %v; want seq %d", i, e.Seq, e.Repeat, seq)
			}
			continue
		}
		if f := first[(i*37)%len(first)]; !e.Repeat || e.ID != f.ID || e.Seq != f.Seq {
			t.Errorf("retry %d answered seq %d (repeat %v), want the first, seq %d", i, e.Seq, e.Repeat, f.Seq)
		}
	}
	if v, err := verify(t, s); err != nil || v != seq {
		t.Fatalf("verified %d, %v; want %d", v, err, seq)
	}
	day := consent.Day(first[0].Time)
	for _, site := range []string{"shop", "blog"} {
		counts, err := s.Counts(ctx, site, day-1, day+1)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int64{}
		for _, e := range append(slices.Clone(first), again...) {
			if e.Site == site && (!e.Repeat || e.Seq > int64(len(first))) {
				want["action/"+string(e.Action)]++
				want["lang/"+e.Lang]++
				want["country/"+e.Country]++
				want[consent.DimRevision+"/"+consent.RevisionKey(e.Revision, "action", string(e.Action))]++
				for _, g := range e.Granted {
					want["granted/"+g]++
					want[consent.DimRevision+"/"+consent.RevisionKey(e.Revision, "granted", g)]++
				}
			}
		}
		got := map[string]int64{}
		for _, c := range counts {
			got[c.Dim+"/"+c.Key] += c.N
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s rollup\n%v\nwant\n%v", site, got, want)
		}
	}
}
