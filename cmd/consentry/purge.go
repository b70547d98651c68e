package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/retention"
	"github.com/consentry/consentry/internal/store"
	"github.com/consentry/consentry/internal/store/sqlite"
)

const purgeMore = `Whole events go, oldest first, in batches of --batch events, each its own short
transaction, so a server running on the same database keeps taking consents.
Each removed run of the ledger is recorded with the hashes either side of it,
so verify still checks every event that remains; the purge itself is recorded
(who, what, the ledger head) and audited. Daily counts stay, so dashboards keep
their history; texts snapshots stay. On SQLite the freed space goes back to the
file system afterwards, in steps (a database made before this needs --vacuum
once). An --older-than shorter than a site's consent lifetime would remove the
proof of decisions still in force: it is refused unless --force. One purge
runs at a time (another waits); a purge whose process was killed before it
ended is closed first, with the events it removed, so a head recorded
afterwards covers its record too.
Example: consentry purge --older-than 400d --site shop --dry-run`

// purgeFlags removes events older than a period.
func purgeFlags(fs *flag.FlagSet) runner {
	db := dbFlag(fs)
	olderThan := fs.String("older-than", "", "remove events older than this: days (400d) or hours (9600h)")
	site := fs.String("site", "", "only this site's events (default: every site's)")
	dryRun := fs.Bool("dry-run", false, "say how many events would go, and change nothing")
	batch := fs.Int("batch", retention.DefaultBatch, "events removed per transaction")
	force := fs.Bool("force", false, "purge even decisions still in force: an --older-than shorter than a consent lifetime, and events whose consent has not expired (their tokens then verify against nothing: a change of mind purged with them no longer supersedes them)")
	vacuum := fs.Bool("vacuum", false, "SQLite: afterwards rewrite the whole file (VACUUM; blocks writes while it runs) and switch it to giving space back after every purge")
	return func(ctx context.Context, e *cmdEnv) error {
		if *olderThan == "" {
			return fmt.Errorf("%w: purge needs --older-than, such as --older-than 400d", errUsage)
		}
		age, err := retention.ParseAge(*olderThan)
		if err != nil {
			return badUsage(err)
		}
		if *batch < 1 || *batch > 100000 {
			return fmt.Errorf("%w: --batch must be 1 to 100000", errUsage)
		}
		st, err := openExisting(ctx, *db)
		if err != nil {
			return err
		}
		defer st.Close()
		if *site != "" {
			if err := siteExists(ctx, st, *site); err != nil {
				return err
			}
		}
		min, err := retention.MinAge(ctx, st, *site)
		if err != nil {
			return err
		}
		short := age < min && !*force
		refused := consent.FieldError(consent.EInvalid, "--older-than", "%s is shorter than the consent lifetime (%d days) of %s: the proof of decisions still in force would go; pass --force to purge anyway",
			*olderThan, int(min/(24*time.Hour)), retention.Target(*site))
		cutoff := time.Now().Add(-age).UTC()
		if *dryRun {
			// A dry run changes nothing, so it needs no --force: it says
			// what a purge with it would remove, and that one without
			// it is refused.
			n, err := st.PurgeCount(ctx, retention.Plan(retention.Options{Site: *site, Cutoff: cutoff, Force: *force || short}, time.Now()))
			if err != nil {
				return err
			}
			with := ""
			if short {
				with = " with --force"
			}
			fmt.Fprintf(e.stdout, "dry run: %d events of %s before %s would be removed%s\n", n, retention.Target(*site), cutoff.Format(time.RFC3339), with)
			if short {
				fmt.Fprintf(e.stdout, "without --force this purge is refused: %v\n", refused)
			}
			return nil
		}
		if short {
			return refused
		}
		// One purge at a time, and the record of one killed before it
		// could end is closed first, so that a head recorded after this
		// purge covers it too.
		release, err := retention.Lock(ctx, st, func() {
			fmt.Fprintln(e.stdout, "another purge is running on this database; waiting for it to end…")
		})
		if err != nil {
			return err
		}
		defer release()
		closed, err := retention.Close(ctx, st, "cli")
		for _, p := range closed {
			fmt.Fprintf(e.stdout, "closed purge #%d, which stopped before it ended (its process was killed?) after removing %d events: %s\n",
				p.ID, p.Count, retention.Describe(p))
		}
		if err != nil {
			return err
		}
		lite, _ := st.(*sqlite.Store)
		var sizeBefore int64
		if lite != nil {
			// What a running server wrote may still be in the write-ahead
			// log: copied into the file first, the size before is the
			// data's, not a smaller one the purge then seems to grow.
			if err = lite.Checkpoint(ctx); err != nil {
				return err
			}
			if sizeBefore, err = lite.FileSize(); err != nil {
				return err
			}
		}
		start, last := time.Now(), time.Time{}
		p, err := retention.Run(ctx, st, retention.Options{Site: *site, Cutoff: cutoff, Actor: "cli", Batch: *batch, Force: *force,
			Progress: func(p store.Purge, total int64) {
				if time.Since(last) >= time.Second || p.Count == total {
					last = time.Now()
					fmt.Fprintf(e.stdout, "  %d of %d events removed (%.0f%%)…\n", p.Count, total, 100*float64(p.Count)/float64(max(total, 1)))
				}
			}})
		// Whatever was removed is audited, also when the purge stopped early.
		if aerr := retention.Audit(ctx, st, p, err); aerr != nil && err == nil {
			err = aerr
		}
		if err != nil {
			if p.Count > 0 {
				fmt.Fprintf(e.stdout, "stopped after removing %d events (recorded as purge #%d)\n", p.Count, p.ID)
			}
			return err
		}
		if p.ID == 0 {
			fmt.Fprintf(e.stdout, "nothing to purge: no events of %s before %s\n", retention.Target(*site), cutoff.Format(time.RFC3339))
		} else {
			fmt.Fprintf(e.stdout, "purged %d events of %s in %s: %s\n", p.Count, retention.Target(*site),
				time.Since(start).Round(time.Millisecond), retention.Describe(p))
		}
		if p.ID != 0 || len(closed) > 0 {
			// The user agents and pages only the purged events named.
			start := time.Now()
			n, err := st.SweepNames(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "deleted %d user agents and pages no remaining event names, in %s\n", n, time.Since(start).Round(time.Millisecond))
		}
		if lite == nil {
			if p.ID != 0 {
				fmt.Fprintln(e.stdout, "PostgreSQL: autovacuum makes the rows' space reusable; the table does not shrink")
			}
			return nil
		}
		return reclaim(ctx, e, lite, sizeBefore, p.ID != 0 || len(closed) > 0, *vacuum)
	}
}

// reclaim gives the space freed back to the file system and says how much.
func reclaim(ctx context.Context, e *cmdEnv, lite *sqlite.Store, before int64, purged, vacuum bool) error {
	mode, err := lite.AutoVacuum(ctx)
	if err != nil {
		return err
	}
	switch {
	case vacuum:
		fmt.Fprintln(e.stdout, "rewriting the database file (VACUUM); writes wait until it is done…")
		start := time.Now()
		if err := lite.Vacuum(ctx); err != nil {
			return err
		}
		if err := lite.Checkpoint(ctx); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "  done in %s\n", time.Since(start).Round(time.Millisecond))
	case !purged:
		return nil
	case mode != "incremental":
		fmt.Fprintln(e.stdout, "this database was made before incremental auto-vacuum: new events reuse the space freed, but the file does not shrink; run purge once with --vacuum to shrink it and give space back after every purge from then on")
		return nil
	default:
		if err := retention.Reclaim(ctx, lite, nil); err != nil {
			return err
		}
	}
	after, err := lite.FileSize()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "database file %.1f MB → %.1f MB\n", float64(before)/1e6, float64(after)/1e6)
	return nil
}
