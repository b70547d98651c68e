// Package ledger makes the consent log tamper-evident and durable: it links
// each event to the one before by hash, checks those links, and feeds events
// to a store through a single group-committing writer.
package ledger

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"sync"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/words"
)

const domain = "consentry-ledger-v1"

// Seal fills in the personal-data salt and digest of e when they are not set,
// and e.Hash, its link to prev, the hash of the event before it.
func Seal(e *consent.Event, prev [32]byte) {
	if e.PIISalt == nil {
		SealPersonal(e)
	}
	e.Hash = Link(prev, e)
}

// SealPersonal gives e a fresh salt and the salted digest of its personal
// fields. The HTTP layer calls it before queueing an event, so that the
// writer's transaction, which every event waits for, only chains and inserts.
func SealPersonal(e *consent.Event) {
	e.PIISalt = newSalt()
	e.PIIDigest = PersonalDigest(e.PIISalt, e.Personal)
}

// salts holds *[]byte: random bytes from crypto/rand not handed out yet.
// Every consent takes a salt, and one read of many salts' bytes costs about
// what the read of one did.
var salts sync.Pool

// saltsRead is how many salts' bytes one read from crypto/rand takes.
const saltsRead = 32

// newSalt returns 16 bytes from crypto/rand that no other salt shares.
func newSalt() []byte {
	bp, _ := salts.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	if len(*bp) < 16 {
		*bp = make([]byte, 16*saltsRead)
		rand.Read(*bp)
	}
	salt := (*bp)[:16:16]
	*bp = (*bp)[16:]
	salts.Put(bp)
	return salt
}

// PersonalDigest is the salted digest of an event's personal fields. The chain
// covers this digest, not the values, so erasing the values (and the salt)
// leaves every link verifiable, while the salt stops anyone from confirming a
// guessed IP or user agent against the digest.
func PersonalDigest(salt []byte, p consent.Personal) [32]byte {
	var buf [512]byte
	b := append(buf[:0], salt...)
	b = appendStrings(b, p.IP, p.UserAgent, p.Page)
	return sha256.Sum256(b)
}

// Link is the hash of an event chained to the hash of the event before it.
// Every recorded field except the erasable values takes part. The message
// is put together in one buffer on the stack and hashed at once: both run
// for every event, Link in the writer's batch.
func Link(prev [32]byte, e *consent.Event) [32]byte {
	var buf [512]byte
	b := append(buf[:0], domain...)
	b = append(b, prev[:]...)
	b = append(b, e.ID[:]...)
	b = append(b, e.ConsentID[:]...)
	b = appendStrings(b, e.Site, string(e.Action))
	b = binary.BigEndian.AppendUint32(b, uint32(granted(e.Granted)))
	for i, g := range e.Granted {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, g...)
	}
	b = appendStrings(b, string(e.Source), e.Lang, e.Country, e.Rule)
	for _, v := range []int64{int64(e.Revision), e.Time.UnixMicro(), e.Expires.UnixMicro(), int64(e.Flags())} {
		b = binary.BigEndian.AppendUint64(b, uint64(v))
	}
	b = append(b, e.TextsHash[:]...)
	b = append(b, e.PIIDigest[:]...)
	return sha256.Sum256(b)
}

// granted is the length of the categories joined by commas.
func granted(cats []string) int {
	n := max(len(cats)-1, 0)
	for _, c := range cats {
		n += len(c)
	}
	return n
}

// appendStrings appends each string length-prefixed, so no two different
// lists of strings hash alike.
func appendStrings(b []byte, ss ...string) []byte {
	for _, s := range ss {
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	return b
}

// Break describes the first event, or texts snapshot, at which the ledger
// fails to verify.
type Break struct {
	Seq    int64
	ID     string
	Reason string
	// Texts names the texts snapshot that fails, when it is one rather than
	// an event.
	Texts string
	// Purges names the purge records that fail, when they are what fails.
	Purges string
	// Revision names the published revision whose stored configuration
	// fails ("2 of site shop"), when it is what fails.
	Revision string
	// Why is Reason in the console's words, and Where names what fails in
	// them when it is not event #Seq (ID); none where the console's
	// verification cannot meet the break (Words).
	Why, Where words.Words
}

// Words are the break as the audit trail says it in the console's
// language ("Protokoll beschädigt bei Ereignis #7 (…): …"), or none when
// it has no words, where Error is read as written.
func (b *Break) Words() []words.Words {
	if b.Why.Key == "" {
		return nil
	}
	where := b.Where
	if where.Key == "" {
		where = words.Say("a_break_at_event", map[string]words.Words{"Seq": words.WrittenInt(b.Seq), "ID": words.Written(b.ID)})
	}
	return []words.Words{words.Say("a_break", map[string]words.Words{"At": where, "Reason": b.Why})}
}

func (b *Break) Error() string {
	if b.Texts != "" {
		return fmt.Sprintf("ledger broken at texts snapshot %s: %s", b.Texts, b.Reason)
	}
	if b.Purges != "" {
		return fmt.Sprintf("ledger broken at %s: %s", b.Purges, b.Reason)
	}
	if b.Revision != "" {
		return fmt.Sprintf("ledger broken at revision %s: %s", b.Revision, b.Reason)
	}
	return fmt.Sprintf("ledger broken at event #%d (%s): %s", b.Seq, b.ID, b.Reason)
}

// Check verifies one event given the hash of the event before it. It returns
// nil when the event is intact.
func Check(prev [32]byte, e *consent.Event) *Break {
	brk := func(why words.Words, format string, args ...any) *Break {
		return &Break{Seq: e.Seq, ID: e.ID.String(), Reason: fmt.Sprintf(format, args...), Why: why}
	}
	if e.Erased == nil && PersonalDigest(e.PIISalt, e.Personal) != e.PIIDigest {
		return brk(words.Say("a_break_personal", nil), "its personal fields do not match their digest")
	}
	if Link(prev, e) != e.Hash {
		return brk(words.Say("a_break_hash", nil), "its hash does not match its content and the event before it: this event was changed, or the one before it was changed or removed")
	}
	return nil
}

// Verifier checks a ledger read in order, one event at a time, so that any
// number of events can be verified in constant memory. Runs of events a
// retention purge removed are accounted for by their recorded Gap, given in
// their place (see Run).
type Verifier struct {
	prev [32]byte
	// seq is the newest seq accounted for: an event verified, or the end of
	// a purged run.
	seq   int64
	count int64
	last  *consent.Event
	// purged counts the events the gaps crossed so far account for.
	purged int64
	// resumed is set until the first event or gap after a resume: the
	// event it resumes at may have been purged since.
	resumed bool
	// Texts, when set, holds the stored snapshots every event must name
	// one of.
	Texts *Texts
}

// VerifierAfter continues a verification that reached the event at seq,
// whose hash was hash: it checks only what came since.
func VerifierAfter(seq int64, hash [32]byte) *Verifier {
	return &Verifier{prev: hash, seq: seq, resumed: seq > 0}
}

// Next checks the next event in ledger order.
func (v *Verifier) Next(e *consent.Event) error {
	brk := func(why words.Words, format string, args ...any) error {
		return &Break{Seq: e.Seq, ID: e.ID.String(), Reason: fmt.Sprintf(format, args...), Why: why}
	}
	switch {
	case e.Seq <= v.seq:
		return brk(words.Say("a_break_put_back", map[string]words.Words{"Seq": words.WrittenInt(v.seq)}),
			"it is still stored, but a purge recorded events up to #%d as removed: the purge record was forged or the event put back", v.seq)
	case e.Seq > v.seq+1:
		return brk(missingWords(v.seq+1, e.Seq-1), "%s, and no purge records the removal", missing(v.seq+1, e.Seq-1))
	}
	if b := Check(v.prev, e); b != nil {
		return b
	}
	if v.Texts != nil && !v.Texts.known[e.TextsHash] {
		return brk(words.Say("a_break_no_texts", map[string]words.Words{"Hash": words.Written(fmt.Sprintf("%x", e.TextsHash))}),
			"it names texts snapshot %x, which is not stored: the texts it was shown were replaced or removed", e.TextsHash)
	}
	v.prev, v.seq = e.Hash, e.Seq
	v.count++
	v.last = e
	v.resumed = false
	return nil
}

// Gap crosses a run of events a retention purge removed: the event before
// it must still have the hash recorded when the run was removed, and the
// event after it chains to the recorded hash of the run's last event. So
// changing or removing any event that remains is still caught; only the run
// itself is taken on the purge record's word.
func (v *Verifier) Gap(g Gap) error {
	if v.resumed && g.First <= v.seq && g.Last > v.seq {
		// The verification being resumed stopped inside this run, which
		// was purged since: go on from its end.
		v.prev, v.seq, v.resumed = g.After, g.Last, false
		v.purged += g.Last - g.First + 1
		return nil
	}
	brk := func(seq int64, why words.Words, format string, args ...any) error {
		return &Break{Seq: seq, ID: fmt.Sprintf("purged run #%d to #%d", g.First, g.Last), Reason: fmt.Sprintf(format, args...), Why: why,
			Where: words.Say("a_break_at_run", map[string]words.Words{"Seq": words.WrittenInt(seq), "First": words.WrittenInt(g.First), "Last": words.WrittenInt(g.Last)})}
	}
	switch {
	case g.First <= v.seq:
		return brk(g.First, words.Say("a_break_run_forged", map[string]words.Words{"Seq": words.WrittenInt(v.seq)}),
			"a purge record claims these events were removed, but event #%d is still stored or recorded purged twice: the purge record was forged", v.seq)
	case g.First > v.seq+1:
		return brk(v.seq+1, missingWords(v.seq+1, g.First-1), "%s, and no purge records the removal", missing(v.seq+1, g.First-1))
	case g.Before != v.prev:
		b := v.lastBreak()
		b.Reason = fmt.Sprintf("its hash is not the one recorded when the events after it (#%d to #%d) were purged: it was changed", g.First, g.Last)
		b.Why = words.Say("a_break_run_hash", map[string]words.Words{"First": words.WrittenInt(g.First), "Last": words.WrittenInt(g.Last)})
		if v.last == nil || v.last.Seq != v.seq {
			b.Seq, b.ID, b.Where = v.seq, "none", words.Say("a_break_at_seq", map[string]words.Words{"Seq": words.WrittenInt(v.seq)})
		}
		return b
	}
	v.prev, v.seq, v.resumed = g.After, g.Last, false
	v.purged += g.Last - g.First + 1
	return nil
}

// Finish checks that the ledger ends where its recorded head says it does, so
// that removing the newest events is caught too.
func (v *Verifier) Finish(headSeq int64, headHash [32]byte) error {
	if v.prev == headHash && v.seq == headSeq {
		return nil
	}
	b := v.lastBreak()
	b.Reason = fmt.Sprintf("the ledger ends here but its head records event #%d: newer events were removed", headSeq)
	b.Why = words.Say("a_break_head", map[string]words.Words{"Seq": words.WrittenInt(headSeq)})
	return b
}

// lastBreak is a break at the newest event verified, or at #0 (none)
// before any.
func (v *Verifier) lastBreak() *Break {
	if v.last == nil {
		return &Break{ID: "none", Where: words.Say("a_break_at_seq", map[string]words.Words{"Seq": words.WrittenInt(0)})}
	}
	return &Break{Seq: v.last.Seq, ID: v.last.ID.String()}
}

// Accounted checks, after a walk from the first event to the head, that
// the purged runs crossed account for exactly the events the purge records
// say were removed (purged, their sum: store.Retention.PurgedTotal). A run
// added without a purge that removed it, to hide the removal of an event,
// fails here; so does a record changed.
func (v *Verifier) Accounted(purged int64) error {
	if v.purged == purged {
		return nil
	}
	b := v.lastBreak()
	b.Reason = fmt.Sprintf("the purged runs account for %d removed events, but the purge records for %d: a run was forged or a purge record changed", v.purged, purged)
	b.Why = words.Say("a_break_purged_count", map[string]words.Words{"Runs": words.WrittenInt(v.purged), "Records": words.WrittenInt(purged)})
	return b
}

// Count is how many events have verified so far.
func (v *Verifier) Count() int64 { return v.count }

// Purged is how many events the purged runs crossed so far account for.
func (v *Verifier) Purged() int64 { return v.purged }

// At is how far the verification has come: the seq of the newest event
// verified or purged run crossed, and the hash the next event must chain
// to. VerifierAfter resumes from it.
func (v *Verifier) At() (int64, [32]byte) { return v.seq, v.prev }

// Last is the newest event verified so far, or nil.
func (v *Verifier) Last() *consent.Event { return v.last }

// missing says that the events before a point, first to last, are gone.
func missing(first, last int64) string {
	if first == last {
		return fmt.Sprintf("the event before it, #%d, was removed", first)
	}
	return fmt.Sprintf("the events before it, #%d to #%d, were removed", first, last)
}

// missingWords is missing's reason, with no purge recording the removal,
// in words.
func missingWords(first, last int64) words.Words {
	if first == last {
		return words.Say("a_break_missing_one", map[string]words.Words{"Seq": words.WrittenInt(first)})
	}
	return words.Say("a_break_missing_run", map[string]words.Words{"First": words.WrittenInt(first), "Last": words.WrittenInt(last)})
}
