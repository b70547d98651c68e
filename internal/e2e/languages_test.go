package e2e

import (
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/consentry/consentry/internal/i18n"
)

// TestRightToLeftMirrors: in Hebrew and Persian the banner runs right to
// left like Arabic: the buttons keep their order but start from the right
// edge, and the preference center's close button sits at the left of its
// title, where English has them the other way round.
func TestRightToLeftMirrors(t *testing.T) {
	b := start(t)
	b.do("setting the viewport", chromedp.EmulateViewport(1024, 768))
	type layout struct {
		Dir            string
		BannerL        float64 `json:"bannerL"`
		BannerR        float64 `json:"bannerR"`
		AcceptL        float64 `json:"acceptL"`
		AcceptR        float64 `json:"acceptR"`
		RejectL        float64 `json:"rejectL"`
		RejectR        float64 `json:"rejectR"`
		CloseX, TitleX float64
	}
	measure := func(lang string) layout {
		t.Helper()
		b.open("/demo?lang=" + lang)
		b.waitBanner()
		l := eval[layout](b, `(() => {
			const r = (e) => e.getBoundingClientRect(), banner = r(`+part("banner")+`);
			const a = r(`+part("accept-all")+`), j = r(`+part("reject-all")+`);
			return {Dir: getComputedStyle(`+part("banner")+`).direction, bannerL: banner.left, bannerR: banner.right,
				acceptL: a.left, acceptR: a.right, rejectL: j.left, rejectR: j.right};
		})()`)
		b.click("Customize", part("customize"))
		b.wait("the preference center", visible(part("prefs")))
		x := eval[[]float64](b, `((c, h) => [c.left + c.width / 2, h.left + h.width / 2])(`+part("close")+`.getBoundingClientRect(), `+part("prefs")+`.querySelector("h2").getBoundingClientRect())`)
		l.CloseX, l.TitleX = x[0], x[1]
		return l
	}
	en := measure("en")
	if en.Dir != "ltr" || en.AcceptL >= en.RejectL || en.CloseX <= en.TitleX {
		t.Fatalf("English does not run left to right: %+v", en)
	}
	for _, lang := range []string{"he", "fa"} {
		l := measure(lang)
		if l.Dir != "rtl" {
			t.Errorf("%s: the banner's direction is %q", lang, l.Dir)
		}
		if l.AcceptR <= l.RejectR {
			t.Errorf("%s: Accept all (right edge %.0f) is not right of Reject all (%.0f)", lang, l.AcceptR, l.RejectR)
		}
		// Mirrored: the first button is as far from the right edge as the
		// English one is from the left edge.
		if enGap, gap := en.AcceptL-en.BannerL, l.BannerR-l.AcceptR; math.Abs(enGap-gap) > 2 {
			t.Errorf("%s: the first button is %.0f px from the banner's right edge; in English %.0f px from its left", lang, gap, enGap)
		}
		if l.CloseX >= l.TitleX {
			t.Errorf("%s: the close button (x %.0f) is not left of the title (x %.0f)", lang, l.CloseX, l.TitleX)
		}
	}
}

// TestAxeLongWords: axe-core finds no serious or critical violation, and
// nothing sticks out of the screen, at 320 px in languages with long words
// (German, Finnish, Hungarian): the banner, the preference center with its
// services unfolded, and the page without JavaScript.
func TestAxeLongWords(t *testing.T) {
	src := requireAxe(t)
	b := start(t)
	b.do("narrowing the viewport", chromedp.EmulateViewport(320, 640))
	fits := func(what string) {
		t.Helper()
		if out := b.overflowing(); len(out) > 0 {
			t.Errorf("at 320 px, %s sticks out of the screen: %s", what, strings.Join(out, "; "))
		}
	}
	for _, lang := range []string{"de", "fi", "hu"} {
		b.open("/demo?lang=" + lang)
		b.waitBanner()
		b.checkAxe(src, "the banner ("+lang+", 320 px)")
		fits("the banner (" + lang + ")")
		b.click("Customize", part("customize"))
		b.wait("the preference center", visible(part("prefs")))
		eval[int](b, `[...`+part("prefs")+`.querySelectorAll("details")].map(d => d.open = true).length`)
		b.checkAxe(src, "the preference center ("+lang+", 320 px)")
		fits("the preference center (" + lang + ")")
		b.open("/p/demo?lang=" + lang)
		b.checkAxe(src, "the preference page without JavaScript ("+lang+", 320 px)")
		fits("the preference page without JavaScript (" + lang + ")")
	}
}

// TestEveryLanguageFits: in every visitor language the banner shows in its
// language and direction and fits a 320 px screen. A browser takes a dozen
// languages, to stay well within one test's time.
func TestEveryLanguageFits(t *testing.T) {
	for langs := range slices.Chunk(i18n.Visitor, 12) {
		t.Run(langs[0].Code+"…"+langs[len(langs)-1].Code, func(t *testing.T) {
			b := start(t)
			b.do("narrowing the viewport", chromedp.EmulateViewport(320, 640))
			for _, l := range langs {
				b.open("/demo?lang=" + l.Code)
				b.waitBanner()
				got := eval[[]string](b, `((r) => [r.getAttribute("lang"), r.getAttribute("dir")])(`+part("consentry")+`)`)
				if got[0] != l.Code || got[1] != l.Dir() {
					t.Errorf("?lang=%s: the banner says lang=%q dir=%q", l.Code, got[0], got[1])
				}
				if out := b.overflowing(); len(out) > 0 {
					t.Errorf("%s: at 320 px the banner sticks out of the screen: %s", l.Code, strings.Join(out, "; "))
				}
			}
		})
	}
}

// TestNoJSPageBackLinkFirst: on the page without JavaScript, "Back to the
// site" comes first, above the heading, where a page's way back is looked
// for (and first for the keyboard); it sat under the last button, below
// every category, on a phone several screens down.
func TestNoJSPageBackLinkFirst(t *testing.T) {
	b := start(t)
	for _, w := range []int64{360, 1280} {
		b.do("setting the viewport", chromedp.EmulateViewport(w, 800))
		b.open("/p/demo?lang=de&return=" + b.base + "/demo")
		got := eval[[]float64](b, `[`+onPage("back")+`.getBoundingClientRect().bottom, document.querySelector("h1").getBoundingClientRect().top, `+
			`document.querySelector("main").firstElementChild.contains(`+onPage("back")+`) ? 1 : 0]`)
		if got[0] > got[1] || got[0] > 800 || got[2] != 1 {
			t.Errorf("at %d px the way back ends at y %.0f, the heading starts at %.0f (first in the page: %v); want it first, above the heading", w, got[0], got[1], got[2] == 1)
		}
	}
}

// TestNoJSPageTargets: on the page without JavaScript, "Back to the site"
// is at least 24 px high, and the origin's favicon is no 404.
func TestNoJSPageTargets(t *testing.T) {
	b := start(t)
	b.open("/p/demo?return=" + b.base + "/demo")
	h := eval[float64](b, onPage("back")+`.getBoundingClientRect().height`)
	if h < 24 {
		t.Errorf("Back to the site is %.1f px high, want at least 24", h)
	}
	status := eval[int](b, `fetch("/favicon.ico").then(r => r.status)`)
	if status != 200 {
		t.Errorf("/favicon.ico answers %d", status)
	}
}

// brokenWords is the expression of the ordinary words (not cookie names,
// which may break anywhere) in the cookie tables under root that a line
// break cuts in two, and of the tables wider than their box; given a
// selector as well, of the words in the elements it selects instead of
// the tables' cells.
const brokenWords = `((root, blocks = "th, td") => {
	const out = [];
	const lines = (r) => new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top))).size;
	for (const cell of root.querySelectorAll(blocks)) {
		const w = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
		for (let n; (n = w.nextNode()); ) {
			if (n.parentElement.closest("code")) continue;
			for (const m of n.data.matchAll(/[^\s\-\u2010\u2011\/]+/g)) {
				const r = document.createRange();
				r.setStart(n, m.index);
				r.setEnd(n, m.index + m[0].length);
				if (lines(r) > 1) out.push("word " + JSON.stringify(m[0]));
			}
		}
	}
	for (const t of root.querySelectorAll("table")) {
		const box = t.parentElement.getBoundingClientRect(), r = t.getBoundingClientRect();
		if (r.width > box.width + 0.5) out.push("a table " + Math.round(r.width) + " px wide in " + Math.round(box.width));
	}
	return out;
})`

// koreanText is every element of the banner, the preference center and the
// page without JavaScript that holds a text of its own.
const koreanText = `"h1, h2, h3, p, label, summary, th, td, button, .cy-on, a"`

// TestKoreanBreaksBetweenWords: on a 360 px phone, Korean text breaks its
// lines only between words, at the spaces that separate them, as Korean is
// written, never between two syllables of one word: the banner's text,
// the preference center's and the page without JavaScript's, their cookie
// tables included. Each word is a range of the page whose client rects
// must all stand on one line. Lines broke anywhere between syllables
// ('개|선에', '셀 수 있|도록').
func TestKoreanBreaksBetweenWords(t *testing.T) {
	b := start(t)
	b.do("narrowing the viewport", chromedp.EmulateViewport(360, 740))
	b.open("/p/demo?lang=ko")
	eval[int](b, `[...document.querySelectorAll("details")].map(d => d.open = true).length`)
	if out := eval[[]string](b, brokenWords+`(document.querySelector("main"), `+koreanText+`)`); len(out) > 0 {
		t.Errorf("the page without JavaScript: %s", strings.Join(out, "; "))
	}
	b.open("/demo?lang=ko")
	b.waitBanner()
	if out := eval[[]string](b, brokenWords+`(`+part("banner")+`, `+koreanText+`)`); len(out) > 0 {
		t.Errorf("the banner: %s", strings.Join(out, "; "))
	}
	b.click("Customize", part("customize"))
	b.wait("the preference center", visible(part("prefs")))
	eval[int](b, `[...`+part("prefs")+`.querySelectorAll("details")].map(d => d.open = true).length`)
	if out := eval[[]string](b, brokenWords+`(`+part("prefs")+`, `+koreanText+`)`); len(out) > 0 {
		t.Errorf("the preference center: %s", strings.Join(out, "; "))
	}
}

// TestCookieTablesBreakNoWord: on a 360 px phone, the cookie tables of the
// page without JavaScript and of the preference center fit the screen in
// every visitor language without cutting an ordinary word in two (a cookie
// name may break anywhere); the banner's text keeps the "Cookie settings"
// button's name it quotes on one line ('„Cookie-Einstellungen“' in German)
// and a Bengali suffix joined by a hyphen with its word, at any width. The
// tables broke words anywhere below 700 px ('Persiste|nt'). Chinese,
// Japanese and Thai, whose lines break between syllables or letters by
// the browser's own rules, are not checked for words; Korean is, in all
// its text, by TestKoreanBreaksBetweenWords.
func TestCookieTablesBreakNoWord(t *testing.T) {
	b := start(t)
	b.do("narrowing the viewport", chromedp.EmulateViewport(360, 740))
	for _, l := range i18n.Visitor {
		b.open("/p/demo?lang=" + l.Code)
		eval[int](b, `[...document.querySelectorAll("details")].map(d => d.open = true).length`)
		out := eval[[]string](b, brokenWords+`(document.querySelector("main"))`)
		if slices.Contains([]string{"zh-Hans", "zh-Hant", "ja", "ko", "th"}, l.Code) {
			out = slices.DeleteFunc(out, func(s string) bool { return strings.HasPrefix(s, "word ") })
		}
		if len(out) > 0 {
			t.Errorf("%s, the page without JavaScript at 360 px: %s", l.Code, strings.Join(out, "; "))
		}
	}
	for _, lang := range []string{"en", "de", "fi"} {
		b.open("/demo?lang=" + lang)
		b.waitBanner()
		b.click("Customize", part("customize"))
		b.wait("the preference center", visible(part("prefs")))
		eval[int](b, `[...`+part("prefs")+`.querySelectorAll("details")].map(d => d.open = true).length`)
		if out := eval[[]string](b, brokenWords+`(`+part("prefs")+`)`); len(out) > 0 {
			t.Errorf("%s, the preference center at 360 px: %s", lang, strings.Join(out, "; "))
		}
	}
	// The banner's text as the page without JavaScript shows it, in widths
	// from a phone's to a tablet's.
	for lang, joined := range map[string]string{
		"de": "„Cookie.Einstellungen“", "hu": "„Süti.beállítások”", "nl": "‘Cookie.instellingen’", "ro": "cookie.uri”",
		"mt": "tal.cookies”", "sq": "cookie.ve”", "bn": "”.এ",
	} {
		b.open("/p/demo?lang=" + lang)
		split := eval[[]int](b, `((re) => {
			const p = document.querySelector("main > p"), main = document.querySelector("main"), n = p.firstChild, out = [];
			const m = n.data.match(re);
			if (!m) return [-1];
			const r = document.createRange();
			r.setStart(n, m.index);
			r.setEnd(n, m.index + m[0].length);
			for (let w = 200; w <= 720; w += 2) {
				main.style.width = w + "px";
				if (new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top))).size > 1) out.push(w);
			}
			return out;
		})(new RegExp(`+strconv.Quote(joined)+`))`)
		if len(split) > 0 {
			t.Errorf("%s: the banner's text breaks %s across lines (at %v px; -1: not found)", lang, joined, split)
		}
	}
}

// TestCookieTableHeadingsWhole: on a desktop (1280 px), in Japanese and
// Chinese, which have no spaces to break at, a cookie table's column names
// and its short cells (lifetime, kind) each stand on one line, in the
// preference center and on the page without JavaScript. Each is a range of
// the page whose client rects must all stand on one line. Japanese broke
// '種類' and '永続' one character a line, in a column squeezed by the
// purpose's long text.
func TestCookieTableHeadingsWhole(t *testing.T) {
	b := start(t)
	b.do("setting the viewport", chromedp.EmulateViewport(1280, 800))
	const split = `((root) => {
		const out = [];
		for (const c of root.querySelectorAll("th, td:nth-child(n+3)")) {
			const r = document.createRange();
			r.selectNodeContents(c);
			const tops = new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top)));
			if (tops.size > 1) out.push(JSON.stringify(c.textContent.trim()) + " on " + tops.size + " lines");
		}
		return [...new Set(out)];
	})`
	for _, lang := range []string{"ja", "zh-Hans", "zh-Hant"} {
		b.open("/p/demo?lang=" + lang)
		eval[int](b, `[...document.querySelectorAll("details")].map(d => d.open = true).length`)
		if out := eval[[]string](b, split+`(document.querySelector("main"))`); len(out) > 0 {
			t.Errorf("%s, the page without JavaScript at 1280 px: %s", lang, strings.Join(out, "; "))
		}
		b.open("/demo?lang=" + lang)
		b.waitBanner()
		b.click("Customize", part("customize"))
		b.wait("the preference center", visible(part("prefs")))
		eval[int](b, `[...`+part("prefs")+`.querySelectorAll("details")].map(d => d.open = true).length`)
		if out := eval[[]string](b, split+`(`+part("prefs")+`)`); len(out) > 0 {
			t.Errorf("%s, the preference center at 1280 px: %s", lang, strings.Join(out, "; "))
		}
		if dir := os.Getenv("CONSENTRY_SCREENSHOTS"); dir != "" {
			eval[bool](b, `([...`+part("prefs")+`.querySelectorAll("table")].at(-2).scrollIntoView({block: "center"}), true)`)
			b.screenshot(dir, "prefs-table-"+lang+".png")
		}
	}
}
