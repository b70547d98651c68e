package web

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store"
)

// downStore is a store whose site read fails once down is set, as a
// PostgreSQL that went away does; only Site is called by the cache.
type downStore struct {
	store.Store
	down bool
}

func (d *downStore) Site(context.Context, string) (*consent.Site, error) {
	if d.down {
		return nil, errors.New("dial tcp 127.0.0.1:5432: connect: connection refused")
	}
	return &consent.Site{ID: "shop", Revision: 3}, nil
}

// A copy of a site is served while the database cannot be read, for stale
// after its last read and no longer; then the visitor is told to retry.
func TestSiteCacheServesStaleWhileTheDatabaseIsDown(t *testing.T) {
	ds := &downStore{}
	sc := siteCache{store: ds, ttl: 10 * time.Millisecond, stale: time.Second}
	ctx := context.Background()
	if _, err := sc.get(ctx, "shop"); err != nil {
		t.Fatal(err)
	}
	ds.down = true
	for deadline := time.Now().Add(500 * time.Millisecond); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if site, err := sc.get(ctx, "shop"); err != nil || site.Revision != 3 {
			t.Fatalf("within stale: %v, %v", site, err)
		}
	}
	time.Sleep(600 * time.Millisecond)
	_, err := sc.get(ctx, "shop")
	if consent.ErrorCode(err) != consent.EUnavailable {
		t.Fatalf("past stale: %v, want unavailable", err)
	}
	ds.down = false
	if site, err := sc.get(ctx, "shop"); err != nil || site.Revision != 3 {
		t.Fatalf("back: %v, %v", site, err)
	}
}
