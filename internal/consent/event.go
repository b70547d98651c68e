package consent

import (
	"net/netip"
	"net/url"
	"strings"
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
//
// Every consent names its page, so a URL of the plain shape most are (a
// lower-case http(s) scheme and host, a path of letters, digits and
// "-._~/") is cut without parsing it; any other goes through net/url, and
// FuzzPageOf holds the two ways together.
func PageOf(raw string) string {
	if p, ok := plainPage(raw); ok {
		return p
	}
	return parsedPage(raw)
}

// plainPage is PageOf for a URL of the plain shape; ok is false for any
// other.
func plainPage(raw string) (page string, ok bool) {
	var rest string
	switch {
	case strings.HasPrefix(raw, "https://"):
		rest = raw[len("https://"):]
	case strings.HasPrefix(raw, "http://"):
		rest = raw[len("http://"):]
	default:
		return "", false
	}
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c <= ' ' || c >= 0x7f {
			return "", false // net/url refuses control bytes; leave the rest to it
		}
	}
	i, colon := 0, -1
	for ; i < len(rest); i++ {
		c := rest[i]
		if c == ':' && colon < 0 {
			colon = i
			continue
		}
		if c == '/' || c == '?' || c == '#' {
			break
		}
		if colon >= 0 {
			if c < '0' || c > '9' {
				return "", false
			}
		} else if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return "", false
		}
	}
	if i == 0 || colon == 0 || colon == i-1 {
		return "", false // no host, or a port without digits
	}
	host := rest[:i]
	j := i
	for ; j < len(rest) && rest[j] != '?' && rest[j] != '#'; j++ {
		c := rest[j]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
			return "", false
		}
	}
	if f := strings.IndexByte(rest[j:], '#'); f >= 0 && strings.IndexByte(rest[j+f:], '%') >= 0 {
		return "", false // net/url unescapes a fragment and may refuse it
	}
	path := rest[i:j]
	if len(path) > 512 {
		path = path[:512]
	}
	scheme := raw[:len(raw)-len(rest)]
	if (scheme == "http://" && strings.HasSuffix(host, ":80")) || (scheme == "https://" && strings.HasSuffix(host, ":443")) {
		return scheme + host[:colon] + path, true
	}
	page = raw[:len(scheme)+i+len(path)]
	if len(page) < len(raw) {
		// A copy: the page outlives the request (the writer's cache of page
		// numbers), and the query it leaves out may carry personal data.
		page = strings.Clone(page)
	}
	return page, true
}

// parsedPage is PageOf through net/url.
func parsedPage(raw string) string {
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
