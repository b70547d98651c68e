package token_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/token"
	"github.com/gorilla/securecookie"
)

// FuzzDecode hands the token decoder whatever a visitor's cookie or a
// backend's verify call may hold. It must never panic nor accept a token it
// did not sign; what it accepts must read back the same after re-signing.
func FuzzDecode(f *testing.F) {
	c, _ := token.NewCodec(key(1), key(2))
	other, _ := token.NewCodec(key(3))
	good, _ := c.Encode(claims())
	forged, _ := other.Encode(claims())
	for _, s := range []string{good, forged, good[:len(good)/2], good + "A", "", "|||", "MTIz", "bm9uZQ==",
		// valid base64 of "date|value|mac" with junk inside
		"MTcwMDAwMDAwMHx8", "MTcwMDAwMDAwMHxleUo5fAA="} {
		f.Add(s)
	}
	now := time.Now()
	f.Fuzz(func(t *testing.T, tok string) {
		cl, err := c.Decode(tok, now)
		if err != nil {
			return
		}
		if _, err := other.Decode(tok, now); err == nil {
			t.Fatalf("a token verified under two unrelated keys: %q", tok)
		}
		again, err := c.Encode(cl)
		if err != nil {
			t.Fatalf("an accepted token's claims %+v do not sign again: %v", cl, err)
		}
		back, err := c.Decode(again, now)
		if err != nil || !reflect.DeepEqual(back, cl) {
			t.Fatalf("re-signed claims read back as %+v (%v), want %+v", back, err, cl)
		}
	})
}

// FuzzEncode holds Encode's own signer to securecookie on any claims: the
// same bytes (when both stamp the same second), and a token that decodes
// back to the claims.
func FuzzEncode(f *testing.F) {
	f.Add("01900000-0000-7000-8000-000000000000", "01900000-0000-7000-8000-000000000001", "shop", 3, "analytics", "necessary", 72, int64(1), int64(1<<40))
	f.Add("", "", "", 0, "", "", 0, int64(0), int64(0))
	f.Add("é\u2028<>&\"\\", "\t", "a\x00b", -1, "\xff", "\u00e9", -5, int64(-1), int64(-1))
	c, _ := token.NewCodec(key(7))
	lib := securecookie.New(key(7), nil).SetSerializer(securecookie.JSONEncoder{})
	lib.MaxAge(0)
	f.Fuzz(func(t *testing.T, id, event, site string, rev int, g1, g2 string, cm int, iat, exp int64) {
		cl := token.Claims{ConsentID: id, EventID: event, Site: site, Revision: rev, Granted: []string{g1, g2}, ConsentMode: cm, Issued: iat, Expires: exp}
		if g1 == "" && g2 == "" {
			cl.Granted = nil
		}
		for try := 0; ; try++ {
			before := time.Now().Unix()
			ours, err := c.Encode(cl)
			theirs, lerr := lib.Encode(token.Name, cl)
			if (err == nil) != (lerr == nil) {
				t.Fatalf("Encode: %v, securecookie: %v", err, lerr)
			}
			if err != nil {
				return
			}
			if time.Now().Unix() != before && try < 5 {
				continue
			}
			if ours != theirs {
				t.Fatalf("Encode wrote %q, securecookie %q", ours, theirs)
			}
			var back token.Claims
			if err := lib.Decode(token.Name, ours, &back); err != nil {
				t.Fatalf("securecookie cannot read Encode's token: %v", err)
			}
			return
		}
	})
}
