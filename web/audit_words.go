package web

import (
	"maps"
	"net/url"
	"slices"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/templates"
)

// LogFilterWords are the filters of an export of the log (v, as
// consent.LogQuery.Values writes them), as its audit entry says them in
// words: each filter as the log's form labels it, with its value: an
// action, a source or GPC in words, a site, day, category, country or
// language as written. The console's export and the command line's write
// them alike.
func LogFilterWords(v url.Values) []auth.Words {
	return filterWords(v, templates.FilterLabels, "a_action_")
}

// auditFilterLabels are the audit trail's filters as its form labels them.
var auditFilterLabels = templates.Labels{"actor": "a_who", "action": "a_action", "from": "a_from", "to": "a_to"}

// filterWords are the filters v in words, one a sentence, in the order of
// their names (as v.Encode writes them): labels name each filter's label,
// actions is the prefix of an action's words.
func filterWords(v url.Values, labels templates.Labels, actions string) []auth.Words {
	var said []auth.Words
	for _, name := range slices.Sorted(maps.Keys(v)) {
		x := v.Get(name)
		label := auth.Written(name)
		if key := labels[name]; key != "" {
			label = auth.Words{Key: key, Text: name}
		}
		value := auth.Written(x)
		switch name {
		case "action":
			value = auth.SayCode(actions, x)
		case "source":
			value = auth.SayCode("a_source_", x)
		case "gpc":
			label, value = auth.Written("GPC"), auth.Say("a_no", nil)
			if x == "1" {
				value = auth.Say("a_yes", nil)
			}
		}
		said = append(said, auth.Say("a_audit_detail_filter", map[string]auth.Words{"Filter": label, "Value": value}))
	}
	return said
}
