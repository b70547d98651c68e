package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/app"
)

// bannerShape is the part of the banner answer whose shape differs between
// snippet builds.
type bannerShape struct {
	HTML, CSS, Stylesheet, Vars string
}

// TestBannerShapes: a v=2 snippet gets the stylesheet's immutable URL and
// the site's colours, and no inline css or style attribute (a strict CSP
// would refuse both); any other request gets the shape released builds
// expect, inline css and the colours in a style attribute.
func TestBannerShapes(t *testing.T) {
	a := newApp(t, 0)
	old := decode[bannerShape](t, do(a, req{"GET", "/api/v1/sites/demo/banner?lang=en", "", nil}))
	if old.CSS == "" || old.Stylesheet != "" || !strings.Contains(old.HTML, `style="--cy-bg:`) {
		t.Errorf("answer for released builds: css %d bytes, stylesheet %q, style attribute %v; want inline css and a style attribute",
			len(old.CSS), old.Stylesheet, strings.Contains(old.HTML, "style="))
	}
	v2 := decode[bannerShape](t, do(a, req{"GET", "/api/v1/sites/demo/banner?v=2&lang=en", "", nil}))
	if v2.CSS != "" || strings.Contains(v2.HTML, "style=") || strings.Contains(v2.HTML, "<style") ||
		!regexp.MustCompile(`^/c\.[0-9a-f]{10}\.css$`).MatchString(v2.Stylesheet) || v2.Vars != "" {
		t.Errorf("v=2 answer: css %d bytes, style in html %v, stylesheet %q, vars %q (the demo keeps the default colours: want none)", len(v2.CSS), strings.Contains(v2.HTML, "style"), v2.Stylesheet, v2.Vars)
	}
	if v2.Stylesheet != a.Server.StylesheetPath() {
		t.Errorf("stylesheet %q, want %q", v2.Stylesheet, a.Server.StylesheetPath())
	}
	css := do(a, req{"GET", v2.Stylesheet, "", map[string]string{"Accept-Encoding": "gzip"}})
	if css.Code != 200 || !strings.Contains(css.Header().Get("Cache-Control"), "immutable") ||
		css.Header().Get("Content-Encoding") != "gzip" || !strings.HasPrefix(css.Header().Get("Content-Type"), "text/css") {
		t.Errorf("%s: %d %v", v2.Stylesheet, css.Code, css.Header())
	}
	if rec := do(a, req{"GET", "/c.0000000000.css", "", nil}); rec.Code != 404 {
		t.Errorf("unknown stylesheet version: %d", rec.Code)
	}

	// v=2 carries the first layer only, the placeholder's texts and the
	// categories' names; the preference center comes with part=prefs.
	type v2State struct {
		HTML       string
		Texts      map[string]string
		Categories []struct{ Key, Name string }
	}
	first := decode[v2State](t, do(a, req{"GET", "/api/v1/sites/demo/banner?v=2&lang=de", "", nil}))
	if !strings.Contains(first.HTML, `class="cy-dialog cy-banner"`) || strings.Contains(first.HTML, "cy-prefs") {
		t.Error("the v=2 first answer must hold the first layer and not the preference center")
	}
	if !strings.Contains(first.Texts["ph_blocked"], "{service}") || !strings.Contains(first.Texts["ph_allow"], "{category}") || first.Texts["ph_once"] == "" {
		t.Errorf("placeholder texts %q", first.Texts)
	}
	for _, c := range first.Categories {
		if c.Name == "" || c.Name == c.Key {
			t.Errorf("category %s has no name in German: %q", c.Key, c.Name)
		}
	}
	prefs := decode[struct{ HTML string }](t, do(a, req{"GET", "/api/v1/sites/demo/banner?v=2&lang=de&part=prefs", "", nil}))
	if !strings.Contains(prefs.HTML, "cy-prefs") || !strings.Contains(prefs.HTML, `data-category="analytics"`) || strings.Contains(prefs.HTML, `cy-banner`) {
		t.Error("part=prefs must answer the preference center alone")
	}
}

// TestRevisionCheckBringsThePagesTexts: a returning visitor's revision check
// with ui=1 (its snippet keeps no texts for the language this page asks
// for) gets, while the revision is current, the placeholders' texts, the
// category names and the reopen label in that language and no banner; without
// ui=1, and from builds before v=2, it stays a 204. A stale revision gets the
// banner whatever ui says.
func TestRevisionCheckBringsThePagesTexts(t *testing.T) {
	a := newApp(t, 0)
	const path = "/api/v1/sites/demo/banner"
	rec := do(a, req{"GET", path + "?v=2&lang=fr&rev=1&ui=1", "", nil})
	texts := decode[struct {
		HTML, Lang, Reopen string
		Texts              map[string]string
		Categories         []struct{ Key, Name string }
	}](t, rec)
	if rec.Code != 200 || texts.HTML != "" || texts.Lang != "fr" || texts.Reopen != "Paramètres des cookies" ||
		!strings.HasPrefix(texts.Texts["ph_blocked"], "Ce contenu de {service}") || len(texts.Categories) != 4 || texts.Categories[3].Name != "Marketing" {
		t.Errorf("rev=1&ui=1 in French: %d %+v", rec.Code, texts)
	}
	for _, q := range []string{"?v=2&lang=fr&rev=1", "?lang=fr&rev=1&ui=1"} {
		if rec := do(a, req{"GET", path + q, "", nil}); rec.Code != http.StatusNoContent {
			t.Errorf("%s: %d, want 204", q, rec.Code)
		}
	}
	if shape := decode[bannerShape](t, do(a, req{"GET", path + "?v=2&lang=fr&rev=0&ui=1", "", nil})); !strings.Contains(shape.HTML, `class="cy-dialog cy-banner"`) {
		t.Error("rev=0&ui=1: a stale revision must get the banner")
	}
}

// TestBannerCompressedCachedAndVaried: the answer is gzipped for clients that
// accept it, names every header it depends on in Vary (the revision check
// too), answers 304 to its ETag, and changes when a new revision is
// published (the precomputed answers of the old one are not served).
func TestBannerCompressedCachedAndVaried(t *testing.T) {
	a := newApp(t, 0, func(o *app.Options) { o.CountryHeader = "X-Country" })
	path := "/api/v1/sites/demo/banner?v=2"
	n, rec := gzipped(t, a, path)
	plain := do(a, req{"GET", path, "", nil})
	if plain.Header().Get("Content-Encoding") != "" || n >= plain.Body.Len()/2 {
		t.Errorf("gzipped %d bytes against %d plain (encoding of the plain one %q)", n, plain.Body.Len(), plain.Header().Get("Content-Encoding"))
	}
	for _, r := range []*http.Response{rec.Result(), do(a, req{"GET", path + "&rev=1", "", nil}).Result()} {
		vary := r.Header.Get("Vary")
		for _, h := range []string{"Accept-Encoding", "Accept-Language", "Sec-GPC", "X-Country"} {
			if !strings.Contains(vary, h) {
				t.Errorf("%d answer: Vary %q does not name %s", r.StatusCode, vary, h)
			}
		}
	}
	etag := rec.Header().Get("ETag")
	if rec := do(a, req{"GET", path, "", map[string]string{"If-None-Match": etag}}); etag == "" || rec.Code != http.StatusNotModified {
		t.Errorf("conditional request with ETag %q: %d", etag, rec.Code)
	}

	site, err := a.Store.Site(context.Background(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	site.Texts = map[string]map[string]string{"en": {"banner_title": "A brand new title"}}
	site.ChangeNote = "new title"
	if _, err := a.Store.Publish(context.Background(), site, nil); err != nil {
		t.Fatal(err)
	}
	a.Server.ForgetSites()
	after := decode[bannerShape](t, do(a, req{"GET", path + "&lang=en", "", nil}))
	if !strings.Contains(after.HTML, "A brand new title") {
		t.Error("after publishing, the banner still shows the old revision's title")
	}
}

// TestPagesHaveCSP: every HTML page gets a Content-Security-Policy with a
// nonce of its own and nothing unsafe, and is compressed when the client
// accepts it.
func TestPagesHaveCSP(t *testing.T) {
	a := newApp(t, 0)
	seen := map[string]string{}
	for _, p := range []string{"/demo", "/p/demo", "/admin/login", "/p/no-such-site", "/demo/video"} {
		rec := do(a, req{"GET", p, "", map[string]string{"Accept-Encoding": "gzip"}})
		pol := rec.Header().Get("Content-Security-Policy")
		m := regexp.MustCompile(`script-src 'self' 'nonce-([A-Za-z0-9+/]{22})'; style-src 'self' 'nonce-([A-Za-z0-9+/]{22})'`).FindStringSubmatch(pol)
		if m == nil || m[1] != m[2] || strings.Contains(pol, "unsafe") {
			t.Errorf("%s: Content-Security-Policy %q", p, pol)
			continue
		}
		if q, dup := seen[m[1]]; dup {
			t.Errorf("%s reuses the nonce of %s", p, q)
		}
		seen[m[1]] = p
		if rec.Body.Len() > 1024 && rec.Header().Get("Content-Encoding") != "gzip" {
			t.Errorf("%s: %d bytes sent uncompressed", p, rec.Body.Len())
		}
	}
}

// TestAcceptEncoding: brotli when the client accepts it, else gzip, else
// plain; a coding refused with q=0 is not used.
func TestAcceptEncoding(t *testing.T) {
	a := newApp(t, 0)
	for _, tc := range []struct{ ae, want string }{
		{"gzip, deflate, br, zstd", "br"},
		{"gzip", "gzip"},
		{"br;q=0, gzip", "gzip"},
		{"", ""},
		{"identity", ""},
	} {
		for _, p := range []string{"/c.js", a.Server.StylesheetPath(), "/api/v1/sites/demo/banner?v=2"} {
			rec := do(a, req{"GET", p, "", map[string]string{"Accept-Encoding": tc.ae}})
			if got := rec.Header().Get("Content-Encoding"); got != tc.want || rec.Header().Get("Content-Length") != strconv.Itoa(rec.Body.Len()) {
				t.Errorf("%s with Accept-Encoding %q: encoding %q, length %q for %d bytes; want %q", p, tc.ae, got, rec.Header().Get("Content-Length"), rec.Body.Len(), tc.want)
			}
		}
	}
}

// TestProviderSentenceInTheLanguage: who provides a service is a sentence
// of the visitor's language, ending in its own full stop ("提供方：Google。"),
// and a provider whose name ends a sentence itself (Joomla!, Snap Inc.)
// gets none of its own: it read "Provider: Joomla!." in every language, and
// a Chinese or Japanese visitor got "提供方: Google. 区分访客" with a Latin
// colon, full stop and space glued to the name.
func TestProviderSentenceInTheLanguage(t *testing.T) {
	a, c, tok := ownerOfShop(t)
	for _, id := range []string{"joomla", "snapchat-pixel", "google-analytics"} {
		if status, body, _ := c.post("/admin/sites/shop/catalog", url.Values{"_csrf": {tok}, "id": {id}}); status != http.StatusSeeOther {
			t.Fatalf("add %s: %d %.300s", id, status, body)
		}
	}
	if status, _, _ := c.post("/admin/sites/shop/publish", url.Values{"_csrf": {tok}, "kind": {"material"}}); status != http.StatusSeeOther {
		t.Fatalf("publish: %d", status)
	}
	for _, tc := range []struct {
		lang          string
		want, unwants []string
	}{
		{"en", []string{"Provider: Joomla! ", "Provider: Snap Inc. ", "Provider: Google. "}, []string{"Joomla!.", "Inc.."}},
		{"zh-Hans", []string{"提供方：Joomla! ", "提供方：Snap Inc. ", "提供方：Google。区分访客"}, []string{"Joomla!。", "Inc.。", "Joomla!.", "提供方: ", "。 "}},
		{"ja", []string{"提供元：Joomla! ", "提供元：Google。訪問数を"}, []string{"Joomla!。", "Joomla!.", "Google.", "。 "}},
		{"fr", []string{"Fournisseur\u202f: Joomla! ", "Fournisseur\u202f: Google. "}, []string{"Joomla!."}},
		{"hi", []string{"प्रदाता: Google। "}, []string{"Google. "}},
	} {
		prefs := decode[struct{ HTML string }](t, do(a, req{"GET", "/api/v1/sites/shop/banner?v=2&lang=" + tc.lang + "&part=prefs", "", nil}))
		for _, want := range tc.want {
			if !strings.Contains(prefs.HTML, want) {
				t.Errorf("%s: the preference center does not say %q", tc.lang, want)
			}
		}
		for _, unwant := range tc.unwants {
			if i := strings.Index(prefs.HTML, unwant); i >= 0 {
				t.Errorf("%s: the preference center says %q: …%s…", tc.lang, unwant, prefs.HTML[max(0, i-40):i+len(unwant)])
			}
		}
	}
}

// TestProviderEndsOneSentence: the preference center says a service's
// provider as a sentence, "Provider: Snap Inc. Measures …"; a provider whose
// name ends in a full stop (Snap Inc., X Corp. in the catalog, the demo's
// Demo Analytics Ltd.) gets no second one.
func TestProviderEndsOneSentence(t *testing.T) {
	a := newApp(t, 0)
	prefs := decode[struct{ HTML string }](t, do(a, req{"GET", "/api/v1/sites/demo/banner?v=2&lang=en&part=prefs", "", nil}))
	for _, want := range []string{
		"Provider: Demo Analytics Ltd. Tells visitors apart",
		"Provider: Demo Ads Inc. Shows you ads",
		"Provider: Demo Video LLC. Plays embedded videos",
	} {
		if !strings.Contains(prefs.HTML, want) {
			t.Errorf("the preference center does not say %q", want)
		}
	}
	if strings.Contains(prefs.HTML, "..") {
		t.Errorf("a doubled full stop in the preference center: …%s…", prefs.HTML[max(0, strings.Index(prefs.HTML, "..")-40):strings.Index(prefs.HTML, "..")+2])
	}
}

// TestBannerAnswerNotHTMLEscaped: the banner answer's html is sent as it
// is, not with < and > as \u003c and \u003e, which every first visit
// downloads (25 B of the 8 KB budget before compression took most back).
func TestBannerAnswerNotHTMLEscaped(t *testing.T) {
	a := newApp(t, 0)
	for _, q := range []string{"?v=3&lang=en", "?v=2&lang=en&part=prefs", "?lang=en"} {
		body := do(a, req{"GET", "/api/v1/sites/demo/banner" + q, "", nil}).Body.String()
		if strings.Contains(body, `\u003c`) || !strings.Contains(body, `<div class=\"cy`) {
			t.Errorf("%s: the html is escaped or missing: %.120s", q, body)
		}
	}
}
