// Package e2e holds Consentry's real-browser tests. Each test starts a real
// server (app.Open on 127.0.0.1:0 with a fresh SQLite file, the demo site and
// its admin) and drives Debian's Chromium (/usr/bin/chromium) headless with
// chromedp against the demo page, the snippet, the no-JavaScript preference
// page and the staff console.
//
// Without the browser the tests skip, except when CI is set, where they fail.
// The accessibility tests run axe-core, installed from package.json with
//
//	cd internal/e2e && npm ci
//
// and likewise skip without it, except under CI. TestValidHTML checks every
// page and fragment as served with the Nu HTML Checker (vnu.jar, installed
// by the same npm ci), which needs java; it skips without them, except under CI.
//
// TestFirefoxGPC drives Debian's Firefox ESR (/usr/bin/firefox-esr) with its
// own Global Privacy Control on: a node script beside the tests
// (firefox/gpc.mjs) drives it headless over WebDriver BiDi with puppeteer-core,
// installed by the same npm ci, and prints what the visitor saw as JSON. It
// skips without Firefox, node or puppeteer-core, except under CI.
//
// TestScreenshots runs only when CONSENTRY_SCREENSHOTS names an output
// directory (relative paths are taken from the module root):
//
//	CONSENTRY_SCREENSHOTS=docs go test -run TestScreenshots ./internal/e2e/
package e2e
