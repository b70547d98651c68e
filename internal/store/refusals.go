package store

import (
	"context"
	"time"
)

// Refusals counts the decisions refused because the page that sent them is
// on an origin its site does not allow (403): a site owner's mistake, such
// as http:// where the site lists https:// or www. missing, that visitors
// cannot fix and nothing else tells the owner of. The site editor shows the
// counts and offers to allow the origin. Counts are kept per site, origin
// and hour for RefusalsKept. Each instance counts in memory and adds its
// counts every little while (web), never with a write a request, so a
// flood of refused requests costs ingest nothing; and since the origin is
// the request's to choose, each site keeps only its MaxRefusedOrigins most
// refused origins an hour.
type Refusals interface {
	// AddRefusals adds counts, all of the given hour, forgets the hours
	// before forget and keeps, of each site's origins in that hour, the
	// MaxRefusedOrigins with the most refusals (then the first by origin),
	// in one transaction. Instances adding at once add up exactly.
	AddRefusals(ctx context.Context, hour int64, counts []Refusal, forget int64) error
	// RefusedOrigins returns a site's counts from hour since on, one an
	// origin and hour, newest hour first, then by origin.
	RefusedOrigins(ctx context.Context, site string, since int64) ([]Refusal, error)
	// RefusingSites returns how many decisions each site had refused from
	// hour since on, for the sites that had any.
	RefusingSites(ctx context.Context, since int64) (map[string]int64, error)
}

// Refusal is how many decisions from pages on Origin (scheme://host[:port],
// never a path: consent.RefusedOrigin) Site refused in one hour.
type Refusal struct {
	Site, Origin string
	// Hour is the Unix time divided by 3,600 (RefusalHour).
	Hour  int64
	Count int64
}

// MaxRefusedOrigins is how many origins a site keeps the counts of, each
// hour: the owner needs the few that matter, and made-up origins must not
// grow the table.
const MaxRefusedOrigins = 8

// RefusalsKept is how long refusals are counted back: a week, so an owner
// who looks at the site weekly still sees them.
const RefusalsKept = 7 * 24 * time.Hour

// RefusalHour is the hour t falls in, as Refusal.Hour counts it.
func RefusalHour(t time.Time) int64 { return t.Unix() / 3600 }
