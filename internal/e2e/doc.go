// Package e2e holds Consentry's real-browser tests. Each test starts a real
// server (app.Open on 127.0.0.1:0 with a fresh SQLite file and the demo site)
// and drives Debian's Chromium (/usr/bin/chromium) headless with chromedp
// against the demo page, the snippet and the no-JavaScript preference page.
//
// Without the browser the tests skip, except when CI is set, where they fail.
// TestScreenshots runs only when CONSENTRY_SCREENSHOTS names an output
// directory (relative paths are taken from the module root):
//
//	CONSENTRY_SCREENSHOTS=docs go test -run TestScreenshots ./internal/e2e/
package e2e
