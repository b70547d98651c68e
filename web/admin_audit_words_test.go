package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"go/ast"
	"go/token"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/retention"
	"github.com/consentry/consentry/internal/store"
	"github.com/consentry/consentry/templates"
)

// writtenAuditActions reads the module's source (tests aside) and returns
// every action code it can write to the audit trail, with where: the
// action argument of the console's s.audit and s.auditRepeat, the Action
// of an auth.AuditEntry literal, and a string assigned to an entry's
// Action. An action that is not a string literal where the code writes it
// is an error: the words would go unchecked.
func writtenAuditActions(t *testing.T) map[string]string {
	t.Helper()
	found := map[string]string{}
	fset, files := moduleSource(t)
	for _, sf := range files {
		if strings.Contains(sf.path, "storetest") {
			continue
		}
		f := sf.file
		literal := func(e ast.Expr, what string) {
			if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				code, _ := strconv.Unquote(lit.Value)
				found[code] = fset.Position(lit.Pos()).String()
				return
			}
			t.Errorf("%s: %s writes an audit action that is not a string literal", fset.Position(e.Pos()), what)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok {
				continue
			}
			// The console's two helpers pass their caller's action on.
			helper := fn.Recv != nil && (fn.Name.Name == "audit" || fn.Name.Name == "auditRepeat")
			ast.Inspect(fn, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					if sel, ok := n.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "audit" || sel.Sel.Name == "auditRepeat") && len(n.Args) >= 3 {
						literal(n.Args[2], sel.Sel.Name)
					}
				case *ast.CompositeLit:
					if sel, ok := n.Type.(*ast.SelectorExpr); ok && sel.Sel.Name == "AuditEntry" {
						for _, el := range n.Elts {
							if kv, ok := el.(*ast.KeyValueExpr); ok && kv.Key.(*ast.Ident).Name == "Action" && !helper {
								literal(kv.Value, "an AuditEntry")
							}
						}
					}
				case *ast.AssignStmt:
					for i, lhs := range n.Lhs {
						if sel, ok := lhs.(*ast.SelectorExpr); ok && sel.Sel.Name == "Action" && i < len(n.Rhs) {
							if lit, ok := n.Rhs[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
								literal(lit, "an assignment")
							}
						}
					}
				}
				return true
			})
		}
	}
	return found
}

// TestEveryAuditActionHasWords: every action the code base can write to the
// audit trail is in the audit page's filter and has its words in every
// console language, so adding an action without them fails here.
func TestEveryAuditActionHasWords(t *testing.T) {
	found := writtenAuditActions(t)
	for _, want := range []string{"dsr_lookup", "erase", "signin_failed", "user_passwd", "request_add"} {
		if _, ok := found[want]; !ok {
			t.Fatalf("the source scan missed %q (found %v): it no longer sees how actions are written", want, found)
		}
	}
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for code, where := range found {
		if !slices.Contains(templates.AuditActions, code) {
			t.Errorf("%s writes the audit action %q, which templates.AuditActions (the filter) does not list", where, code)
		}
		for _, lang := range i18n.Console {
			if w := templates.AuditActionWords(b.For(lang), code); w == code {
				t.Errorf("%s writes the audit action %q, which has no words in admin.%s.toml (a_audit_%s)", where, code, lang, code)
			}
		}
	}
	for _, code := range templates.AuditActions {
		if _, ok := found[code]; !ok {
			t.Errorf("templates.AuditActions lists %q, which nothing writes", code)
		}
	}
}

// TestAuditSpeaksWords: the audit page names each action in words in the
// user's language, and so does its filter; the CSV keeps the code and adds
// the words as its last column.
func TestAuditSpeaksWords(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "dpo@shop.example", auth.Admin)
	ctx := context.Background()
	if err := a.Store.Audit(ctx, auth.AuditEntry{Time: time.Now().UTC().Add(-time.Hour), Actor: "cli", Action: "dsr_lookup", Target: "x", IP: "-"}); err != nil {
		t.Fatal(err)
	}
	c := newConsole(t, a)
	c.login("dpo@shop.example")
	_, page, _ := c.get("/admin/audit?action=dsr_lookup")
	if !strings.Contains(page, `data-action="dsr_lookup">Looked up a visitor`) || !strings.Contains(page, `<option value="dsr_lookup" selected>Looked up a visitor</option>`) {
		t.Error("the audit page shows the code, not the words")
	}
	if strings.Contains(page, ">dsr_lookup<") {
		t.Error("the audit page still shows the code as text")
	}
	_, body, _ := c.get("/admin/audit/export?action=dsr_lookup")
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) != 2 || rows[0][4] != "action" || rows[0][8] != "action_words" || rows[1][4] != "dsr_lookup" || rows[1][8] != "Looked up a visitor" {
		t.Fatalf("CSV %q %v", rows, err)
	}
	c.speak("de")
	_, page, _ = c.get("/admin/audit?action=dsr_lookup")
	if !strings.Contains(page, `data-action="dsr_lookup">Besucher nachgeschlagen`) {
		t.Error("the audit page does not speak German")
	}
}

// TestAuditDetailsInWords: the trail shows a request's recording, answer
// and extension in words, in the console's language, where the detail
// written names a kind or a state by its code ("answered 2026-12-01,
// answered_late: …"); the CSV keeps what was written.
func TestAuditDetailsInWords(t *testing.T) {
	_, c := signedIn(t, "dpo@shop.example", auth.Admin)
	now := time.Now().UTC()
	late := c.record("erasure", now.AddDate(0, 0, -60), "ticket 42", "")
	open := c.record("access", now.AddDate(0, 0, -3), "letter", "")
	for path, form := range map[string]url.Values{
		"/admin/requests/" + late + "/answer": {"answered": {now.Format(time.DateOnly)}, "outcome": {"data erased"}},
		"/admin/requests/" + open + "/extend": {"months": {"2"}, "reason": {"many systems"}},
	} {
		form.Set("_csrf", c.pageToken())
		if status, body, _ := c.post(path, form); status != 303 {
			t.Fatalf("%s: %d %s", path, status, body)
		}
	}
	today, received := now.Format(time.DateOnly), now.AddDate(0, 0, -60).Format(time.DateOnly)
	due := consent.DueDate(now.AddDate(0, 0, -60), 1).Format(time.DateOnly)
	extended := consent.DueDate(now.AddDate(0, 0, -3), 3).Format(time.DateOnly)
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"en", []string{"Extended by 2 months, now due on " + extended + ": many systems", "Answered late on " + today + ": data erased",
			"Erasure (Art. 17), received on " + received + ", due on " + due + ": ticket 42"}},
		{"de", []string{"Verlängert um 2 Monate, jetzt fällig am " + extended + ": many systems", "Verspätet beantwortet am " + today + ": data erased"}},
	} {
		got, page := auditDetails(t, c, tc.lang, "")
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: no %q in %q", tc.lang, w, got)
			}
		}
		if strings.Contains(page, "answered_late") || strings.Contains(page, "erasure, received") {
			t.Errorf("%s: the trail shows codes", tc.lang)
		}
	}
	_, body, _ := c.get("/admin/audit/export")
	if !strings.Contains(body, "answered "+today+", answered_late: data erased") {
		t.Error("the CSV does not keep the detail as written")
	}
}

// TestAuditTargetsInWords: the trail's Target column says the kinds of
// target the server names in English — a request ('request 7'), a purge of
// every site ('all sites') — in the console's language, and what staff
// gave (an email, a site ID) as written; the CSV keeps what was written.
func TestAuditTargetsInWords(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	n := c.record("access", time.Now().UTC().AddDate(0, 0, -3), "letter", "")
	if err := a.Store.Audit(context.Background(), auth.AuditEntry{Time: time.Now().UTC(), Actor: "cli", Action: "purge",
		Target: retention.Target(""), Detail: "purge #1: 0 events", IP: "-"}); err != nil {
		t.Fatal(err)
	}
	targets := regexp.MustCompile(`data-testid="audit-target"><bdi[^>]*>([^<]*)<`)
	for _, tc := range []struct{ lang, request, all string }{
		{"en", "Request " + n, "All sites"}, {"de", "Anfrage " + n, "Alle Websites"}, {"fr", "Demande " + n, "Tous les sites"},
		{"es", "Solicitud " + n, "Todos los sitios"}, {"ar", "الطلب " + n, "جميع المواقع"},
	} {
		c.speak(tc.lang)
		_, page, _ := c.get("/admin/audit")
		var got []string
		for _, m := range targets.FindAllStringSubmatch(page, -1) {
			got = append(got, html.UnescapeString(m[1]))
		}
		for _, w := range []string{tc.request, tc.all, "dpo@shop.example"} {
			if !slices.Contains(got, w) {
				t.Errorf("%s: no target %q in %q", tc.lang, w, got)
			}
		}
		if slices.Contains(got, "request "+n) || slices.Contains(got, "all sites") {
			t.Errorf("%s: the trail shows a target in English: %q", tc.lang, got)
		}
	}
	_, body, _ := c.get("/admin/audit/export")
	if !strings.Contains(body, ",request "+n+",") || !strings.Contains(body, ",all sites,") {
		t.Errorf("the CSV does not keep the targets as written:\n%s", body)
	}
}

// TestAllSitesIsWrittenOnce: the audit target of a purge of every site is
// written in one place (retention.AllSites), which the purge writes and
// the trail translates, so the two cannot drift apart.
func TestAllSitesIsWrittenOnce(t *testing.T) {
	var where []string
	fset, files := moduleSource(t)
	for _, sf := range files {
		ast.Inspect(sf.file, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, _ := strconv.Unquote(lit.Value); s == retention.AllSites {
					where = append(where, fset.Position(lit.Pos()).String())
				}
			}
			return true
		})
	}
	if len(where) != 1 {
		t.Errorf("%q is written %d times, want once (retention.AllSites): %s", retention.AllSites, len(where), strings.Join(where, ", "))
	}
}

// TestAuditDSRDetailsInWords: a visitor's lookup, proof, export and erasure
// are shown in the trail with the request they answered, the proof looked
// at and the events erased in the console's language ('Anfrage 1;
// Personenbezogene Daten von 2 Ereignissen gelöscht: …'), not in the
// English they were written with ('request 1; 2 events: …'); the CSV keeps
// what was written.
func TestAuditDSRDetailsInWords(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "dpo@shop.example", auth.Admin)
	es := demoEvents(t, a, 3)
	es[2].ConsentID = es[0].ConsentID
	if err := a.Store.AppendBatch(context.Background(), es); err != nil {
		t.Fatal(err)
	}
	c := newConsole(t, a)
	c.login("dpo@shop.example")
	n := c.record("erasure", time.Now().UTC().AddDate(0, 0, -3), "letter", es[0].ConsentID.String())
	visitor := "/admin/consents/" + es[0].ConsentID.String()
	for _, path := range []string{visitor + "?request=" + n, visitor + "/export?request=" + n, "/admin/events/" + es[1].ID.String()} {
		if status, _, _ := c.get(path); status != 200 {
			t.Fatalf("%s: %d", path, status)
		}
	}
	if status, _, _ := c.post(visitor+"/erase", url.Values{"_csrf": {c.pageToken()}, "reason": {"letter of 1 March"}, "request": {n}, "confirm": {"yes"}}); status != 303 {
		t.Fatalf("erase: %d", status)
	}
	details := regexp.MustCompile(`data-action="([a-z_]+)"[^§]*?data-testid="audit-detail">(?:<bdi>(.*?)</bdi>)?</td>`)
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"en", []string{"erase: Request " + n + "; Personal data of 2 events erased: letter of 1 March", "dsr_lookup: Proof of event " + es[1].ID.String(),
			"dsr_export: Request " + n + "; As JSON", "dsr_lookup: Request " + n}},
		{"de", []string{"erase: Anfrage " + n + "; Personenbezogene Daten von 2 Ereignissen gelöscht: letter of 1 March",
			"dsr_lookup: Nachweis des Ereignisses " + es[1].ID.String(), "dsr_export: Anfrage " + n + "; Als JSON", "dsr_lookup: Anfrage " + n}},
	} {
		c.speak(tc.lang)
		_, page, _ := c.get("/admin/audit?action=")
		var got []string
		for _, m := range details.FindAllStringSubmatch(page, -1) {
			if strings.HasPrefix(m[1], "dsr_") || m[1] == "erase" {
				got = append(got, m[1]+": "+asText(m[2]))
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s:\n%s\nwant\n%s", tc.lang, strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
		}
	}
	_, body, _ := c.get("/admin/audit/export")
	if !strings.Contains(body, ",request "+n+"; 2 events: letter of 1 March,") || !strings.Contains(body, ",proof of event "+es[1].ID.String()+",") {
		t.Errorf("the CSV does not keep the details as written:\n%s", body)
	}
}

// TestAuditPurgeDetailsInWords: the trail shows what a purge removed in the
// console's language ('Bereinigung #2: 6 Ereignisse entfernt (vor dem …)'),
// a purge stopped before it ended and closed by the next one too, not the
// English its record was written in ('purge #2: 6 events before …'); the
// CSV keeps what was written.
func TestAuditPurgeDetailsInWords(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	batch := appendEightOld(t, a)
	cutoff := time.Date(2025, 6, 1, 12, 30, 0, 0, time.UTC)
	if !cutoff.After(batch[7].Time) {
		cutoff = time.Now().UTC().AddDate(-1, 0, 0).Truncate(time.Second)
	}
	p := killedThenPurged(t, a, cutoff)
	if p.Count != 6 {
		t.Fatalf("purge: %+v", p)
	}
	at := cutoff.Format("2006-01-02 15:04:05") + " UTC"
	run := fmt.Sprintf("#3 to #8, the newest hashing %x", p.LastHash)
	head := fmt.Sprintf("#12 %x", p.HeadHash)
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"en", []string{"Purge #2: 6 events removed (before " + at + "); events " + run + "; ledger head at the start: " + head,
			"Purge #1: 2 events removed (before " + at + "); events #1 to #2, the newest hashing "}},
		{"de", []string{"Bereinigung #2: 6 Ereignisse entfernt (vor dem " + at + "); Ereignisse #3 bis #8, Hash des neuesten ",
			"Bereinigung #1: 2 Ereignisse entfernt (vor dem " + at + "); "}},
	} {
		got, page := auditDetails(t, c, tc.lang, "?action=purge")
		if len(got) != 2 || !strings.HasPrefix(got[0], tc.want[0]) || !strings.HasPrefix(got[1], tc.want[1]) {
			t.Errorf("%s: the purges say\n%s\nwant them to begin\n%s", tc.lang, strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			continue
		}
		closed := map[string]string{"en": "; stopped before it ended; record closed by Command line", "de": "; vor dem Ende abgebrochen; Eintrag abgeschlossen von Kommandozeile"}[tc.lang]
		if !strings.HasSuffix(got[1], closed) {
			t.Errorf("%s: the closed purge says %q, want it to end %q", tc.lang, got[1], closed)
		}
		if strings.Contains(page, "events before") || strings.Contains(page, "ledger head at the start #") {
			t.Errorf("%s: the trail shows a purge's record as written", tc.lang)
		}
	}
	_, body, _ := c.get("/admin/audit/export?action=purge")
	if !strings.Contains(body, retention.Describe(p)) {
		t.Errorf("the CSV does not keep the purge's record as written:\n%s", body)
	}
}

// auditDetails switches c's console to lang and reads the details column
// of the audit trail's page (query filters it) as shown; and the page.
func auditDetails(t *testing.T, c *console, lang, query string) ([]string, string) {
	t.Helper()
	c.speak(lang)
	_, page, _ := c.get("/admin/audit" + query)
	var got []string
	for _, m := range auditDetail.FindAllStringSubmatch(page, -1) {
		got = append(got, asText(m[1]))
	}
	return got, page
}

// auditDetail is an audit entry's detail cell, its values as written each
// in a <bdi> of its own.
var auditDetail = regexp.MustCompile(`data-testid="audit-detail">(?:<bdi>(.*?)</bdi>)?</td>`)

// asText is a cell's HTML as its text: its values' <bdi> tags taken out,
// its characters unescaped.
func asText(h string) string {
	return html.UnescapeString(regexp.MustCompile(`</?bdi[^>]*>`).ReplaceAllString(h, ""))
}

// killedThenPurged leaves a purge of the demo site by the scheduler stopped
// after a batch of two events, closes it from the command line, then purges
// every site before cutoff from the command line, as written to the audit
// trail; it returns the second purge.
func killedThenPurged(t *testing.T, a *app.App, cutoff time.Time) store.Purge {
	t.Helper()
	ctx := context.Background()
	killed := store.Purge{Actor: "scheduler", Site: "demo", Cutoff: cutoff}
	if err := a.Store.BeginPurge(ctx, &killed); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Store.PurgeBatch(ctx, &killed, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := retention.Close(ctx, a.Store, "cli"); err != nil {
		t.Fatal(err)
	}
	p, err := retention.Run(ctx, a.Store, retention.Options{Cutoff: cutoff, Actor: "cli"})
	if err != nil {
		t.Fatal(err)
	}
	if err := retention.Audit(ctx, a.Store, p, nil); err != nil {
		t.Fatal(err)
	}
	return p
}
