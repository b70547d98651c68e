package templates

import (
	"strings"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
)

// The console says what happened in words; the records, exports and filters
// keep the codes. Each helper falls back to the code for a value the
// translations do not know yet, never to an empty cell.

// ActionWords is a decision's action in words: accept_all is "Accepted all".
func ActionWords(t *i18n.Localizer, a consent.Action) string {
	return orKey(t, "a_action_"+string(a), string(a))
}

// SourceWords is where a decision was made, in words.
func SourceWords(t *i18n.Localizer, s consent.Source) string {
	return orKey(t, "a_source_"+string(s), string(s))
}

// RuleWords is the jurisdiction rule a record names ("opt-in (DE)",
// "opt-out (country unknown)") in words.
func RuleWords(t *i18n.Localizer, rule string) string {
	mode, where, ok := strings.Cut(rule, " (")
	words := orKey(t, "a_rule_"+strings.ReplaceAll(mode, "-", "_"), mode)
	if !ok {
		return words
	}
	where = strings.TrimSuffix(where, ")")
	if where == "country unknown" {
		where = t.T("a_country_unknown")
	}
	return words + " (" + where + ")"
}

// CategoryWords lists categories by their translated names, or "—" for none.
func CategoryWords(t *i18n.Localizer, keys []string) string {
	if len(keys) == 0 {
		return "—"
	}
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = CategoryName(t, consent.Category{Key: k})
	}
	return strings.Join(names, ", ")
}
