package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/consent"
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
