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
	"unsafe"
)

// signer writes exactly what securecookie's Encode writes for Claims with
// the JSON serializer and no block key — base64url of
// "date|base64url(json)|HMAC-SHA256(name|date|base64url(json))", the JSON
// as json.Encoder writes it, newline included — but without reflection,
// formatting or a new HMAC per token: Encode runs on every consent request.
// TestEncodeMatchesSecurecookie holds it to the library byte for byte.
type signer struct {
	pool sync.Pool // *signing
}

// signing is what one encode works with, reused: an HMAC-SHA256 under the
// newest key and the buffers (a stack array would escape through the hash).
type signing struct {
	mac     hash.Hash
	payload []byte
	buf     []byte
}

func newSigner(key []byte) *signer {
	s := &signer{}
	s.pool.New = func() any {
		return &signing{mac: hmac.New(sha256.New, key), payload: make([]byte, 0, 256), buf: make([]byte, 0, 1024)}
	}
	return s
}

// maxLength is securecookie's default limit on an encoded value.
const maxLength = 4096

func (s *signer) encode(cl Claims, now time.Time) (string, bool) {
	sg := s.pool.Get().(*signing)
	defer s.pool.Put(sg)
	sg.payload = appendClaims(sg.payload[:0], cl)
	b := append(sg.buf[:0], Name...)
	b = append(b, '|')
	b = strconv.AppendInt(b, now.Unix(), 10)
	b = append(b, '|')
	b = base64.URLEncoding.AppendEncode(b, sg.payload)
	sg.mac.Reset()
	sg.mac.Write(b)
	b = append(b, '|')
	b = sg.mac.Sum(b)
	sg.buf = b
	b = b[len(Name)+1:]
	n := base64.URLEncoding.EncodedLen(len(b))
	if n > maxLength {
		return "", false
	}
	out := make([]byte, n)
	base64.URLEncoding.Encode(out, b)
	return unsafeString(out), true
}

// unsafeString is out as a string without a copy; out is not used again.
func unsafeString(out []byte) string { return unsafe.String(unsafe.SliceData(out), len(out)) }

// appendClaims appends the claims as json.Encoder writes them: fields in
// declaration order, an empty EventID left out, a nil Granted as null, a
// final newline. A field added to Claims must be added here:
// TestEncodeMatchesSecurecookie sets every field and fails until it is.
func appendClaims(b []byte, cl Claims) []byte {
	b = append(b, `{"id":`...)
	b = AppendJSONString(b, cl.ConsentID)
	if cl.EventID != "" {
		b = append(b, `,"e":`...)
		b = AppendJSONString(b, cl.EventID)
	}
	b = append(b, `,"s":`...)
	b = AppendJSONString(b, cl.Site)
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
			b = AppendJSONString(b, g)
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

// AppendJSONString appends s quoted as encoding/json quotes it. IDs and
// category keys are plain ASCII and are copied; anything else goes through
// encoding/json, so escaping can never differ from the library's. The
// consent endpoint writes its answer with it too.
func AppendJSONString(b []byte, s string) []byte {
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
