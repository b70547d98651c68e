package web

import (
	"errors"
	"mime"
	"net/http"
	"strings"

	"github.com/consentry/consentry/internal/consent"
	"github.com/labstack/echo/v4"
)

// VisitorBodyLimit is the most the visitor API and the no-JavaScript form
// read (DESIGN.md): a decision is a few hundred bytes.
const VisitorBodyLimit = 8192

// ConsoleBodyLimit is the most a console form may send. The largest form is
// one language's texts in the site editor (the texts of each language are
// saved on their own): every text a site may override, that is
// len(consent.TextKeys) = 16 plus a name and a description for each of at
// most consent.MaxCategories = 20 categories, 56 fields in all, each at its
// documented maximum of consent.MaxTextLen = 2,000 characters. A character
// takes at most 4 bytes of UTF-8 and a form sends every byte outside plain
// ASCII percent-encoded, as 3, so one field takes at most 2,000 × 4 × 3 =
// 24,000 bytes, plus its name and separators (under 64). The form's other
// fields (language, CSRF token) and every other console form are far
// smaller; 8 KiB covers them. 56 × 24,064 + 8,192 = 1,355,776 bytes.
var ConsoleBodyLimit = int64((len(consent.TextKeys)+2*consent.MaxCategories)*(consent.MaxTextLen*4*3+64) + 8192)

// bodyLimit refuses a body over limit bytes with 413 and a message naming
// the limit, whether the client announced its length or not; a body cut
// short (the client hung up before sending what it announced) is 400. A form
// is read here, so a handler's FormValue never sees a half-read form as an
// empty one.
func bodyLimit(limit int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if r.ContentLength > limit {
				return tooLarge(limit)
			}
			r.Body = http.MaxBytesReader(c.Response().Writer, r.Body, limit)
			if r.Method == http.MethodPost && isForm(r) {
				if err := r.ParseForm(); err != nil {
					return bodyError(err)
				}
			}
			return next(c)
		}
	}
}

// isForm reports whether r's body is a URL-encoded form. Most posts are
// not (the snippet sends text/plain): a Content-Type of ASCII that does not
// start with the form's media type, after white space and whatever the
// case, cannot be one, and only another is parsed.
func isForm(r *http.Request) bool {
	const form = "application/x-www-form-urlencoded"
	h := r.Header.Get("Content-Type")
	if ascii(h) {
		t := strings.TrimLeft(h, " \t\n\v\f\r")
		if len(t) < len(form) || !strings.EqualFold(t[:len(form)], form) {
			return false
		}
	}
	ct, _, _ := mime.ParseMediaType(h)
	return ct == form
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func tooLarge(limit int64) error {
	return consent.Errorf(consent.ETooLarge, "the request body is larger than %d bytes, the most this endpoint reads", limit).
		Say("e_body_too_large", map[string]any{"Limit": limit})
}

// bodyError classifies a failure to read a request body: over the limit
// (413) or cut short or otherwise unreadable (400). Either way the client
// sent something wrong; it is never the server's failure.
func bodyError(err error) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return tooLarge(mb.Limit)
	}
	return consent.Wrap(consent.EInvalid, err, "the request body could not be read in full (cut short?): send it again")
}
