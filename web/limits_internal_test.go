package web

import (
	"mime"
	"net/http/httptest"
	"testing"
)

// isForm parses only a Content-Type that could be a form's, and answers
// as mime.ParseMediaType does for every one.
func TestIsForm(t *testing.T) {
	for _, ct := range []string{
		"", "text/plain", "text/plain;charset=UTF-8", "application/json", "application/x-www-form-urlencoded",
		"Application/X-WWW-Form-URLEncoded; charset=utf-8", " \tapplication/x-www-form-urlencoded", "application/x-www-form-urlencode",
		"application/x-www-form-urlencodedx", "application/x-www-form-urlencoded ;", "applİcation/x-www-form-urlencoded",
		"\u00a0application/x-www-form-urlencoded", "\vapplication/x-www-form-urlencoded", "multipart/form-data; boundary=x",
	} {
		r := httptest.NewRequest("POST", "/", nil)
		r.Header.Set("Content-Type", ct)
		want, _, _ := mime.ParseMediaType(ct)
		if got := isForm(r); got != (want == "application/x-www-form-urlencoded") {
			t.Errorf("isForm(%q) = %v, mime says %q", ct, got, want)
		}
	}
}
