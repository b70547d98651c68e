package e2e

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/consentry/consentry/internal/consent"
)

// host is a site that embeds Consentry, served by the test on an origin of
// its own: pages written for one test, with or without a strict
// Content-Security-Policy, and resources whose every request it counts.
type host struct {
	t   *testing.T
	srv *httptest.Server
	// strict serves pages with the policy DESIGN.md promises the snippet
	// works under.
	strict    bool
	consentry string // Consentry's origin

	mu    sync.Mutex
	pages map[string]string        // path → HTML, {{nonce}} and {{consentry}} filled in per request
	files map[string]string        // path → JavaScript
	gates map[string]chan struct{} // path → closed when its response may go
	hits  map[string]int
}

// strictPolicy is a host page's CSP: scripts only with the page's nonce or
// from Consentry, styles only from Consentry, no inline, no eval.
const strictPolicy = "default-src 'self'; script-src 'nonce-%[1]s' %[2]s; style-src %[2]s; connect-src %[2]s; " +
	"img-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'"

// newHost starts a host site for b's Consentry and allows its origin on the
// demo site.
func (b *browser) newHost(strict bool) *host {
	b.t.Helper()
	h := &host{t: b.t, strict: strict, consentry: b.base, pages: map[string]string{}, files: map[string]string{},
		gates: map[string]chan struct{}{}, hits: map[string]int{}}
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	b.t.Cleanup(func() {
		h.mu.Lock()
		for p, g := range h.gates { // a held response must not outlive the test
			select {
			case <-g:
			default:
				close(g)
			}
			delete(h.gates, p)
		}
		h.mu.Unlock()
		h.srv.Close()
	})
	b.publishDemo("allow the test host", func(s *consent.Site) { s.Origins = append(s.Origins, h.srv.URL) })
	return h
}

func (h *host) serve(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.hits[r.URL.Path]++
	html, isPage := h.pages[r.URL.Path]
	js, isJS := h.files[r.URL.Path]
	gate := h.gates[r.URL.Path]
	h.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-r.Context().Done():
			return
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	switch {
	case isPage:
		var n [16]byte
		rand.Read(n[:])
		nonce := base64.RawStdEncoding.EncodeToString(n[:])
		if h.strict {
			w.Header().Set("Content-Security-Policy", fmt.Sprintf(strictPolicy, nonce, h.consentry))
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, strings.NewReplacer("{{nonce}}", nonce, "{{consentry}}", h.consentry).Replace(html))
	case isJS:
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, js)
	case r.URL.Path == "/frame":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!DOCTYPE html><title>Frame</title><p>framed</p>`)
	default:
		http.NotFound(w, r)
	}
}

// page adds a page and returns its URL.
func (h *host) page(path, html string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.pages[path] = html
	return h.srv.URL + path
}

// file adds a script.
func (h *host) file(path, js string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.files[path] = js
}

// hold makes the responses to path wait until release: a slow resource
// whose speed the test decides.
func (h *host) hold(path string) (release func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	g := make(chan struct{})
	h.gates[path] = g
	return func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.gates[path] == g {
			close(g)
			delete(h.gates, path)
		}
	}
}

// count is how many requests for path reached the host.
func (h *host) count(path string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.hits[path]
}

// waitHits waits until at least n requests for path reached the host.
func (b *browser) waitHits(h *host, path string, n int) {
	b.t.Helper()
	// The count lives in the test, not the page: poll it from Go through the
	// page's event loop so that the page keeps running meanwhile.
	for range 400 {
		if h.count(path) >= n {
			return
		}
		eval[bool](b, `new Promise(r => setTimeout(() => r(true), 25))`)
	}
	b.t.Fatalf("waiting for %d request(s) for %s on the host: %d arrived", n, path, h.count(path))
}

// watchCSP collects every Content-Security-Policy violation in the tab's
// pages, whatever reports it: the page's securitypolicyviolation events
// (through a binding the page cannot break) and the browser's console.
// The returned function lists them so far.
func (b *browser) watchCSP() func() []string {
	b.t.Helper()
	var mu sync.Mutex
	var seen []string
	add := func(s string) {
		mu.Lock()
		seen = append(seen, s)
		mu.Unlock()
	}
	if err := chromedp.Listen(b.ctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventBindingCalled:
			if e.Name == "cspViolation" {
				add(e.Payload)
			}
		case *log.EventEntryAdded:
			if e.Entry != nil && strings.Contains(e.Entry.Text, "Content Security Policy") {
				add("console: " + e.Entry.Text)
			}
		}
	}); err != nil {
		b.t.Fatalf("listening to the tab: %v", err)
	}
	if _, err := chromedp.Call(b.ctx, log.Enable, cdp.Empty{}); err != nil {
		b.t.Fatalf("log.enable: %v", err)
	}
	if _, err := chromedp.Call(b.ctx, runtime.AddBinding, runtime.AddBindingParams{Name: "cspViolation"}); err != nil {
		b.t.Fatalf("adding the CSP binding: %v", err)
	}
	if _, err := chromedp.Call(b.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `document.addEventListener("securitypolicyviolation", e =>
			cspViolation(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber), true);`,
	}); err != nil {
		b.t.Fatalf("watching for CSP violations: %v", err)
	}
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(seen)
	}
}

// navigate opens an absolute URL (of the host) and waits for it to load.
func (b *browser) navigate(url string) {
	b.t.Helper()
	b.do("opening "+url, chromedp.Navigate(url))
}

// hostPage is a host page embedding the snippet as DESIGN.md says, with a
// blocked external script, a blocked inline one (both needing the page's
// nonce once revived) and a blocked iframe; body goes at the end of <body>.
const hostPage = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Host</title>
<script src="{{consentry}}/c.js" data-site="demo" nonce="{{nonce}}"></script>
<script type="text/plain" data-consent="analytics" data-src="/a.js"></script>
<script type="text/plain" data-consent="marketing">(window.ran = window.ran || []).push("inline")</script>
</head><body>
<h1>Host</h1>
<iframe data-consent="marketing" data-src="/frame" title="Video" width="320" height="180"></iframe>
<button data-consent-open>Cookie settings</button>
%s
</body></html>`

// TestStrictCSP: on a host page under a strict CSP (script-src nonce and
// Consentry, style-src Consentry only), the whole visitor flow works without
// a single violation: the banner shows styled in the site's colours, the
// preference center opens, accepting runs the blocked scripts (external and
// inline, revived with the page's nonce) and loads the blocked iframe, and a
// reload applies the stored decision at once, the iframe loading again.
func TestStrictCSP(t *testing.T) {
	b := start(t)
	violations := b.watchCSP()
	h := b.newHost(true)
	h.file("/a.js", `(window.ran = window.ran || []).push("external")`)
	url := h.page("/page", fmt.Sprintf(hostPage, ""))

	b.navigate(url)
	b.waitBanner()
	// Styled by the linked stylesheet and the site's colours (CSSOM).
	if pos := eval[string](b, `getComputedStyle(`+part("banner")+`).position`); pos != "fixed" {
		t.Errorf("the banner's position is %q, want fixed: its stylesheet did not apply", pos)
	}
	if bg := eval[string](b, `getComputedStyle(`+part("accept-all")+`).backgroundColor`); bg != "rgb(29, 78, 216)" {
		t.Errorf("Accept all's background is %q, want the site's accent rgb(29, 78, 216)", bg)
	}
	b.settle()
	if ran := eval[[]string](b, `window.ran || []`); len(ran) > 0 {
		t.Errorf("blocked scripts ran before a decision: %v", ran)
	}
	if n := h.count("/frame") + h.count("/a.js"); n > 0 {
		t.Errorf("%d blocked request(s) reached the host before a decision", n)
	}

	shots := os.Getenv("CONSENTRY_SCREENSHOTS")
	if shots != "" {
		b.screenshot(shots, "banner-strict-csp.png")
	}
	b.click("Customize", part("customize"))
	b.wait("the preference center", visible(part("prefs")))
	// Styled as it shows, by the stylesheet's part the first visit did not
	// wait for (the switches' and the centre's own rules).
	if got := eval[[]string](b, `[getComputedStyle(`+part("prefs")+`).borderRadius, getComputedStyle(`+part("prefs")+`.querySelector("input[role=switch]")).width]`); !slices.Equal(got, []string{"10px", "44px"}) {
		t.Errorf("the preference center's corners and a switch's width are %q, want its stylesheet's 10px and 44px", got)
	}
	if shots != "" {
		b.screenshot(shots, "prefs-strict-csp.png")
	}
	b.click("Accept all in the preference center", part("prefs")+`.querySelector('[data-action="accept_all"]')`)
	b.waitGranted("accepting all", necessary, preferences, analytics, marketing)
	b.wait("the blocked scripts to run in order", `JSON.stringify(window.ran) === '["external","inline"]'`)
	b.waitHits(h, "/frame", 1)
	b.wait("the reopen button", visible(reopenButton))

	// A returning visitor: the decision applies at once, the frame loads.
	b.navigate(url)
	b.wait("the blocked scripts to run on the reload", `JSON.stringify(window.ran) === '["external","inline"]'`)
	b.waitHits(h, "/frame", 2)
	b.wait("the reopen button", visible(reopenButton))
	if b.isVisible(part("banner")) {
		t.Error("the banner shows again to a visitor who decided")
	}
	b.click("the reopen button", reopenButton)
	b.wait("the preference center", visible(part("prefs")))
	b.settle()
	for _, v := range violations() {
		t.Errorf("CSP violation: %s", v)
	}
}

// TestConsentryPagesCSP: every kind of HTML page Consentry serves carries a
// Content-Security-Policy with a fresh nonce and no 'unsafe-inline', and
// shows without a violation: the demo (with the banner and the preference
// center), the no-JavaScript page, the receipt, an error page and the
// console.
func TestConsentryPagesCSP(t *testing.T) {
	b := start(t)
	violations := b.watchCSP()
	policies := map[string]string{}
	check := func(path string) {
		t.Helper()
		resp, err := chromedp.RunResponse(b.ctx, chromedp.Navigate(b.base+path))
		if err != nil {
			t.Fatalf("opening %s: %v", path, err)
		}
		p, _ := resp.Headers["Content-Security-Policy"].(string)
		if !strings.Contains(p, "script-src 'self' 'nonce-") || strings.Contains(p, "unsafe-inline") || strings.Contains(p, "unsafe-eval") {
			t.Errorf("%s: Content-Security-Policy %q, want script-src with a nonce and nothing unsafe", path, p)
		}
		for q, other := range policies {
			if other == p {
				t.Errorf("%s and %s share a nonce", path, q)
			}
		}
		policies[path] = p
		b.settle()
	}
	check("/demo")
	b.waitBanner()
	b.click("Customize", part("customize"))
	b.wait("the preference center", visible(part("prefs")))
	b.click("Accept all", part("prefs")+`.querySelector('[data-action="accept_all"]')`)
	b.waitGranted("accepting all", necessary, preferences, analytics, marketing)
	b.wait("the blocked demo scripts", `["analytics", "marketing"].every(c => (window.demoRan || []).includes(c))`)
	check("/demo/video")
	check("/p/demo")
	check("/p/no-such-site")
	b.signIn("/admin/log")
	for _, p := range []string{"/admin/log", "/admin/dashboard", "/admin/sites/demo", "/admin/sites/demo/embed", "/admin/integrity"} {
		check(p)
	}
	for _, v := range violations() {
		t.Errorf("CSP violation: %s", v)
	}
}

// TestReleasedSnippetStillWorks: the build released before v=2
// (c.4f0a0ee839.js, inline css in the banner answer) still shows a styled,
// working banner. Under the strict policy it is the one that breaks it, which
// shows the violation watch can fail.
func TestReleasedSnippetStillWorks(t *testing.T) {
	const old = "/c.4f0a0ee839.js"
	page := `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Old</title>
<script src="{{consentry}}` + old + `" data-site="demo" nonce="{{nonce}}"></script>
<script type="text/plain" data-consent="analytics">(window.ran = window.ran || []).push("inline")</script>
</head><body><h1>Old embed</h1></body></html>`

	b := start(t)
	h := b.newHost(false)
	b.navigate(h.page("/old", page))
	b.waitBanner()
	if pos := eval[string](b, `getComputedStyle(`+part("banner")+`).position`); pos != "fixed" {
		t.Errorf("the old build's banner position is %q, want fixed: its inline css did not come", pos)
	}
	if bg := eval[string](b, `getComputedStyle(`+part("accept-all")+`).backgroundColor`); bg != "rgb(29, 78, 216)" {
		t.Errorf("the old build's Accept all background is %q, want the site's accent", bg)
	}
	b.click("Accept all", part("accept-all"))
	b.waitGranted("accepting all with the old build", necessary, preferences, analytics, marketing)
	b.wait("the blocked script", `JSON.stringify(window.ran) === '["inline"]'`)
	if e := b.lastEvent(); e.Action != consent.AcceptAll {
		t.Errorf("the old build recorded %s, want accept_all", e.Action)
	}

	strict := b.newVisitor()
	violations := strict.watchCSP()
	hs := strict.newHost(true)
	strict.navigate(hs.page("/old", page))
	strict.wait("the old build's banner in the DOM", part("banner")+` !== null`)
	// The report comes asynchronously: wait for it, as long as any wait.
	for deadline := time.Now().Add(waitTimeout); len(violations()) == 0; strict.settle() {
		if time.Now().After(deadline) {
			t.Fatal("the old build's inline <style> under the strict policy reported no violation: the watch cannot fail")
		}
	}
}

// TestPreviousReleaseStillWorks: the last build released before the banner
// answer's short keys (c.660c6623d2.js, v=3) still gets the shape it reads:
// the banner in the page's language, the blocked embed's placeholder with
// its texts and the category's name, the reopen label, and its Allow
// records the decision.
func TestPreviousReleaseStillWorks(t *testing.T) {
	const old = "/c.660c6623d2.js"
	b := start(t)
	h := b.newHost(false)
	b.navigate(h.page("/v3", `<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>v3</title>
<script src="{{consentry}}`+old+`" data-site="demo"></script>
<script type="text/plain" data-consent="analytics">(window.ran = window.ran || []).push("inline")</script>
</head><body><iframe data-consent="marketing" data-src="/video" data-service="Film" title="Film" width="560" height="315"></iframe></body></html>`))
	b.waitBanner()
	if got := eval[string](b, part("consentry")+`.getAttribute("lang")`); got != "de" {
		t.Errorf("the v=3 build's banner is in %q, want de", got)
	}
	b.click("Alle ablehnen", part("reject-all"))
	b.waitGranted("the refusal with the v=3 build", necessary)
	const ph = `document.querySelector("[data-consentry-placeholder]")?.shadowRoot?.querySelector('[data-testid="placeholder"]')`
	b.wait("the v=3 build's placeholder", visible(ph))
	if txt := eval[string](b, ph+`.textContent`); !strings.Contains(txt, "Dieser Inhalt von Film ist blockiert") || !strings.Contains(txt, "Marketing") {
		t.Errorf("the v=3 build's placeholder says %q, want its German texts naming Film and the category", txt)
	}
	b.wait("the reopen button", visible(reopenButton))
	if label := eval[string](b, reopenButton+`.getAttribute("aria-label")`); label != "Cookie-Einstellungen" {
		t.Errorf("the v=3 build's reopen button is %q, want Cookie-Einstellungen", label)
	}
	b.click("Allow on the placeholder", ph+`.querySelector('[data-testid="ph-allow"]')`)
	b.waitGranted("allowing marketing with the v=3 build", necessary, marketing)
	b.wait("the video loaded", `document.querySelector("iframe[data-consent]")?.getAttribute("src") === "/video"`)
	if e := b.lastEvent(); e.Action != consent.Custom || !slices.Contains(e.Granted, "marketing") {
		t.Errorf("the v=3 build recorded %s %v, want custom with marketing", e.Action, e.Granted)
	}
}

// TestBlockedScriptsRunInOrder: a blocked external lib.js, served slowly,
// then a blocked inline lib.init(): on grant, init runs only after lib.js
// has loaded and run, in the page's order; the same for a pair added to the
// page after the grant.
func TestBlockedScriptsRunInOrder(t *testing.T) {
	b := start(t)
	h := b.newHost(true)
	lib := func(name string) string {
		return fmt.Sprintf(`window.%[1]s = {init() { window.log.push("%[1]s.init") }}; window.log.push("%[1]s loaded")`, name)
	}
	h.file("/lib.js", lib("lib"))
	h.file("/lib2.js", lib("lib2"))
	url := h.page("/order", fmt.Sprintf(hostPage, `<script nonce="{{nonce}}">window.log = []</script>
<script type="text/plain" data-consent="analytics" data-src="/lib.js"></script>
<script type="text/plain" data-consent="analytics">lib.init()</script>`))

	release := h.hold("/lib.js")
	b.navigate(url)
	b.waitBanner()
	b.click("Accept all", part("accept-all"))
	b.waitGranted("accepting all", necessary, preferences, analytics, marketing)
	b.waitHits(h, "/lib.js", 1)
	b.settle()
	if got := eval[[]string](b, `window.log`); len(got) > 0 {
		t.Errorf("while lib.js was still loading the page logged %v, want nothing", got)
	}
	release()
	b.wait("lib.js then lib.init()", `JSON.stringify(window.log) === '["lib loaded","lib.init"]'`)

	// Added after the grant, the same order holds.
	release2 := h.hold("/lib2.js")
	eval[bool](b, `(() => {
		const d = document.createElement("div");
		d.innerHTML = '<script type="text/plain" data-consent="analytics" data-src="/lib2.js"><\/script>' +
			'<script type="text/plain" data-consent="analytics">lib2.init()<\/script>';
		document.body.appendChild(d);
		return true;
	})()`)
	b.waitHits(h, "/lib2.js", 1)
	b.settle()
	if got := eval[[]string](b, `window.log`); len(got) != 2 {
		t.Errorf("while lib2.js was still loading the page logged %v, want only lib's two entries", got)
	}
	release2()
	b.wait("lib2.js then lib2.init()", `JSON.stringify(window.log) === '["lib loaded","lib.init","lib2 loaded","lib2.init"]'`)
}
