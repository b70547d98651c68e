package postgres

import (
	"context"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store"
)

// Queries whose plans tests check.
const (
	ByConsent    = byConsent
	EraseConsent = eraseConsent
)

// LogPage is the query of one page of the log and its arguments, for its
// plan.
func (s *Store) LogPage(ctx context.Context, q consent.LogQuery) (string, []any, error) {
	return s.logPage(ctx, q)
}

func init() {
	// Background sweeps come soon after an erasure, beside whatever the
	// tests do next.
	store.SweepDelay = 100 * time.Millisecond
}

// SweepLockKey is the advisory lock a sweep holds for its length.
const SweepLockKey = sweepLockKey
