package templates

import (
	"math"
	"net/url"
	"strconv"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
)

// Dashboard is a site's decisions over a period, its opt-in rates over
// time, and two of its revisions side by side.
type Dashboard struct {
	Sites    []*consent.Site
	Site     *consent.Site
	Stats    consent.Stats
	From, To time.Time // inclusive days: the rollup's UTC days, dated as the user picked them
	Error    Phrase

	// OptIn is each optional category's opt-in rate per day, or per week
	// from Monday when Weekly (periods over a month).
	OptIn    []consent.OptInSeries
	Weekly   bool
	Optional []consent.Category // the site's categories a visitor may refuse, in its order

	Revisions []RevisionOption // newest first
	Compare   *Comparison      // nil when the site has one revision
}

// RevisionOption is a published revision, to pick for the comparison.
type RevisionOption struct {
	Number      int
	PublishedAt time.Time
}

// Comparison is two revisions' decisions, over every day each was shown:
// A the earlier (the base), B the later.
type Comparison struct {
	A, B             consent.RevisionStats
	AAt, BAt         time.Time // when each was published
	Categories       []consent.Category
	OffersA, OffersB map[string]bool
}

// Days is how many days the period has.
func (d Dashboard) Days() int { return len(d.Stats.Days) }

func (d Dashboard) query() url.Values {
	v := url.Values{}
	if d.Site != nil {
		v.Set("site", d.Site.ID)
	}
	v.Set("from", day(d.From))
	v.Set("to", day(d.To))
	return v
}

// ExportURL downloads what one view shows as CSV: "" the decisions chart,
// "optin" the opt-in rates, "revisions" the comparison.
func (d Dashboard) ExportURL(view string) string {
	v := d.query()
	if view != "" {
		v.Set("view", view)
	}
	if view == "revisions" && d.Compare != nil {
		v.Set("base", strconv.Itoa(d.Compare.A.Revision))
		v.Set("rev", strconv.Itoa(d.Compare.B.Revision))
	}
	return "/admin/dashboard/export?" + v.Encode()
}

// PeriodURL is the dashboard for the last days days up to today (in the
// user's time zone), keeping the site.
func (d Dashboard) PeriodURL(today time.Time, days int) string {
	v := url.Values{}
	if d.Site != nil {
		v.Set("site", d.Site.ID)
	}
	v.Set("from", day(today.AddDate(0, 0, 1-days)))
	v.Set("to", day(today))
	return "/admin/dashboard?" + v.Encode()
}

// decisionsChart lays out the decisions per day in g.
func (d Dashboard) decisionsChart(a Admin, g geometry) (axes, []bar) {
	ax := newAxes(g, a.T.Dir() == "rtl", d.Days(), d.From, newDates(a.T))
	var top int64
	for _, s := range d.Stats.Days {
		top = max(top, s.Total)
	}
	ax.countTicks(top, a.T)
	return ax, ax.bars(d.Stats.Days)
}

// optInChart lays out each optional category's opt-in rate in g.
func (d Dashboard) optInChart(a Admin, g geometry) (axes, []line) {
	ax := newAxes(g, a.T.Dir() == "rtl", d.Days(), d.From, newDates(a.T))
	ax.percentTicks(a.T)
	var lines []line
	for _, s := range d.OptIn {
		lines = append(lines, ax.optInLine(s, d.From))
	}
	return ax, lines
}

// categoryStyle tells categories' lines apart by colour and by dash, so
// they stay apart in grey too. Each colour has at least 3:1 contrast on
// white (WCAG 1.4.11).
var categoryStyle = []struct{ Color, Dash string }{
	{"#1d4ed8", "none"}, {"#b45309", "8 4"}, {"#7e22ce", "2 4"}, {"#0f766e", "12 4 2 4"},
	{"#be123c", "none"}, {"#4d7c0f", "8 4"}, {"#334155", "2 4"},
}

func styleOf(i int) struct{ Color, Dash string } { return categoryStyle[i%len(categoryStyle)] }

// ppDiff is b minus a in percentage points, signed, one decimal in the
// language's numbers, isolated left to right so that its sign stays in
// front in right-to-left text.
func ppDiff(t *i18n.Localizer, a, b float64) string {
	d := math.Round(1000*(b-a)) / 10
	s := t.Dec(math.Abs(d), 1)
	switch {
	case d == 0:
		s = "±" + s
	case d > 0:
		s = "+" + s
	default:
		s = "−" + s
	}
	return "\u2066" + s + "\u2069"
}

// compareLine is one measure of the comparison, as shown.
type compareLine struct{ ID, Label, A, B, Diff string }

// rows are the comparison's measures: the share of each outcome among all
// decisions, then each category's opt-in rate among the decisions visitors
// made (RevisionStats.Rate). A revision without such decisions shows a
// dash, one that did not offer a category says so; a difference needs both
// figures.
func (c *Comparison) rows(a Admin) []compareLine {
	cell := func(of int64, offered bool, rate float64) (string, bool) {
		switch {
		case of == 0:
			return "—", false
		case !offered:
			return a.T.T("a_not_offered"), false
		}
		return pct(a.T, rate), true
	}
	line := func(id, label string, ofA, ofB int64, offA, offB bool, ra, rb float64) compareLine {
		l := compareLine{ID: id, Label: label, Diff: "—"}
		var okA, okB bool
		l.A, okA = cell(ofA, offA, ra)
		l.B, okB = cell(ofB, offB, rb)
		if okA && okB {
			l.Diff = a.T.TData("a_pp", map[string]any{"N": ppDiff(a.T, ra, rb)})
		}
		return l
	}
	var out []compareLine
	for _, act := range actionOrder {
		out = append(out, line("action-"+string(act), OutcomeWords(a.T, act), c.A.Total, c.B.Total, true, true, c.A.ActionRate(act), c.B.ActionRate(act)))
	}
	for _, cat := range c.Categories {
		out = append(out, line("optin-"+cat.Key, a.T.TData("a_optin_of", map[string]any{"Category": CategoryName(a.T, cat)}),
			c.A.Asked(), c.B.Asked(), c.OffersA[cat.Key], c.OffersB[cat.Key], c.A.Rate(cat.Key), c.B.Rate(cat.Key)))
	}
	return out
}
