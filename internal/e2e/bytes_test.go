package e2e

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
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
// visible, headers included; a returning visitor at most 1 KB before the
// snippet knows its decision is current. Both as DESIGN.md's targets.
func TestBytesBeforeBanner(t *testing.T) {
	b := start(t)
	h := b.newHost(true)
	h.file("/a.js", `(window.ran = window.ran || []).push("external")`)
	url := h.page("/page", fmt.Sprintf(hostPage, ""))
	w := b.watchWire(b.base)

	b.navigate(url)
	b.waitBanner()
	first := b.total(w, "first visit", w.mark())
	if first > 8*1024 {
		t.Errorf("a first visit took %.0f B from Consentry before the banner showed, over 8 KB", first)
	}

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
