package web_test

import (
	"html"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/words"
	"github.com/consentry/consentry/templates"
)

// TestAuditSiteEditsInWords: every part of a site's draft the editor saves
// (web's siteEdit) has words in every console language, which the trail
// shows as the detail of "Edited a site's draft" ('Grundeinstellungen',
// 'Dienst aus dem Katalog hinzugefügt'), each part's its own, and an entry
// written before the words were kept (migration 00015) reads as one
// written since; it showed the code the server writes ('basics', 'service
// from catalog'). The CSV keeps what was written.
func TestAuditSiteEditsInWords(t *testing.T) {
	src, err := os.ReadFile("admin_sites.go")
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]string{}
	for _, m := range regexp.MustCompile(`siteEdit\{"([^"]+)", words\.Say\("([^"]+)", nil\), "[a-z]+"\}`).FindAllSubmatch(src, -1) {
		parts[string(m[1])] = string(m[2])
	}
	if parts["basics"] == "" || parts["service from catalog"] == "" {
		t.Fatalf("the source scan found %q: it no longer sees how the editor names what it saves", parts)
	}
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range i18n.Console {
		seen := map[string]string{}
		for p, key := range parts {
			w := templates.AuditDetailWords(b.For(lang), auth.AuditEntry{Action: "site_edit", Detail: p, Words: []words.Words{words.Say(key, nil)}})
			if w == p || w == key {
				t.Errorf("%s: the draft's part %q has no words", lang, p)
			}
			if other, ok := seen[w]; ok {
				t.Errorf("%s: %q and %q both read %q", lang, other, p, w)
			}
			seen[w] = p
			if old := templates.LegacyAuditDetailWords(b.For(lang), "site_edit", p); old != w {
				t.Errorf("%s: the draft's part %q reads %q written before 00015, %q since", lang, p, old, w)
			}
		}
	}

	_, c, tok := ownerOfShop(t)
	_, page, _ := c.get("/admin/sites/shop")
	action, form := formFields(t, page, "basics")
	if status, _, _ := c.post(action, form); status != http.StatusSeeOther {
		t.Fatalf("saving the basics: %d", status)
	}
	if status, _, _ := c.post("/admin/me", url.Values{"_csrf": {tok}, "lang": {"de"}, "tz": {"UTC"}}); status != 303 {
		t.Fatalf("language: %d", status)
	}
	_, page, _ = c.get("/admin/audit?action=site_edit")
	m := regexp.MustCompile(`data-testid="audit-detail"><bdi>([^<]*)<`).FindStringSubmatch(page)
	if m == nil || html.UnescapeString(m[1]) != "Grundeinstellungen" {
		t.Errorf("the trail's detail of saving the basics is %q, want Grundeinstellungen", m)
	}
	if _, body, _ := c.get("/admin/audit/export"); !regexp.MustCompile(`,site_edit,shop,basics,`).MatchString(body) {
		t.Errorf("the CSV does not keep the detail as written:\n%s", body)
	}
}

// TestAuditSaysWhatChanged: the audit trail names what a site edit and a
// publish changed, in the reader's language and in the CSV: the service
// added from the catalog with its ID and the category it went into, the
// category removed, and a revision's changes against the one before (the
// revisions' comparison, consent.Describe). It said only 'Service added
// from the catalog', 'Category removed' and 'revision 2 (material): note'.
func TestAuditSaysWhatChanged(t *testing.T) {
	_, c, tok := ownerOfShop(t)
	publish := func() {
		t.Helper()
		if status, body, _ := c.post("/admin/sites/shop/publish", url.Values{"_csrf": {tok}, "kind": {"material"}, "change_note": {"video"}, "what_changed_en": {"Videos"}}); status != http.StatusSeeOther {
			t.Fatalf("publish: %d %.300s", status, body)
		}
	}
	publish()
	if status, body, _ := c.post("/admin/sites/shop/catalog", url.Values{"_csrf": {tok}, "id": {"youtube"}, "category": {"marketing"}}); status != http.StatusSeeOther {
		t.Fatalf("add from catalog: %d %.300s", status, body)
	}
	if status, body, _ := c.post("/admin/sites/shop/categories/preferences/delete", url.Values{"_csrf": {tok}}); status != http.StatusSeeOther {
		t.Fatalf("remove a category: %d %.300s", status, body)
	}
	publish()
	if status, _, _ := c.post("/admin/me", url.Values{"_csrf": {tok}, "lang": {"de"}, "tz": {"UTC"}}); status != 303 {
		t.Fatalf("language: %d", status)
	}
	details := func(action string) []string {
		_, page, _ := c.get("/admin/audit?action=" + action)
		var out []string
		for _, m := range regexp.MustCompile(`(?s)data-testid="audit-detail">(.*?)</td>`).FindAllStringSubmatch(page, -1) {
			out = append(out, strings.ReplaceAll(html.UnescapeString(m[1]), `<bdi class="whole">`, "<bdi>"))
		}
		return out
	}
	edits, pubs := strings.Join(details("site_edit"), "\n"), details("publish")
	for _, want := range []string{
		"Dienst aus dem Katalog hinzugefügt; Dienst <bdi>YouTube</bdi> (<bdi>youtube</bdi>) unter Marketing (<bdi>marketing</bdi>) hinzugefügt",
		"Kategorie entfernt; Kategorie Präferenzen (<bdi>preferences</bdi>) entfernt",
	} {
		if !strings.Contains(edits, want) {
			t.Errorf("the trail's site edits do not say %q:\n%s", want, edits)
		}
	}
	if len(pubs) != 2 || !strings.Contains(pubs[0], "<bdi>youtube</bdi>") || !strings.Contains(pubs[0], "Kategorie Präferenzen (<bdi>preferences</bdi>) entfernt") {
		t.Errorf("the trail's newest publish does not list its changes: %q", pubs)
	}
	_, csv, _ := c.get("/admin/audit/export")
	for _, want := range []string{"service from catalog; Added service YouTube to Marketing", "category removed; Removed category Preferences",
		"revision 2 (material): video; Added service YouTube to Marketing"} {
		if !strings.Contains(csv, want) {
			t.Errorf("the CSV does not say %q:\n%s", want, csv)
		}
	}
}
