// Package auth is who may use the staff console: users and their roles,
// password hashing, sealed session cookies, the sign-in throttle's policy and the
// audit trail's entries. It does no I/O of its own.
package auth

import (
	"errors"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/words"
	"golang.org/x/crypto/bcrypt"
)

// Role is what a user may do.
type Role string

// The roles. A viewer reads and exports; an admin also erases personal
// data, manages users and configures sites.
const (
	Admin  Role = "admin"
	Viewer Role = "viewer"
)

// ParseRole reads a role name.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case Admin, Viewer:
		return r, nil
	}
	return "", consent.FieldError(consent.EInvalid, "role", "%q is not a role: use admin or viewer", s).Say("e_not_a_role", map[string]any{"Value": Clip(s, 40)})
}

// Words are the role in the console's words: admin is "Administrator".
func (r Role) Words() words.Words { return words.SayCode("a_role_", string(r)) }

// User is one member of the privacy staff.
type User struct {
	ID           int64
	Email        string
	PasswordHash string
	Role         Role
	Lang         string // console language
	TZ           string // IANA time zone for displayed times
	CreatedAt    time.Time
	Disabled     bool
}

// Location is the user's time zone, UTC when unknown.
func (u *User) Location() *time.Location {
	if loc, err := time.LoadLocation(u.TZ); err == nil {
		return loc
	}
	return time.UTC
}

// Can reports whether the user holds at least role r.
func (u *User) Can(r Role) bool {
	return !u.Disabled && (u.Role == Admin || r == Viewer)
}

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 12

// BcryptCost is the password hashing cost in production.
const BcryptCost = bcrypt.DefaultCost

// NewUser checks an email, role and password and returns the user with the
// password hashed at the given bcrypt cost.
func NewUser(email string, role Role, password string, cost int) (*User, error) {
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != strings.TrimSpace(email) {
		return nil, consent.FieldError(consent.EInvalid, "email", "%q is not an email address", Clip(email, MaxEmail)).
			Say("e_not_an_email", map[string]any{"Value": Clip(email, MaxEmail)})
	}
	if len(addr.Address) > MaxEmail {
		return nil, consent.FieldError(consent.EInvalid, "email", "must be at most %d bytes", MaxEmail).Say("e_at_most_bytes", map[string]any{"Max": MaxEmail})
	}
	if _, err := ParseRole(string(role)); err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(password) < MinPasswordLen {
		return nil, consent.FieldError(consent.EInvalid, "password", "must be at least %d characters", MinPasswordLen).
			Say("e_password_short", map[string]any{"Min": MinPasswordLen})
	}
	if len(password) > 72 {
		return nil, consent.FieldError(consent.EInvalid, "password", "must be at most 72 bytes").Say("e_at_most_bytes", map[string]any{"Max": 72})
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	if err != nil {
		return nil, err
	}
	return &User{Email: strings.ToLower(addr.Address), PasswordHash: string(hash), Role: role, Lang: "en", TZ: "UTC",
		CreatedAt: time.Now().UTC()}, nil
}

// ErrBadCredentials is the one answer to a failed sign-in, whether the
// account exists or not.
var ErrBadCredentials = consent.Errorf(consent.EForbidden, "wrong email or password")

// dummyHash is compared against when no user matches, so that a sign-in
// for an unknown address takes as long as one for a known address.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("consentry-dummy-password"), bcrypt.DefaultCost)

// CheckPassword verifies a password for u, which may be nil.
func CheckPassword(u *User, password string) error {
	hash := dummyHash
	if u != nil {
		hash = []byte(u.PasswordHash)
	}
	err := bcrypt.CompareHashAndPassword(hash, []byte(password))
	if u == nil || u.Disabled || errors.Is(err, bcrypt.ErrMismatchedHashAndPassword) {
		return ErrBadCredentials
	}
	return err
}

// AuditEntry is one thing a staff member did.
type AuditEntry struct {
	Seq    int64
	Time   time.Time
	Actor  string // email, or "-" before sign-in
	Action string // signin, signin_failed, signout, export, erase, user_add, ...
	Target string
	// Detail is what happened, in English: the CSV and the command line
	// read it. Words say the same in the console's catalogue, sentence by
	// sentence, for the trail to show in each staff member's language;
	// none on an entry written before migration 00015 kept them.
	Detail string
	Words  []words.Words
	IP     string
	// Count is how many times it happened; a repeated failure is one entry
	// counted up (see store.Staff.AuditRepeat), Last the newest time.
	Count int
	Last  time.Time
}

// Stored lengths: the audit trail and the throttle keep at most this much of
// what a client sent, so that neither grows with the size of a request.
const (
	MaxEmail  = 254 // the longest usable address (RFC 5321 path limit)
	MaxDetail = 1024
	MaxField  = 64 // action, IP
)

// Clip cuts s to at most n bytes without splitting a character, after
// dropping NUL bytes and invalid UTF-8, which no text column should hold
// (PostgreSQL refuses them).
func Clip(s string, n int) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Clipped is the entry with every field cut to its stored length.
func (e AuditEntry) Clipped() AuditEntry {
	e.Actor, e.Target = Clip(e.Actor, MaxEmail), Clip(e.Target, MaxEmail)
	e.Action, e.IP, e.Detail = Clip(e.Action, MaxField), Clip(e.IP, MaxField), Clip(e.Detail, MaxDetail)
	if e.Words != nil {
		ws := make([]words.Words, len(e.Words))
		for i, w := range e.Words {
			ws[i] = clipped(w)
		}
		e.Words = ws
	}
	if e.Count < 1 {
		e.Count = 1
	}
	return e
}
