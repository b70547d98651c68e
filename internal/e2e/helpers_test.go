package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/consent"
	"golang.org/x/crypto/bcrypt"
)

const (
	chromiumPath = "/usr/bin/chromium"
	testTimeout  = 3 * time.Minute  // one test: server, tab and all its steps; a guard against a hang, not a speed limit
	waitTimeout  = 10 * time.Second // one wait for the page to reach a state
	axeTimeout   = 30 * time.Second // one axe-core audit of a page: over 10 s on a machine at load 10
)

// requireChromium skips the test when Debian's Chromium is missing, except
// under CI, where a missing browser is a failure.
func requireChromium(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("browser tests need %s under CI: %v", chromiumPath, err)
		}
		t.Skipf("no browser at %s: %v", chromiumPath, err)
	}
}

// browser is one test's real server and one headless Chromium tab on it.
type browser struct {
	t    *testing.T
	ctx  context.Context // the chromedp context of the tab
	app  *app.App
	base string // http://127.0.0.1:PORT
	// The demo admin's email and password, for signing in to the console.
	adminEmail, adminPassword string

	mu      sync.Mutex
	thrown  []string          // uncaught exceptions in the page
	headers map[string]string // extra request headers the tab sends
}

// start opens a server with a fresh SQLite database and the demo site, and a
// tab in a fresh browser context of the package's Chromium: no cookies, cache
// or storage of another test. Everything stops when the test ends or after
// testTimeout, whichever comes first.
func start(t *testing.T) *browser {
	t.Helper()
	return startWith(t, nil)
}

// startWith is start with the server's options changed by edit first (nil
// changes nothing), and with a Chromium of the test's own given the extra
// options, if there are any.
func startWith(t *testing.T, edit func(*app.Options), extra ...chromedp.ExecAllocatorOption) *browser {
	t.Helper()
	requireChromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	var email, password string
	a := startServer(t, ctx, func(e, p string) { email, password = e, p }, edit)

	bctx := tab(t, ctx, extra)
	b := &browser{t: t, ctx: bctx, app: a, base: a.URL(), adminEmail: email, adminPassword: password}
	b.watchExceptions()
	return b
}

// newVisitor opens a second tab on the same server in a browser context of
// its own: another visitor, with no cookies, cache or headers of the first.
func (b *browser) newVisitor() *browser {
	b.t.Helper()
	vctx := openTab(b.t, b.ctx, b.ctx)
	v := &browser{t: b.t, ctx: vctx, app: b.app, base: b.base, adminEmail: b.adminEmail, adminPassword: b.adminPassword}
	v.watchExceptions()
	return v
}

// watchExceptions fails the test, when it ends, for every uncaught exception
// in the tab's pages: one is a bug, whatever the test checks.
func (b *browser) watchExceptions() {
	t := b.t
	t.Helper()
	if err := chromedp.Listen(b.ctx, func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok && e.ExceptionDetails != nil {
			d := e.ExceptionDetails
			msg := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				msg = d.Exception.Description
			}
			b.mu.Lock()
			b.thrown = append(b.thrown, fmt.Sprintf("%s:%d:%d: %s", d.URL, d.LineNumber+1, d.ColumnNumber+1, msg))
			b.mu.Unlock()
		}
	}); err != nil {
		t.Fatalf("listening to the tab: %v", err)
	}
	t.Cleanup(func() {
		for _, e := range b.pageErrors() {
			t.Errorf("uncaught exception in the page: %s", e)
		}
	})
}

// pageErrors returns the page's uncaught exceptions so far.
func (b *browser) pageErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.thrown)
}

// startServer runs a real Consentry on 127.0.0.1 with the demo site and
// its admin, whose generated credentials go to admin. Passwords are hashed
// at bcrypt's lowest cost: sign-in is tested, not bcrypt. edit, unless nil,
// changes the options first.
func startServer(t *testing.T, ctx context.Context, admin func(email, password string), edit func(*app.Options)) *app.App {
	t.Helper()
	o := app.Options{
		Addr: "127.0.0.1:0", DB: "sqlite:" + filepath.Join(t.TempDir(), "c.db"),
		Demo: true, RateLimit: 0, Log: slog.New(slog.DiscardHandler),
		BcryptCost: bcrypt.MinCost, DemoAdmin: admin,
	}
	if edit != nil {
		edit(&o)
	}
	a, err := app.Open(ctx, o)
	if err != nil {
		t.Fatalf("opening the app: %v", err)
	}
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Run(sctx) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("server: %v", err)
		}
		if err := a.Close(); err != nil {
			t.Errorf("closing the app: %v", err)
		}
	})
	return a
}

// do runs actions on the tab and fails the test on an error.
func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// open navigates to a path of the server and waits for the page to load.
func (b *browser) open(path string) {
	b.t.Helper()
	b.do("opening "+path, chromedp.Navigate(b.base+path))
}

// eval evaluates a JavaScript expression (awaiting a promise) in the page.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	return evalWithin[T](b, waitTimeout, expr)
}

// evalWithin is eval for work that takes longer than a wait, such as a
// whole page's accessibility audit on a busy machine.
func evalWithin[T any](b *browser, limit time.Duration, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, limit) // a promise may never settle
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	for contextLost(err) && ctx.Err() == nil {
		time.Sleep(25 * time.Millisecond)
		v, err = chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	}
	if err != nil {
		b.t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// wait polls a JavaScript expression until it is truthy.
func (b *browser) wait(what, expr string) {
	b.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	poll := func() error {
		_, err := chromedp.Run(b.ctx, chromedp.Poll[chromedp.Void](expr,
			chromedp.WithPollingTimeout(time.Until(deadline)), chromedp.WithPollingInterval(25*time.Millisecond)))
		return err
	}
	err := poll()
	for contextLost(err) && time.Now().Before(deadline) {
		time.Sleep(25 * time.Millisecond)
		err = poll()
	}
	if err != nil {
		b.t.Fatalf("waiting for %s: %v\n(%s)\npage errors: %q", what, err, expr, b.pageErrors())
	}
}

// contextLost reports an expression that found no JavaScript context to
// run in: the page's was replaced by the navigation chromedp had just
// waited for, whose new context it learned of late (a CI run on a loaded
// machine failed so in TestEveryLanguageFits, right after opening the
// page). The expression never ran, so running it again is safe; Puppeteer's
// WaitTask retries on the same error.
func contextLost(err error) bool {
	return err != nil && strings.Contains(err.Error(), "Cannot find context with specified id")
}

// settle lets the page run its pending tasks, scripts it may wrongly have
// started included, before the test checks that something did not happen.
func (b *browser) settle() {
	b.t.Helper()
	eval[bool](b, `new Promise(r => setTimeout(() => requestAnimationFrame(() => setTimeout(() => r(true), 250))))`)
}

// part is the JavaScript expression of the banner's element with the
// data-testid, inside the open shadow root of div[data-consentry], or null.
// The first layer's root, dialog and buttons carry no data-testid (every
// first visit downloads them): firstLayer names them by what the snippet
// uses.
func part(testid string) string {
	sel, ok := firstLayer[testid]
	if !ok {
		sel = fmt.Sprintf("[data-testid=%q]", testid)
	}
	return fmt.Sprintf(`document.querySelector("[data-consentry]")?.shadowRoot?.querySelector('%s')`, sel)
}

// firstLayer are the selectors of the first layer's parts that have no
// data-testid, by the name the tests give them.
var firstLayer = map[string]string{
	"consentry":  ".cy",
	"banner":     ".cy-banner",
	"accept-all": `.cy-banner [data-action="accept_all"]`,
	"reject-all": `.cy-banner [data-action="reject_all"]`,
	"customize":  `.cy-banner [data-action="customize"]`,
	"dns":        `.cy-banner [data-action="dns"]`,
}

// onPage is the JavaScript expression of the page's own element with the
// data-testid (outside the banner), or null.
func onPage(testid string) string {
	return fmt.Sprintf(`document.querySelector('[data-testid=%q]')`, testid)
}

// reopenButton is the expression of the floating "Cookie settings" button,
// which lives in a shadow root of its own.
const reopenButton = `(() => {
	for (const h of document.body.children) {
		const b = h.shadowRoot && h.shadowRoot.querySelector('[data-testid="reopen"]');
		if (b) return b;
	}
	return null;
})()`

// visible wraps an element expression: true when it exists, is not hidden
// and has a box on screen.
func visible(expr string) string {
	return fmt.Sprintf(`((e) => !!e && !e.hidden && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden")(%s)`, expr)
}

// isVisible reports whether the element is visible now.
func (b *browser) isVisible(expr string) bool {
	b.t.Helper()
	return eval[bool](b, visible(expr))
}

// focused names the element that has the keyboard focus, looking into
// shadow roots: its data-testid, "switch-<category>", "action-<action>", or
// its tag name; "none" when nothing inside the banner has it.
func (b *browser) focused() string {
	b.t.Helper()
	named, _ := json.Marshal(firstLayer)
	return eval[string](b, `(() => {
		let a = document.activeElement;
		while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
		if (!a) return "none";
		for (const [name, sel] of Object.entries(`+string(named)+`)) if (a.matches(sel)) return name;
		if (a.dataset.testid) return a.dataset.testid;
		if (a.dataset.category) return "switch-" + a.dataset.category;
		if (a.dataset.action) return "action-" + a.dataset.action;
		return a.tagName.toLowerCase();
	})()`)
}

// click clicks an element with the mouse at its centre, as a visitor does,
// after checking that the element (not something over it) is hit there.
func (b *browser) click(what, expr string) {
	b.t.Helper()
	x, y := b.hitPoint(what, expr)
	b.do("clicking "+what, chromedp.MouseClickXY(x, y))
}

// clickTo clicks an element as click does and waits for the page the click
// leads to, returning the response of its document (the last one, after
// redirects).
func (b *browser) clickTo(what, expr string) *network.Response {
	b.t.Helper()
	x, y := b.hitPoint(what, expr)
	ctx, cancel := context.WithTimeout(b.ctx, waitTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.MouseClickXY(x, y))
	if err != nil {
		b.t.Fatalf("clicking %s and waiting for the next page: %v", what, err)
	}
	return resp
}

// hitPoint scrolls an element into view and returns its centre (of its first
// line, for an inline element that wraps), failing the test when the element
// is missing or something else is on top of it there.
func (b *browser) hitPoint(what, expr string) (x, y float64) {
	b.t.Helper()
	type point struct {
		X   float64 `json:"x"`
		Y   float64 `json:"y"`
		Hit bool    `json:"hit"`
	}
	p := eval[*point](b, fmt.Sprintf(`((e) => {
		if (!e) return null;
		e.scrollIntoView({block: "center", inline: "center"});
		// The first box: a link that wraps has one per line, and the
		// centre of their union may fall between the lines.
		const r = e.getClientRects()[0] || e.getBoundingClientRect();
		const x = r.left + r.width / 2, y = r.top + r.height / 2;
		let h = document.elementFromPoint(x, y);
		while (h && h.shadowRoot) {
			const inner = h.shadowRoot.elementFromPoint(x, y);
			if (!inner || inner === h) break;
			h = inner;
		}
		return {x, y, hit: !!h && (h === e || e.contains(h) || (e.labels && [...e.labels].some(l => l.contains(h))))};
	})(%s)`, expr))
	if p == nil {
		b.t.Fatalf("clicking %s: no such element", what)
	}
	if !p.Hit {
		b.t.Fatalf("clicking %s: something else is on top of it at (%.0f, %.0f)", what, p.X, p.Y)
	}
	return p.X, p.Y
}

// key types keys (kb.Tab, kb.Enter, " ", kb.Escape) into the focused element.
func (b *browser) key(keys string, opts ...chromedp.KeyOption) {
	b.t.Helper()
	b.do(fmt.Sprintf("pressing %q", keys), chromedp.KeyEvent(keys, opts...))
}

// cookies returns the browser's cookies for the server's origin by name.
func (b *browser) cookies() map[string]*network.Cookie {
	b.t.Helper()
	res, err := chromedp.Call(b.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{b.base + "/demo"}})
	if err != nil {
		b.t.Fatalf("reading cookies: %v", err)
	}
	m := map[string]*network.Cookie{}
	for _, c := range res.Cookies {
		m[c.Name] = c
	}
	return m
}

// noCookies fails the test when any of the named cookies exists.
func (b *browser) noCookies(names ...string) {
	b.t.Helper()
	jar := b.cookies()
	for _, n := range names {
		if c, ok := jar[n]; ok {
			b.t.Errorf("cookie %s=%q exists, want none", n, c.Value)
		}
	}
}

// emulateGPC makes the browser send Global Privacy Control on every request
// and show navigator.globalPrivacyControl === true to every new document.
func (b *browser) emulateGPC() {
	b.t.Helper()
	b.setHeader("Sec-GPC", "1")
	if _, err := chromedp.Call(b.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `Object.defineProperty(Navigator.prototype, "globalPrivacyControl", {get: () => true, configurable: true});`,
	}); err != nil {
		b.t.Fatalf("defining navigator.globalPrivacyControl: %v", err)
	}
}

// blockURLs makes the browser itself refuse every request matching one of
// patterns from now on (none: refuse nothing again), as a dropped
// connection or a blocking extension would.
func (b *browser) blockURLs(patterns ...string) {
	b.t.Helper()
	ps := []*network.BlockPattern{}
	for _, p := range patterns {
		ps = append(ps, &network.BlockPattern{URLPattern: p, Block: true})
	}
	if _, err := chromedp.Call(b.ctx, network.Enable, network.EnableParams{}); err != nil {
		b.t.Fatalf("network.enable: %v", err)
	}
	if _, err := chromedp.Call(b.ctx, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: ps}); err != nil {
		b.t.Fatalf("blocking %q: %v", patterns, err)
	}
}

// setHeader makes the tab send a request header on every request from now
// on, besides those set before.
func (b *browser) setHeader(name, value string) {
	b.t.Helper()
	if _, err := chromedp.Call(b.ctx, network.Enable, network.EnableParams{}); err != nil {
		b.t.Fatalf("network.enable: %v", err)
	}
	if b.headers == nil {
		b.headers = map[string]string{}
	}
	b.headers[name] = value
	h := network.Headers{}
	for k, v := range b.headers {
		h[k] = v
	}
	if _, err := chromedp.Call(b.ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: h}); err != nil {
		b.t.Fatalf("setting the request header %s: %v", name, err)
	}
}

// disableJS turns off script execution in the page.
func (b *browser) disableJS() {
	b.t.Helper()
	if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		b.t.Fatalf("disabling JavaScript: %v", err)
	}
}

// events returns every recorded event, in ledger order.
func (b *browser) events() []*consent.Event {
	b.t.Helper()
	return ledgerEvents(b.t, b.ctx, b.app)
}

// ledgerEvents returns every event the app recorded, in ledger order.
func ledgerEvents(t *testing.T, ctx context.Context, a *app.App) []*consent.Event {
	t.Helper()
	var evs []*consent.Event
	if err := a.Store.Walk(ctx, 0, func(e *consent.Event) error {
		evs = append(evs, e)
		return nil
	}); err != nil {
		t.Fatalf("walking the ledger: %v", err)
	}
	return evs
}

// lastEvent returns the newest recorded event, failing when there is none.
func (b *browser) lastEvent() *consent.Event {
	b.t.Helper()
	evs := b.events()
	if len(evs) == 0 {
		b.t.Fatal("no consent event was recorded")
	}
	return evs[len(evs)-1]
}

// checkEvent compares the recorded event's action, source, grants and GPC flag.
func checkEvent(t *testing.T, e *consent.Event, action consent.Action, source consent.Source, gpc bool, granted ...string) {
	t.Helper()
	slices.Sort(granted)
	got := slices.Sorted(slices.Values(e.Granted))
	if e.Action != action || e.Source != source || e.GPC != gpc || !slices.Equal(got, granted) || e.Site != "demo" {
		t.Errorf("recorded event: site %s action %s source %s gpc %v granted %v; want site demo action %s source %s gpc %v granted %v",
			e.Site, e.Action, e.Source, e.GPC, got, action, source, gpc, granted)
	}
}

// state is what Consentry.get() returns.
type state struct {
	ConsentID string   `json:"consent_id"`
	Revision  int      `json:"revision"`
	Granted   []string `json:"granted"`
	ExpiresAt string   `json:"expires_at"`
	GPC       bool     `json:"gpc"`
}

func (b *browser) state() *state {
	b.t.Helper()
	return eval[*state](b, `window.Consentry ? window.Consentry.get() : null`)
}

// waitGranted waits until the snippet holds a decision that grants exactly
// these categories, and returns it.
func (b *browser) waitGranted(what string, granted ...string) *state {
	b.t.Helper()
	want, _ := json.Marshal(slices.Sorted(slices.Values(granted)))
	_, err := chromedp.Run(b.ctx, chromedp.Poll[chromedp.Void](
		fmt.Sprintf(`((s) => !!s && JSON.stringify(s.granted.slice().sort()) === %q)(window.Consentry && window.Consentry.get())`, want),
		chromedp.WithPollingTimeout(waitTimeout), chromedp.WithPollingInterval(25*time.Millisecond)))
	if err != nil {
		b.t.Fatalf("waiting for %s to grant %s: %v; Consentry.get() = %+v; error shown: %q", what, want, err, b.state(),
			eval[string](b, `[...(document.querySelector("[data-consentry]")?.shadowRoot?.querySelectorAll(".cy-error") || [])].map(e => e.textContent).join(" ")`))
	}
	return b.state()
}

// consentCall is one gtag('consent', …) entry of window.dataLayer.
type consentCall struct {
	Index int            `json:"index"` // position in dataLayer
	Cmd   string         `json:"cmd"`   // default or update
	Types map[string]any `json:"types"`
}

func (b *browser) consentCalls() []consentCall {
	b.t.Helper()
	return eval[[]consentCall](b, `(window.dataLayer || [])
		.map((e, i) => e && e[0] === "consent" ? {index: i, cmd: e[1], types: e[2]} : null)
		.filter(Boolean)`)
}

// consentModeTypes are Google Consent Mode v2's storage types.
var consentModeTypes = []string{"ad_storage", "ad_user_data", "ad_personalization", "analytics_storage",
	"functionality_storage", "personalization_storage", "security_storage"}

// checkConsentMode checks that a consent call sets every type, granting
// exactly the given ones.
func checkConsentMode(t *testing.T, c consentCall, granted ...string) {
	t.Helper()
	var bad []string
	for _, typ := range consentModeTypes {
		want := "denied"
		if slices.Contains(granted, typ) {
			want = "granted"
		}
		if c.Types[typ] != want {
			bad = append(bad, fmt.Sprintf("%s=%v (want %s)", typ, c.Types[typ], want))
		}
	}
	if len(bad) > 0 {
		t.Errorf("gtag('consent', %q, …) at dataLayer[%d]: %s", c.Cmd, c.Index, strings.Join(bad, ", "))
	}
}

// demoRan is the list of blocked demo scripts that ran, in order.
func (b *browser) demoRan() []string {
	b.t.Helper()
	return eval[[]string](b, `window.demoRan || []`)
}

// iframeSrc is the demo video iframe's src attribute, or "" without one.
func (b *browser) iframeSrc() string {
	b.t.Helper()
	return eval[string](b, `document.querySelector('iframe[data-consent="marketing"]').getAttribute("src") || ""`)
}

// requested reports whether the page fetched a URL of the server's path.
func (b *browser) requested(path string) bool {
	b.t.Helper()
	return eval[bool](b, fmt.Sprintf(`performance.getEntriesByType("resource").some(e => new URL(e.name).pathname === %q)`, path))
}

// waitBanner waits for the first layer of the banner to show.
func (b *browser) waitBanner() {
	b.t.Helper()
	b.wait("the banner", visible(part("banner")))
}

// location is the tab's current URL.
func (b *browser) location() string {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatalf("reading the location: %v", err)
	}
	return loc
}

// checked reports whether a category's checkbox in the page (not the banner)
// is ticked.
func (b *browser) checked(cat string) bool {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.JavascriptAttribute[bool](chromedp.CSS(fmt.Sprintf(`input[data-category=%q]`, cat)), "checked"))
	if err != nil {
		b.t.Fatalf("reading the %s checkbox: %v", cat, err)
	}
	return v
}
