package e2e

import (
	"testing"
)

// setAttributePage inserts the Meta pixel's script and a YouTube embed
// from page code that names their URL with setAttribute("src", …), not
// with the src property, after the snippet with data-autoblock. Both
// scripts set their type after their src (one with setAttribute, one with
// the property).
const setAttributePage = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Vendors</title>
<script src="{{consentry}}/c.js" data-site="demo" data-autoblock></script>
<script>
  window.fbq = function () { fbq.queue.push(arguments); };
  fbq.queue = [];
  fbq('track', 'PageView');
  var s = document.createElement('script');
  s.setAttribute('async', '');
  s.setAttribute('src', 'https://connect.facebook.net/en_US/fbevents.js');
  s.setAttribute('type', 'text/javascript');
  document.head.appendChild(s);
  var g = document.createElement('script');
  g.src = 'https://www.googleadservices.com/pagead/conversion_async.js';
  g.type = 'text/javascript';
  document.head.appendChild(g);
</script>
</head><body>
<h1>Vendors</h1>
<script>
  var f = document.createElement('iframe');
  f.setAttribute('src', 'https://www.youtube.com/embed/M7lc1UVf-VE');
  f.setAttribute('title', 'YouTube video player');
  f.setAttribute('width', '560');
  f.setAttribute('height', '315');
  document.body.appendChild(f);
</script>
</body></html>`

// TestAutoblockHoldsSetAttribute: under autoblock, a script and an iframe
// that page code names with setAttribute("src", …) make no request to
// their hosts before a decision, nor after "Reject all" (on that page and
// the next), and load once their services' category is granted, also
// when page code sets a script's type after its src. Before, both were
// fetched at once and the script ran, while the console said "consentry:
// held" of it; a held script whose type was set after its src never ran
// on a grant.
func TestAutoblockHoldsSetAttribute(t *testing.T) {
	b, v := startWithVendors(t)
	b.declare("meta-pixel", "youtube", "google-ads")
	h := b.newHost(false)
	url := h.page("/set-attribute", setAttributePage)
	const fbevents = "connect.facebook.net/en_US/fbevents.js"
	check := func(when string) {
		t.Helper()
		b.settle()
		for _, host := range []string{"connect.facebook.net", "www.facebook.com", "www.youtube.com", "www.googleadservices.com"} {
			if n := v.hostCount(host); n > 0 {
				t.Errorf("%s: %d request(s) reached %s", when, n, host)
			}
		}
		if eval[bool](b, `!!(window.fbqSaw || window.adsRan)`) {
			t.Errorf("%s: a vendor's script ran", when)
		}
		if n := eval[int](b, `document.querySelectorAll('iframe[src*="youtube"]').length`); n > 0 {
			t.Errorf("%s: %d YouTube iframe(s) have a src", when, n)
		}
	}

	b.navigate(url)
	b.waitBanner()
	check("before a decision")
	b.click("Reject all", part("reject-all"))
	b.waitGranted("rejecting all", necessary)
	check("after rejecting all")
	b.navigate(url)
	b.wait("the reopen button", visible(reopenButton))
	check("on the next page after rejecting all")

	eval[bool](b, `Consentry.acceptAll().then(() => true)`)
	b.waitGranted("accepting all", necessary, preferences, analytics, marketing)
	b.waitVendor(v, fbevents, 1)
	b.wait("the Meta pixel's script to run", `!!window.fbqSaw`)
	b.waitVendor(v, ytEmbed, 1)
	b.wait("the Google Ads script to run", `window.adsRan === true`)

	// A returning visitor who granted: both load at once.
	b.navigate(url)
	b.waitVendor(v, fbevents, 2)
	b.waitVendor(v, ytEmbed, 2)
	b.wait("the Meta pixel's script to run on the returning visit", `!!window.fbqSaw`)
	b.wait("the Google Ads script to run on the returning visit", `window.adsRan === true`)
}
