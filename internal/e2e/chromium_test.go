package e2e

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestMain stops the package's Chromium after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	shared.close()
	os.Exit(code)
}

// shared is the one Chromium the tests open their tabs in, each test in a
// browser context of its own. Launching a browser costs about 2 s of CPU on
// this project's 2-core machine; a browser context costs a few milliseconds.
var shared chromium

type chromium struct {
	once sync.Once
	ctx  context.Context // the browser's chromedp context
	stop func()          // nil until it launched
	err  error
}

// browser returns the shared Chromium's context, launching it on first use.
func (c *chromium) browser() (context.Context, error) {
	c.once.Do(func() { c.ctx, c.stop, c.err = launch(context.Background(), nil) })
	return c.ctx, c.err
}

// close stops the shared Chromium if it was launched.
func (c *chromium) close() {
	if c.stop != nil {
		c.stop()
	}
}

// launch starts a headless Chromium with a fresh profile and the extra
// options. stop ends it and removes the profile.
func launch(ctx context.Context, extra []chromedp.ExecAllocatorOption) (context.Context, func(), error) {
	profile, err := os.MkdirTemp("", "consentry-e2e-")
	if err != nil {
		return nil, nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		// Leaving a page for another site (about:blank included) would
		// otherwise start a new renderer process, so that the page can
		// wait in the back/forward cache: 1.5–4 s a navigation on this
		// machine under load, against 0.2 s. No test goes back.
		chromedp.Flag("disable-features", "Translate,BlinkGenPropertyTrees,"+
			"BackForwardCache,ProactivelySwapBrowsingInstance,RenderDocument"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 800),
	)
	opts = append(opts, extra...)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	stop := func() {
		bcancel()
		acancel()
		// Chromium's helpers can still write into the profile for a moment
		// after the browser exits, so it is removed with retries.
		for range 50 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	if err := chromedp.Do(bctx); err != nil {
		stop()
		return nil, nil, err
	}
	return bctx, stop, nil
}

// tab opens a tab for the test in a fresh browser context: of the shared
// Chromium, or of one launched for the test when it needs extra options. The
// tab's actions fail once ctx ends; it closes when the test ends.
func tab(t *testing.T, ctx context.Context, extra []chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	var parent context.Context
	if len(extra) == 0 {
		b, err := shared.browser()
		if err != nil {
			t.Fatalf("starting %s: %v", chromiumPath, err)
		}
		parent = b
	} else {
		b, stop, err := launch(ctx, extra)
		if err != nil {
			t.Fatalf("starting %s: %v", chromiumPath, err)
		}
		t.Cleanup(stop)
		parent = b
	}
	return openTab(t, ctx, parent)
}

// openTab is the one way a test opens a tab: in a fresh browser context (no
// cookies, cache or storage of another tab) of the Chromium that parent, a
// browser's or another tab's context, belongs to. The tab's actions fail once
// ctx ends; it closes when the test ends.
func openTab(t *testing.T, ctx, parent context.Context) context.Context {
	t.Helper()
	tctx, closeTab := chromedp.NewContext(parent, chromedp.WithNewBrowserContext())
	t.Cleanup(closeTab)
	// The tab's actions end with the test's deadline too.
	tctx, cancel := context.WithCancel(tctx)
	stop := context.AfterFunc(ctx, cancel)
	t.Cleanup(func() { stop(); cancel() })
	if err := chromedp.Do(tctx); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	return tctx
}
