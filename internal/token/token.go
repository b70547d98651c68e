// Package token issues and checks the visitor's consent token: the value of
// the first-party "consentry" cookie. It is a gorilla/securecookie value with
// the JSON serializer, signed with HMAC-SHA256 and deliberately not
// encrypted: nothing in it is secret from the visitor it describes, and the
// snippet reads grants, revision and expiry from it on every page load
// without waiting for the network. The server trusts it only after the MAC.
package token

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/gorilla/securecookie"
)

// Name is the cookie name, and the name the MAC covers.
const Name = "consentry"

// Claims is what a token says. Field names are short: the cookie travels
// with every request to the visitor's site.
type Claims struct {
	ConsentID string `json:"id"`
	// EventID names the decision the token was issued for, so that verify
	// can tell whether the ledger holds a later one. Tokens issued before it
	// existed lack it.
	EventID     string   `json:"e,omitempty"`
	Site        string   `json:"s"`
	Revision    int      `json:"r"`
	Granted     []string `json:"g"`
	ConsentMode int      `json:"cm"` // bit mask over consent.ConsentModeTypes
	Issued      int64    `json:"iat"`
	Expires     int64    `json:"exp"`
}

// Codec signs new tokens with the first key and accepts any of its keys, so
// keys can be rotated without logging visitors out.
type Codec struct {
	codecs []securecookie.Codec
	// anyAge are the same keys without the age limit, for Identify.
	anyAge []securecookie.Codec
	signer *signer // Encode's fast path under the newest key
}

// MinKeyLen is the shortest signing key accepted.
const MinKeyLen = 32

// NewCodec builds a codec from signing keys, newest first.
func NewCodec(keys ...[]byte) (*Codec, error) {
	if len(keys) == 0 {
		return nil, errors.New("token: no signing key")
	}
	pairs := make([][]byte, 0, 2*len(keys))
	for _, k := range keys {
		if len(k) < MinKeyLen {
			return nil, errors.New("token: signing keys must be at least 32 bytes")
		}
		pairs = append(pairs, k, nil) // nil block key: signed, not encrypted
	}
	codecs, anyAge := securecookie.CodecsFromPairs(pairs...), securecookie.CodecsFromPairs(pairs...)
	for i := range codecs {
		codecs[i].(*securecookie.SecureCookie).
			SetSerializer(securecookie.JSONEncoder{}).
			MaxAge(int(consent.MaxLifetime / time.Second))
		anyAge[i].(*securecookie.SecureCookie).SetSerializer(securecookie.JSONEncoder{}).MaxAge(0)
	}
	return &Codec{codecs: codecs, anyAge: anyAge, signer: newSigner(keys[0])}, nil
}

// Encode signs claims with the newest key.
func (c *Codec) Encode(cl Claims) (string, error) {
	if tok, ok := c.signer.encode(cl, time.Now()); ok {
		return tok, nil
	}
	return securecookie.EncodeMulti(Name, cl, c.codecs...) // too long: the library's error
}

// Decode checks a token's MAC with every key and returns its claims. It fails
// for a token that is forged, altered, signed with an unknown key, or expired,
// and says which: a genuine token signed longer ago than the longest consent
// lifetime fails the codecs' age limit, not its MAC, and is said to have
// expired, as a younger expired one is, never to have a signature that does
// not verify.
func (c *Codec) Decode(tok string, now time.Time) (Claims, error) {
	tok = unescape(tok)
	var cl Claims
	if err := securecookie.DecodeMulti(Name, tok, &cl, c.codecs...); err != nil {
		if old, err := c.Identify(tok); err == nil {
			return Claims{}, expired(old, now)
		}
		return Claims{}, consent.Errorf(consent.EInvalid, "the token is not valid: its signature does not verify")
	}
	if now.Unix() >= cl.Expires {
		return Claims{}, expired(cl, now)
	}
	return cl, nil
}

// unescape reads a token as the browser sends the cookie the snippet wrote:
// the snippet stores it with encodeURIComponent, which writes the base64
// padding "=" as "%3D", and neither Go nor most backends undo that when they
// read a cookie. The MAC is checked on what this returns, so it trusts
// nothing more.
func unescape(tok string) string {
	if strings.Contains(tok, "%") {
		if u, err := url.PathUnescape(tok); err == nil {
			return u
		}
	}
	return tok
}

// expired is the refusal of a genuine token past its time: when it expired,
// or, for one whose expiry has not come but that was signed longer ago than
// any consent lasts (a clock set wrong), that it is older than that.
func expired(cl Claims, now time.Time) error {
	if now.Unix() < cl.Expires {
		return consent.Errorf(consent.EInvalid, "the token was signed longer ago than the longest consent lifetime (%d days)", consent.MaxLifetime/(24*time.Hour))
	}
	return consent.Errorf(consent.EInvalid, "the token expired at %s", time.Unix(cl.Expires, 0).UTC().Format(time.RFC3339))
}

// Identify checks a token's MAC with every key and returns its claims, even
// when it has expired: staff looking up whose token a visitor or a site's
// backend holds want its consent ID, and an expired token still names it.
// It fails for a token that is forged, altered or signed with an unknown
// key. Never honour a consent on it: that is Decode's.
func (c *Codec) Identify(tok string) (Claims, error) {
	tok = unescape(tok)
	var cl Claims
	if err := securecookie.DecodeMulti(Name, tok, &cl, c.anyAge...); err != nil {
		return Claims{}, consent.Errorf(consent.EInvalid, "the token is not valid: its signature does not verify")
	}
	return cl, nil
}
