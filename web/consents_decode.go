package web

import (
	"encoding/json"

	"github.com/consentry/consentry/internal/consent"
	"github.com/labstack/echo/v4"
)

// A consent body as the snippet sends it is a flat object of a few known
// keys with plain values. decodeRequest reads exactly that shape without
// reflection; anything else (another key or spelling, an escape, a byte
// outside printable ASCII, null, a number that is not a plain integer, a key
// twice, ...) is left to encoding/json, so a body means what encoding/json
// makes of it, error included, whichever way it is read (FuzzDecodeRequest
// holds the two together).

// readConsentRequest decodes a consent body into req, as readJSON would.
func readConsentRequest(c echo.Context, req *consent.Request) error {
	return decodeBody(c, func(b []byte) error { // req holds no part of b: strings are copied
		if decodeRequest(b, req) {
			return nil
		}
		*req = consent.Request{}
		return json.Unmarshal(b, req)
	})
}

// The keys decodeRequest knows, as bits of the set seen so far.
const (
	keyAction = 1 << iota
	keyCategories
	keyConsentID
	keyToken
	keyRevision
	keyLang
	keyPage
	keySource
	keyGPC
	keyRequestID
)

// decodeRequest decodes b into req when b is a body of the simple shape,
// and reports whether it was; req is then what json.Unmarshal makes of b.
func decodeRequest(b []byte, req *consent.Request) bool {
	d := decoder{b: b}
	if !d.byte('{') {
		return false
	}
	seen := 0
	if !d.byte('}') {
		for {
			key, ok := d.plainString()
			if !ok || !d.byte(':') {
				return false
			}
			var bit int
			switch string(key) {
			case "action":
				bit = keyAction
				v, ok := d.plainString()
				if !ok {
					return false
				}
				req.Action = consent.Action(intern(v))
			case "categories":
				bit = keyCategories
				if req.Categories, ok = d.categories(); !ok {
					return false
				}
			case "consent_id":
				bit = keyConsentID
				v, ok := d.plainString()
				if !ok {
					return false
				}
				req.ConsentID = string(v)
			case "token":
				bit = keyToken
				if d.null() { // the snippet's first decision: no token yet
					break
				}
				v, ok := d.plainString()
				if !ok {
					return false
				}
				req.Token = string(v)
			case "revision":
				bit = keyRevision
				if req.Revision, ok = d.integer(); !ok {
					return false
				}
			case "lang":
				bit = keyLang
				v, ok := d.plainString()
				if !ok {
					return false
				}
				req.Lang = intern(v)
			case "page":
				bit = keyPage
				v, ok := d.plainString()
				if !ok {
					return false
				}
				req.Page = string(v)
			case "source":
				bit = keySource
				v, ok := d.plainString()
				if !ok {
					return false
				}
				req.Source = consent.Source(intern(v))
			case "gpc":
				bit = keyGPC
				if req.GPC, ok = d.boolean(); !ok {
					return false
				}
			case "request_id":
				bit = keyRequestID
				v, ok := d.plainString()
				if !ok {
					return false
				}
				req.RequestID = string(v)
			default:
				return false
			}
			if seen&bit != 0 {
				return false
			}
			seen |= bit
			if d.byte(',') {
				continue
			}
			if d.byte('}') {
				break
			}
			return false
		}
	}
	d.space()
	return d.i == len(d.b)
}

// intern returns the values and category keys sent most as constants,
// without a copy, and any other as a new string.
func intern(v []byte) string {
	switch string(v) {
	case "accept_all":
		return string(consent.AcceptAll)
	case "reject_all":
		return string(consent.RejectAll)
	case "custom":
		return string(consent.Custom)
	case "withdraw":
		return string(consent.Withdraw)
	case "banner":
		return string(consent.SourceBanner)
	case "preferences":
		return string(consent.SourcePreferences)
	case "placeholder":
		return string(consent.SourcePlaceholder)
	case "api":
		return string(consent.SourceAPI)
	case "necessary":
		return "necessary"
	case "analytics":
		return "analytics"
	case "marketing":
		return "marketing"
	case "en":
		return "en"
	}
	return string(v)
}

type decoder struct {
	b []byte
	i int
}

// space skips JSON white space.
func (d *decoder) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// byte consumes c, after white space, if it comes next.
func (d *decoder) byte(c byte) bool {
	d.space()
	if d.i < len(d.b) && d.b[d.i] == c {
		d.i++
		return true
	}
	return false
}

// plainString consumes a string of printable ASCII without escapes and
// returns its bytes, which are the string's value.
func (d *decoder) plainString() ([]byte, bool) {
	if !d.byte('"') {
		return nil, false
	}
	for j := d.i; j < len(d.b); j++ {
		switch c := d.b[j]; {
		case c == '"':
			s := d.b[d.i:j]
			d.i = j + 1
			return s, true
		case c < 0x20 || c > 0x7e || c == '\\':
			return nil, false
		}
	}
	return nil, false
}

// null consumes null, which leaves a string as it was (empty: each key
// comes once), as encoding/json does.
func (d *decoder) null() bool {
	d.space()
	if rest := d.b[d.i:]; len(rest) >= 4 && string(rest[:4]) == "null" {
		d.i += 4
		return true
	}
	return false
}

// boolean consumes true or false.
func (d *decoder) boolean() (bool, bool) {
	d.space()
	rest := d.b[d.i:]
	switch {
	case len(rest) >= 4 && string(rest[:4]) == "true":
		d.i += 4
		return true, true
	case len(rest) >= 5 && string(rest[:5]) == "false":
		d.i += 5
		return false, true
	}
	return false, false
}

// integer consumes a JSON integer of at most 15 digits (no fraction, no
// exponent), which an int holds on every platform Go runs on here.
func (d *decoder) integer() (int, bool) {
	d.space()
	j := d.i
	neg := j < len(d.b) && d.b[j] == '-'
	if neg {
		j++
	}
	start, n := j, 0
	for ; j < len(d.b) && d.b[j] >= '0' && d.b[j] <= '9'; j++ {
		n = n*10 + int(d.b[j]-'0')
	}
	digits := j - start
	if digits == 0 || digits > 15 || (digits > 1 && d.b[start] == '0') {
		return 0, false
	}
	if j < len(d.b) && (d.b[j] == '.' || d.b[j] == 'e' || d.b[j] == 'E') {
		return 0, false
	}
	d.i = j
	if neg {
		n = -n
	}
	return n, true
}

// categories consumes an object of category keys to true or false, each key
// once.
func (d *decoder) categories() (map[string]bool, bool) {
	if !d.byte('{') {
		return nil, false
	}
	m := make(map[string]bool, 4)
	if d.byte('}') {
		return m, true
	}
	for {
		k, ok := d.plainString()
		if !ok || !d.byte(':') {
			return nil, false
		}
		v, ok := d.boolean()
		if !ok {
			return nil, false
		}
		if _, dup := m[string(k)]; dup {
			return nil, false
		}
		m[intern(k)] = v
		if d.byte(',') {
			continue
		}
		if d.byte('}') {
			return m, true
		}
		return nil, false
	}
}
