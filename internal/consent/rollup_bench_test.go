package consent_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
)

// BenchmarkRollup sums a batch of varied events into rollup cells, as the
// ledger writer does before its upserts: four actions, granted lists, eight
// countries, six languages, two revisions; batches of 500 and of 26 (the
// writer's usual batch under wrk -t2 -c64). It reports the cells (one upsert
// each) per batch.
func BenchmarkRollup(b *testing.B) {
	for _, n := range []int{500, 26} {
		b.Run(strconv.Itoa(n), func(b *testing.B) { benchmarkRollup(b, n) })
	}
}

func benchmarkRollup(b *testing.B, n int) {
	acts := []consent.Action{consent.AcceptAll, consent.RejectAll, consent.Custom, consent.Withdraw}
	granted := [][]string{{"analytics", "marketing", "necessary", "preferences"}, {"necessary"}, {"analytics", "necessary"}, {"necessary"}}
	countries := []string{"DE", "FR", "ES", "NL", "AT", "BE", "IT", "PL"}
	langs := []string{"de", "fr", "es", "nl", "it", "pl"}
	now := time.Now()
	batch := make([]*consent.Event, n)
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
