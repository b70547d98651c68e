package web

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
)

// pagePolicy is the Content-Security-Policy of every HTML page Consentry
// serves, around a fresh nonce per response: scripts and styles only from
// Consentry itself or carrying the nonce, never inline otherwise, never eval.
// form-action is left open on purpose: the no-JavaScript page redirects to
// the site's own origin after its POST, and Chromium checks redirects
// against form-action.
const pagePolicy = "default-src 'self'; script-src 'self' 'nonce-%[1]s'; style-src 'self' 'nonce-%[1]s'; " +
	"img-src 'self' data:; frame-src 'self'; frame-ancestors 'self'; object-src 'none'; base-uri 'none'"

// withNonce makes a fresh nonce for one HTML response, sets the policy that
// names it and returns the request context templ reads it from
// (templ.GetNonce).
func withNonce(c echo.Context) *http.Request {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand panics rather than return an error)
	n := base64.RawStdEncoding.EncodeToString(b[:])
	c.Response().Header().Set("Content-Security-Policy", strings.ReplaceAll(pagePolicy, "%[1]s", n))
	return c.Request().WithContext(templ.WithNonce(c.Request().Context(), n))
}

// compressed writes body gzipped when the client accepts it and it is worth
// it; small bodies go as they are.
func compressed(c echo.Context, status int, contentType string, body []byte) error {
	h := c.Response().Header()
	h.Add("Vary", "Accept-Encoding")
	if len(body) < 1024 || !accepts(c.Request().Header.Get("Accept-Encoding"), "gzip") {
		return c.Blob(status, contentType, body)
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.DefaultCompression)
	zw.Write(body)
	zw.Close()
	h.Set("Content-Encoding", "gzip")
	return c.Blob(status, contentType, gz.Bytes())
}
