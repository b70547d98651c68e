package templates

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
)

// The charts are drawn on the server as SVG in a fixed coordinate space
// that the browser scales to the chart's width, so their text is scaled
// too: each chart is drawn twice, wide for a desktop and narrow for a
// phone, and admin.css shows the one whose labels the width keeps readable
// (.chart svg.wide at 55em and more). Drawn wide only, a phone shrank the
// labels to 3.5 px.
const labelGap = 10.0 // between two date labels, in the chart's units

// geometry is a chart's coordinate space: its size, the plot inside the
// axes (left to right; mirrored in right-to-left layouts), the labels'
// font size, and where the axis titles stand; margins hold the labels.
type geometry struct {
	Class          string // wide or narrow, as admin.css shows it
	Suffix         string // of the chart's element ids and test ids: "" for wide
	W, H           float64
	Left, Right    float64
	Top, Bottom    float64
	Font           float64
	TitleY, YTitle float64 // the x title's baseline, the rotated y title's centre
}

// charts are the two drawings of a chart, the wide one first. Wide is
// about 14 px text at 1,140 px and 10 px at 55em, where admin.css shows
// narrow instead: 360 units at most 480 px wide, its text 10 to 19 px
// (at 320 px, 262 px wide).
var charts = []geometry{
	{Class: "wide", W: 960, H: 290, Left: 70, Right: 946, Top: 14, Bottom: 222, Font: 12, TitleY: 282, YTitle: 16},
	{Class: "narrow", Suffix: "-narrow", W: 360, H: 306, Left: 76, Right: 350, Top: 14, Bottom: 226, Font: 14, TitleY: 294, YTitle: 16},
}

// dates formats the rollup's UTC days in the console language: month names
// and the order of day, month and year come from the locale.
type dates struct {
	months  []string
	dm, dmy string // patterns with \x01 day, \x02 month, \x03 year
}

func newDates(t *i18n.Localizer) dates {
	marks := map[string]any{"Day": "\x01", "Month": "\x02", "Year": "\x03"}
	d := dates{
		months: strings.Split(t.T("a_months_short"), ","),
		dm:     t.TData("a_date_dm", marks),
		dmy:    t.TData("a_date_dmy", marks),
	}
	if len(d.months) != 12 {
		d.months = strings.Split("Jan,Feb,Mar,Apr,May,Jun,Jul,Aug,Sep,Oct,Nov,Dec", ",")
	}
	return d
}

func (d dates) format(pattern string, t time.Time) string {
	var b strings.Builder
	for i := 0; i < len(pattern); i++ {
		switch pattern[i] {
		case '\x01':
			b.WriteString(strconv.Itoa(t.Day()))
		case '\x02':
			b.WriteString(d.months[t.Month()-1])
		case '\x03':
			b.WriteString(strconv.Itoa(t.Year()))
		default:
			b.WriteByte(pattern[i])
		}
	}
	return b.String()
}

// DayMonth is "Nov 3" in the console's language; Full "Nov 3, 2026".
func (d dates) DayMonth(t time.Time) string { return d.format(d.dm, t) }
func (d dates) Full(t time.Time) string     { return d.format(d.dmy, t) }

// xTick is one labelled day on a date axis; Sub, the year, goes on a
// second line under the first month and January on the yearly scale.
type xTick struct {
	X          float64
	Label, Sub string
}

// yTick is one labelled gridline.
type yTick struct {
	Y     float64
	Label string
}

// axes are a chart's frame: which side the y-axis is on (the reading's
// starting side: right in right-to-left layouts, where time runs from right
// to left as the page reads), its ticks, and the day slots along x.
type axes struct {
	geometry
	RTL        bool
	Days       int
	XTicks     []xTick
	YTicks     []yTick
	XTitle     string
	YTitle     string
	YTitleX    float64 // centre of the rotated y title
	YLabelX    float64 // where y labels are anchored
	YAnchor    string  // their text-anchor (with direction ltr)
	AxisX      float64 // the y-axis line
	PlotL      float64
	PlotR      float64
	PlotT      float64
	PlotB      float64
	ViewBox    string
	TitleY     float64
	slot       float64
	yTop       float64
	labelWidth func(string) float64
}

func newAxes(g geometry, rtl bool, days int, from time.Time, d dates) axes {
	a := axes{geometry: g, RTL: rtl, Days: max(days, 1), PlotL: g.Left, PlotR: g.Right, PlotT: g.Top, PlotB: g.Bottom,
		ViewBox: "0 0 " + num(g.W) + " " + num(g.H), TitleY: g.TitleY}
	a.slot = (a.PlotR - a.PlotL) / float64(a.Days)
	a.AxisX, a.YLabelX, a.YAnchor, a.YTitleX = a.PlotL, a.PlotL-6, "end", g.YTitle
	if rtl {
		a.YAnchor, a.YTitleX = "start", g.W-g.YTitle
		a.PlotL, a.PlotR = g.W-g.Right, g.W-g.Left
		a.AxisX, a.YLabelX = a.PlotR, a.PlotR+6
	}
	charWidth := 0.62 * g.Font // a generous average advance, to keep labels apart
	a.labelWidth = func(s string) float64 { return float64(utf8.RuneCountInString(s)) * charWidth }
	a.XTicks = a.dateTicks(from, d)
	return a
}

// FontSize is the labels' font size, as an SVG attribute.
func (a axes) FontSize() string { return num(a.Font) }

// YLabelY is where a y label's baseline stands for a gridline at y: about
// level with its middle.
func (a axes) YLabelY(y float64) float64 { return y + a.Font/3 }

// XLabelY and SubY are the baselines of the date labels and of the years
// under them.
func (a axes) XLabelY() float64 { return a.PlotB + a.Font*5/3 }
func (a axes) SubY() float64    { return a.PlotB + a.Font*19/6 }

// X is the centre of day i of the period (0 the first), or of a point
// i days in, fractional.
func (a axes) X(i float64) float64 {
	if a.RTL {
		return a.PlotR - (i+0.5)*a.slot
	}
	return a.PlotL + (i+0.5)*a.slot
}

// Slot is the width of one day.
func (a axes) Slot() float64 { return a.slot }

// dateTicks labels days at a spacing that suits the period: every day up to
// two weeks, Mondays up to about six weeks, the 1st and 15th up to four
// months, the 1st of each month beyond (with the year under the first and
// under January). A label that would touch its neighbour is left out (a
// year under it goes under the next one kept); one that would cross the
// plot's edge is kept inside it.
func (a axes) dateTicks(from time.Time, d dates) []xTick {
	var out []xTick
	lastEdge := math.Inf(-1)
	year := ""
	for i := 0; i < a.Days; i++ {
		t := from.AddDate(0, 0, i)
		var label, sub string
		switch {
		case a.Days <= 14:
			label = d.DayMonth(t)
		case a.Days <= 45:
			if t.Weekday() == time.Monday {
				label = d.DayMonth(t)
			}
		case a.Days <= 120:
			if t.Day() == 1 || t.Day() == 15 {
				label = d.DayMonth(t)
			}
		default:
			if t.Day() == 1 {
				label = d.months[t.Month()-1]
				if t.Month() == time.January || len(out) == 0 {
					sub = strconv.Itoa(t.Year())
				}
			}
		}
		if label == "" {
			continue
		}
		if sub != "" {
			year = sub
		}
		w := a.labelWidth(label)
		x := min(max(a.X(float64(i)), a.PlotL+w/2), a.PlotR-w/2)
		// Distance along the reading direction, so RTL keeps the same rule.
		pos := x - w/2
		if a.RTL {
			pos = a.W - x - w/2
		}
		if pos < lastEdge+labelGap {
			continue
		}
		lastEdge = pos + w
		out = append(out, xTick{X: x, Label: label, Sub: year})
		year = ""
	}
	return out
}

// countTicks makes gridlines at round numbers from 0 to at least top: 1, 2
// or 5 times a power of ten apart, four or five of them, labelled as the
// console's language groups digits.
func (a *axes) countTicks(top int64, t *i18n.Localizer) {
	step := niceStep(float64(max(top, 1)) / 4)
	n := int64(math.Ceil(float64(max(top, 1)) / step))
	a.yTop = float64(n) * step
	a.YTicks = nil
	for i := int64(0); i <= n; i++ {
		v := float64(i) * step
		a.YTicks = append(a.YTicks, yTick{Y: a.Y(v), Label: t.Num(int64(v))})
	}
}

// percentTicks makes gridlines at 0, 25, 50, 75 and 100 %, labelled as
// the console's language writes a percentage ("75 %" in German and French).
func (a *axes) percentTicks(t *i18n.Localizer) {
	a.yTop = 1
	a.YTicks = nil
	for i := 0; i <= 4; i++ {
		a.YTicks = append(a.YTicks, yTick{Y: a.Y(float64(i) / 4), Label: t.Pct(float64(i)/4, 0)})
	}
}

// Y is the height of value v, 0 at the x-axis.
func (a axes) Y(v float64) float64 {
	return a.PlotB - v/a.yTop*(a.PlotB-a.PlotT)
}

// Top is the value of the highest gridline.
func (a axes) Top() float64 { return a.yTop }

func niceStep(raw float64) float64 {
	if raw < 1 {
		return 1
	}
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*pow >= raw {
			return m * pow
		}
	}
	return 10 * pow
}

// bar is one action's part of a day's stacked bar.
type bar struct {
	X, Y, W, H float64
	Action     consent.Action
	N          int64
	Day        time.Time
}

// bars stacks each day's decisions by action, from the x-axis up.
func (a axes) bars(days []consent.DayStats) []bar {
	var out []bar
	w := max(a.slot*0.8, math.Min(a.slot, 1))
	for i, d := range days {
		base := 0.0
		for _, act := range actionOrder {
			n := d.Actions[act]
			if n == 0 {
				continue
			}
			y0, y1 := a.Y(base), a.Y(base+float64(n))
			base += float64(n)
			out = append(out, bar{X: a.X(float64(i)) - w/2, Y: y1, W: w, H: y0 - y1, Action: act, N: n, Day: d.Day})
		}
	}
	return out
}

// line is one category's opt-in rate as connected runs of points: a bucket
// without decisions breaks the line rather than drawing it at zero.
type line struct {
	Runs   []string // SVG polyline points
	Points []point
}

type point struct{ X, Y float64 }

func (a axes) optInLine(s consent.OptInSeries, from time.Time) line {
	var l line
	var run []string
	flush := func() {
		if len(run) > 0 {
			l.Runs = append(l.Runs, strings.Join(run, " "))
		}
		run = nil
	}
	for _, p := range s.Points {
		rate, ok := p.Rate()
		if !ok {
			flush()
			continue
		}
		offset := p.From.Sub(from).Hours()/24 + float64(p.Days)/2 - 0.5
		pt := point{a.X(offset), a.Y(rate)}
		l.Points = append(l.Points, pt)
		run = append(run, num(pt.X)+","+num(pt.Y))
	}
	flush()
	return l
}

// num writes a coordinate with at most one decimal.
func num(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) }
