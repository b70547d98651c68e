// Package storetest is the one conformance suite every store.Store must
// pass. Each implementation's tests call Run with a constructor that returns
// a fresh, empty store.
package storetest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/store"
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
		{"AppendAndRead", testAppendAndRead},
		{"ChainVerifies", testChainVerifies},
		{"ConcurrentWriterKeepsChain", testConcurrentWriter},
		{"UnknownTexts", testUnknownTexts},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

// Site is a minimal valid site for tests.
func Site(id string) *consent.Site {
	return &consent.Site{
		ID: id, Name: "Test " + id, Origins: []string{"https://" + id + ".example"},
		Categories: []consent.Category{{Key: "necessary", Required: true}, {Key: "preferences"}, {Key: "analytics"}, {Key: "marketing", GPC: true}},
		ConsentMap: consent.DefaultConsentMap(),
	}
}

// Event returns a filled-in event for site, as the HTTP layer would make it.
func Event(site string, i int) *consent.Event {
	now := time.Now().UTC().Truncate(time.Microsecond)
	texts := []byte(fmt.Sprintf(`{"site":%q}`, site))
	return &consent.Event{
		ID: uuid.Must(uuid.NewV7()), ConsentID: uuid.Must(uuid.NewV7()), Site: site, Revision: 1,
		Action: consent.Custom, Granted: []string{"analytics", "necessary"}, Source: consent.SourceBanner,
		Lang: "fr", Country: "FR", Rule: "opt-in", GPC: i%2 == 0, DNT: i%3 == 0,
		TextsHash: sha256.Sum256(texts), TextsBody: texts,
		Time: now, Expires: now.Add(consent.DefaultLifetime),
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
		rev, err := s.Publish(ctx, site)
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
	if _, err := s.Publish(context.Background(), site); consent.ErrorCode(err) != consent.EInvalid {
		t.Fatalf("err = %v, want invalid", err)
	}
	if _, err := s.Site(context.Background(), "shop"); consent.ErrorCode(err) != consent.ENotFound {
		t.Fatalf("a refused site was half-saved: %v", err)
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
	want := *e2
	want.TextsBody = nil
	if !reflect.DeepEqual(got, &want) {
		t.Errorf("read back\n%+v\nwant\n%+v", got, &want)
	}
	all, err := s.EventsByConsent(ctx, e1.ConsentID)
	if err != nil || len(all) != 2 || all[0].ID != e1.ID {
		t.Fatalf("by consent: %d events, err %v", len(all), err)
	}
	body, err := s.Texts(ctx, e1.TextsHash)
	if err != nil || string(body) != string(e1.TextsBody) {
		t.Errorf("texts %q, err %v", body, err)
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
	if err := s.Walk(ctx, v.Next); err != nil {
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

func testUnknownTexts(t *testing.T, s store.Store) {
	if _, err := s.Texts(context.Background(), [32]byte{9}); consent.ErrorCode(err) != consent.ENotFound {
		t.Errorf("unknown texts: %v", err)
	}
}
