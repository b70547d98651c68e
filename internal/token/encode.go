package token

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"hash"
	"strconv"
	"sync"
	"time"
)

// signer writes exactly what securecookie's Encode writes for Claims with
// the JSON serializer and no block key — base64url of
// "date|base64url(json)|HMAC-SHA256(name|date|base64url(json))", the JSON
// as json.Encoder writes it, newline included — but without reflection,
// formatting or a new HMAC per token: Encode runs on every consent request.
// TestEncodeMatchesSecurecookie holds it to the library byte for byte.
type signer struct {
	macs sync.Pool // hash.Hash: HMAC-SHA256 under the newest key
}

func newSigner(key []byte) *signer {
	s := &signer{}
	s.macs.New = func() any { return hmac.New(sha256.New, key) }
	return s
}

// maxLength is securecookie's default limit on an encoded value.
const maxLength = 4096

func (s *signer) encode(cl Claims, now time.Time) (string, bool) {
	var js [256]byte
	payload := appendClaims(js[:0], cl)
	var buf [1024]byte
	b := append(buf[:0], Name...)
	b = append(b, '|')
	b = strconv.AppendInt(b, now.Unix(), 10)
	b = append(b, '|')
	b = base64.URLEncoding.AppendEncode(b, payload)
	mac := s.macs.Get().(hash.Hash)
	mac.Reset()
	mac.Write(b)
	b = append(b, '|')
	b = mac.Sum(b)
	s.macs.Put(mac)
	b = b[len(Name)+1:]
	if base64.URLEncoding.EncodedLen(len(b)) > maxLength {
		return "", false
	}
	out := make([]byte, base64.URLEncoding.EncodedLen(len(b)))
	base64.URLEncoding.Encode(out, b)
	return string(out), true
}

// appendClaims appends the claims as json.Encoder writes them: fields in
// declaration order, an empty EventID left out, a nil Granted as null, a
// final newline. A field added to Claims must be added here:
// TestEncodeMatchesSecurecookie sets every field and fails until it is.
func appendClaims(b []byte, cl Claims) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, cl.ConsentID)
	if cl.EventID != "" {
		b = append(b, `,"e":`...)
		b = appendString(b, cl.EventID)
	}
	b = append(b, `,"s":`...)
	b = appendString(b, cl.Site)
	b = append(b, `,"r":`...)
	b = strconv.AppendInt(b, int64(cl.Revision), 10)
	b = append(b, `,"g":`...)
	if cl.Granted == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, g := range cl.Granted {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, g)
		}
		b = append(b, ']')
	}
	b = append(b, `,"cm":`...)
	b = strconv.AppendInt(b, int64(cl.ConsentMode), 10)
	b = append(b, `,"iat":`...)
	b = strconv.AppendInt(b, cl.Issued, 10)
	b = append(b, `,"exp":`...)
	b = strconv.AppendInt(b, cl.Expires, 10)
	return append(b, "}\n"...)
}

// appendString quotes s as encoding/json does. IDs and category keys are
// plain ASCII and are copied; anything else goes through encoding/json, so
// escaping can never differ from the library's.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
