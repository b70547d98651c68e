package consent_test

import (
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
)

// BenchmarkRollup sums a batch of 500 varied events into rollup cells, as
// the ledger writer does before its upserts: four actions, granted lists,
// eight countries, six languages, two revisions. It reports the cells (one
// upsert each) per batch.
func BenchmarkRollup(b *testing.B) {
	acts := []consent.Action{consent.AcceptAll, consent.RejectAll, consent.Custom, consent.Withdraw}
	granted := [][]string{{"analytics", "marketing", "necessary", "preferences"}, {"necessary"}, {"analytics", "necessary"}, {"necessary"}}
	countries := []string{"DE", "FR", "ES", "NL", "AT", "BE", "IT", "PL"}
	langs := []string{"de", "fr", "es", "nl", "it", "pl"}
	now := time.Now()
	batch := make([]*consent.Event, 500)
	for i := range batch {
		batch[i] = &consent.Event{Site: "shop", Revision: 1 + i%7/6, Action: acts[i%4], Granted: granted[i%4],
			Country: countries[i%8], Lang: langs[i%6], Time: now}
	}
	cells := 0
	for b.Loop() {
		cells = len(consent.Rollup(batch))
	}
	b.ReportMetric(float64(cells), "cells/batch")
}
