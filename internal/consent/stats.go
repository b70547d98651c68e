package consent

import (
	"sort"
	"strconv"
	"strings"
	"time"
)

// Count is one cell of the daily rollup: how many of a site's events on a
// UTC day had Key for dimension Dim (action, granted, country, lang, or
// revision: see RevisionKey). The action dimension counts outcomes (see
// Outcome): an opt-out the Global Privacy Control signal made by itself is
// GPCOptOut, whatever action it was stored with, and its categories are
// not counted as granted (see Rollup).
type Count struct {
	Site string
	Day  int64
	Dim  string
	Key  string
	N    int64
}

// DimRevision is the rollup dimension that counts each policy revision's
// decisions by action and by category granted, so two revisions can be
// compared: its keys are "N:action:ACTION" and "N:granted:CATEGORY".
const DimRevision = "revision"

// RevisionKey is the key of a revision's count of what (action or granted)
// with value v, in DimRevision.
func RevisionKey(rev int, what, v string) string {
	return strconv.Itoa(rev) + ":" + what + ":" + v
}

// ParseRevisionKey splits a DimRevision key; ok is false for anything else.
func ParseRevisionKey(key string) (rev int, what, v string, ok bool) {
	n, rest, found := strings.Cut(key, ":")
	if !found {
		return 0, "", "", false
	}
	what, v, found = strings.Cut(rest, ":")
	rev, err := strconv.Atoi(n)
	if !found || err != nil || (what != "action" && what != "granted") {
		return 0, "", "", false
	}
	return rev, what, v, true
}

// Rollup returns the counts that events add to the daily rollup, summed in
// memory so that a batch costs one upsert per distinct cell.
//
// An event counts under its outcome, not its stored action: a Global
// Privacy Control opt-out is GPCOptOut (records of it stored as accept_all
// or custom alike), and what it leaves granted is not counted as granted.
// Nobody was asked: it refuses what the signal covers, and what it leaves
// on is the region's default, not a visitor's opt-in, so the opt-in rates
// leave it out of both their parts (Stats.Asked).
//
// It runs in the ledger writer's transaction, for every batch, so it counts
// without hashing per event: the events of a batch mostly share their site
// and day (and revision), so each such group is found again by comparing it
// with the last one, and its few actions, categories, countries and
// languages are counted in short lists; a map finds a group only when a
// batch mixes them. The revision keys are made once per cell, not per event.
func Rollup(events []*Event) []Count {
	type dk struct {
		site string
		day  int64
	}
	type dayGroup struct {
		dk
		actions, granted, countries, langs []KeyCount
	}
	type gk struct {
		site string
		day  int64
		rev  int
	}
	type group struct {
		gk
		actions, granted []KeyCount
	}
	var (
		days    []*dayGroup
		dayBy   map[dk]*dayGroup
		lastDay *dayGroup
		groups  []*group
		byKey   map[gk]*group
		last    *group
	)
	for _, e := range events {
		d := Day(e.Time)
		if key := (dk{e.Site, d}); lastDay == nil || lastDay.dk != key {
			if dayBy == nil {
				dayBy = map[dk]*dayGroup{}
			}
			if lastDay = dayBy[key]; lastDay == nil {
				lastDay = &dayGroup{dk: key}
				dayBy[key] = lastDay
				days = append(days, lastDay)
			}
		}
		out := Outcome(e.Action, e.Source)
		granted := e.Granted
		if out == GPCOptOut {
			granted = nil
		}
		bump(&lastDay.actions, string(out))
		for _, g := range granted {
			bump(&lastDay.granted, g)
		}
		bump(&lastDay.countries, e.Country)
		bump(&lastDay.langs, e.Lang)

		if key := (gk{e.Site, d, e.Revision}); last == nil || last.gk != key {
			if byKey == nil {
				byKey = map[gk]*group{}
			}
			if last = byKey[key]; last == nil {
				last = &group{gk: key}
				byKey[key] = last
				groups = append(groups, last)
			}
		}
		bump(&last.actions, string(out))
		for _, g := range granted {
			bump(&last.granted, g)
		}
	}
	n := 0
	for _, g := range days {
		n += len(g.actions) + len(g.granted) + len(g.countries) + len(g.langs)
	}
	for _, g := range groups {
		n += len(g.actions) + len(g.granted)
	}
	out := make([]Count, 0, n)
	for _, g := range days {
		for _, dim := range [...]struct {
			name string
			list []KeyCount
		}{{"action", g.actions}, {"granted", g.granted}, {"country", g.countries}, {"lang", g.langs}} {
			for _, c := range dim.list {
				out = append(out, Count{g.site, g.day, dim.name, c.Key, c.N})
			}
		}
	}
	for _, g := range groups {
		for _, a := range g.actions {
			out = append(out, Count{g.site, g.day, DimRevision, RevisionKey(g.rev, "action", a.Key), a.N})
		}
		for _, c := range g.granted {
			out = append(out, Count{g.site, g.day, DimRevision, RevisionKey(g.rev, "granted", c.Key), c.N})
		}
	}
	return out
}

// bump counts key once more in a short list.
func bump(list *[]KeyCount, key string) {
	for i := range *list {
		if (*list)[i].Key == key {
			(*list)[i].N++
			return
		}
	}
	*list = append(*list, KeyCount{key, 1})
}

// Stats summarises a period of the rollup for the dashboard.
type Stats struct {
	Days      []DayStats
	Total     int64
	Actions   map[Action]int64 // by outcome: GPCOptOut apart
	Granted   map[string]int64 // events granting each category, GPC opt-outs not counted
	Countries []KeyCount       // most first, the unknown ("") last
	Langs     []KeyCount       // as Countries
}

// DayStats are one day's decisions by outcome (see Stats.Actions).
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

// Asked is how many decisions visitors made: every decision but the
// opt-outs the Global Privacy Control signal made by itself.
func (s Stats) Asked() int64 { return s.Total - s.Actions[GPCOptOut] }

// Rate is the share of the decisions visitors made (Asked) that granted
// category c, 0 to 1.
func (s Stats) Rate(c string) float64 { return share(s.Granted[c], s.Asked()) }

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

// sorted is m most first, the unknown value ("": no country, no language)
// last whatever its count: the dashboard's "Unknown" is not a country, and
// sorted by its count it stood among them, often first.
func sorted(m map[string]int64) []KeyCount {
	out := make([]KeyCount, 0, len(m))
	for k, n := range m {
		out = append(out, KeyCount{k, n})
	}
	sort.Slice(out, func(i, j int) bool {
		if (out[i].Key == "") != (out[j].Key == "") {
			return out[j].Key == ""
		}
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Key < out[j].Key
	})
	return out
}
