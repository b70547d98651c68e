// Package retention removes consent events older than a retention period,
// for `consentry purge` and the scheduled purge of each site, without
// stalling ingest and leaving a ledger that still verifies.
//
// A purge removes whole events in batches, each its own short transaction
// (see store.Retention): on SQLite the ledger writer waits for at most one
// batch, and Run pauses after each batch as long as the batch took, so the
// writer has the database at least half the time. Each removed run of the
// chain is recorded with the hash of the event before it and of its last
// event, so verify crosses the hole and still catches a change to, or the
// removal of, any event that remains.
package retention

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/store"
	"github.com/consentry/consentry/internal/words"
)

// DefaultBatch is how many events one purge transaction removes: about
// 10 ms of SQLite's write lock on the project's machine, so an ingest batch
// queued behind it waits no longer than one fsync or two.
const DefaultBatch = 1000

// Options say what to purge and how.
type Options struct {
	// Site limits the purge to one site; "" purges every site.
	Site string
	// Cutoff: events before it are removed.
	Cutoff time.Time
	// Actor is who purges: "cli", "scheduler" or a console user's email.
	Actor string
	// Batch is how many events a transaction removes (DefaultBatch when 0).
	Batch int
	// Force removes events whose consent is still in force too; without
	// it, an event is kept until its consent expires, whatever its age.
	Force bool
	// Progress, when set, is told after every batch.
	Progress func(p store.Purge, total int64)
}

// Run purges what o covers and returns the purge's record; a purge with
// nothing to remove records nothing and returns a zero ID. It stops at the
// first error, leaving the record true to what was removed by then (a
// *ledger.Break when evidence it was about to remove fails to verify), and
// marked interrupted. The caller holds the purge lock (Lock), and has
// closed what an earlier purge left unfinished (Close).
func Run(ctx context.Context, st store.Store, o Options) (p store.Purge, err error) {
	p = Plan(o, time.Now())
	if o.Batch <= 0 {
		o.Batch = DefaultBatch
	}
	total, err := st.PurgeCount(ctx, p)
	if err != nil || total == 0 {
		return p, err
	}
	if err := st.BeginPurge(ctx, &p); err != nil {
		return p, err
	}
	// However it ends, the record is final: a head recorded from now on
	// covers it (see Pins). Only a kill skips this; Close closes that one.
	defer func() {
		ended, eerr := st.EndPurge(context.WithoutCancel(ctx), p.ID, err != nil)
		if eerr != nil {
			err = errors.Join(err, eerr)
			return
		}
		p.Done, p.Interrupted = ended.Done, ended.Interrupted
	}()
	for {
		start := time.Now()
		n, err := st.PurgeBatch(ctx, &p, o.Batch)
		if err != nil {
			return p, err
		}
		if n == 0 {
			return p, nil
		}
		if o.Progress != nil {
			o.Progress(p, total)
		}
		// Give the writer the database for as long as this batch held it.
		if err := sleep(ctx, time.Since(start)); err != nil {
			return p, err
		}
	}
}

// Lock takes the purge lock (store.Retention.PurgeLock), waiting while
// another purge holds it; waiting, when set, is told once that it waits.
func Lock(ctx context.Context, st store.Store, waiting func()) (release func(), err error) {
	for first := true; ; first = false {
		release, ok, err := st.PurgeLock(ctx)
		if err != nil || ok {
			return release, err
		}
		if first && waiting != nil {
			waiting()
		}
		if err := sleep(ctx, time.Second); err != nil {
			return nil, err
		}
	}
}

// Close closes the record of every purge that stopped before it could end:
// its process was killed, or the machine or its connection to the database
// went away, between two batches. The caller holds the purge lock, which
// ends with the process holding it, so a purge not done is not running.
// Each batch updated its record in the transaction that removed its
// events, so the record is true to what it removed (verify checks that the
// runs add up to the records' counts); Close marks it done and
// interrupted, so that a head recorded from now on covers it, and audits
// it, which the purge could not do itself. It returns the records closed.
func Close(ctx context.Context, st store.Store, by string) ([]store.Purge, error) {
	open, err := st.UnfinishedPurges(ctx)
	if err != nil {
		return nil, err
	}
	closed := make([]store.Purge, 0, len(open))
	for _, o := range open {
		p, err := st.EndPurge(ctx, o.ID, true)
		if err != nil {
			return closed, err
		}
		closed = append(closed, p)
		if err := st.Audit(ctx, auth.AuditEntry{Time: time.Now().UTC(), Actor: p.Actor, Action: "purge", Target: Target(p.Site),
			Detail: Describe(p) + "; closed by " + by, Words: append(Words(p), words.Say("a_audit_detail_purge_closed", map[string]words.Words{"By": auth.ActorWords(by)})),
			IP: "-"}); err != nil {
			return closed, err
		}
	}
	return closed, nil
}

// Plan is the purge o asks for at now, before it begins.
func Plan(o Options, now time.Time) store.Purge {
	p := store.Purge{Actor: o.Actor, Site: o.Site, Cutoff: o.Cutoff.UTC().Truncate(time.Microsecond)}
	if !o.Force {
		p.Expired = now.UTC().Truncate(time.Microsecond)
	}
	return p
}

// Audit records a purge that removed something in the audit trail, or
// began to: stopped is what Run returned, and when it is evidence that
// failed to verify (a *ledger.Break) the entry says so after the record,
// in English and in words, so that staff read in the console why the purge
// stopped and where the ledger is broken.
func Audit(ctx context.Context, st store.Store, p store.Purge, stopped error) error {
	if p.ID == 0 {
		return nil
	}
	detail, said := Describe(p), Words(p)
	var b *ledger.Break
	if errors.As(stopped, &b) {
		detail, said = detail+"; "+b.Error(), append(said, b.Words()...)
	}
	return st.Audit(ctx, auth.AuditEntry{Time: time.Now().UTC(), Actor: p.Actor, Action: "purge", Target: Target(p.Site),
		Detail: detail, Words: said, IP: "-"})
}

// AllSites is the audit target of a purge of every site, as the trail and
// its CSV keep it; the console shows it in its own language.
const AllSites = "all sites"

// Target names what a purge covered: a site, or every site (AllSites).
func Target(site string) string {
	if site == "" {
		return AllSites
	}
	return site
}

// Describe is a purge record in one line, for the audit trail and the CLI.
func Describe(p store.Purge) string {
	s := fmt.Sprintf("purge #%d: %d events before %s", p.ID, p.Count, p.Cutoff.Format(time.RFC3339))
	if p.Count > 0 {
		s += fmt.Sprintf(", #%d to #%d, the newest hashing %x", p.First, p.Last, p.LastHash)
	}
	s += fmt.Sprintf("; ledger head at the start #%d %x", p.HeadSeq, p.HeadHash)
	if p.Interrupted {
		s += "; stopped before it ended"
	}
	return s
}

// Words are p's record as Describe writes it, in the console's words,
// sentence by sentence: the trail shows them in each staff member's
// language. The sequence numbers, hashes and cut-off (UTC) as written.
func Words(p store.Purge) []words.Words {
	said := []words.Words{words.Say("a_audit_detail_purge", map[string]words.Words{"N": words.WrittenInt(p.ID),
		"Removed": words.SayN("a_n_purged", int(p.Count), nil), "Cutoff": words.Written(p.Cutoff.UTC().Format("2006-01-02 15:04:05") + " UTC")})}
	if p.Count > 0 {
		said = append(said, words.Say("a_audit_detail_purge_run", map[string]words.Words{"First": words.WrittenInt(p.First),
			"Last": words.WrittenInt(p.Last), "Hash": words.Written(fmt.Sprintf("%x", p.LastHash))}))
	}
	said = append(said, words.Say("a_audit_detail_purge_head", map[string]words.Words{"Seq": words.WrittenInt(p.HeadSeq),
		"Hash": words.Written(fmt.Sprintf("%x", p.HeadHash))}))
	if p.Interrupted {
		said = append(said, words.Say("a_purge_stopped", nil))
	}
	return said
}

// Reclaimer is a store that can give the space purges freed back to the
// file system in steps (SQLite).
type Reclaimer interface {
	// Reclaim gives up to pages free pages back, in one short write, and
	// says how many are left (0 also when it cannot).
	Reclaim(ctx context.Context, pages int) (left int64, err error)
	// Checkpoint moves the write-ahead log into the file, where the space
	// given back shows.
	Checkpoint(ctx context.Context) error
}

// reclaimStep is how many pages (4 KiB each) Reclaim frees a transaction.
const reclaimStep = 1024

// Reclaim gives freed space back to the file system when st can, in steps,
// pausing between them as Run does; progress, when set, is told how many
// free pages are left after each. On PostgreSQL it does nothing:
// autovacuum makes the space of deleted rows reusable, and the table does
// not shrink (VACUUM FULL would lock it).
func Reclaim(ctx context.Context, st store.Store, progress func(left int64)) error {
	r, ok := st.(Reclaimer)
	if !ok {
		return nil
	}
	for {
		start := time.Now()
		left, err := r.Reclaim(ctx, reclaimStep)
		if err != nil {
			return err
		}
		if progress != nil {
			progress(left)
		}
		if left == 0 {
			return r.Checkpoint(ctx)
		}
		if err := sleep(ctx, time.Since(start)); err != nil {
			return err
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ParseAge reads a retention period: days ("400d", "400", at most
// consent.MaxDays, so that the period cannot wrap around to a short one),
// or hours ("9600h"). Minutes and seconds are refused: "18m" read as
// minutes when months were meant would purge everything (with --force).
func ParseAge(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	n, nerr := strconv.Atoi(strings.TrimSuffix(s, "d"))
	if nerr == nil && n > 0 {
		if n > consent.MaxDays {
			return 0, consent.FieldError(consent.EInvalid, "older-than", "%q is more than %d days", s, consent.MaxDays)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err == nil && (!strings.HasSuffix(s, "h") || strings.ContainsAny(strings.TrimSuffix(s, "h"), "hmsuµn")) {
		err = errors.New("not in days or hours")
	}
	if (nerr == nil && n <= 0) || (err == nil && d <= 0) {
		return 0, consent.FieldError(consent.EInvalid, "older-than", "%q is no time at all: give a period longer than zero, days like 400d or hours like 9600h", s)
	}
	if err != nil {
		return 0, consent.FieldError(consent.EInvalid, "older-than", "%q is not a period: give days like 400d, or hours like 9600h", s)
	}
	return d, nil
}

// MinAge is the shortest retention that removes no decision still in
// force: the longest consent lifetime of the site, or of every site when
// site is "". A decision's record is its proof for as long as its token is
// honoured (GDPR Art. 7(1)); purging it earlier is refused unless forced.
func MinAge(ctx context.Context, st store.Store, site string) (time.Duration, error) {
	if site != "" {
		s, err := st.Site(ctx, site)
		if consent.ErrorCode(err) == consent.ENotFound {
			return 0, nil // never published: no decisions
		}
		if err != nil {
			return 0, err
		}
		return s.LifetimeOrDefault(), nil
	}
	sites, err := st.SiteList(ctx)
	if err != nil {
		return 0, err
	}
	var longest time.Duration
	for _, s := range sites {
		longest = max(longest, s.LifetimeOrDefault())
	}
	return longest, nil
}
