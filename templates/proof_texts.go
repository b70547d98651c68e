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
// notice regions' bodies, consent.BodyKey, after the opt-in one's, as the
// owner's texts for those regions stand in the editor, each followed by its
// body where Global Privacy Control binds), then those the
// editor does not offer by key, then a blocked embed's placeholder's; a
// text this build has no label for (one an older Consentry showed) keeps
// its key.
func shownTexts(t *i18n.Localizer, texts *ShownTexts) []shownText {
	var keys []string
	for _, k := range consent.TextKeys {
		if _, ok := texts.Messages[k]; ok {
			keys = append(keys, k)
		}
	}
	// Where Global Privacy Control binds, a region's body without what it
	// keeps off (consent.GPCBodyKey) right after the region's own.
	gpcBodies := map[string]bool{}
	for _, m := range []consent.Mode{consent.OptOut, consent.Notice} {
		g := consent.GPCBodyKey(m)
		if _, ok := texts.Messages[g]; !ok {
			continue
		}
		gpcBodies[g] = true
		at := slices.Index(keys, consent.BodyKey(m))
		if at < 0 {
			at = slices.Index(keys, consent.BodyKey(consent.OptIn))
		}
		keys = slices.Insert(keys, at+1, g)
	}
	for _, k := range slices.Sorted(maps.Keys(texts.Messages)) {
		if !slices.Contains(consent.TextKeys, k) && !slices.Contains(PlaceholderKeys, k) && !gpcBodies[k] {
			keys = append(keys, k)
		}
	}
	// Last, a blocked embed's placeholder, as it reads top to bottom.
	for _, k := range PlaceholderKeys {
		if _, ok := texts.Messages[k]; ok {
			keys = append(keys, k)
		}
	}
	// banner_body is the opt-in regions' body, and that of any other
	// region the snapshot keeps none of its own for: every region's where
	// it keeps no other.
	others := false
	for _, m := range []consent.Mode{consent.OptOut, consent.Notice} {
		_, ok := texts.Messages[consent.BodyKey(m)]
		others = others || ok
	}
	out := make([]shownText, len(keys))
	for i, k := range keys {
		id := textLabelID(k)
		if k == consent.BodyKey(consent.OptIn) && others {
			id = "a_t_banner_body_others"
		}
		out[i] = shownText{orKey(t, id, k), texts.Messages[k]}
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
