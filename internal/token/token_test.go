package token_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/token"
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
