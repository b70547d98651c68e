package auth_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

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
		{strings.Repeat("a", 250) + "@b.example", "admin", "long enough password", "email"},
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

func TestSessions(t *testing.T) {
	s := auth.NewSessions(bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32))
	now := time.Now()
	sess, c, err := s.Start(7, now)
	if err != nil {
		t.Fatal(err)
	}
	id, csrf, ok := s.Open(c)
	if !ok || id != sess.ID || sess.UserID != 7 || csrf == "" {
		t.Fatal("fresh session cookie refused")
	}
	other, c2, _ := s.Start(7, now)
	if _, csrf2, _ := s.Open(c2); other.ID == sess.ID || csrf2 == csrf {
		t.Error("two sessions share an ID or a CSRF token")
	}
	if _, _, ok := auth.NewSessions(bytes.Repeat([]byte{3}, 32), bytes.Repeat([]byte{2}, 32)).Open(c); ok {
		t.Error("session from another key accepted")
	}
	if _, _, ok := s.Open(c[:len(c)-2] + "AA"); ok {
		t.Error("altered cookie accepted")
	}
	if !sess.Live(now.Add(time.Minute)) {
		t.Error("fresh session not live")
	}
	if sess.Live(now.Add(auth.IdleTimeout + time.Minute)) {
		t.Error("idle session live")
	}
	sess.Seen = now.Add(auth.AbsoluteTimeout)
	if sess.Live(now.Add(auth.AbsoluteTimeout + time.Minute)) {
		t.Error("session past its absolute timeout live")
	}
}

func TestBackoff(t *testing.T) {
	b := auth.Backoff{Free: 2, Base: time.Second, Max: 5 * time.Second, Forget: time.Hour}
	now := time.Now()
	var st auth.ThrottleState
	var waits []time.Duration
	for range 6 {
		st = b.Fail(st, now)
		waits = append(waits, max(0, st.Until.Sub(now)))
	}
	if fmt.Sprint(waits) != "[0s 0s 1s 2s 4s 5s]" {
		t.Errorf("waits %v, want 2 free failures, then doubling up to the maximum", waits)
	}
	for range 100 {
		st = b.Fail(st, now)
	}
	if st.Until.Sub(now) != 5*time.Second {
		t.Errorf("after 106 failures: blocked for %v, want the 5s maximum", st.Until.Sub(now))
	}
	if st = b.Fail(st, now.Add(2*time.Hour)); st.Failures != 1 || st.Until.After(now.Add(2*time.Hour)) {
		t.Errorf("after Forget: %+v, want a fresh start", st)
	}
}

func TestThrottlePolicy(t *testing.T) {
	th := auth.SignIn
	now := time.Now()
	k := th.Keys("Dpo@Shop.example", "192.0.2.1")
	st := map[string]auth.ThrottleState{}
	for range th.IP.Free + 1 {
		st[k.IP] = th.IP.Fail(st[k.IP], now)
		st[k.Account] = th.Account.Fail(st[k.Account], now)
	}
	if until, acct := th.Blocked(k, st, now); !until.After(now) || acct {
		t.Errorf("an address over its free failures: blocked until %v (account %v)", until, acct)
	}
	other := th.Keys("dpo@shop.example", "198.51.100.7")
	if until, _ := th.Blocked(other, st, now); !until.IsZero() {
		t.Errorf("the account's owner from another address blocked until %v", until)
	}
	st[k.Known] = auth.ThrottleState{Forget: now.Add(th.Known)}
	if until, _ := th.Blocked(k, st, now); !until.IsZero() {
		t.Errorf("the owner from a blocked address it signed in from before: blocked until %v", until)
	}
	for range 100 {
		st[k.Account] = th.Account.Fail(st[k.Account], now)
	}
	if until, acct := th.Blocked(other, st, now); !acct || until.Sub(now) > time.Minute {
		t.Errorf("an account under a distributed attack: blocked until %v (account %v), want at most a minute", until, acct)
	}
	if long := th.Keys(strings.Repeat("x", 5000)+"@shop.example", "192.0.2.1"); len(long.Account) > auth.MaxEmail+2 {
		t.Errorf("throttle key of %d bytes", len(long.Account))
	}
}

func TestAuditEntryClipped(t *testing.T) {
	e := auth.AuditEntry{Actor: strings.Repeat("é", 500), Target: strings.Repeat("a", 9000), Detail: strings.Repeat("d", 9000), IP: strings.Repeat("1", 100)}.Clipped()
	if len(e.Actor) > auth.MaxEmail || !utf8.ValidString(e.Actor) || len(e.Target) != auth.MaxEmail || len(e.Detail) != auth.MaxDetail || len(e.IP) != auth.MaxField || e.Count != 1 {
		t.Errorf("clipped to %d, %d, %d, %d bytes; count %d", len(e.Actor), len(e.Target), len(e.Detail), len(e.IP), e.Count)
	}
}
