package templates

import (
	"strings"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
)

// CategoryName is a category's translated name; a custom category without a
// translation shows its key.
func CategoryName(t *i18n.Localizer, c consent.Category) string {
	name, _ := consent.CategoryTextKeys(c.Key)
	return orKey(t, name, c.Key)
}

// CategoryDescription is a category's translated description, or "".
func CategoryDescription(t *i18n.Localizer, c consent.Category) string {
	_, desc := consent.CategoryTextKeys(c.Key)
	return orKey(t, desc, "")
}

func orKey(t *i18n.Localizer, id, fallback string) string {
	if s := t.T(id); s != id {
		return s
	}
	return fallback
}

// categoryNames lists translated category names, comma separated.
func categoryNames(b Banner, keys []string) string {
	var out []string
	for _, k := range keys {
		if c, ok := b.Site.Category(k); ok {
			out = append(out, CategoryName(b.T, c))
		}
	}
	return strings.Join(out, ", ")
}
