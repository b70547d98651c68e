package web

import (
	"errors"
	"mime"
	"net/http"

	"github.com/consentry/consentry/internal/consent"
	"github.com/labstack/echo/v4"
)

// VisitorBodyLimit is the most the visitor API and the no-JavaScript form
// read (DESIGN.md): a decision is a few hundred bytes.
const VisitorBodyLimit = 8192

// ConsoleBodyLimit is the most a console form may send. The largest form is
// one language's texts in the site editor (the texts of each language are
// saved on their own): every text a site may override, that is
// len(consent.TextKeys) = 12 plus a name and a description for each of at
// most consent.MaxCategories = 20 categories, 52 fields in all, each at its
// documented maximum of consent.MaxTextLen = 2,000 characters. A character
// takes at most 4 bytes of UTF-8 and a form sends every byte outside plain
// ASCII percent-encoded, as 3, so one field takes at most 2,000 × 4 × 3 =
// 24,000 bytes, plus its name and separators (under 64). The form's other
// fields (language, CSRF token) and every other console form are far
// smaller; 8 KiB covers them. 52 × 24,064 + 8,192 = 1,259,520 bytes.
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

func isForm(r *http.Request) bool {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return ct == "application/x-www-form-urlencoded"
}

func tooLarge(limit int64) error {
	return consent.Errorf(consent.ETooLarge, "the request body is larger than %d bytes, the most this endpoint reads", limit)
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
