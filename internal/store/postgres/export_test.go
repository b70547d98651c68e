package postgres

import (
	"time"

	"github.com/consentry/consentry/internal/store"
)

// Queries whose plans tests check.
const (
	ByConsent    = byConsent
	EraseConsent = eraseConsent
)

func init() {
	// Background sweeps come soon after an erasure, beside whatever the
	// tests do next.
	store.SweepDelay = 100 * time.Millisecond
}

// SweepLockKey is the advisory lock a sweep holds for its length.
const SweepLockKey = sweepLockKey
