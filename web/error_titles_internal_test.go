package web

import (
	"maps"
	"net/http"
	"slices"
	"testing"

	"github.com/consentry/consentry/internal/i18n"
)

// TestEveryErrorStatusHasATitle: every status a visitor's error page can
// answer (each domain error's, and Echo's 405) is titled in every visitor
// language by its own error_<status>, not by Go's English status text nor
// by the English catalogue's; 405 was "Method Not Allowed" in every language.
func TestEveryErrorStatusHasATitle(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	statuses := []int{400, 403, 404, http.StatusMethodNotAllowed, 413, 422, 429, 500, 503}
	for st := range maps.Values(statusOf) {
		if !slices.Contains(statuses, st) {
			statuses = append(statuses, st)
		}
	}
	en := b.For("en")
	for _, lang := range b.Languages() {
		loc := b.For(lang)
		for _, st := range statuses {
			title := statusTitle(loc, st)
			if title == http.StatusText(st) || (lang != "en" && title == statusTitle(en, st)) {
				t.Errorf("%s: %d is titled %q, in English: want error_%d in its words", lang, st, title, st)
			}
		}
	}
}
