package consent

import "time"

// RevisionStats are the decisions recorded under one policy revision (the
// revision the visitor was shown), by outcome and by category granted (GPC
// opt-outs grant nothing here: see Rollup).
type RevisionStats struct {
	Revision int
	Total    int64
	Actions  map[Action]int64
	Granted  map[string]int64
}

// ActionRate is the share of the revision's decisions that were a, 0 to 1.
func (r RevisionStats) ActionRate(a Action) float64 { return share(r.Actions[a], r.Total) }

// Asked is how many of the revision's decisions visitors made: all but the
// opt-outs the Global Privacy Control signal made by itself.
func (r RevisionStats) Asked() int64 { return r.Total - r.Actions[GPCOptOut] }

// Rate is the share of the decisions visitors made under the revision
// (Asked) that granted category c.
func (r RevisionStats) Rate(c string) float64 { return share(r.Granted[c], r.Asked()) }

func share(n, of int64) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// RevisionTotals folds the DimRevision counts of any days into each
// revision's totals; other dimensions are ignored.
func RevisionTotals(counts []Count) map[int]*RevisionStats {
	out := map[int]*RevisionStats{}
	for _, c := range counts {
		if c.Dim != DimRevision {
			continue
		}
		rev, what, v, ok := ParseRevisionKey(c.Key)
		if !ok {
			continue
		}
		r := out[rev]
		if r == nil {
			r = &RevisionStats{Revision: rev, Actions: map[Action]int64{}, Granted: map[string]int64{}}
			out[rev] = r
		}
		if what == "action" {
			r.Actions[Action(v)] += c.N
			r.Total += c.N
		} else {
			r.Granted[v] += c.N
		}
	}
	return out
}

// OptInPoint is one bucket of days of a category's opt-in series: of the
// Decisions made on a revision that offered the category, how many Granted it.
type OptInPoint struct {
	From               time.Time // the bucket's first UTC day
	Days               int       // how many days of the period it covers
	Granted, Decisions int64
}

// Rate is Granted over Decisions; ok is false when there was no decision.
func (p OptInPoint) Rate() (rate float64, ok bool) {
	return share(p.Granted, p.Decisions), p.Decisions > 0
}

// OptInSeries is one category's opt-in rate over a period.
type OptInSeries struct {
	Category string
	Points   []OptInPoint
}

// OptInRates computes, for each category of cats, the share of decisions that
// granted it per day (or per week from Monday, when weekly) of the period
// from to to (UTC days, inclusive), from the DimRevision counts.
//
// The denominator is every decision a visitor made (accept all, reject all,
// custom and withdrawal: the last two grant no optional category) under a
// revision that offered the category, as offers says; decisions under a
// revision that did not offer it count in neither part, so a category added
// halfway through the period is not shown as refused before it existed. An
// opt-out the Global Privacy Control signal made by itself counts in neither
// part either: nobody was asked (see Rollup).
func OptInRates(counts []Count, from, to int64, weekly bool, cats []string, offers func(rev int, cat string) bool) []OptInSeries {
	start := func(d int64) int64 {
		if !weekly {
			return d
		}
		return max(from, d-(d+3)%7) // the Unix epoch was a Thursday
	}
	var starts []int64
	index := map[int64]int{}
	for d := from; d <= to; d++ {
		if s := start(d); len(starts) == 0 || starts[len(starts)-1] != s {
			index[s] = len(starts)
			starts = append(starts, s)
		}
	}
	out := make([]OptInSeries, len(cats))
	for i, c := range cats {
		out[i] = OptInSeries{Category: c, Points: make([]OptInPoint, len(starts))}
		for j, s := range starts {
			end := to + 1
			if j+1 < len(starts) {
				end = starts[j+1]
			}
			out[i].Points[j] = OptInPoint{From: DayStart(s), Days: int(end - s)}
		}
	}
	for _, c := range counts {
		if c.Dim != DimRevision || c.Day < from || c.Day > to {
			continue
		}
		rev, what, v, ok := ParseRevisionKey(c.Key)
		if !ok {
			continue
		}
		j := index[start(c.Day)]
		for i, cat := range cats {
			if !offers(rev, cat) {
				continue
			}
			switch {
			case what == "action" && v == string(GPCOptOut):
			case what == "action":
				out[i].Points[j].Decisions += c.N
			case v == cat:
				out[i].Points[j].Granted += c.N
			}
		}
	}
	return out
}
