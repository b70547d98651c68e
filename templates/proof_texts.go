package templates

import (
	"maps"
	"slices"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
)

// shownText is one text a visitor was shown, named for staff.
type shownText struct{ Label, Text string }

// shownTexts are every text of the snapshot a visitor was shown, each
// named as the site editor labels it, in the console's language ("“Accept
// all” button", not banner_accept), in the editor's order (the opt-out and
// notice regions' bodies after the opt-in one's), then those the editor
// does not offer by key, then a blocked embed's placeholder's; a text
// this build has no label for (one an older Consentry showed) keeps its
// key.
func shownTexts(t *i18n.Localizer, texts *ShownTexts) []shownText {
	// The body of an opt-out and a notice region follow the opt-in one.
	modal := []string{consent.BodyKey(consent.OptOut), consent.BodyKey(consent.Notice)}
	var keys []string
	for _, k := range consent.TextKeys {
		if _, ok := texts.Messages[k]; ok {
			keys = append(keys, k)
		}
		if k == consent.BodyKey(consent.OptIn) {
			for _, m := range modal {
				if _, ok := texts.Messages[m]; ok {
					keys = append(keys, m)
				}
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(texts.Messages)) {
		if !slices.Contains(consent.TextKeys, k) && !slices.Contains(modal, k) && !slices.Contains(PlaceholderKeys, k) {
			keys = append(keys, k)
		}
	}
	// Last, a blocked embed's placeholder, as it reads top to bottom.
	for _, k := range PlaceholderKeys {
		if _, ok := texts.Messages[k]; ok {
			keys = append(keys, k)
		}
	}
	out := make([]shownText, len(keys))
	for i, k := range keys {
		out[i] = shownText{orKey(t, textLabelID(k), k), texts.Messages[k]}
	}
	return out
}

// textLabelID is the message ID of the site editor's label of a text key:
// a_t_KEY, or the Basics form's label of the banner's two links, which a
// snapshot keeps with the texts.
func textLabelID(key string) string {
	switch key {
	case "link_privacy":
		return "a_privacy_link"
	case "link_legal":
		return "a_legal_link"
	}
	return "a_t_" + key
}
