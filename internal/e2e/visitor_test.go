package e2e

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/consentry/consentry/internal/catalog"
	"github.com/consentry/consentry/internal/consent"
)

// receipt is the JSON a visitor downloads from the preference center.
type receipt struct {
	ConsentID string `json:"consent_id"`
	Events    []struct {
		EventID   string   `json:"event_id"`
		ConsentID string   `json:"consent_id"`
		Action    string   `json:"action"`
		Granted   []string `json:"granted"`
	} `json:"events"`
}

// TestReceipt: after a decision, the reopened preference center shows the
// consent ID and links a receipt that downloads the visitor's own record as
// JSON; the link works only with the visitor's genuine token.
func TestReceipt(t *testing.T) {
	b := start(t)
	st := b.decide("accept-all", necessary, preferences, analytics, marketing)
	e := b.lastEvent()
	b.wait("the reopen button", visible(reopenButton))
	b.click("the reopen button", reopenButton)
	b.wait("the preference center", visible(part("prefs")))
	if id := eval[string](b, part("consent-id")+`.textContent`); id != st.ConsentID || !b.isVisible(part("consent-id")) {
		t.Errorf("the preference center shows consent ID %q, want %q", id, st.ConsentID)
	}
	if !b.isVisible(part("receipt")) {
		t.Fatal("the preference center shows no receipt link")
	}
	href := eval[string](b, part("receipt")+`.href`)
	u, err := url.Parse(href)
	if err != nil || u.Scheme+"://"+u.Host != b.base || u.Path != "/api/v1/consents/receipt" || u.Query().Get("token") == "" {
		t.Fatalf("the receipt link is %q, want %s/api/v1/consents/receipt?token=…", href, b.base)
	}

	// Clicking it downloads the receipt.
	name, body := b.download("the receipt link", part("receipt"))
	if name != "consent-receipt-"+st.ConsentID+".json" {
		t.Errorf("the receipt downloads as %q", name)
	}
	var r receipt
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("the receipt is not JSON: %v\n%s", err, body)
	}
	if r.ConsentID != st.ConsentID || len(r.Events) != 1 || r.Events[0].EventID != e.ID.String() ||
		r.Events[0].ConsentID != st.ConsentID || r.Events[0].Action != "accept_all" ||
		!slices.Equal(slices.Sorted(slices.Values(r.Events[0].Granted)), []string{analytics, marketing, necessary, preferences}) {
		t.Errorf("the receipt says %+v, want consent %s with its one accept_all event %s", r, st.ConsentID, e.ID)
	}
	if !b.isVisible(part("prefs")) {
		t.Error("downloading the receipt closed the preference center")
	}

	// Followed as a link, it is a page listing the decision, with the
	// JSON as a download.
	b.open(u.RequestURI())
	b.wait("the receipt page", visible(onPage("receipt-page")))
	if rows := eval[int](b, onPage("receipt-rows")+`.tBodies[0].rows.length`); rows != 1 {
		t.Errorf("the receipt page lists %d decisions, want 1", rows)
	}
	if !b.isVisible(onPage("receipt-json")) {
		t.Error("the receipt page offers no JSON download")
	}
	// On a phone its cells stack, each under its column's name, as the
	// cookie tables do: the names the hidden header row holds.
	b.do("narrowing the viewport", chromedp.EmulateViewport(360, 740))
	labels := eval[[]string](b, `[...`+onPage("receipt-rows")+`.tBodies[0].rows[0].cells].map(td => getComputedStyle(td, "::before").content)`)
	heads := eval[[]string](b, `[...`+onPage("receipt-rows")+`.tHead.rows[0].cells].map(th => JSON.stringify(th.textContent))`)
	if len(heads) != 4 || !slices.Equal(labels, heads) || b.isVisible(onPage("receipt-rows")+`.tHead`) {
		t.Errorf("at 360 px the receipt's cells are labelled %q, want their columns' names %q", labels, heads)
	}
	b.do("widening the viewport", chromedp.EmulateViewport(1280, 800))
	if src, err := axeSource(); err == nil {
		b.checkAxe(string(src), "the receipt page")
	}

	// Fetched by the page, the same URL answers the same JSON; with the
	// token's signature changed it answers no record at all.
	type answer struct {
		Status int    `json:"status"`
		Type   string `json:"type"`
		Body   string `json:"body"`
	}
	fetch := func(u string) answer {
		return eval[answer](b, fmt.Sprintf(`fetch(%q).then(async r => ({status: r.status, type: r.headers.get("Content-Type") || "", body: await r.text()}))`, u))
	}
	got := fetch(href)
	var again receipt
	if got.Status != 200 || !strings.HasPrefix(got.Type, "application/json") || json.Unmarshal([]byte(got.Body), &again) != nil || again.ConsentID != st.ConsentID {
		t.Errorf("fetching the receipt link: status %d, type %q, body %.200s", got.Status, got.Type, got.Body)
	}
	tok := u.Query().Get("token")
	forged := *u
	q := forged.Query()
	q.Set("token", tok[:len(tok)-4]+strings.Map(func(r rune) rune {
		if r == 'A' {
			return 'B'
		}
		return 'A'
	}, tok[len(tok)-4:]))
	forged.RawQuery = q.Encode()
	if bad := fetch(forged.String()); bad.Status < 400 || bad.Status >= 500 || strings.Contains(bad.Body, st.ConsentID) {
		t.Errorf("a receipt link with a forged token answered %d: %.200s", bad.Status, bad.Body)
	}
}

// TestDialogsAreModal: while the banner or the preference center is open, a
// click on the page behind it does not reach the page; once the visitor has
// decided, the same click does.
func TestDialogsAreModal(t *testing.T) {
	b := start(t)
	b.open("/demo")
	b.waitBanner()
	// A button of the host page, top left, well away from the dialogs.
	type point struct{ X, Y float64 }
	p := eval[point](b, `(() => {
		const x = document.createElement("button");
		x.id = "behind";
		x.textContent = "Add to basket";
		x.style.cssText = "position:fixed;top:40px;left:24px;width:200px;height:48px";
		x.onclick = () => { window.behindClicks = (window.behindClicks || 0) + 1; };
		document.body.prepend(x);
		const r = x.getBoundingClientRect();
		return {X: r.left + r.width / 2, Y: r.top + r.height / 2};
	})()`)
	clicks := func() int { return eval[int](b, `window.behindClicks || 0`) }
	outside := func(testid string) {
		t.Helper()
		if eval[bool](b, fmt.Sprintf(`((r) => %f >= r.left && %f <= r.right && %f >= r.top && %f <= r.bottom)(%s.getBoundingClientRect())`,
			p.X, p.X, p.Y, p.Y, part(testid))) {
			t.Fatalf("the page's button at (%.0f, %.0f) lies under the %s dialog: move it", p.X, p.Y, testid)
		}
	}
	clickBehind := func(when string) {
		t.Helper()
		b.do("clicking the page behind "+when, chromedp.MouseClickXY(p.X, p.Y))
		b.settle()
	}

	outside("banner")
	clickBehind("the banner")
	if n := clicks(); n != 0 {
		t.Errorf("a click on the page behind the open banner reached it (%d clicks)", n)
	}
	if !b.isVisible(part("banner")) {
		t.Error("a click on the page behind the banner closed it")
	}

	b.click("Customize", part("customize"))
	b.wait("the preference center", visible(part("prefs")))
	outside("prefs")
	clickBehind("the preference center")
	if n := clicks(); n != 0 {
		t.Errorf("a click on the page behind the open preference center reached it (%d clicks)", n)
	}
	if !b.isVisible(part("prefs")) {
		t.Error("a click on the page behind the preference center closed it")
	}
	if b.state() != nil || len(b.events()) != 0 {
		t.Error("a click on the page behind the dialog counted as a decision")
	}

	// Once decided, nothing covers the page: the same click reaches it.
	b.click("Reject all", part("prefs")+`.querySelector('[data-action="reject_all"]')`)
	b.waitGranted("the refusal", necessary)
	clickBehind("no dialog")
	if n := clicks(); n != 1 {
		t.Errorf("with no dialog open, a click on the page's button reached it %d times, want 1", n)
	}
}

// TestNonBlockingBanner: a site that chose a non-blocking banner leaves its
// page usable while the banner shows: a click on the page reaches it, Tab
// leaves the banner, and the banner is not announced as modal. Its
// preference center, once opened, is modal as ever.
func TestNonBlockingBanner(t *testing.T) {
	b := start(t)
	b.publishDemo("non-blocking banner", func(s *consent.Site) { s.Appearance.NonBlocking = true })
	b.open("/demo")
	b.waitBanner()
	if m := eval[string](b, part("banner")+`.getAttribute("aria-modal")`); m == "true" {
		t.Errorf("the non-blocking banner says aria-modal=%q", m)
	}
	eval[bool](b, `(() => {
		const x = document.createElement("button");
		x.id = "behind";
		x.textContent = "Read the policy";
		x.style.cssText = "position:fixed;top:40px;left:24px;width:200px;height:48px";
		x.onclick = () => { window.behindClicks = (window.behindClicks || 0) + 1; };
		document.body.prepend(x);
		return true;
	})()`)
	b.click("the page's own button beside the banner", `document.getElementById("behind")`)
	b.settle()
	if n := eval[int](b, `window.behindClicks || 0`); n != 1 {
		t.Errorf("a click on the page beside the non-blocking banner reached it %d times, want 1", n)
	}
	if !b.isVisible(part("banner")) {
		t.Error("using the page closed the banner")
	}
	// Tab from the banner's last control moves on to the page, not back
	// to the banner's first one.
	eval[bool](b, `(() => { const f = [...`+part("banner")+`.querySelectorAll("button,a[href]")]; f[f.length-1].focus(); return true; })()`)
	b.key(kb.Tab)
	if inside := eval[bool](b, `document.activeElement && document.activeElement.shadowRoot !== null && !!document.activeElement.shadowRoot.activeElement && document.activeElement.shadowRoot.activeElement.closest("[data-testid=banner]") !== null`); inside {
		t.Error("Tab from the banner's last control stayed in the banner: focus is trapped")
	}

	b.click("Customize", part("customize"))
	b.wait("the preference center", visible(part("prefs")))
	b.do("clicking the page behind the preference center", chromedp.MouseClickXY(124, 64))
	b.settle()
	if n := eval[int](b, `window.behindClicks || 0`); n != 1 {
		t.Errorf("a click behind the open preference center reached the page (%d clicks in all)", n)
	}
}

// TestPreferenceCenterCentred: the preference center stands in the middle
// of the screen, left to right as right to left, on a phone and on a
// desktop: as far from the left edge as from the right, from the top as
// from the bottom.
func TestPreferenceCenterCentred(t *testing.T) {
	b := start(t)
	for _, lang := range []string{"en", "ar"} {
		for _, w := range []int64{360, 1280} {
			b.do("setting the viewport", chromedp.EmulateViewport(w, 740))
			b.open("/demo?lang=" + lang)
			b.waitBanner()
			b.click("Customize", part("customize"))
			b.wait("the preference center", visible(part("prefs")))
			m := eval[[]float64](b, `((r) => [r.left, innerWidth - r.right, r.top, innerHeight - r.bottom])(`+part("prefs")+`.getBoundingClientRect())`)
			if math.Abs(m[0]-m[1]) > 1 || math.Abs(m[2]-m[3]) > 1 || m[0] < 0 || m[2] < 0 {
				t.Errorf("%s at %d px: the preference center is %.1f px from the left, %.1f from the right, %.1f from the top, %.1f from the bottom", lang, w, m[0], m[1], m[2], m[3])
			}
		}
	}
}

// TestReopenButtonLeavesTheFooterClear: at the end of the demo shop, the
// floating "Cookie settings" button does not cover the footer's own
// "Cookie settings" button, on a phone or a desktop, left to right or right
// to left: the page leaves room for it below its last line. On a 360 px
// phone it covered the start of the footer's button, in Arabic its first
// word.
func TestReopenButtonLeavesTheFooterClear(t *testing.T) {
	b := start(t)
	b.open("/demo")
	b.waitBanner()
	b.click("Reject all", part("reject-all"))
	b.waitGranted("the refusal", necessary)
	for _, lang := range []string{"en", "fr", "ar"} {
		for _, w := range []int64{360, 1280} {
			b.do("setting the viewport", chromedp.EmulateViewport(w, 740))
			b.open("/demo?lang=" + lang)
			b.wait("the reopen button", visible(reopenButton))
			m := eval[[]float64](b, `(() => {
				scrollTo(0, document.documentElement.scrollHeight);
				const f = `+reopenButton+`.getBoundingClientRect(), o = `+onPage("open-settings")+`.getBoundingClientRect();
				return [f.left, f.top, f.right, f.bottom, o.left, o.top, o.right, o.bottom];
			})()`)
			if m[0] < m[6] && m[4] < m[2] && m[1] < m[7] && m[5] < m[3] {
				t.Errorf("%s at %d px: the floating button %v covers the footer's button %v", lang, w, m[:4], m[4:])
			}
		}
	}
}

// TestPlaceholderInThePagesLanguage: a returning visitor's placeholders and
// "Cookie settings" button speak the language the page asks for, as the
// banner does, not the language of the page they decided on: a refusal on
// the German page left German placeholders on the French page of the same
// site, kept from the last banner the snippet fetched.
func TestPlaceholderInThePagesLanguage(t *testing.T) {
	b := start(t)
	const ph = `document.querySelector("[data-consentry-placeholder]")?.shadowRoot?.querySelector('[data-testid="placeholder"]')`
	b.open("/demo?lang=de")
	b.waitBanner()
	b.click("Alle ablehnen", part("reject-all"))
	b.waitGranted("the refusal", necessary)
	for _, tc := range []struct{ lang, blocked, reopen string }{
		{"de", "Dieser Inhalt von", "Cookie-Einstellungen"},
		{"fr", "Ce contenu de", "Paramètres des cookies"},
		{"de", "Dieser Inhalt von", "Cookie-Einstellungen"},
	} {
		b.open("/demo?lang=" + tc.lang)
		b.wait("the video's placeholder", visible(ph))
		b.wait("the reopen button", visible(reopenButton))
		if txt, lang := eval[string](b, ph+`.textContent`), eval[string](b, ph+`.lang`); !strings.Contains(txt, tc.blocked) || lang != tc.lang {
			t.Errorf("on the %s page the placeholder (lang %q) says %q, want %q", tc.lang, lang, txt, tc.blocked)
		}
		if label := eval[string](b, reopenButton+`.getAttribute("aria-label")`); label != tc.reopen {
			t.Errorf("on the %s page the reopen button is %q, want %q", tc.lang, label, tc.reopen)
		}
	}
	if b.isVisible(part("banner")) {
		t.Error("the banner came back on a page in another language")
	}
}

// TestPlaceholderListsCookiesInTheLanguage: the cookies a blocked embed's
// placeholder names are separated as the page's language separates a list:
// by the Arabic comma in Arabic, the enumeration comma in Japanese. The
// snippet joined them with ", " in every language.
func TestPlaceholderListsCookiesInTheLanguage(t *testing.T) {
	b := start(t)
	b.publishDemo("YouTube", func(s *consent.Site) {
		e, _ := catalog.Get("youtube")
		s.Services = append(s.Services, e.Service())
	})
	h := b.newHost(false)
	const ph = `document.querySelector("[data-consentry-placeholder]")?.shadowRoot?.querySelector('[data-testid="placeholder"]')`
	for _, tc := range []struct{ lang, sep string }{{"ar", "، "}, {"ja", "、"}, {"de", ", "}} {
		url := h.page("/video-"+tc.lang, `<!DOCTYPE html><html lang="`+tc.lang+`"><head><meta charset="utf-8"><title>Video</title>
<script src="{{consentry}}/c.js" data-site="demo"></script></head><body>
<iframe data-consent="marketing" data-src="https://www.youtube.com/embed/M7lc1UVf-VE" title="Video" width="560" height="315"></iframe>
</body></html>`)
		b.navigate(url)
		b.wait("the video's placeholder", visible(ph))
		cookies := eval[string](b, ph+`.querySelectorAll("p")[1]?.textContent || ""`)
		if !strings.Contains(cookies, "GPS"+tc.sep+"VISITOR_INFO1_LIVE"+tc.sep+"PREF") {
			t.Errorf("%s: the placeholder names the cookies as %q, want them separated by %q", tc.lang, cookies, tc.sep)
		}
	}
}

// TestDemoVideoPlaceholderNamesItsService: the demo's held-back video names
// the service the demo site declares for it, in each language, by the name
// the preference center gives it there; it said "This content from
// 127.0.0.1 is blocked", the address the demo runs on.
func TestDemoVideoPlaceholderNamesItsService(t *testing.T) {
	b := start(t)
	const ph = `document.querySelector("[data-consentry-placeholder]")?.shadowRoot?.querySelector('[data-testid="placeholder"]')`
	for _, tc := range []struct{ lang, want string }{
		{"en", "This content from Demo Video is blocked"},
		{"de", "Dieser Inhalt von Demo-Video ist blockiert"},
	} {
		b.open("/demo?lang=" + tc.lang)
		if tc.lang == "en" {
			b.waitBanner()
			b.click("Reject all", part("reject-all"))
			b.waitGranted("the refusal", necessary)
		}
		b.wait("the video's placeholder", visible(ph))
		if txt := eval[string](b, ph+`.textContent`); !strings.Contains(txt, tc.want) || strings.Contains(txt, "127.0.0.1") {
			t.Errorf("%s: the demo video's placeholder says %q, want %q", tc.lang, txt, tc.want)
		}
	}
}

// TestPlaceholderKeyboard: a blocked embed's placeholder is a group named
// after the embed (the iframe's title), and "Load this once", pressed from
// the keyboard, leaves focus on the embed it loaded. The buttons were
// nameless beyond "Load this once" (which embed?), and focus fell to the
// top of the page when the placeholder went.
func TestPlaceholderKeyboard(t *testing.T) {
	b := start(t)
	b.open("/demo")
	b.waitBanner()
	b.click("Reject all", part("reject-all"))
	b.waitGranted("the refusal", necessary)
	const ph = `document.querySelector("[data-consentry-placeholder]")?.shadowRoot?.querySelector('[data-testid="placeholder"]')`
	b.wait("the video's placeholder", visible(ph))
	title := eval[string](b, `document.querySelector("iframe[data-consent]").title`)
	if role, label := eval[string](b, ph+`.getAttribute("role") || ""`), eval[string](b, ph+`.getAttribute("aria-label") || ""`); role != "group" || label != title || title == "" {
		t.Errorf("the placeholder is role %q named %q, want a group named after the video (%q)", role, label, title)
	}
	eval[bool](b, ph+`.querySelector('[data-testid="ph-once"]').focus() || true`)
	b.key(kb.Enter)
	b.wait("the video loaded", `!!document.querySelector("iframe[data-consent]")?.getAttribute("src")`)
	if got := eval[string](b, `document.activeElement.tagName + " " + (document.activeElement.title || "")`); got != "IFRAME "+title {
		t.Errorf("after loading the video from the keyboard, focus is on %q, want the video", got)
	}
}
