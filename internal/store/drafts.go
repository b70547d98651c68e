package store

import (
	"encoding/json"
	"fmt"

	"github.com/consentry/consentry/internal/consent"
)

// KeptDraft is what PublishKeeping stores in the site's row beside the
// revision of site it publishes: the row's name (the draft's, as SaveDraft
// leaves it) and the draft's configuration, or site's name and nil (NULL:
// no draft) when draft is nil. A draft SaveDraft would refuse, or one of
// another site, is refused before anything is written.
func KeptDraft(site, draft *consent.Site) (name string, config any, err error) {
	if draft == nil {
		return site.Name, nil, nil
	}
	if draft.ID != site.ID {
		return "", nil, fmt.Errorf("the draft of site %q cannot be kept by a revision of %q", draft.ID, site.ID)
	}
	if err := draft.Validate(); err != nil {
		return "", nil, err
	}
	b, err := json.Marshal(draft)
	if err != nil {
		return "", nil, err
	}
	return draft.Name, b, nil
}
