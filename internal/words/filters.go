package words

import (
	"maps"
	"net/url"
	"slices"
)

// Filters are the filters v in words, one a sentence, in the order of
// their names (as v.Encode writes them): labels name, by a filter's name,
// the message its form labels it with; actions is the prefix of an
// action's words ("a_action_" on the log, "a_audit_" on the audit trail).
// An export's audit entry says what was exported with them.
func Filters(v url.Values, labels map[string]string, actions string) []Words {
	var said []Words
	for _, name := range slices.Sorted(maps.Keys(v)) {
		x := v.Get(name)
		label := Written(name)
		if key := labels[name]; key != "" {
			label = Words{Key: key, Text: name}
		}
		value := Written(x)
		switch name {
		case "action":
			value = SayCode(actions, x)
		case "source":
			value = SayCode("a_source_", x)
		case "gpc":
			label, value = Written("GPC"), Say("a_no", nil)
			if x == "1" {
				value = Say("a_yes", nil)
			}
		}
		said = append(said, Say("a_audit_detail_filter", map[string]Words{"Filter": label, "Value": value}))
	}
	return said
}
