package e2e

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
	"github.com/consentry/consentry/internal/i18n"
)

// wire records, through the DevTools protocol, every request the tab makes
// to one origin and the bytes each took on the wire (headers and encoded
// body, as Network.loadingFinished's encodedDataLength counts them).
type wire struct {
	mu     sync.Mutex
	origin string
	reqs   map[network.RequestID]*wireRequest
	order  []network.RequestID
}

type wireRequest struct {
	url, encoding, accept string
	status                int64
	cached                bool
	bytes                 float64
	headers               int
	received              float64 // bytes when the response began: its headers
	failed                string
	done                  bool
}

func (b *browser) watchWire(origin string) *wire {
	b.t.Helper()
	w := &wire{origin: origin, reqs: map[network.RequestID]*wireRequest{}}
	if err := chromedp.Listen(b.ctx, func(ev any) {
		w.mu.Lock()
		defer w.mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			if strings.HasPrefix(e.Request.URL, origin+"/") {
				if _, ok := w.reqs[e.RequestID]; !ok {
					w.order = append(w.order, e.RequestID)
				}
				ae, _ := e.Request.Headers["Accept-Encoding"].(string)
				w.reqs[e.RequestID] = &wireRequest{url: strings.TrimPrefix(e.Request.URL, origin), accept: ae}
			}
		case *network.EventResponseReceived:
			if r := w.reqs[e.RequestID]; r != nil {
				r.status, r.received = e.Response.Status, e.Response.EncodedDataLength
				r.cached = r.cached || e.Response.FromDiskCache || e.Response.FromPrefetchCache
				r.encoding, _ = e.Response.Headers["Content-Encoding"].(string)
			}
		case *network.EventResponseReceivedExtraInfo:
			if r := w.reqs[e.RequestID]; r != nil {
				r.headers = len(e.HeadersText)
			}
		case *network.EventRequestServedFromCache:
			if r := w.reqs[e.RequestID]; r != nil {
				r.cached = true
			}
		case *network.EventLoadingFinished:
			if r := w.reqs[e.RequestID]; r != nil {
				r.bytes, r.done = e.EncodedDataLength, true
			}
		case *network.EventLoadingFailed:
			if r := w.reqs[e.RequestID]; r != nil {
				r.done, r.failed = true, e.ErrorText
			}
		}
	}); err != nil {
		b.t.Fatalf("listening to the network: %v", err)
	}
	if _, err := chromedp.Call(b.ctx, network.Enable, network.EnableParams{}); err != nil {
		b.t.Fatalf("network.enable: %v", err)
	}
	return w
}

// mark returns the requests made so far and forgets them, so that the next
// mark counts only what came after.
func (w *wire) mark() []network.RequestID {
	w.mu.Lock()
	defer w.mu.Unlock()
	ids := w.order
	w.order = nil
	return ids
}

// total waits for the requests to finish, logs one line per request and
// returns their bytes on the wire.
func (b *browser) total(w *wire, what string, ids []network.RequestID) float64 {
	b.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		w.mu.Lock()
		pending := 0
		for _, id := range ids {
			if !w.reqs[id].done {
				pending++
			}
		}
		w.mu.Unlock()
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("%s: %d request(s) never finished", what, pending)
		}
		b.settle()
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	var sum float64
	for _, id := range ids {
		r := w.reqs[id]
		// A 204 whose (empty) body the page never reads ends "aborted",
		// reporting no bytes: its headers still crossed the wire.
		// One served from the browser's cache took nothing.
		if r.cached {
			r.bytes = 0
		} else {
			r.bytes = max(r.bytes, r.received, float64(r.headers))
		}
		sum += r.bytes
		b.t.Logf("%s: %-58s %3d %-4s cached=%-5v %6.0f B (headers %d B) %s", what, r.url, r.status, r.encoding, r.cached, r.bytes, r.headers, r.failed)
	}
	b.t.Logf("%s: %d request(s), %.0f B on the wire", what, len(ids), sum)
	return sum
}

// TestBytesBeforeBanner: a first visit to a host page (under the strict
// CSP) costs at most 8 KB on the wire from Consentry before the banner is
// visible, headers included, in every visitor language (the browser's
// language set, the page naming none); a returning visitor at most 1 KB
// before the snippet knows its decision is current. Both as DESIGN.md's
// targets. A tab measures fourteen languages, its cache, cookies and the
// host's storage cleared before each, to stay well within one test's time.
func TestBytesBeforeBanner(t *testing.T) {
	var mu sync.Mutex
	firsts := map[string]float64{}
	for langs := range slices.Chunk(i18n.Visitor, 14) {
		t.Run(langs[0].Code+"…"+langs[len(langs)-1].Code, func(t *testing.T) {
			b := start(t)
			h := b.newHost(true)
			h.file("/a.js", `(window.ran = window.ran || []).push("external")`)
			url := h.page("/page", strings.Replace(fmt.Sprintf(hostPage, ""), ` lang="en"`, "", 1))
			w := b.watchWire(b.base)
			for _, l := range langs {
				n := b.firstVisit(w, url, h.srv.URL, l.Code)
				mu.Lock()
				firsts[l.Code] = n
				mu.Unlock()
			}
		})
	}
	codes := slices.Collect(maps.Keys(firsts))
	slices.SortFunc(codes, func(a, b string) int { return cmp.Or(cmp.Compare(firsts[b], firsts[a]), cmp.Compare(a, b)) })
	var line []string
	for _, c := range codes {
		line = append(line, fmt.Sprintf("%s %.0f", c, firsts[c]))
	}
	t.Logf("first visit, bytes on the wire by language, most first: %s", strings.Join(line, ", "))
	for _, c := range codes {
		if firsts[c] > 8*1024 {
			t.Errorf("a first visit in %s took %.0f B from Consentry before the banner showed, over 8 KB", c, firsts[c])
		}
	}

	b := start(t)
	h := b.newHost(true)
	h.file("/a.js", `(window.ran = window.ran || []).push("external")`)
	url := h.page("/page", fmt.Sprintf(hostPage, ""))
	w := b.watchWire(b.base)
	b.navigate(url)
	b.waitBanner()
	b.total(w, "first visit", w.mark())
	b.click("Accept all", part("accept-all"))
	b.waitGranted("accepting all", necessary, preferences, analytics, marketing)
	b.total(w, "the decision", w.mark())

	b.navigate(url)
	b.wait("the revision check", `Consentry.ready.then(() => true)`)
	b.wait("the reopen button", visible(reopenButton))
	again := b.total(w, "returning visitor", w.mark())
	if again > 1024 {
		t.Errorf("a returning visitor took %.0f B from Consentry, over 1 KB", again)
	}
}

// firstVisit opens url as a visitor on a first visit, whose browser asks
// for lang (its Accept-Language and navigator.languages): the tab's cache,
// cookies and the host's storage are cleared first (quicker than a new
// browser context). It waits for the banner, checks that it speaks lang and
// that nothing came from a cache, and returns what the visit took on the
// wire from Consentry.
func (b *browser) firstVisit(w *wire, url, origin, lang string) float64 {
	b.t.Helper()
	b.navigate("about:blank")
	w.mark()
	ua := eval[string](b, `navigator.userAgent`)
	if _, err := chromedp.Call(b.ctx, network.ClearBrowserCache, cdp.Empty{}); err != nil {
		b.t.Fatalf("clearing the cache: %v", err)
	}
	if _, err := chromedp.Call(b.ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		b.t.Fatalf("clearing the cookies: %v", err)
	}
	if _, err := chromedp.Call(b.ctx, storage.ClearDataForOrigin, storage.ClearDataForOriginParams{Origin: origin, StorageTypes: "all"}); err != nil {
		b.t.Fatalf("clearing the host's storage: %v", err)
	}
	if _, err := chromedp.Call(b.ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: ua, AcceptLanguage: lang}); err != nil {
		b.t.Fatalf("setting the browser's language to %s: %v", lang, err)
	}
	b.navigate(url)
	b.waitBanner()
	if got := eval[string](b, part("consentry")+`.getAttribute("lang")`); got != lang {
		b.t.Errorf("a browser asking for %s got the banner in %q", lang, got)
	}
	ids := w.mark()
	n := b.total(w, "first visit ("+lang+")", ids)
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(ids) < 3 {
		b.t.Errorf("a first visit in %s made %d request(s) to Consentry, want the snippet, the banner and its stylesheet", lang, len(ids))
	}
	for _, id := range ids {
		if r := w.reqs[id]; r.cached || r.status != 200 {
			b.t.Errorf("a first visit in %s had %s from a cache (%v) or answered %d, not from the wire", lang, r.url, r.cached, r.status)
		}
	}
	return n
}
