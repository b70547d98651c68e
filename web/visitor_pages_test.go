package web_test

import (
	"bytes"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/token"
)

// TestReceiptPage: a browser following the receipt link gets a page in the
// visitor's language listing their decisions, newest first, with a JSON
// download of the same record; a download anchor, fetch and API clients,
// which do not ask for HTML, get the JSON as before.
func TestReceiptPage(t *testing.T) {
	a := newApp(t, 0)
	first := decode[consentResp](t, do(a, req{"POST", consents, `{"action":"accept_all","revision":1,"lang":"de"}`, nil}))
	second := decode[consentResp](t, do(a, req{"POST", consents, `{"action":"reject_all","revision":1,"lang":"de","consent_id":"` + first.ConsentID + `","token":"` + first.Token + `"}`, nil}))
	path := "/api/v1/consents/receipt?token=" + url.QueryEscape(second.Token)
	html := map[string]string{"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
	rec := do(a, req{"GET", path, "", html})
	body := rec.Body.String()
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") || rec.Header().Get("Content-Disposition") != "" {
		t.Fatalf("receipt page: %d %q %q", rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Content-Disposition"))
	}
	for _, want := range []string{`lang="de"`, "Ihre Cookie-Auswahl", first.ConsentID, "Version der Richtlinie", `download data-testid="receipt-json"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the receipt page lacks %q", want)
		}
	}
	// Newest first: the refusal, then the acceptance of everything.
	rows := regexp.MustCompile(`(?s)<tr><td[^>]*><time[^>]*>[^<]*</time></td><td[^>]*>1</td><td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td></tr>`).FindAllStringSubmatch(body, -1)
	if len(rows) != 2 || rows[0][1] != "Alle abgelehnt" || rows[0][2] != "Nur die notwendigen Cookies" ||
		rows[1][1] != "Alle akzeptiert" || rows[1][2] != "Präferenzen, Statistik, Marketing" {
		t.Errorf("receipt rows %q", rows)
	}
	if rec.Header().Get("Cache-Control") != "no-store" || rec.Header().Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("receipt page headers %v", rec.Header())
	}
	// The language asked for wins over the one decided in.
	if body := do(a, req{"GET", path + "&lang=ja", "", html}).Body.String(); !strings.Contains(body, "Cookie に関するお客様の選択") {
		t.Error("?lang=ja does not give a Japanese receipt")
	}

	link := regexp.MustCompile(`href="([^"]+)" download`).FindStringSubmatch(body)
	if link == nil {
		t.Fatal("no JSON link")
	}
	for what, r := range map[string]req{
		"the JSON link":     {"GET", strings.ReplaceAll(link[1], "&amp;", "&"), "", html},
		"a download anchor": {"GET", path, "", nil},
		"fetch":             {"GET", path, "", map[string]string{"Accept": "*/*"}},
	} {
		rec := do(a, r)
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") ||
			!strings.Contains(rec.Header().Get("Content-Disposition"), "consent-receipt-"+first.ConsentID+".json") || !strings.Contains(rec.Body.String(), `"action": "reject_all"`) {
			t.Errorf("%s: %d %q %q", what, rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Content-Disposition"))
		}
	}
}

// TestReceiptNamesTheSiteAndLinksBack: the receipt names the site the
// choices were made on and links back to it: to the page the visitor last
// decided on when that is on an origin the site allows, else to the site's
// first allowed origin, never to a page elsewhere (a page address is what
// the visitor's browser sent). It said "on this site" on Consentry's own
// address and offered no way back.
func TestReceiptNamesTheSiteAndLinksBack(t *testing.T) {
	a := newApp(t, 0)
	html := map[string]string{"Accept": "text/html,*/*;q=0.8"}
	back := regexp.MustCompile(`<a class="cy-target" href="([^"]*)" data-testid="receipt-back">([^<]*)</a>`)
	first := decode[consentResp](t, do(a, req{"POST", consents, `{"action":"accept_all","revision":1,"lang":"fr","page":"` + a.URL() + `/demo/basket?item=3"}`, nil}))
	body := do(a, req{"GET", "/api/v1/consents/receipt?token=" + url.QueryEscape(first.Token), "", html}).Body.String()
	if m := regexp.MustCompile(`data-testid="receipt-site">([^<]*)<`).FindStringSubmatch(body); m == nil ||
		m[1] != "Voici les choix enregistrés sous votre identifiant de consentement sur le site Pharmacie de la Croix Verte (démo), du plus récent au plus ancien." {
		t.Errorf("the receipt does not name the site: %q", m)
	}
	if m := back.FindStringSubmatch(body); m == nil || m[1] != a.URL()+"/demo/basket" || m[2] != "Retour au site" {
		t.Errorf("the way back is %q, want the page decided on, %s/demo/basket", m, a.URL())
	}
	for _, page := range []string{"https://evil.example/phish", "javascript:alert(1)", ""} {
		next := decode[consentResp](t, do(a, req{"POST", consents, `{"action":"reject_all","revision":1,"lang":"fr","consent_id":"` + first.ConsentID + `","token":"` + first.Token + `","page":"` + page + `"}`, nil}))
		body := do(a, req{"GET", "/api/v1/consents/receipt?token=" + url.QueryEscape(next.Token), "", html}).Body.String()
		if m := back.FindStringSubmatch(body); m == nil || m[1] != a.URL()+"/demo/basket" {
			t.Errorf("after a decision on %q, the way back is %q, want the last page on an allowed origin", page, m)
		}
	}
	// A visitor who never decided on an allowed page goes back to the
	// site's first allowed origin.
	other := decode[consentResp](t, do(a, req{"POST", consents, `{"action":"reject_all","revision":1,"lang":"en","page":"https://evil.example/"}`, nil}))
	body = do(a, req{"GET", "/api/v1/consents/receipt?token=" + url.QueryEscape(other.Token), "", html}).Body.String()
	if m := back.FindStringSubmatch(body); m == nil || m[1] != a.URL()+"/" || m[2] != "Back to the site" {
		t.Errorf("the way back of a visitor who decided elsewhere is %q, want %s/", m, a.URL())
	}
	if strings.Contains(body, "evil.example") {
		t.Error("the receipt links to a page on an origin the site does not allow")
	}
}

// TestReceiptRefusalInVisitorsLanguage: a receipt link whose token this
// server cannot read tells the visitor why on a page in their language: an
// altered or foreign token is not valid, a genuine one past its time has
// expired. It was the API's English JSON ('the token is not valid: its
// signature does not verify') whatever the visitor's language; programs
// still get that.
func TestReceiptRefusalInVisitorsLanguage(t *testing.T) {
	signing := bytes.Repeat([]byte{7}, 32)
	a := newApp(t, 0, func(o *app.Options) { o.TokenKeys = [][]byte{signing} })
	resp := decode[consentResp](t, do(a, req{"POST", consents, `{"action":"accept_all","revision":1,"lang":"de"}`, nil}))
	codec, _ := token.NewCodec(signing)
	expired, _ := codec.Encode(token.Claims{ConsentID: resp.ConsentID, Site: "demo", Revision: 1, Granted: []string{"necessary"},
		Issued: time.Now().Add(-200 * 24 * time.Hour).Unix(), Expires: time.Now().Add(-time.Hour).Unix()})
	altered := resp.Token[:len(resp.Token)-4] + "AAAA"
	if altered == resp.Token {
		altered = resp.Token[:len(resp.Token)-4] + "BBBB"
	}
	for _, tc := range []struct{ tok, accept, lang, want string }{
		{altered, "de-DE,de;q=0.9", "", "Dieser Link kann Ihre Auswahl nicht anzeigen"},
		{"", "de", "", "Dieser Link kann Ihre Auswahl nicht anzeigen"},
		{expired, "fr", "", "Ce lien a expiré"},
		{expired, "en", "ja", "このリンクの有効期限が切れました"},
		{altered, "ar", "", "لا يمكن لهذا الرابط عرض اختياراتك"},
	} {
		path := "/api/v1/consents/receipt?token=" + url.QueryEscape(tc.tok)
		if tc.lang != "" {
			path += "&lang=" + tc.lang
		}
		rec := do(a, req{"GET", path, "", map[string]string{"Accept": "text/html,*/*;q=0.8", "Accept-Language": tc.accept}})
		body := rec.Body.String()
		if rec.Code != http.StatusBadRequest || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			t.Errorf("%s: %d %q %.300s", tc.accept, rec.Code, rec.Header().Get("Content-Type"), body)
			continue
		}
		m := regexp.MustCompile(`(?s)data-testid="receipt-refused">([^<]*)<`).FindStringSubmatch(body)
		if m == nil || !strings.Contains(html.UnescapeString(m[1]), tc.want) {
			t.Errorf("%s%s: the refusal does not say %q: %q", tc.accept, tc.lang, tc.want, m)
		}
		if strings.Contains(body, "token") || strings.Contains(body, "signature") {
			t.Errorf("%s: the page speaks English: %.500s", tc.accept, body)
		}
		if rec.Header().Get("Cache-Control") != "no-store" || rec.Header().Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("refusal headers %v", rec.Header())
		}
	}
	rec := do(a, req{"GET", "/api/v1/consents/receipt?token=" + url.QueryEscape(altered), "", map[string]string{"Accept-Language": "de"}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "signature does not verify") {
		t.Errorf("a program asking for the receipt with an altered token: %d %s", rec.Code, rec.Body)
	}
}

// TestPrefsPageShowsCurrentChoice: without JavaScript, a visitor who has
// chosen sees that choice, and the form's toggles start from it.
func TestPrefsPageShowsCurrentChoice(t *testing.T) {
	a := newApp(t, 0)
	if body := do(a, req{"GET", "/p/demo?lang=fr", "", nil}).Body.String(); strings.Contains(body, `data-testid="current"`) {
		t.Error("a first visit shows a current choice")
	}
	checked := regexp.MustCompile(`<input[^>]*name="c" value="(\w+)"[^>]*checked`)
	for _, tc := range []struct {
		form    url.Values
		shows   string
		checked []string
	}{
		{url.Values{"action": {"reject_all"}}, "Uniquement les cookies nécessaires", []string{"necessary"}},
		{url.Values{"action": {"custom"}, "c": {"analytics"}}, "Statistiques", []string{"necessary", "analytics"}},
	} {
		tc.form.Set("revision", "1")
		tc.form.Set("lang", "fr")
		rec := do(a, req{"POST", "/p/demo", tc.form.Encode(), map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": a.URL()}})
		cookies := rec.Result().Cookies()
		if rec.Code != 200 || len(cookies) != 1 {
			t.Fatalf("post %v: %d", tc.form, rec.Code)
		}
		body := do(a, req{"GET", "/p/demo?lang=fr", "", map[string]string{"Cookie": cookies[0].Name + "=" + cookies[0].Value}}).Body.String()
		current := regexp.MustCompile(`(?s)data-testid="current">(.*?)</section>`).FindStringSubmatch(body)
		if current == nil || !strings.Contains(current[1], "Votre choix actuel") || !strings.Contains(current[1], tc.shows) {
			t.Errorf("after %v the page does not show %q as the current choice", tc.form, tc.shows)
		}
		var got []string
		for _, m := range checked.FindAllStringSubmatch(body, -1) {
			got = append(got, m[1])
		}
		if strings.Join(got, ",") != strings.Join(tc.checked, ",") {
			t.Errorf("after %v the toggles on are %v, want %v", tc.form, got, tc.checked)
		}
	}
}

// TestFavicon: the origin answers /favicon.ico, so no page of it logs a 404.
func TestFavicon(t *testing.T) {
	a := newApp(t, 0)
	rec := do(a, req{"GET", "/favicon.ico", "", nil})
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(rec.Body.String(), "<svg") {
		t.Errorf("favicon: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
}
