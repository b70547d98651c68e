package i18n_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/i18n"
)

// TestConsoleKeysSayDifferentThings: no two keys of the console's catalogue
// have the same text in every console language: one that says what
// another says is that key (a_name and a_field_name both said 'Name' in
// all five, and five more pairs). Keys whose texts differ in one language
// are different words (a_decisions and a_axis_decisions, 'القرارات' and
// 'عدد القرارات'; a_compare and a_compare_base, 'Vergleichen' and
// 'Vergleiche'), and so are a_field_description ('description', said
// inside a sentence) and a_description.
func TestConsoleKeysSayDifferentThings(t *testing.T) {
	catalogues := make([]messages, len(i18n.Console))
	for i, code := range i18n.Console {
		catalogues[i] = load(t, "admin."+code+".toml")
	}
	keys := map[string][]string{} // the texts in every language → their keys
	for _, id := range slices.Sorted(maps.Keys(catalogues[0])) {
		var texts []string
		for _, c := range catalogues {
			for _, form := range pluralForms {
				texts = append(texts, fmt.Sprintf("%s=%q", form, c[id][form]))
			}
		}
		k := strings.Join(texts, " ")
		keys[k] = append(keys[k], id)
	}
	for _, ids := range slices.SortedFunc(maps.Values(keys), slices.Compare) {
		if len(ids) > 1 {
			t.Errorf("%s say the same in every console language (%q in English): keep one", strings.Join(ids, ", "), catalogues[0][ids[0]]["other"])
		}
	}
}
