package consent_test

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/google/uuid"
)

// v7 is a UUIDv7 stamped with t, as Consentry issues a consent ID.
func v7(t time.Time) uuid.UUID {
	id := uuid.Must(uuid.NewV7())
	var ms [8]byte
	binary.BigEndian.PutUint64(ms[:], uint64(t.UnixMilli()))
	copy(id[:6], ms[2:])
	return id
}

// TestWhyUnheld: a consent ID with no decision was never purged when no
// purge removed anything, or when its time stamp is after the newest
// cutoff; otherwise its decisions may have been purged. An ID whose time
// stamp is not a time (UUIDv4) or still to come proves nothing.
func TestWhyUnheld(t *testing.T) {
	now := time.Now().UTC()
	cutoff := now.AddDate(0, -6, 0)
	for _, c := range []struct {
		name   string
		id     uuid.UUID
		cutoff time.Time
		never  bool
		issued bool
	}{
		{"no purge, an old ID", v7(now.AddDate(-3, 0, 0)), time.Time{}, true, true},
		{"no purge, a random ID", uuid.New(), time.Time{}, true, false},
		{"issued after the newest cutoff", v7(cutoff.Add(time.Hour)), cutoff, true, true},
		{"issued before the newest cutoff", v7(cutoff.Add(-time.Hour)), cutoff, false, true},
		{"issued a moment after the cutoff", v7(cutoff.Add(100 * time.Millisecond)), cutoff, false, true},
		{"a random ID after a purge", uuid.New(), cutoff, false, false},
		{"stamped in the future", v7(now.Add(time.Hour)), cutoff, false, false},
	} {
		u := consent.WhyUnheld(c.id, c.cutoff, now)
		if u.Never != c.never || u.Issued.IsZero() == c.issued || !u.Never && !u.Cutoff.Equal(c.cutoff) {
			t.Errorf("%s: %+v", c.name, u)
		}
	}
}
