package consent

import (
	"net/netip"
	"net/url"
	"time"

	"github.com/google/uuid"
)

// Event is one recorded decision: the append-only proof of what a visitor
// was shown, what they chose, when and how (GDPR Art. 7(1)).
type Event struct {
	Seq       int64     // position in the ledger, assigned by the store
	ID        uuid.UUID // UUIDv7, time-ordered
	ConsentID uuid.UUID
	Site      string
	Revision  int
	Action    Action
	Granted   []string
	Source    Source
	Lang      string
	Country   string // ISO 3166-1 alpha-2 from the trusted proxy, "" when unknown
	Rule      string // the jurisdiction rule applied: opt-in, opt-out, notice
	GPC       bool
	DNT       bool
	TextsHash [32]byte // names the Snapshot of the exact texts shown
	Time      time.Time
	Expires   time.Time

	// Personal fields: erasable on request. The ledger chains over PIIDigest,
	// so the chain still verifies once the values and the salt are gone.
	Personal  Personal
	PIISalt   []byte
	PIIDigest [32]byte
	Erased    *Erasure

	Hash [32]byte // ledger link: see package ledger

	// RequestID is the client's ID of the request that made the event (see
	// Request.RequestID), uuid.Nil when it sent none. Stores keep it for a
	// while, not with the event: it is not part of the record.
	RequestID uuid.UUID
	// Repeat is set by a store's AppendBatch when RequestID was recorded
	// already: the event then holds the one recorded first, and nothing new
	// was stored.
	Repeat bool
}

// Personal holds the fields of an event that identify a person more than the
// pseudonymous consent ID does.
type Personal struct {
	IP        string // truncated: IPv4 /24, IPv6 /48
	UserAgent string
	Page      string // origin and path, no query
}

// Erasure says when and why an event's personal fields were erased.
type Erasure struct {
	At     time.Time
	Reason string
}

// TruncateIP keeps the network part of an address: /24 of IPv4, /48 of IPv6.
// It returns "" for anything that is not an IP address.
func TruncateIP(s string) string {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return ""
	}
	a = a.Unmap()
	bits := 48
	if a.Is4() {
		bits = 24
	}
	p, _ := a.Prefix(bits)
	return p.Addr().String()
}

// PageOf keeps the origin and path of a page URL and drops query and
// fragment, which often carry personal data. It returns "" for a non-http URL.
func PageOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	p := u.EscapedPath()
	if len(p) > 512 {
		p = p[:512]
	}
	return NormalizeOrigin(u.Scheme+"://"+u.Host) + p
}

// Flags packs the event's privacy signals into bits: 1 GPC, 2 Do Not Track.
func (e *Event) Flags() int {
	f := 0
	if e.GPC {
		f |= 1
	}
	if e.DNT {
		f |= 2
	}
	return f
}
