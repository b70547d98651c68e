// Package store defines what Consentry keeps and asks of its database. The
// sqlite package implements Store; storetest holds the one conformance
// suite every implementation must pass.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/google/uuid"
)

// LookupsAfterRerun is how many batches after one that ran again (Reruns)
// look their request IDs up before inserting them.
const LookupsAfterRerun = 64

// ErrRecorded is a store's answer when, inserting a batch's request IDs
// without looking them up, it found one recorded already (or two events of
// the batch sharing one): nothing of the batch is written, and it runs
// again with the lookup.
var ErrRecorded = errors.New("a request ID of the batch was recorded already")

// Rerunner is a store's count of batches run again for ErrRecorded, and the
// window of batches after one that look their request IDs up first. Lookup
// and Again are called under the store's append lock; Reruns at any time.
type Rerunner struct {
	reruns  atomic.Uint64
	lookups int
}

// Lookup reports whether the next batch looks its request IDs up first.
func (r *Rerunner) Lookup() bool {
	if r.lookups == 0 {
		return false
	}
	r.lookups--
	return true
}

// Again counts a batch that runs again, and has the LookupsAfterRerun
// batches after it look their request IDs up first.
func (r *Rerunner) Again() {
	r.reruns.Add(1)
	r.lookups = LookupsAfterRerun
}

// Reruns is how many batches ran again.
func (r *Rerunner) Reruns() uint64 { return r.reruns.Load() }

// Store is the persistence of sites, the consent ledger, staff and their
// audit trail. Not-found is always a *consent.Error with code ENotFound,
// never nil, nil.
type Store interface {
	Ledger
	Retention
	Sites
	Staff
	Access
	Requests
	Refusals
	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	Close() error
}

// Ledger is the consent log.
type Ledger interface {
	// AppendBatch writes events in one durable transaction, chaining each to
	// the ledger (see package ledger) and adding them to the daily rollup.
	// An event whose RequestID was recorded already, or earlier in the same
	// batch, is not written again: it becomes the event recorded first,
	// marked Repeat (see ledger.Repeats). Request IDs are checked in the
	// same transaction as the insert, after the ledger's write lock, so a
	// retry racing the first attempt is caught too (both stores insert them
	// unlooked-up, and when their unique index finds one recorded, run the
	// batch again with a lookup: Reruns).
	// Only the ledger writer calls it. It may move an event's Time forward
	// so that times never go backwards along the ledger.
	AppendBatch(ctx context.Context, events []*consent.Event) error
	// Reruns is how many batches AppendBatch has run a second time, having
	// met a client's retry among request IDs it wrote without looking them
	// up (the metric consentry_writer_batch_reruns_total). After a rerun
	// the next LookupsAfterRerun batches look their IDs up first, so that
	// replaying recorded request IDs cannot make every batch run twice.
	Reruns() uint64

	// PruneRequests forgets the request IDs of events recorded before t
	// (see consent.Event.RequestID), so that they cost no storage for ever;
	// it returns how many it forgot.
	PruneRequests(ctx context.Context, before time.Time) (int, error)

	// Event returns one event by its ID.
	Event(ctx context.Context, id uuid.UUID) (*consent.Event, error)
	// EventsByConsent returns every event of one consent ID, oldest first.
	EventsByConsent(ctx context.Context, consentID uuid.UUID) ([]*consent.Event, error)
	// LastEvent returns the newest event of one consent ID, by an index
	// probe: it answers whether a token was superseded on every verify.
	LastEvent(ctx context.Context, consentID uuid.UUID) (*consent.Event, error)
	// Log returns one page of events matching q, newest first.
	Log(ctx context.Context, q consent.LogQuery) ([]*consent.Event, error)
	// Export streams every event matching q, oldest first, in constant memory.
	Export(ctx context.Context, q consent.LogQuery, fn func(*consent.Event) error) error
	// Walk calls fn for every event after seq in ledger order, streaming.
	Walk(ctx context.Context, after int64, fn func(*consent.Event) error) error
	// Hash returns the ledger hash of the event at seq; zero for seq 0.
	Hash(ctx context.Context, seq int64) ([32]byte, error)
	// Head returns the sequence number and hash of the newest event.
	Head(ctx context.Context) (seq int64, hash [32]byte, err error)
	// Texts returns the body of the texts snapshot with the given digest.
	Texts(ctx context.Context, hash [32]byte) ([]byte, error)
	// Snapshot returns the texts snapshot of a site's revision in one
	// language (the first stored, should there be more than one).
	Snapshot(ctx context.Context, site string, revision int, lang string) (consent.Snapshot, error)
	// AddSnapshot stores s unless its site revision and language have a
	// snapshot already, and returns the one stored: the first one wins, so
	// instances racing to add a language agree.
	AddSnapshot(ctx context.Context, s consent.Snapshot) (consent.Snapshot, error)
	// Snapshots streams every stored snapshot, bodies included, in the
	// order they were stored (by Seq).
	Snapshots(ctx context.Context, fn func(consent.Snapshot) error) error
	// Configs streams every published revision's stored configuration and
	// the hash stored beside it when it was published, by site and number.
	Configs(ctx context.Context, fn func(consent.PublishedConfig) error) error
	// Erase removes the personal fields of every event of a consent ID and
	// says when and why; it returns how many events it changed.
	Erase(ctx context.Context, consentID uuid.UUID, reason string, at time.Time) (int, error)
	// Counts returns a site's daily rollup for days from to to, inclusive:
	// a count a day for the action and revision dimensions; for the others
	// (granted, country, lang) one count a key, summed over the days and
	// dated the first of them that has it.
	Counts(ctx context.Context, site string, from, to int64) ([]consent.Count, error)
	// RevisionCounts returns the consent.DimRevision counts of one of a
	// site's revisions over every day: what the dashboard compares.
	RevisionCounts(ctx context.Context, site string, rev int) ([]consent.Count, error)
	// Verified returns where the last verification stopped.
	Verified(ctx context.Context) (seq int64, hash [32]byte, at time.Time, err error)
	// SetVerified records where a verification stopped.
	SetVerified(ctx context.Context, seq int64, hash [32]byte, at time.Time) error
}

// Retention removes old events from the ledger in a way that leaves what
// remains verifiable (see package retention, which drives it): whole events,
// a bounded batch per short transaction, each removed run recorded as a
// ledger.Gap beside a Purge record, in the same transaction as the delete.
type Retention interface {
	// BeginPurge records a purge about to start: it fills in p's ID, the
	// ledger head at this moment and Below, the seq of the first event at
	// or after p.Cutoff. Only events with a seq below Below are removed.
	BeginPurge(ctx context.Context, p *Purge) error
	// PurgeBatch removes up to limit of the oldest events p covers (of
	// p.Site, or of every site when it is ""; only those whose consent
	// expired before p.Expired when that is set), in one transaction, and
	// returns how many; 0 when none are left. Before removing a run it
	// checks that the run still chains to the event (or run) before it,
	// so evidence that was tampered with is not purged out of sight: that
	// is a *ledger.Break. In the same transaction it records the runs,
	// merged with the runs beside them, forgets the removed events'
	// request IDs and adds to p's record (Count, First, Last, LastHash,
	// Finished), which p mirrors. A record already done never changes: a
	// batch of a purge whose record was ended meanwhile removes nothing
	// and fails (PurgeEnded).
	PurgeBatch(ctx context.Context, p *Purge, limit int) (int, error)
	// PurgeCount says how many events p would remove (p.Site, p.Cutoff and
	// p.Expired say which; it need not have begun).
	PurgeCount(ctx context.Context, p Purge) (int64, error)
	// Purges returns the newest purge records, newest first.
	Purges(ctx context.Context, limit int) ([]Purge, error)
	// EndPurge marks a purge done: its record will not change again, and a
	// head recorded from now on covers it. A purge that stopped before it
	// ended is ended too, with what it removed by then, and interrupted.
	// A purge already done stays as it is. It returns the record as ended.
	EndPurge(ctx context.Context, id int64, interrupted bool) (Purge, error)
	// DonePurges streams every purge marked done, oldest first.
	DonePurges(ctx context.Context, fn func(Purge) error) error
	// UnfinishedPurges returns the purges not marked done, oldest first:
	// running now, or stopped before they could end (killed).
	UnfinishedPurges(ctx context.Context) ([]Purge, error)
	// PurgedTotal is how many events every purge so far removed.
	PurgedTotal(ctx context.Context) (int64, error)
	// NewestCutoff returns, of the purges that removed events, the one
	// with the latest Cutoff: every event removed so far was made before
	// it. A consent ID with no events and a later first decision was
	// never purged (consent.WhyUnheld). ENotFound when no purge removed
	// any event.
	NewestCutoff(ctx context.Context) (Purge, error)
	// Gaps returns up to limit purged runs that end after seq, in ledger
	// order (see ledger.Source).
	Gaps(ctx context.Context, after int64, limit int) ([]ledger.Gap, error)
	// PurgeLock takes the lock that lets one purge run at a time, across
	// processes and instances: a PostgreSQL advisory lock held by a
	// connection of its own, an flock(2) on a file beside the SQLite
	// database. Either ends with the process that holds it, so whoever
	// holds it knows that no purge not done is running. ok is false when
	// another holds it; release gives it back.
	PurgeLock(ctx context.Context) (release func(), ok bool, err error)
	// SweepNames deletes the user agents and pages that erasures and
	// purges left named by no event (they record them as candidates), and
	// returns how many (see Sweep): one pass over the events that holds up
	// no append, then one short write. Each store also runs it by itself
	// SweepDelay after an erasure and every SweepPoll; a purge's caller
	// runs it when the purge ends.
	SweepNames(ctx context.Context) (int, error)
	// Sweeps counts this process's sweeps of the store, the background
	// ones and SweepNames's (SweepStats, on /metrics).
	Sweeps() SweepStats
	// LogSweeps sends the failures of the background sweeps to log
	// (slog.Default() until then): nobody else hears of them.
	LogSweeps(log *slog.Logger)
}

// Purge is the record of one retention purge: who ran it, what it covered,
// what it removed and the ledger head when it started. It is written when
// the purge starts and brought up to date by every batch, so it is true
// also of a purge that was interrupted.
type Purge struct {
	ID int64
	// Started and Finished are when it began and when its last batch
	// committed (zero before the first).
	Started, Finished time.Time
	// Actor is "cli", "scheduler" or a console user's email.
	Actor string
	// Site is the site whose events it removes; "" for every site.
	Site string
	// Cutoff is the time before which events are removed; Below is the seq
	// of the first event at or after it when the purge started.
	Cutoff time.Time
	Below  int64
	// Expired, when set, keeps every event whose consent expires at or
	// after it: a decision still in force keeps its proof (GDPR Art. 7(1))
	// whatever the retention, also one made under a longer lifetime than
	// the site's current one. Zero removes events whatever their expiry
	// (consentry purge --force). It is a rule of the run, not recorded.
	Expired time.Time
	// HeadSeq and HeadHash are the ledger head when it started.
	HeadSeq  int64
	HeadHash [32]byte
	// Count is how many events it removed, First and Last the seqs of the
	// oldest and newest, LastHash the newest one's hash: the link the next
	// remaining event of the ledger is chained to.
	Count       int64
	First, Last int64
	LastHash    [32]byte
	// Done is set by EndPurge; Interrupted when the purge stopped before
	// it ended (an error, a cancel, or its process killed and its record
	// closed by the next purge), with Count what it removed by then.
	Done, Interrupted bool
}

// PurgeEnded is PurgeBatch's error for a purge whose record was ended
// while it still ran: the next purge closed it as killed (retention.Close)
// because the purge lock was free, which it should not have been (the
// lock's PostgreSQL session ended, or its lock file was removed). The
// record stays as a head may already have pinned it; the purge stops.
func PurgeEnded(id int64) error {
	return fmt.Errorf("purge #%d was ended by another purge while it ran (its purge lock was lost); nothing more removed", id)
}

// Sites are the configured sites and their published revisions. Every
// site they return has its catalog services' overrides: those of a service
// stored before Consentry kept them are inferred (catalog.InferOverrides).
type Sites interface {
	// Site returns a site as of its newest published revision.
	Site(ctx context.Context, id string) (*consent.Site, error)
	// SiteList returns every site as of its newest revision, by ID.
	SiteList(ctx context.Context) ([]*consent.Site, error)
	// Publish stores s as the site's next revision, discards the draft and
	// returns the revision's number. In the same transaction it stores the
	// texts snapshots that texts makes of the revision (s, its Revision set
	// to the new number): what visitors will be shown. texts may be nil;
	// a snapshot missing is made when first needed (see AddSnapshot).
	Publish(ctx context.Context, s *consent.Site, texts func(*consent.Site) []consent.Snapshot) (int, error)
	// PublishKeeping is Publish that keeps the draft being edited: in the
	// same transaction it stores draft as the draft of the revision after
	// the one it publishes, validated as SaveDraft does, so that a
	// revision published around the owner's work (serve --demo on a new
	// address) either happens with their draft kept or not at all. A nil
	// draft is discarded, as Publish does.
	PublishKeeping(ctx context.Context, s *consent.Site, texts func(*consent.Site) []consent.Snapshot, draft *consent.Site) (int, error)
	// Draft returns the draft of a site's next revision, or a copy of the
	// newest revision when nothing has been edited since.
	Draft(ctx context.Context, id string) (*consent.Site, error)
	// SaveDraft validates and stores the draft of a site's next revision,
	// creating the site when it is new.
	SaveDraft(ctx context.Context, s *consent.Site) error
	// Revisions lists a site's published revisions, newest first.
	Revisions(ctx context.Context, id string) ([]Revision, error)
	// Revision returns the site as of one published revision.
	Revision(ctx context.Context, id string, n int) (*consent.Site, error)
}

// Revision describes one published revision of a site.
type Revision struct {
	Number      int
	PublishedAt time.Time
	Hash        [32]byte // SHA-256 of the frozen configuration
	ChangeNote  string
}

// Staff are the console's users and the audit trail of what they did.
type Staff interface {
	// AddUser creates a user; an email already taken is an EInvalid error.
	AddUser(ctx context.Context, u *auth.User) error
	User(ctx context.Context, id int64) (*auth.User, error)
	UserByEmail(ctx context.Context, email string) (*auth.User, error)
	Users(ctx context.Context) ([]*auth.User, error)
	// UpdateUser saves a user's role, language, time zone, password and
	// state. A new password or disabling the user ends every session of the
	// user, in the same transaction.
	UpdateUser(ctx context.Context, u *auth.User) error

	// Audit appends one entry to the audit trail, its fields cut to their
	// stored lengths (auth.AuditEntry.Clipped).
	Audit(ctx context.Context, e auth.AuditEntry) error
	// AuditRepeat counts e into the newest entry of the same actor, action,
	// target and IP when that entry last happened at since or later (its
	// Count grows by one, its Last becomes e.Time), else appends e. Repeated
	// failures so stay one entry, however many requests make them.
	AuditRepeat(ctx context.Context, e auth.AuditEntry, since time.Time) error
	// AuditLog returns entries before seq (0: the newest), newest first.
	AuditLog(ctx context.Context, before int64, limit int) ([]auth.AuditEntry, error)
}

// Access is the state every instance shares about who is signed in and who
// is held back: console sessions and the sign-in throttle.
type Access interface {
	// AddSession stores a new session, and drops sessions started more than
	// auth.AbsoluteTimeout before it.
	AddSession(ctx context.Context, s auth.Session) error
	// Session returns a session and its user by the session's ID, one index
	// probe; ENotFound once it has ended. Timeouts are the caller's to check.
	Session(ctx context.Context, id [32]byte) (auth.Session, *auth.User, error)
	// TouchSession records a session's last use.
	TouchSession(ctx context.Context, id [32]byte, seen time.Time) error
	// EndSession ends one session; one already ended is no error.
	EndSession(ctx context.Context, id [32]byte) error
	// EndSessions ends every session of a user and says how many there were.
	EndSessions(ctx context.Context, userID int64) (int, error)

	// ThrottleStates returns the stored state of each key that has one.
	ThrottleStates(ctx context.Context, keys ...string) (map[string]auth.ThrottleState, error)
	// ThrottleFail records one failure of key at now under b, atomically
	// across instances, and returns the new state. It also drops keys whose
	// Forget time has passed, so the table stays bounded.
	ThrottleFail(ctx context.Context, key string, now time.Time, b auth.Backoff) (auth.ThrottleState, error)
	// ThrottleSet stores a key's state; a zero state removes the key.
	ThrottleSet(ctx context.Context, key string, st auth.ThrottleState) error
}

// RateCounts is the visitor rate limit's state shared by the instances on
// one database (see package ratelimit): how many decisions each client
// network made in each short time slot, summed over the instances. Each
// instance decides from its own memory and calls SyncRateCounts a few times
// a second, never on a request. Only the PostgreSQL store implements it: a
// SQLite file serves one instance, whose memory holds every count.
type RateCounts interface {
	// SyncRateCounts adds s.Add to the counts, forgets the slots before
	// s.Forget and returns every instance's counts of s.Keys in the slots
	// from s.Since on, in one round trip and one transaction. Concurrent
	// calls from several instances add up exactly.
	SyncRateCounts(ctx context.Context, s RateSync) ([]RateCount, error)
}

// RateSync is one instance's exchange with the shared rate counts.
type RateSync struct {
	// Add is what this instance admitted since its last sync.
	Add []RateCount
	// Keys are the client networks whose counts the instance needs back.
	Keys []string
	// Since is the first slot whose counts come back.
	Since int64
	// Forget drops every slot before it, whoever counted it.
	Forget int64
}

// RateCount is how many decisions one client network (ratelimit.Key: an
// IPv4 /24 or IPv6 /48, never a whole address) made in one slot.
type RateCount struct {
	Key  string
	Slot int64
	Hits int64
}

// Requests is the log of data-subject requests and their due dates (GDPR
// Art. 12(3)). The domain (consent.SubjectRequest) validates and computes;
// the store keeps, and refuses a second answer or extension even when two
// people send one at once.
type Requests interface {
	// AddRequest stores a new, validated request and sets its ID.
	AddRequest(ctx context.Context, r *consent.SubjectRequest) error
	// Request returns one request by its ID.
	Request(ctx context.Context, id int64) (*consent.SubjectRequest, error)
	// OpenRequests returns up to limit unanswered requests, soonest due
	// first (then oldest first).
	OpenRequests(ctx context.Context, limit int) ([]*consent.SubjectRequest, error)
	// AnsweredRequests returns up to limit answered requests, the most
	// recently recorded answer first.
	AnsweredRequests(ctx context.Context, limit int) ([]*consent.SubjectRequest, error)
	// RequestsAbout returns every request that names a consent ID, newest
	// first (the log holds staff-entered requests, a few a week: a scan).
	RequestsAbout(ctx context.Context, consentID uuid.UUID) ([]*consent.SubjectRequest, error)
	// AnswerRequest records the answer of an open request; one answered
	// already is an EUnprocessed error.
	AnswerRequest(ctx context.Context, id int64, a consent.RequestAnswer) error
	// ExtendRequest records the one extension of an open request and its new
	// due date; one extended or answered already is an EUnprocessed error.
	ExtendRequest(ctx context.Context, id int64, due time.Time, x consent.RequestExtension) error
	// RequestsDue counts the open requests due before today (overdue) and
	// those due from today to soon days later.
	RequestsDue(ctx context.Context, today time.Time, soon int) (overdue, dueSoon int, err error)
}

// Choice is what an event records about what the visitor was shown and
// chose, apart from who, when and where: a few thousand combinations recur
// across millions of events, so both stores keep each once (the choices
// table) and an event names its choice by number, as it names its user
// agent.
type Choice struct {
	Revision  int
	Action    consent.Action
	Granted   string // category keys, comma-separated, as stored
	Source    consent.Source
	Lang      string
	Country   string
	Rule      string
	TextsHash [32]byte
}

// ChoiceOf returns the choice e records.
func ChoiceOf(e *consent.Event) Choice {
	return Choice{Revision: e.Revision, Action: e.Action, Granted: strings.Join(e.Granted, ","), Source: e.Source,
		Lang: e.Lang, Country: e.Country, Rule: e.Rule, TextsHash: e.TextsHash}
}

// FlagGPCOptOut marks, in an event row's flags, an event whose outcome is
// consent.GPCOptOut (source gpc), so that the log's filter of those finds
// them through a partial index of their own (migration 00021) instead of
// walking the log: the source is the event's choice's, and no index of
// events can look into choices. It is no part of the record: the ledger
// chains over consent.Event.Flags(), which never sets it, and reading a row
// ignores it.
const FlagGPCOptOut = 4

// RowFlags is the flags column of e's row: e.Flags() and FlagGPCOptOut.
func RowFlags(e *consent.Event) int {
	f := e.Flags()
	if consent.Outcome(e.Action, e.Source) == consent.GPCOptOut {
		f |= FlagGPCOptOut
	}
	return f
}
