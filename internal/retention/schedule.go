package retention

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/consentry/consentry/internal/store"
)

// Interval is how often Schedule runs a round: old events leave within
// about an hour of passing their site's retention.
const Interval = time.Hour

// Round runs the scheduled purge once: first it closes the record of any
// purge that was killed before it could end (Close), then every site whose
// newest revision sets a retention loses its events older than that, as
// actor "scheduler", each purge audited, then the user agents and pages
// no remaining event names are deleted (store.Retention.SweepNames) and
// the space is given back (SQLite). It holds the purge lock for the round, so of several instances
// one does it at a time, and never beside a `consentry purge`; ran is
// false when another held the lock. purges lists the closed records too.
func Round(ctx context.Context, st store.Store, now time.Time) (purges []store.Purge, ran bool, err error) {
	release, ok, err := st.PurgeLock(ctx)
	if err != nil || !ok {
		return nil, false, err
	}
	defer release()
	if purges, err = Close(ctx, st, "scheduler"); err != nil {
		return purges, true, err
	}
	sites, err := st.SiteList(ctx)
	if err != nil {
		return nil, true, err
	}
	for _, s := range sites {
		if s.Retention.Duration <= 0 {
			continue
		}
		p, err := Run(ctx, st, Options{Site: s.ID, Cutoff: now.Add(-s.Retention.Duration), Actor: "scheduler"})
		if aerr := Audit(ctx, st, p, err); err == nil {
			err = aerr
		}
		if err != nil {
			return purges, true, err
		}
		if p.ID != 0 {
			purges = append(purges, p)
		}
	}
	if len(purges) > 0 {
		// The user agents and pages only the purged events named go now,
		// in one pass for the round, before their space is given back.
		if _, err = st.SweepNames(ctx); err == nil {
			err = Reclaim(ctx, st, nil)
		}
	}
	return purges, true, err
}

// Schedule runs Round a few minutes after the start (instances starting
// together pick different moments) and then every Interval, give or take
// a tenth, until ctx ends. Failures are logged and tried again next round.
func Schedule(ctx context.Context, st store.Store, log *slog.Logger) {
	wait := time.Minute + rand.N(4*time.Minute)
	for {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		purges, _, err := Round(ctx, st, time.Now())
		for _, p := range purges {
			if p.Interrupted {
				log.Warn("closed a purge that had stopped before it ended", "site", p.Site, "events", p.Count, "record", p.ID, "actor", p.Actor)
				continue
			}
			log.Info("scheduled purge", "site", p.Site, "events", p.Count, "record", p.ID)
		}
		if err != nil && ctx.Err() == nil {
			log.Warn("scheduled purge", "err", err)
		}
		wait = Interval - Interval/10 + rand.N(Interval/5)
	}
}
