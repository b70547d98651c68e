package auth_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"golang.org/x/crypto/bcrypt"
)

func TestNewUserAndPassword(t *testing.T) {
	u, err := auth.NewUser("DPO@Shop.example", auth.Viewer, "correct horse battery", bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "dpo@shop.example" || u.PasswordHash == "correct horse battery" {
		t.Errorf("user %+v", u)
	}
	if err := auth.CheckPassword(u, "correct horse battery"); err != nil {
		t.Error(err)
	}
	if err := auth.CheckPassword(u, "wrong horse battery"); err != auth.ErrBadCredentials {
		t.Errorf("wrong password: %v", err)
	}
	if err := auth.CheckPassword(nil, "anything at all"); err != auth.ErrBadCredentials {
		t.Errorf("unknown user: %v", err)
	}
	u.Disabled = true
	if err := auth.CheckPassword(u, "correct horse battery"); err != auth.ErrBadCredentials {
		t.Errorf("disabled user signed in: %v", err)
	}
	for _, tc := range []struct{ email, role, pw, field string }{
		{"not-an-email", "admin", "long enough password", "email"},
		{"a@b.example", "owner", "long enough password", "role"},
		{"a@b.example", "admin", "short", "password"},
	} {
		_, err := auth.NewUser(tc.email, auth.Role(tc.role), tc.pw, bcrypt.MinCost)
		if e, ok := err.(*consent.Error); !ok || e.Field != tc.field {
			t.Errorf("%+v: err %v, want on %s", tc, err, tc.field)
		}
	}
}

func TestRoles(t *testing.T) {
	admin, viewer := &auth.User{Role: auth.Admin}, &auth.User{Role: auth.Viewer}
	if !admin.Can(auth.Admin) || !admin.Can(auth.Viewer) || viewer.Can(auth.Admin) || !viewer.Can(auth.Viewer) {
		t.Error("wrong role check")
	}
	if (&auth.User{Role: auth.Admin, Disabled: true}).Can(auth.Viewer) {
		t.Error("disabled user may act")
	}
}

func TestSessionTimeouts(t *testing.T) {
	s := auth.NewSessions(bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32))
	start := time.Now()
	c, err := s.Encode(auth.Session{UserID: 7, Started: start.Unix(), Seen: start.Unix()})
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := s.Decode(c, start.Add(time.Minute)); !ok || v.UserID != 7 {
		t.Fatal("fresh session refused")
	}
	if _, ok := s.Decode(c, start.Add(auth.IdleTimeout+time.Minute)); ok {
		t.Error("idle session accepted")
	}
	late, _ := s.Encode(auth.Session{UserID: 7, Started: start.Add(-auth.AbsoluteTimeout - time.Minute).Unix(), Seen: start.Unix()})
	if _, ok := s.Decode(late, start); ok {
		t.Error("session past its absolute timeout accepted")
	}
	other := auth.NewSessions(bytes.Repeat([]byte{3}, 32), bytes.Repeat([]byte{2}, 32))
	if _, ok := other.Decode(c, start); ok {
		t.Error("session from another key accepted")
	}
}

func TestThrottle(t *testing.T) {
	th := auth.NewThrottle(time.Hour, 3)
	for i := range 3 {
		if !th.Allow("a@b.example", "192.0.2.1") {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	if th.Allow("a@b.example", "192.0.2.99") {
		t.Error("4th attempt on one account from another IP allowed")
	}
	if th.Allow("c@d.example", "192.0.2.1") {
		t.Error("4th attempt from one IP on another account allowed")
	}
	if !th.Allow("c@d.example", "192.0.2.2") {
		t.Error("a fresh account and IP refused")
	}
}
