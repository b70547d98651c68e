package token_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/token"
	"github.com/gorilla/securecookie"
)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

func claims() token.Claims {
	now := time.Now()
	return token.Claims{ConsentID: "01900000-0000-7000-8000-000000000000", Site: "shop", Revision: 3,
		Granted: []string{"analytics", "necessary"}, ConsentMode: 72, Issued: now.Unix(), Expires: now.Add(time.Hour).Unix()}
}

func TestRoundTripAndRotation(t *testing.T) {
	old, _ := token.NewCodec(key(1))
	tok, err := old.Encode(claims())
	if err != nil {
		t.Fatal(err)
	}
	rotated, _ := token.NewCodec(key(2), key(1)) // new key first, old still accepted
	got, err := rotated.Decode(tok, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got.Site != "shop" || got.Revision != 3 || len(got.Granted) != 2 {
		t.Errorf("claims %+v", got)
	}
	retired, _ := token.NewCodec(key(2))
	if _, err := retired.Decode(tok, time.Now()); err == nil {
		t.Error("a token signed with a retired key was accepted")
	}
}

// The snippet reads the claims without the key: the payload is plain JSON.
func TestReadableWithoutKey(t *testing.T) {
	c, _ := token.NewCodec(key(1))
	tok, _ := c.Encode(claims())
	outer, err := base64.URLEncoding.DecodeString(tok)
	if err != nil {
		t.Fatal(err)
	}
	inner, err := base64.URLEncoding.DecodeString(strings.Split(string(outer), "|")[1])
	if err != nil {
		t.Fatal(err)
	}
	var got token.Claims
	if err := json.Unmarshal(inner, &got); err != nil || got.Site != "shop" {
		t.Fatalf("payload %s: %v", inner, err)
	}
}

func TestRefusesForgedAndExpired(t *testing.T) {
	c, _ := token.NewCodec(key(1))
	tok, _ := c.Encode(claims())
	// Grant marketing by rewriting the readable payload: the MAC must fail.
	outer, _ := base64.URLEncoding.DecodeString(tok)
	parts := strings.SplitN(string(outer), "|", 3)
	payload, _ := base64.URLEncoding.DecodeString(parts[1])
	forged := bytes.Replace(payload, []byte(`"analytics"`), []byte(`"marketing"`), 1)
	parts[1] = base64.URLEncoding.EncodeToString(forged)
	bad := base64.URLEncoding.EncodeToString([]byte(strings.Join(parts, "|")))
	if _, err := c.Decode(bad, time.Now()); err == nil {
		t.Error("forged token accepted")
	}
	if _, err := c.Decode(tok, time.Now().Add(2*time.Hour)); err == nil {
		t.Error("expired token accepted")
	}
	if _, err := token.NewCodec([]byte("short")); err == nil {
		t.Error("short key accepted")
	}
}

// Encode's own signer must write exactly what securecookie writes, so that
// every token the library would accept, and every reader of the format,
// stays unaffected. The library stamps the current second itself: compare
// when both fall in the same second.
func TestEncodeMatchesSecurecookie(t *testing.T) {
	c, _ := token.NewCodec(key(7), key(1))
	lib := securecookie.New(key(7), nil).SetSerializer(securecookie.JSONEncoder{})
	odd := claims()
	odd.Site, odd.ConsentID, odd.Granted = `a"b\c<d>&e`, "é\u2028\x01", []string{"", "x y", "ü"}
	empty := claims()
	empty.Granted = []string{}
	// Every field set, whatever fields Claims has by now.
	var full token.Claims
	v := reflect.ValueOf(&full).Elem()
	for i := range v.NumField() {
		switch f := v.Field(i); f.Kind() {
		case reflect.String:
			f.SetString("value of " + v.Type().Field(i).Name)
		case reflect.Int, reflect.Int64:
			f.SetInt(int64(1000 + i))
		case reflect.Slice:
			f.Set(reflect.ValueOf([]string{"first", "second"}))
		default:
			t.Fatalf("Claims.%s: a %s the test does not fill", v.Type().Field(i).Name, f.Kind())
		}
	}
	for name, cl := range map[string]token.Claims{"usual": claims(), "nil granted": {}, "empty granted": empty, "odd strings": odd, "every field": full} {
		for try := 0; ; try++ {
			before := time.Now().Unix()
			ours, err := c.Encode(cl)
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := lib.Encode(token.Name, cl)
			if err != nil {
				t.Fatal(err)
			}
			if time.Now().Unix() != before && try < 5 {
				continue // a second passed in between: the stamps may differ
			}
			if ours != theirs {
				t.Errorf("%s: Encode wrote\n%s\nsecurecookie writes\n%s", name, ours, theirs)
			}
			break
		}
	}
}

func TestEncodeTooLongFails(t *testing.T) {
	c, _ := token.NewCodec(key(1))
	cl := claims()
	cl.Site = strings.Repeat("s", 4000)
	if tok, err := c.Encode(cl); err == nil {
		t.Errorf("a %d-byte token was issued", len(tok))
	}
}

// BenchmarkEncode is the token a consent answer carries, against what the
// library it replaces on this path costs.
func BenchmarkEncode(b *testing.B) {
	c, _ := token.NewCodec(key(1))
	lib := securecookie.New(key(1), nil).SetSerializer(securecookie.JSONEncoder{})
	cl := claims()
	cl.EventID = cl.ConsentID
	b.Run("signer", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c.Encode(cl)
		}
	})
	b.Run("securecookie", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			lib.Encode(token.Name, cl)
		}
	})
}

// TestIdentify: staff finding whose token it is get the claims of a genuine
// token, an expired one included (it still names its visitor), under any
// of the keys; a forged, altered or foreign one is refused.
func TestIdentify(t *testing.T) {
	old, _ := token.NewCodec(key(1))
	cl := claims()
	cl.Expires = time.Now().Add(-time.Hour).Unix()
	expired, _ := old.Encode(cl)
	c, _ := token.NewCodec(key(2), key(1))
	if _, err := c.Decode(expired, time.Now()); err == nil {
		t.Fatal("Decode took an expired token")
	}
	if got, err := c.Identify(expired); err != nil || got.ConsentID != cl.ConsentID {
		t.Errorf("expired token: %+v %v", got, err)
	}
	foreign, _ := token.NewCodec(key(3))
	other, _ := foreign.Encode(claims())
	altered := expired[:30] + map[bool]string{true: "A", false: "B"}[expired[30] != 'A'] + expired[31:]
	for name, tok := range map[string]string{"foreign": other, "altered": altered, "empty": ""} {
		if _, err := c.Identify(tok); err == nil {
			t.Errorf("%s token identified", name)
		}
	}
}

// stamped is a token as securecookie writes one signed at when, which
// Encode cannot backdate.
func stamped(k []byte, cl token.Claims, when time.Time) string {
	js, _ := json.Marshal(cl)
	b := strconv.FormatInt(when.Unix(), 10) + "|" + base64.URLEncoding.EncodeToString(js)
	m := hmac.New(sha256.New, k)
	m.Write([]byte(token.Name + "|" + b))
	return base64.URLEncoding.EncodeToString(append([]byte(b+"|"), m.Sum(nil)...))
}

// TestDecodeSaysAnOldTokenExpired: a genuine token signed longer ago than
// the longest consent lifetime is refused as expired, on the day it
// expired, not as one whose signature does not verify (the codecs' age
// limit failed, not its MAC); a forged one still is.
func TestDecodeSaysAnOldTokenExpired(t *testing.T) {
	c, _ := token.NewCodec(key(2), key(1))
	signed := time.Date(2025, 1, 10, 12, 0, 0, 0, time.UTC)
	cl := claims()
	cl.Issued, cl.Expires = signed.Unix(), signed.Add(183*24*time.Hour).Unix()
	for _, k := range []byte{1, 2} {
		_, err := c.Decode(stamped(key(k), cl, signed), time.Now())
		if err == nil || err.Error() != "the token expired at 2025-07-12T12:00:00Z" {
			t.Errorf("key %d: %v", k, err)
		}
	}
	if _, err := c.Decode(stamped(key(3), cl, signed), time.Now()); err == nil || !strings.Contains(err.Error(), "signature does not verify") {
		t.Errorf("forged: %v", err)
	}
	cl.Expires = time.Now().Add(time.Hour).Unix() // a clock set wrong when it was signed
	if _, err := c.Decode(stamped(key(1), cl, signed), time.Now()); err == nil || err.Error() != "the token was signed longer ago than the longest consent lifetime (395 days)" {
		t.Errorf("not yet expired but signed too long ago: %v", err)
	}
	if got, err := c.Identify(stamped(key(1), cl, signed)); err != nil || got.ConsentID != cl.ConsentID {
		t.Errorf("Identify: %+v %v", got, err)
	}
}
