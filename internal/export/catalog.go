package export

import (
	"context"
	"slices"

	"github.com/consentry/consentry/internal/consent"
)

// RevisionReader reads a site as one published revision offered it.
type RevisionReader interface {
	Revision(ctx context.Context, id string, n int) (*consent.Site, error)
}

// Catalog tells which categories an event's revision offered and the
// visitor did not grant. It remembers each revision it read, so an export of
// millions of events reads each revision once.
type Catalog struct {
	ctx  context.Context
	r    RevisionReader
	revs map[revision][]string
}

type revision struct {
	site string
	n    int
}

// NewCatalog reads revisions from r within ctx.
func NewCatalog(ctx context.Context, r RevisionReader) *Catalog {
	return &Catalog{ctx: ctx, r: r, revs: map[revision][]string{}}
}

// Denied lists, in the revision's order, the categories e's revision offered
// that e did not grant. A revision no longer stored denies nothing anyone
// can name: nil.
func (c *Catalog) Denied(e *consent.Event) ([]string, error) {
	_, denied, err := c.Split(e)
	return denied, err
}

// Split lists, both in the order of the categories of e's revision (the
// site's order when the visitor chose), the categories e granted and those
// the revision offered that e did not: the console shows them side by side.
// A granted category the revision does not name (a revision no longer
// stored) follows, in the order recorded.
func (c *Catalog) Split(e *consent.Event) (granted, denied []string, err error) {
	key := revision{e.Site, e.Revision}
	cats, ok := c.revs[key]
	if !ok {
		site, err := c.r.Revision(c.ctx, e.Site, e.Revision)
		switch {
		case consent.ErrorCode(err) == consent.ENotFound:
		case err != nil:
			return nil, nil, err
		default:
			for _, cat := range site.Categories {
				cats = append(cats, cat.Key)
			}
		}
		c.revs[key] = cats
	}
	for _, k := range cats {
		if slices.Contains(e.Granted, k) {
			granted = append(granted, k)
		} else {
			denied = append(denied, k)
		}
	}
	for _, k := range e.Granted {
		if !slices.Contains(cats, k) {
			granted = append(granted, k)
		}
	}
	return granted, denied, nil
}

// Record is e's exported form with its denied categories.
func (c *Catalog) Record(e *consent.Event) (Record, error) {
	denied, err := c.Denied(e)
	return RecordOf(e, denied), err
}
