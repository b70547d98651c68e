package auth

import (
	"strings"
	"time"
)

// ThrottleState is what the store keeps for one throttle key: failures in a
// row, until when the key is blocked, and when it is forgotten.
type ThrottleState struct {
	Failures int
	Until    time.Time // blocked before this time
	Forget   time.Time // the store drops the key after this time
}

// Backoff is how one kind of throttle key slows down: Free failures in a row
// go unhindered, each further one blocks the key for Base, doubled per
// failure, at most Max. A key without failures for Forget starts afresh.
type Backoff struct {
	Free      int
	Base, Max time.Duration
	Forget    time.Duration
}

// Fail is the state after one more failure at now.
func (b Backoff) Fail(st ThrottleState, now time.Time) ThrottleState {
	if now.After(st.Forget) {
		st = ThrottleState{}
	}
	st.Failures++
	st.Forget = now.Add(b.Forget)
	if over := st.Failures - b.Free; over > 0 {
		d := b.Max
		if over <= 30 && b.Base<<(over-1) < b.Max {
			d = b.Base << (over - 1)
		}
		st.Until = now.Add(d)
	}
	return st
}

// Throttle is the sign-in policy. An address that keeps failing is blocked
// for longer and longer (up to an hour); an account is slowed only after
// more failures than one address may make, and never for more than a minute,
// so one attacker cannot lock its real owner out. An address from which the
// account signed in before is exempt from the address's block for that
// account: a colleague, or an attacker, behind the same NAT cannot lock the
// owner out either. Both kinds of state live in the store, so every
// instance sees them.
type Throttle struct {
	IP, Account Backoff
	Known       time.Duration // how long a successful address stays exempt
}

// SignIn is the production policy.
var SignIn = Throttle{
	IP:      Backoff{Free: 10, Base: time.Minute, Max: time.Hour, Forget: 24 * time.Hour},
	Account: Backoff{Free: 20, Base: time.Second, Max: time.Minute, Forget: time.Hour},
	Known:   30 * 24 * time.Hour,
}

// ThrottleKeys are the store keys of one sign-in attempt.
type ThrottleKeys struct{ IP, Account, Known string }

// Keys names the throttle keys of a sign-in for email from ip.
func (Throttle) Keys(email, ip string) ThrottleKeys {
	email = Clip(strings.ToLower(email), MaxEmail)
	return ThrottleKeys{IP: "i:" + ip, Account: "a:" + email, Known: "k:" + ip + " " + email}
}

// Blocked says until when an attempt with these keys must wait, given their
// stored states, and whether the account's (not the address's) block holds
// it back; a zero time when it may go ahead.
func (t Throttle) Blocked(k ThrottleKeys, st map[string]ThrottleState, now time.Time) (until time.Time, account bool) {
	if a := st[k.Account].Until; a.After(now) {
		until, account = a, true
	}
	known := st[k.Known].Forget.After(now)
	if ip := st[k.IP].Until; ip.After(now) && !known && ip.After(until) {
		until, account = ip, false
	}
	return until, account
}
