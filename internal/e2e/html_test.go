package e2e

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/consentry/consentry/internal/consent"
	"github.com/google/uuid"
)

// vnuPath is the Nu HTML Checker, installed by `npm ci` in this directory
// (package.json pins the version). It runs on Java.
const vnuPath = "node_modules/vnu-jar/build/dist/vnu.jar"

// requireVnu returns the java binary and the checker's jar. It skips the test
// when either is missing, except under CI, where that is a failure.
func requireVnu(t testing.TB) (java, jar string) {
	t.Helper()
	java, err := exec.LookPath("java")
	if err == nil {
		_, err = os.Stat(vnuPath)
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the HTML validity test needs java and vnu.jar under CI (run `npm ci` in internal/e2e): %v", err)
		}
		t.Skipf("no java or vnu.jar (run `npm ci` in internal/e2e): %v", err)
	}
	return java, vnuPath
}

// vnuMessage is one message of the checker's JSON output.
type vnuMessage struct {
	Type    string `json:"type"`
	SubType string `json:"subType"`
	URL     string `json:"url"`
	Line    int    `json:"lastLine"`
	Column  int    `json:"lastColumn"`
	Message string `json:"message"`
	Extract string `json:"extract"`
}

// fragmentPage wraps a fragment the snippet puts into a host page in the
// smallest valid document, so that only the fragment's own errors count.
func fragmentPage(frag string) string {
	return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>fragment</title></head><body>` + frag + `</body></html>`
}

// TestValidHTML: every page a visitor or an admin sees, and each fragment the
// snippet shows, is valid HTML by the Nu HTML Checker, exactly as served.
func TestValidHTML(t *testing.T) {
	java, jar := requireVnu(t)
	b := start(t)
	b.seedHistory(3, 1, 4) // two revisions: the dashboard compares them
	b.seedRefusals()
	b.seedLog(3)
	visitor := b.decide("accept-all", necessary, preferences, analytics, marketing)
	e := b.lastEvent()
	rq := b.addRequest(consent.RequestErasure, 40, "DSR-1 · email", uuid.MustParse(visitor.ConsentID))
	tok := eval[string](b, `decodeURIComponent((document.cookie.match(/(?:^|; )consentry=([^;]*)/) || [])[1] || "")`)
	if tok == "" {
		t.Fatal("the visitor has no consent cookie after deciding")
	}

	type answer struct {
		Status int    `json:"status"`
		Type   string `json:"type"`
		Body   string `json:"body"`
	}
	// fetch gets a path's answer exactly as served, with the browser's
	// cookies, asking for HTML as a browser following a link does.
	fetch := func(path string) answer {
		t.Helper()
		return eval[answer](b, fmt.Sprintf(`fetch(%q, {headers: {Accept: "text/html"}}).then(async r => ({status: r.status, type: r.headers.get("Content-Type") || "", body: await r.text()}))`, path))
	}
	pages := map[string]string{} // what → document
	in := ""                     // the console's language, after its pages in English
	page := func(path string, status int) {
		t.Helper()
		a := fetch(path)
		if a.Status != status || !strings.HasPrefix(a.Type, "text/html") {
			t.Fatalf("%s answered %d %q, want %d HTML: %.300s", path, a.Status, a.Type, status, a.Body)
		}
		pages[path+in] = a.Body
	}
	fragment := func(path string) {
		t.Helper()
		var v struct {
			HTML string `json:"html"`
		}
		if a := fetch(path); a.Status != 200 || json.Unmarshal([]byte(a.Body), &v) != nil || v.HTML == "" {
			t.Fatalf("%s answered no HTML fragment: %.300s", path, a.Body)
		}
		pages[path+" (fragment)"] = fragmentPage(v.HTML)
	}

	// The visitor's pages and fragments.
	page("/demo", 200)
	page("/p/demo", 200)
	page("/api/v1/consents/receipt?token="+url.QueryEscape(tok), 200)
	page("/api/v1/consents/receipt?token="+url.QueryEscape(tok[:len(tok)-4])+"AAAA", 400) // its refusal, in words
	fragment("/api/v1/sites/demo/banner?v=2")
	fragment("/api/v1/sites/demo/banner?v=2&part=prefs")
	fragment("/api/v1/sites/demo/banner") // as builds released before v=2 get it
	page("/demo/video", 200)
	page("/no-such-page", 404)
	page("/admin/login", 200)

	// The console's, signed in as the demo admin.
	b.signIn("/admin/log")
	for _, p := range []string{
		"/admin/log",
		"/admin/events/" + e.ID.String(),
		"/admin/consents/" + visitor.ConsentID,
		"/admin/dashboard",
		"/admin/integrity",
		"/admin/audit",
		"/admin/users",
		"/admin/sites",
		"/admin/sites/demo",
		"/admin/sites/demo?edit=3",
		"/admin/sites/demo/embed",
		"/admin/sites/demo/preview",
		"/admin/account",
		"/admin/requests",
		"/admin/requests?show=answered",
		"/admin/requests/" + strconv.FormatInt(rq.ID, 10),
		"/admin/consents/" + visitor.ConsentID + "?request=" + strconv.FormatInt(rq.ID, 10),
	} {
		page(p, 200)
	}
	page("/admin/log?action=nonsense", 400) // an error page

	// In Arabic, right to left, the pages whose values are isolated (<bdi>).
	b.open("/admin/account")
	b.do("choosing Arabic", chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), "ar"))
	b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)
	in = " (ar)"
	for _, p := range []string{
		"/admin/log",
		"/admin/events/" + e.ID.String(),
		"/admin/dashboard",
		"/admin/integrity",
		"/admin/audit",
		"/admin/sites/demo?edit=3",
		"/admin/requests",
		"/admin/requests/" + strconv.FormatInt(rq.ID, 10),
	} {
		page(p, 200)
	}

	// One run of the checker over all of them: the JVM starts slowly.
	dir := t.TempDir()
	byFile := map[string]string{}
	var files []string
	i := 0
	for what, doc := range pages {
		i++
		f := filepath.Join(dir, fmt.Sprintf("page%02d.html", i))
		if err := os.WriteFile(f, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		byFile[filepath.Base(f)] = what
		files = append(files, f)
	}
	sort.Strings(files)
	cmd := exec.CommandContext(b.ctx, java, append([]string{"-jar", jar, "--errors-only", "--format", "json", "--exit-zero-always"}, files...)...)
	var out strings.Builder
	cmd.Stderr = &out // vnu writes its report to stderr
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("running vnu: %v\n%s", err, out.String())
	}
	var report struct {
		Messages []vnuMessage `json:"messages"`
	}
	if err := json.Unmarshal([]byte(out.String()), &report); err != nil {
		t.Fatalf("vnu's report is not JSON: %v\n%.1000s", err, out.String())
	}
	for _, m := range report.Messages {
		if m.Type != "error" && m.SubType != "fatal" {
			continue
		}
		if ownTableRole(m) {
			continue
		}
		what := byFile[filepath.Base(m.URL)]
		if what == "" {
			what = m.URL
		}
		t.Errorf("%s line %d:%d: %s\n\t%s", what, m.Line, m.Column, m.Message, strings.TrimSpace(m.Extract))
	}
}

// tablePartRole is ARIA in HTML's refusal of a role on a table's row or
// cell, and ownRoles each part's own role.
var (
	tablePartRole = regexp.MustCompile(`^The “role” attribute must not be used on a “(tr|th|td)” element which has a “table” ancestor`)
	ownRoles      = map[string]string{"tr": `<tr role="row"`, "th": ` role="columnheader"`, "td": `<td role="cell"`}
)

// ownTableRole reports whether m refuses a row's or a cell's own role
// (role="row" on a tr): the console's stacked tables write them, which ARIA
// in HTML calls needless, because Safari drops a table part's semantics
// once its display changes (TestStackedTablesKeepTheirRoles). Any other
// role on a table part is still an error.
func ownTableRole(m vnuMessage) bool {
	p := tablePartRole.FindStringSubmatch(m.Message)
	return p != nil && strings.Contains(m.Extract, ownRoles[p[1]])
}
