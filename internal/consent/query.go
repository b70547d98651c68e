package consent

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// LogQuery selects events from the consent log, newest first. Zero values
// select everything; Before is the keyset cursor (the seq of the last event
// on the previous page), never an offset.
type LogQuery struct {
	Site     string
	From, To time.Time // To is exclusive
	Action   Action    // an outcome (see Outcome): GPCOptOut, or an action without those
	Granted  string    // a category the event grants
	Denied   string    // a category the event does not grant
	Source   Source
	Country  string
	Lang     string
	GPC      *bool
	Before   int64
	Limit    int
}

// QueryKeys are the URL parameters of a LogQuery, so that a view can be
// shared and bookmarked.
var QueryKeys = []string{"site", "from", "to", "action", "granted", "denied", "source", "country", "lang", "gpc", "before"}

// ParseLogQuery reads a LogQuery from URL parameters. Dates are YYYY-MM-DD
// in loc; "to" includes its whole day. Unknown parameters and malformed
// values are errors that name the parameter.
func ParseLogQuery(v url.Values, loc *time.Location) (LogQuery, error) {
	var q LogQuery
	for k := range v {
		if !slices.Contains(QueryKeys, k) && k != "q" && k != "format" && k != "lang_ui" {
			return q, FieldError(EInvalid, k, "is not a filter of the consent log").Say("e_not_a_filter", nil)
		}
	}
	day := func(k string) (time.Time, error) {
		s := v.Get(k)
		if s == "" {
			return time.Time{}, nil
		}
		t, err := time.ParseInLocation("2006-01-02", s, loc)
		if err != nil {
			return t, FieldError(EInvalid, k, "%q is not a date like 2026-01-31", s).Say("e_not_a_date", value(s))
		}
		// Year 1 is also Go's zero time, which means "no date": a period
		// from 0001-01-01 would quietly lose its start (the dashboard then
		// showed 30 days ending on "to").
		if t.Year() < 2000 {
			return t, FieldError(EInvalid, k, "%q is before 2000, older than any decision", s).Say("e_before_2000", value(s))
		}
		return t, nil
	}
	var err error
	if q.From, err = day("from"); err != nil {
		return q, err
	}
	if q.To, err = day("to"); err != nil {
		return q, err
	}
	if !q.To.IsZero() {
		q.To = q.To.AddDate(0, 0, 1)
		if !q.From.IsZero() && !q.From.Before(q.To) {
			return q, FieldError(EInvalid, "to", "must not be before from").Naming("from").Say("e_to_before_from", nil)
		}
	}
	if q.Site = v.Get("site"); q.Site != "" && !ValidSiteID(q.Site) {
		return q, FieldError(EInvalid, "site", "%q is not a site ID", q.Site).Say("e_not_a_site_id", value(q.Site))
	}
	if q.Action = Action(v.Get("action")); q.Action != "" && !slices.Contains(Outcomes, q.Action) {
		return q, FieldError(EInvalid, "action", "%q is not an action", q.Action).Say("e_not_an_action", value(string(q.Action)))
	}
	if q.Source = Source(v.Get("source")); q.Source != "" && !slices.Contains(Sources, q.Source) {
		return q, FieldError(EInvalid, "source", "%q is not a source", q.Source).Say("e_not_a_source", value(string(q.Source)))
	}
	for _, k := range []string{"granted", "denied"} {
		if c := v.Get(k); c != "" && !keyPattern.MatchString(c) {
			return q, FieldError(EInvalid, k, "%q is not a category key", c).Say("e_not_a_category", value(c))
		}
	}
	q.Granted, q.Denied = v.Get("granted"), v.Get("denied")
	if q.Country = strings.ToUpper(v.Get("country")); q.Country != "" && len(q.Country) != 2 {
		return q, FieldError(EInvalid, "country", "%q is not a two-letter country code", q.Country).Say("e_not_a_country", value(q.Country))
	}
	if q.Lang = v.Get("lang"); len(q.Lang) > 16 {
		return q, FieldError(EInvalid, "lang", "is too long").Say("e_too_long", nil)
	}
	switch g := v.Get("gpc"); g {
	case "":
	case "1", "0":
		b := g == "1"
		q.GPC = &b
	default:
		return q, FieldError(EInvalid, "gpc", "must be 1 or 0").Say("e_gpc", nil)
	}
	q.Before, err = ParseCursor(v.Get("before"))
	return q, err
}

// ParseCursor reads a keyset cursor ("before" a position); "" is the start.
func ParseCursor(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 {
		return 0, FieldError(EInvalid, "before", "%q is not a position in the log", s).Say("e_not_a_position", value(s))
	}
	return n, nil
}

// Values is the inverse of ParseLogQuery, without the cursor.
func (q LogQuery) Values(loc *time.Location) url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("site", q.Site)
	if !q.From.IsZero() {
		set("from", q.From.In(loc).Format("2006-01-02"))
	}
	if !q.To.IsZero() {
		set("to", q.To.In(loc).AddDate(0, 0, -1).Format("2006-01-02"))
	}
	set("action", string(q.Action))
	set("granted", q.Granted)
	set("denied", q.Denied)
	set("source", string(q.Source))
	set("country", q.Country)
	set("lang", q.Lang)
	if q.GPC != nil {
		set("gpc", map[bool]string{true: "1", false: "0"}[*q.GPC])
	}
	return v
}

// ParseID reads an event or consent ID typed into a search box.
func ParseID(s string) (uuid.UUID, error) {
	id, err := uuid.Parse(strings.TrimSpace(s))
	if err != nil || id == uuid.Nil {
		return uuid.Nil, FieldError(EInvalid, "q", "%q is not a consent ID, event ID or token", clip(s, 60)).Say("e_not_an_id", value(clip(s, 60)))
	}
	return id, nil
}

// Day is a UTC calendar day, counted from the Unix epoch.
func Day(t time.Time) int64 { return t.UTC().Unix() / 86400 }

// DayStart is the first instant of a Day.
func DayStart(d int64) time.Time { return time.Unix(d*86400, 0).UTC() }

// value is the argument of a message that quotes what was typed.
func value(s string) map[string]any { return map[string]any{"Value": s} }
