package web_test

import (
	"regexp"
	"strings"
	"testing"
)

// TestPrefsPageErrorsInVisitorsLanguage: a refusal of the page without
// JavaScript is a page in the language its address or form asked for, title
// and detail alike, whatever the browser's Accept-Language; its detail line
// was the server's English ('return: "https://evil.example/" is not on an
// origin site "demo" allows', 'revision: must be a revision number'). A
// refusal with no sentence for visitors keeps its title alone.
func TestPrefsPageErrorsInVisitorsLanguage(t *testing.T) {
	a := newApp(t, 0)
	form := func(extra map[string]string) map[string]string {
		h := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "en"}
		for k, v := range extra {
			h[k] = v
		}
		return h
	}
	detail := regexp.MustCompile(`data-testid="error">([^<]*)<`)
	for _, tc := range []struct {
		name   string
		r      req
		status int
		lang   string
		want   string
	}{
		{"unknown site", req{"GET", "/p/nosuch?lang=de", "", form(nil)}, 404, "de", "Für diese Website gibt es hier keine Cookie-Einstellungen."},
		{"return elsewhere", req{"GET", "/p/demo?lang=fr&return=https%3A%2F%2Fevil.example%2F", "", form(nil)}, 403, "fr", "Le lien de retour ne mène pas à ce site."},
		{"posted from elsewhere", req{"POST", "/p/demo", "revision=1&lang=ar&action=accept_all", form(map[string]string{"Origin": "https://evil.example"})}, 403, "ar", "لا يمكن إرسال هذا النموذج إلا من صفحته."},
		{"no revision", req{"POST", "/p/demo", "revision=x&lang=ja&action=accept_all", form(nil)}, 400, "ja", "選択内容を保存できませんでした。Cookie 設定をもう一度開いてください。"},
		{"revision not published", req{"POST", "/p/demo", "revision=99&lang=es&action=accept_all", form(nil)}, 422, "es", "No se ha podido guardar tu elección. Vuelve a abrir la configuración de cookies."},
		{"unknown action", req{"POST", "/p/demo", "revision=1&lang=de&action=bogus", form(nil)}, 422, "de", "Ihre Auswahl konnte nicht gespeichert werden. Bitte öffnen Sie die Cookie-Einstellungen erneut."},
		{"no such page", req{"GET", "/p/?lang=de", "", form(nil)}, 404, "de", ""},
	} {
		rec := do(a, tc.r)
		body := rec.Body.String()
		if rec.Code != tc.status || !strings.Contains(body, `<html lang="`+tc.lang+`"`) {
			t.Errorf("%s: %d, want %d in %s: %.300s", tc.name, rec.Code, tc.status, tc.lang, body)
			continue
		}
		got := ""
		if m := detail.FindStringSubmatch(body); m != nil {
			got = m[1]
		}
		if got != tc.want {
			t.Errorf("%s: the detail says %q, want %q", tc.name, got, tc.want)
		}
		for _, english := range []string{"no site", "is not on an origin", "revision number", "has not been published", "unknown action", "can only be posted", "Not Found"} {
			if strings.Contains(body, english) {
				t.Errorf("%s: the page speaks English (%q): %.400s", tc.name, english, body)
			}
		}
	}
}
