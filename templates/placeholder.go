package templates

import "github.com/consentry/consentry/internal/i18n"

// PlaceholderKeys are the message IDs of a blocked embed's placeholder
// that offers a decision: what is blocked, the cookies its service may
// set, "Load this once" and "Allow CATEGORY".
var PlaceholderKeys = []string{"ph_blocked", "ph_cookies", "ph_once", "ph_allow"}

// PlaceholderTexts are the placeholder's texts in t's language as the
// snippet gets them, with {service}, {category} and {cookies} for it to
// fill in from the embed and the site; the texts snapshot keeps them as
// they are, the proof of what a decision on a placeholder was made on.
func PlaceholderTexts(t *i18n.Localizer) map[string]string {
	out := map[string]string{}
	for _, id := range PlaceholderKeys {
		out[id] = t.TData(id, map[string]any{"Service": "{service}", "Category": "{category}", "Cookies": "{cookies}"})
	}
	return out
}
