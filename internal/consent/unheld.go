package consent

import (
	"time"

	"github.com/google/uuid"
)

// Unheld is what can be said of a consent ID under which the ledger holds
// no decision, so that a privacy officer does not answer "nothing is held"
// for an ID that was mistyped: either no decision was ever recorded under
// it, or a purge may have removed its decisions.
type Unheld struct {
	// Never: no decision was ever recorded under the ID.
	Never bool
	// Issued is when the ID was issued, as its UUIDv7 time says; zero when
	// it says nothing (another version, or a time still to come).
	Issued time.Time
	// Cutoff, unless Never, is the newest cutoff of a purge that removed
	// decisions: the ID's, made before it, may have been among them.
	Cutoff time.Time
}

// issuedSlack is how far a consent ID's time may lie after its first
// decision's: the event's time is taken just before the ID is made, and
// the ID keeps only milliseconds.
const issuedSlack = time.Second

// WhyUnheld says what can be said of id, a consent ID with no decision in
// the ledger, given cutoff, the newest cutoff of a purge that removed
// decisions (zero when none did: decisions are otherwise never removed;
// an erasure blanks an event's personal fields and keeps it). Consentry
// issues a consent ID as its first decision's event ID, a UUIDv7 stamped
// with that decision's time, and a purge removes only decisions made
// before its cutoff: an ID issued after the newest cutoff lost nothing to
// a purge. (A client may send a consent ID of its own making; one stamped
// later than its first decision, which no Consentry issues, could be
// purged and still be said never to have held one.)
func WhyUnheld(id uuid.UUID, cutoff, now time.Time) Unheld {
	var u Unheld
	if id.Version() == 7 {
		if t := time.Unix(id.Time().UnixTime()).UTC(); !t.After(now) {
			u.Issued = t
		}
	}
	if cutoff.IsZero() || !u.Issued.IsZero() && !u.Issued.Before(cutoff.Add(issuedSlack)) {
		u.Never = true
		return u
	}
	u.Cutoff = cutoff
	return u
}
