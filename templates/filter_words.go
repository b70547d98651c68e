package templates

import (
	"net/url"

	"github.com/consentry/consentry/internal/words"
)

// LogFilterWords are the filters of an export of the log (v, as
// consent.LogQuery.Values writes them), as its audit entry says them in
// words: each filter as the log's form labels it, with its value: an
// action, a source or GPC in words, a site, day, category, country or
// language as written. The console's export and the command line's write
// them alike.
func LogFilterWords(v url.Values) []words.Words {
	return words.Filters(v, FilterLabels, "a_action_")
}
