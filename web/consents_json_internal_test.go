package web

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/uuid"
)

// The consent answer written by hand is byte for byte what encoding/json
// writes, whatever the categories are called and whenever it expires.
func TestConsentJSONAsEncodingJSON(t *testing.T) {
	at := time.Date(2027, 5, 30, 14, 3, 9, 123456000, time.UTC)
	for _, r := range []consentResponse{
		{ConsentID: "0192f0c4-5c1e-7a53-9b7e-3f0e2d1c4b5a", EventID: "0192f0c4-5c1e-7a53-9b7e-3f0e2d1c4b5b", Token: "MTc2NDUxMjM0fEFCQ0Q=|a1b2", ExpiresAt: at, Revision: 3, Granted: []string{"analytics", "necessary"}, GPC: true},
		{ConsentID: "x", Token: "", ExpiresAt: at.Truncate(time.Second), Revision: -1, Granted: nil},
		{ExpiresAt: at.Truncate(time.Millisecond), Granted: []string{}},
		{ExpiresAt: at.Add(-time.Hour * 24 * 365 * 57).In(time.FixedZone("x", 3600)), Granted: []string{"<b>&amp;", `quo"te\`, "naïve", "line\nbreak\x00\x1f", "\u2028\u2029", "bad\xffutf8", "ok"}},
		{ExpiresAt: time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), Revision: 1 << 40},
		{ExpiresAt: time.Date(0, 1, 1, 0, 0, 0, 1, time.UTC)},
		{ExpiresAt: at, Granted: []string{"necessary"}, GPC: true, GPCDenied: []string{"marketing", `ads"`}},
		{ExpiresAt: at, GPCDenied: []string{}},
	} {
		var want bytes.Buffer
		if err := json.NewEncoder(&want).Encode(&r); err != nil {
			t.Fatal(err)
		}
		if got := r.appendJSON([]byte("prefix")); string(got) != "prefix"+want.String() {
			t.Errorf("by hand\n%s\nencoding/json\n%s", got[len("prefix"):], want.String())
		}
	}
}

// readBody reads a body of any length to its end, in pieces too, and
// passes a read error on.
func TestReadBody(t *testing.T) {
	for _, n := range []int{0, 1, 1023, 1024, 1025, 8192, 70000} {
		body := strings.Repeat("abcdefghij", n/10+1)[:n]
		bp, err := readBody(iotest.OneByteReader(strings.NewReader(body)))
		if err != nil || string(*bp) != body {
			t.Fatalf("%d bytes: read %d, %v", n, len(*bp), err)
		}
		putBuffer(bp)
	}
	if _, err := readBody(iotest.TimeoutReader(strings.NewReader(strings.Repeat("x", 5000)))); err == nil {
		t.Error("a failed read passed")
	}
}

// uuidStrings writes what uuid.UUID.String writes.
func TestUUIDStrings(t *testing.T) {
	for range 100 {
		a, b := uuid.New(), uuid.Must(uuid.NewV7())
		if x, y := uuidStrings(a, b); x != a.String() || y != b.String() {
			t.Fatalf("%s %s, want %s %s", x, y, a, b)
		}
	}
	if x, y := uuidStrings(uuid.Nil, uuid.Max); x != uuid.Nil.String() || y != uuid.Max.String() {
		t.Fatalf("%s %s", x, y)
	}
}
