package e2e

import (
	"os"
	"slices"
	"testing"
)

// setTwicePage names a tag's URL twice before inserting it, as players and
// lazy loaders do, after the snippet with data-autoblock: a YouTube embed
// named, then named again with its options (the property, then
// setAttribute); a frame given about:blank first, then the embed; and the
// Google Ads script named twice, its type set after.
const setTwicePage = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Vendors</title>
<script src="{{consentry}}/c.js" data-site="demo" data-autoblock></script>
<script>
  var s = document.createElement('script');
  s.src = 'https://www.googleadservices.com/pagead/conversion_async.js';
  s.src = 'https://www.googleadservices.com/pagead/conversion_async.js';
  s.type = 'text/javascript';
  document.head.appendChild(s);
</script>
</head><body>
<h1>Vendors</h1>
<script>
  var f = document.createElement('iframe');
  f.title = 'Named twice';
  f.src = 'https://www.youtube.com/embed/twice';
  f.setAttribute('src', 'https://www.youtube.com/embed/twice?autoplay=0');
  document.body.appendChild(f);
  var g = document.createElement('iframe');
  g.title = 'Blank first';
  g.src = 'about:blank';
  g.src = 'https://www.youtube.com/embed/blank-first';
  document.body.appendChild(g);
</script>
</body></html>`

// TestAutoblockHoldsSrcSetTwice: a tag whose URL page code sets a second
// time before inserting it is still held: no request reaches YouTube or
// Google Ads before a decision, after "Reject all" or on the next page,
// and on "Accept all" each loads the URL it was given last, the script
// runs. Before, the second URL set on a held frame slipped through (the
// frame loaded before any decision), and a frame given about:blank first
// never loaded on a grant.
func TestAutoblockHoldsSrcSetTwice(t *testing.T) {
	b, v := startWithVendors(t)
	b.declare("youtube", "google-ads")
	h := b.newHost(false)
	url := h.page("/set-twice", setTwicePage)
	check := func(when string) {
		t.Helper()
		b.settle()
		for _, host := range []string{"www.youtube.com", "www.googleadservices.com"} {
			if n := v.hostCount(host); n > 0 {
				t.Errorf("%s: %d request(s) reached %s", when, n, host)
			}
		}
		if eval[bool](b, `!!window.adsRan`) {
			t.Errorf("%s: the Google Ads script ran", when)
		}
		if n := eval[int](b, youTubeSrcs); n > 0 {
			t.Errorf("%s: %d YouTube iframe(s) have a src", when, n)
		}
	}

	b.navigate(url)
	b.waitBanner()
	check("before a decision")
	if shots := os.Getenv("CONSENTRY_SCREENSHOTS"); shots != "" {
		b.screenshot(shots, "autoblock-set-twice.png")
	}
	b.click("Reject all", part("reject-all"))
	b.waitGranted("rejecting all", necessary)
	check("after rejecting all")
	b.navigate(url)
	b.wait("the reopen button", visible(reopenButton))
	check("on the next page after rejecting all")

	eval[bool](b, `Consentry.acceptAll().then(() => true)`)
	b.waitGranted("accepting all", necessary, preferences, analytics, marketing)
	b.waitVendor(v, "www.youtube.com/embed/twice", 1)
	b.waitVendor(v, "www.youtube.com/embed/blank-first", 1)
	b.wait("the Google Ads script to run", `window.adsRan === true`)
	srcs := eval[[]string](b, `[...document.querySelectorAll("iframe")].map(f => f.getAttribute("src"))`)
	if want := []string{"https://www.youtube.com/embed/twice?autoplay=0", "https://www.youtube.com/embed/blank-first"}; !slices.Equal(srcs, want) {
		t.Errorf("the frames loaded %q, want the URLs they were given last, %q", srcs, want)
	}

	b.navigate(url)
	b.waitVendor(v, "www.youtube.com/embed/twice", 2)
	b.waitVendor(v, "www.youtube.com/embed/blank-first", 2)
	b.wait("the Google Ads script to run on the returning visit", `window.adsRan === true`)
}

// lazyPage has an empty frame in its markup, sized, whose URL a lazy
// loader sets once it scrolls into view (here: the test, later).
const lazyPage = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Vendors</title>
<script src="{{consentry}}/c.js" data-site="demo" data-autoblock></script>
</head><body>
<h1>Vendors</h1>
<iframe id="lazy" title="Lazy video" width="400" height="225" frameborder="0"></iframe>
</body></html>`

// TestAutoblockLateSrcGetsPlaceholder: a frame in the page whose URL page
// code sets later (a lazy loader's setAttribute("src", …)) is held and
// shows its placeholder at once, sized like it, on a first visit with the
// banner up and on a returning visitor's page; its "Allow Marketing"
// loads it. Before, the frame was held but showed nothing in its place
// until the next decision.
func TestAutoblockLateSrcGetsPlaceholder(t *testing.T) {
	b, v := startWithVendors(t)
	b.declare("youtube")
	h := b.newHost(false)
	url := h.page("/lazy", lazyPage)
	const (
		setSrc = `(document.getElementById("lazy").setAttribute("src", "https://www.youtube.com/embed/lazy"), true)`
		ph     = `document.getElementById("lazy").previousElementSibling?.shadowRoot?.querySelector('[data-testid="placeholder"]')`
	)
	lazyHeld := func(when string) {
		t.Helper()
		eval[bool](b, setSrc)
		b.wait("the lazy frame's placeholder "+when, visible(ph))
		size := eval[[]float64](b, `(r => [r.width, r.height])(document.querySelector("[data-consentry-placeholder]").getBoundingClientRect())`)
		if !slices.Equal(size, []float64{400, 225}) {
			t.Errorf("%s: the placeholder is %v, want 400×225 like the frame", when, size)
		}
		b.settle()
		if n := v.hostCount("www.youtube.com"); n > 0 {
			t.Errorf("%s: %d request(s) reached www.youtube.com", when, n)
		}
		if n := eval[int](b, youTubeSrcs); n > 0 {
			t.Errorf("%s: %d YouTube iframe(s) have a src", when, n)
		}
	}

	b.navigate(url)
	b.waitBanner()
	lazyHeld("with the banner up")
	b.click("Reject all", part("reject-all"))
	b.waitGranted("rejecting all", necessary)
	b.navigate(url)
	b.wait("the reopen button", visible(reopenButton))
	lazyHeld("on the next page after rejecting all")
	if shots := os.Getenv("CONSENTRY_SCREENSHOTS"); shots != "" {
		b.screenshot(shots, "autoblock-lazy-placeholder.png")
	}

	b.click("Allow Marketing", ph+`.querySelector('[data-testid="ph-allow"]')`)
	b.waitGranted("allowing marketing", necessary, marketing)
	b.waitVendor(v, "www.youtube.com/embed/lazy", 1)
	b.wait("the video frame shown", visible(`document.getElementById("lazy")`))
}
