package auth

import (
	"time"

	"github.com/gorilla/securecookie"
)

// SessionCookie is the console's session cookie name.
const SessionCookie = "consentry_session"

// Session is what the session cookie carries: who, and when the session
// started and was last used, for the absolute and idle timeouts.
type Session struct {
	UserID  int64 `json:"u"`
	Started int64 `json:"s"`
	Seen    int64 `json:"t"`
}

// Timeouts of a console session.
const (
	IdleTimeout     = 30 * time.Minute
	AbsoluteTimeout = 12 * time.Hour
)

// Sessions signs and encrypts session cookies; the first key pair signs new
// ones, every pair is accepted, so keys rotate without signing everyone out.
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

// Encode seals a session.
func (s *Sessions) Encode(v Session) (string, error) {
	return securecookie.EncodeMulti(SessionCookie, v, s.codecs...)
}

// Decode opens a session cookie and checks both timeouts at now.
func (s *Sessions) Decode(cookie string, now time.Time) (Session, bool) {
	var v Session
	if securecookie.DecodeMulti(SessionCookie, cookie, &v, s.codecs...) != nil {
		return Session{}, false
	}
	if now.Sub(time.Unix(v.Started, 0)) > AbsoluteTimeout || now.Sub(time.Unix(v.Seen, 0)) > IdleTimeout {
		return Session{}, false
	}
	return v, true
}
