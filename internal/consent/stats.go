package consent

import (
	"sort"
	"time"
)

// Count is one cell of the daily rollup: how many of a site's events on a
// UTC day had Key for dimension Dim (action, granted, country, lang).
type Count struct {
	Site string
	Day  int64
	Dim  string
	Key  string
	N    int64
}

// Rollup returns the counts that events add to the daily rollup.
func Rollup(events []*Event) []Count {
	type k struct {
		site     string
		day      int64
		dim, key string
	}
	m := map[k]int64{}
	for _, e := range events {
		d := Day(e.Time)
		m[k{e.Site, d, "action", string(e.Action)}]++
		for _, g := range e.Granted {
			m[k{e.Site, d, "granted", g}]++
		}
		m[k{e.Site, d, "country", e.Country}]++
		m[k{e.Site, d, "lang", e.Lang}]++
	}
	out := make([]Count, 0, len(m))
	for key, n := range m {
		out = append(out, Count{key.site, key.day, key.dim, key.key, n})
	}
	return out
}

// Stats summarises a period of the rollup for the dashboard.
type Stats struct {
	Days      []DayStats
	Total     int64
	Actions   map[Action]int64
	Granted   map[string]int64 // events granting each category
	Countries []KeyCount       // most first
	Langs     []KeyCount
}

// DayStats are one day's decisions by action.
type DayStats struct {
	Day     time.Time
	Actions map[Action]int64
	Total   int64
}

// KeyCount is a value and how often it occurred.
type KeyCount struct {
	Key string
	N   int64
}

// Rate is the share of decisions that granted category c, 0 to 1.
func (s Stats) Rate(c string) float64 {
	if s.Total == 0 {
		return 0
	}
	return float64(s.Granted[c]) / float64(s.Total)
}

// Summarize folds rollup counts from day from to day to (inclusive) into Stats,
// with every day of the period present, zero or not.
func Summarize(counts []Count, from, to int64) Stats {
	s := Stats{Actions: map[Action]int64{}, Granted: map[string]int64{}}
	byDay := map[int64]*DayStats{}
	for d := from; d <= to; d++ {
		s.Days = append(s.Days, DayStats{Day: DayStart(d), Actions: map[Action]int64{}})
	}
	for i := range s.Days {
		byDay[Day(s.Days[i].Day)] = &s.Days[i]
	}
	countries, langs := map[string]int64{}, map[string]int64{}
	for _, c := range counts {
		ds := byDay[c.Day]
		if ds == nil {
			continue
		}
		switch c.Dim {
		case "action":
			ds.Actions[Action(c.Key)] += c.N
			ds.Total += c.N
			s.Actions[Action(c.Key)] += c.N
			s.Total += c.N
		case "granted":
			s.Granted[c.Key] += c.N
		case "country":
			countries[c.Key] += c.N
		case "lang":
			langs[c.Key] += c.N
		}
	}
	s.Countries, s.Langs = sorted(countries), sorted(langs)
	return s
}

func sorted(m map[string]int64) []KeyCount {
	out := make([]KeyCount, 0, len(m))
	for k, n := range m {
		out = append(out, KeyCount{k, n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Key < out[j].Key
	})
	return out
}
