package storetest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/consentry/consentry/internal/store"
)

// refusalHour is an hour late in 2026, as store.RefusalHour counts them.
const refusalHour = 497_000

// testRefusals: counts of refused origins add up per site, origin and hour;
// each site keeps its store.MaxRefusedOrigins most refused origins an hour
// (made-up origins cannot grow the table); old hours are forgotten; and
// RefusedOrigins and RefusingSites read them back.
func testRefusals(t *testing.T, s store.Store) {
	ctx := context.Background()
	h := int64(refusalHour)
	add := func(hour int64, forget int64, counts ...store.Refusal) {
		t.Helper()
		if err := s.AddRefusals(ctx, hour, counts, forget); err != nil {
			t.Fatal(err)
		}
	}
	// One origin named twice in a call is added twice.
	add(h, h-200, ref("shop", "http://shop.example", 3), ref("shop", "https://www.shop.example", 2), ref("shop", "http://shop.example", 2),
		ref("blog", "http://blog.example", 4))
	add(h, h-200, ref("shop", "http://shop.example", 10))
	// Twenty made-up origins, once each: only the most refused are kept,
	// the first by origin of those refused as often.
	var flood []store.Refusal
	for i := range 20 {
		flood = append(flood, ref("shop", fmt.Sprintf("https://%02d.flood.example", i), 1))
	}
	add(h, h-200, flood...)
	add(h+1, h-200, ref("shop", "http://shop.example", 7))

	got, err := s.RefusedOrigins(ctx, "shop", h)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Refusal{at(h+1, ref("shop", "http://shop.example", 7)), at(h, ref("shop", "http://shop.example", 15)), at(h, ref("shop", "https://www.shop.example", 2))}
	for i := range store.MaxRefusedOrigins - 2 { // ties: the first by origin
		want = append(want, at(h, ref("shop", fmt.Sprintf("https://%02d.flood.example", i), 1)))
	}
	slices.SortStableFunc(want[1:], func(a, b store.Refusal) int { return strings.Compare(a.Origin, b.Origin) })
	if !slices.Equal(got, want) {
		t.Errorf("RefusedOrigins(shop, %d):\n got %v\nwant %v", h, got, want)
	}
	if got, err := s.RefusedOrigins(ctx, "shop", h+1); err != nil || !slices.Equal(got, want[:1]) {
		t.Errorf("RefusedOrigins(shop, %d) = %v, %v; want %v", h+1, got, err, want[:1])
	}
	if got, err := s.RefusedOrigins(ctx, "none", h); err != nil || len(got) != 0 {
		t.Errorf("RefusedOrigins(none) = %v, %v; want nothing", got, err)
	}
	sites, err := s.RefusingSites(ctx, h)
	if wantSites := map[string]int64{"shop": 7 + 15 + 2 + store.MaxRefusedOrigins - 2, "blog": 4}; err != nil || !maps.Equal(sites, wantSites) {
		t.Errorf("RefusingSites(%d) = %v, %v; want %v", h, sites, err, wantSites)
	}
	if sites, err := s.RefusingSites(ctx, h+1); err != nil || !maps.Equal(sites, map[string]int64{"shop": 7}) {
		t.Errorf("RefusingSites(%d) = %v, %v; want shop 7", h+1, sites, err)
	}
	// Hours before forget go, whichever site's; an add of nothing forgets too.
	add(h+1, h+1)
	if got, err := s.RefusedOrigins(ctx, "shop", 0); err != nil || !slices.Equal(got, want[:1]) {
		t.Errorf("after forgetting hour %d: %v, %v; want %v", h, got, err, want[:1])
	}
	if sites, err := s.RefusingSites(ctx, 0); err != nil || !maps.Equal(sites, map[string]int64{"shop": 7}) {
		t.Errorf("after forgetting hour %d: RefusingSites = %v, %v; want shop 7", h, sites, err)
	}
}

// testRefusalsTwoInstances: counts two instances add at once, to the same
// rows, add up exactly, and the cap holds.
func testRefusalsTwoInstances(t *testing.T, a, b store.Store) {
	ctx := context.Background()
	h := int64(refusalHour)
	const rounds = 30
	var wg sync.WaitGroup
	errs := make(chan error, 2*rounds)
	for i, s := range []store.Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				counts := []store.Refusal{ref("shop", "http://shop.example", 2), ref("shop", "https://www.shop.example", 1),
					ref("shop", fmt.Sprintf("https://%d-%d.flood.example", i, r), 1)}
				if i == 1 {
					slices.Reverse(counts)
				}
				errs <- s.AddRefusals(ctx, h, counts, h-200)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := a.RefusedOrigins(ctx, "shop", h)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int64{}
	for _, r := range got {
		counts[r.Origin] += r.Count
	}
	if len(got) != store.MaxRefusedOrigins || counts["http://shop.example"] != 4*rounds || counts["https://www.shop.example"] != 2*rounds {
		t.Errorf("two instances, %d rounds each: %v; want http://shop.example %d, https://www.shop.example %d, and %d origins in all",
			rounds, got, 4*rounds, 2*rounds, store.MaxRefusedOrigins)
	}
}

func ref(site, origin string, n int64) store.Refusal {
	return store.Refusal{Site: site, Origin: origin, Count: n}
}

func at(hour int64, r store.Refusal) store.Refusal {
	r.Hour = hour
	return r
}
