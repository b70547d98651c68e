package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/netip"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/consent"
)

// Firefox is driven by a node script with puppeteer-core over WebDriver
// BiDi (chromedp speaks only Chrome's protocol); the Go test starts the
// server, runs the script and checks what it printed and what was recorded.
const (
	firefoxPath      = "/usr/bin/firefox-esr"
	firefoxGPCScript = "firefox/gpc.mjs"
	puppeteerPath    = "node_modules/puppeteer-core/package.json" // installed by `npm ci` here
	// firefoxTimeout bounds one run of a script, Firefox's start included:
	// a guard against a hang, not a speed limit. The run takes about 15 s
	// of CPU, most of it Firefox starting on a fresh profile, and up to
	// three minutes on this project's 2-core machine at load 20.
	firefoxTimeout = 5 * time.Minute
)

// requireFirefox returns node's path. It skips the test when Firefox, node
// or puppeteer-core is missing, except under CI, where that is a failure.
func requireFirefox(t testing.TB) string {
	t.Helper()
	node, err := exec.LookPath("node")
	for _, f := range []string{firefoxPath, puppeteerPath} {
		if err == nil {
			_, err = os.Stat(f)
		}
	}
	if err != nil {
		const how = "apt-get install firefox-esr nodejs npm, then `npm ci` in internal/e2e"
		if os.Getenv("CI") != "" {
			t.Fatalf("the Firefox tests need %s, node and puppeteer-core under CI (%s): %v", firefoxPath, how, err)
		}
		t.Skipf("no Firefox, node or puppeteer-core (%s): %v", how, err)
	}
	return node
}

// runFirefox runs a script of ./firefox against the server at base with a
// fresh profile (and the script's own args) and decodes the JSON it prints into out. The script stops
// itself (and Firefox) before firefoxTimeout; past that node is asked to
// stop (puppeteer then kills Firefox) and, 10 s later, killed.
func runFirefox(t *testing.T, ctx context.Context, node, script, base string, out any, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, firefoxTimeout)
	defer cancel()
	limit := firefoxTimeout - 30*time.Second
	cmd := exec.CommandContext(ctx, node, append([]string{script, base, firefoxPath, t.TempDir(), strconv.FormatInt(limit.Milliseconds(), 10)}, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir()) // nothing of the user's Firefox is read or written
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	began := time.Now()
	err := cmd.Run()
	t.Logf("%s ran for %s", script, time.Since(began).Round(100*time.Millisecond))
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, stderr.Bytes())
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		t.Fatalf("%s printed no JSON: %v\n%s\n%s", script, err, stdout.Bytes(), stderr.Bytes())
	}
}

// firefoxSeen is what a page of the demo shop held after a step in Firefox.
type firefoxSeen struct {
	State       *state   `json:"state"`
	Ran         []string `json:"ran"`
	IframeSrc   string   `json:"iframeSrc"`
	Cookies     []string `json:"cookies"`
	ConsentMode []struct {
		Cmd   string         `json:"cmd"`
		Types map[string]any `json:"types"`
	} `json:"consentMode"`
}

// checkNoMarketing fails the test when marketing ran, loaded, set a cookie
// or was granted to Google's tags in what the page held after a step.
func checkNoMarketing(t *testing.T, step string, s firefoxSeen) {
	t.Helper()
	if slices.Contains(s.Ran, marketing) || s.IframeSrc != "" {
		t.Errorf("%s: marketing ran or loaded under GPC: ran %v, video src %q", step, s.Ran, s.IframeSrc)
	}
	for _, c := range []string{"_demo_ads", "_demo_video"} {
		if slices.Contains(s.Cookies, c) {
			t.Errorf("%s: the marketing cookie %s exists under GPC", step, c)
		}
	}
	if len(s.ConsentMode) == 0 {
		t.Errorf("%s: no gtag('consent', …) in dataLayer", step)
	}
	for _, c := range s.ConsentMode {
		if c.Types["ad_storage"] != "denied" {
			t.Errorf("%s: gtag('consent', %q) sets ad_storage %v under GPC", step, c.Cmd, c.Types["ad_storage"])
		}
	}
}

// TestFirefoxGPC: Firefox sends Global Privacy Control by itself (with its
// pref on, as a visitor sets it; no emulation). The request reaches the
// server with Sec-GPC: 1, the page sees navigator.globalPrivacyControl,
// the banner says the signal was honoured with marketing off by default,
// and the choices the visitor clicks — analytics on, then Accept all — are
// recorded from Firefox with gpc = true and marketing still denied. A
// visitor from the US, where the site makes the signal an opt-out, has it
// recorded unasked, in the same Firefox.
func TestFirefoxGPC(t *testing.T) {
	node := requireFirefox(t)
	ctx, cancel := context.WithTimeout(context.Background(), firefoxTimeout+30*time.Second)
	t.Cleanup(cancel)
	a := startServer(t, ctx, nil, func(o *app.Options) {
		o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		o.CountryHeader = countryHeader
	})
	publishDemo(t, ctx, a, "US is opt-out", func(s *consent.Site) { s.Rules = map[string]consent.Mode{"US": consent.OptOut} })
	var got struct {
		Firefox      string          `json:"firefox"`
		Ms           map[string]int  `json:"ms"` // where the time went
		Errors       []string        `json:"errors"`
		NavigatorGPC any             `json:"navigatorGPC"`
		ServerGPC    bool            `json:"serverGPC"`
		Notice       string          `json:"notice"`
		PrefsNotice  string          `json:"prefsNotice"`
		Switches     map[string]bool `json:"switches"`
		Before       firefoxSeen     `json:"before"`
		Saved        firefoxSeen     `json:"saved"`
		Accepted     firefoxSeen     `json:"accepted"`
		OptOut       firefoxSeen     `json:"optOut"`
		OptOutBanner bool            `json:"optOutBanner"`
	}
	runFirefox(t, ctx, node, firefoxGPCScript, a.URL(), &got, countryHeader)
	t.Logf("driven: %s; ms: %v", got.Firefox, got.Ms)
	for _, e := range got.Errors {
		t.Errorf("uncaught exception in the page: %s", e)
	}

	if got.NavigatorGPC != true {
		t.Errorf("navigator.globalPrivacyControl is %v in Firefox, want true", got.NavigatorGPC)
	}
	if !got.ServerGPC {
		t.Error("the server did not get Sec-GPC: 1 from Firefox (the banner's answer says gpc false)")
	}
	const honoured = "Global Privacy Control signal was honoured"
	if !strings.Contains(got.Notice, honoured) {
		t.Errorf("the banner says %q, want that the %s", got.Notice, honoured)
	}
	if !strings.Contains(got.PrefsNotice, honoured) {
		t.Errorf("the preference center says %q, want that the %s", got.PrefsNotice, honoured)
	}
	if on, ok := got.Switches[marketing]; !ok || on {
		t.Errorf("the preference center's switches before a decision: %v, want marketing off", got.Switches)
	}
	if len(got.Before.Ran) > 0 || got.Before.State != nil {
		t.Errorf("before a decision: ran %v, state %+v; want nothing", got.Before.Ran, got.Before.State)
	}
	checkNoMarketing(t, "before a decision", got.Before)

	if got.OptOutBanner {
		t.Error("the US visitor was asked although the signal answered")
	}

	steps := []struct {
		name    string
		seen    firefoxSeen
		action  consent.Action
		source  consent.Source
		rule    string
		granted []string
	}{
		{"analytics on, saved", got.Saved, consent.Custom, consent.SourcePreferences, "opt-in (country unknown)", []string{necessary, analytics}},
		{"Accept all", got.Accepted, consent.AcceptAll, consent.SourcePreferences, "opt-in (country unknown)", []string{necessary, preferences, analytics}},
		{"the US visitor's GPC opt-out", got.OptOut, consent.Custom, consent.SourceGPC, "opt-out (US)", []string{necessary, preferences, analytics}},
	}
	evs := ledgerEvents(t, ctx, a)
	if len(evs) != len(steps) {
		t.Fatalf("%d events recorded, want %d (two decisions clicked in Firefox, one GPC opt-out)", len(evs), len(steps))
	}
	for i, s := range steps {
		st := s.seen.State
		if st == nil {
			t.Fatalf("%s: Consentry.get() is null", s.name)
		}
		if want := slices.Sorted(slices.Values(s.granted)); !slices.Equal(slices.Sorted(slices.Values(st.Granted)), want) || !st.GPC {
			t.Errorf("%s: the page holds granted %v, gpc %v; want %v, gpc true", s.name, st.Granted, st.GPC, want)
		}
		checkNoMarketing(t, s.name, s.seen)
		e := evs[i]
		checkEvent(t, e, s.action, s.source, true, s.granted...)
		if e.Rule != s.rule {
			t.Errorf("%s: recorded under the rule %q, want %q", s.name, e.Rule, s.rule)
		}
		if e.ConsentID.String() != st.ConsentID {
			t.Errorf("%s: recorded consent ID %s, the page holds %s", s.name, e.ConsentID, st.ConsentID)
		}
		if !strings.Contains(e.Personal.UserAgent, "Firefox/") {
			t.Errorf("%s: recorded from %q, want Firefox", s.name, e.Personal.UserAgent)
		}
	}
}
