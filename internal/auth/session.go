package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"time"

	"github.com/gorilla/securecookie"
)

// SessionCookie is the console's session cookie name.
const SessionCookie = "consentry_session"

// Session is one signed-in console session as the database keeps it. The
// cookie carries a random secret; the database only its SHA-256, so that
// ending the row ends every copy of the cookie on every instance, and a
// copy of the table signs nobody in.
type Session struct {
	ID      [32]byte // SHA-256 of the cookie's secret
	UserID  int64
	Started time.Time
	Seen    time.Time // last use, kept to the minute (see TouchEvery)
}

// Timeouts of a console session.
const (
	IdleTimeout     = 30 * time.Minute
	AbsoluteTimeout = 12 * time.Hour
	// TouchEvery is how stale a session's last use may be before a request
	// records it again: requests read their session, they do not write it.
	TouchEvery = time.Minute
)

// Live reports whether the session is within both timeouts at now.
func (s Session) Live(now time.Time) bool {
	return now.Sub(s.Started) <= AbsoluteTimeout && now.Sub(s.Seen) <= IdleTimeout
}

// Sessions seals session cookies (signed and encrypted); the first key pair
// seals new ones, every pair opens, so keys rotate without signing everyone
// out.
type Sessions struct {
	codecs []securecookie.Codec
}

// NewSessions builds the codec from hash/block key pairs, newest first.
func NewSessions(pairs ...[]byte) *Sessions {
	codecs := securecookie.CodecsFromPairs(pairs...)
	for _, c := range codecs {
		c.(*securecookie.SecureCookie).SetSerializer(securecookie.JSONEncoder{}).MaxAge(int(AbsoluteTimeout / time.Second))
	}
	return &Sessions{codecs: codecs}
}

// cookie is what the session cookie holds.
type cookie struct {
	Secret []byte `json:"k"`
}

// Start makes a new session for a user at now: the row to store and the
// cookie value that names it.
func (s *Sessions) Start(userID int64, now time.Time) (Session, string, error) {
	secret := make([]byte, 32)
	rand.Read(secret)
	v, err := securecookie.EncodeMulti(SessionCookie, cookie{Secret: secret}, s.codecs...)
	if err != nil {
		return Session{}, "", err
	}
	return Session{ID: sha256.Sum256(secret), UserID: userID, Started: now, Seen: now}, v, nil
}

// Open reads a session cookie: the ID of the session row it names, and the
// session's CSRF token. ok is false for a forged, foreign or expired cookie.
func (s *Sessions) Open(value string) (id [32]byte, csrf string, ok bool) {
	var v cookie
	if securecookie.DecodeMulti(SessionCookie, value, &v, s.codecs...) != nil || len(v.Secret) != 32 {
		return id, "", false
	}
	return sha256.Sum256(v.Secret), csrfToken(v.Secret), true
}

// csrfToken is the CSRF token of the session with this secret: bound to the
// session, so a token from one session is worthless in another, and known
// only to whoever holds the session's cookie.
func csrfToken(secret []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("consentry csrf"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Seal signs and encrypts v as the value of the cookie called name, with
// the session cookies' keys: a cookie sealed under one name opens under
// no other, so no other cookie passes for a session.
func (s *Sessions) Seal(name string, v any) (string, error) {
	return securecookie.EncodeMulti(name, v, s.codecs...)
}

// Unseal opens a cookie value Seal made under name into v; false for a
// forged, foreign or expired one.
func (s *Sessions) Unseal(name, value string, v any) bool {
	return securecookie.DecodeMulti(name, value, v, s.codecs...) == nil
}
