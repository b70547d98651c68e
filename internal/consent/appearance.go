package consent

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Appearance is how the banner looks on a site.
type Appearance struct {
	Layout     string `json:"layout,omitempty" yaml:"layout,omitempty"`         // bar (default) or box
	Position   string `json:"position,omitempty" yaml:"position,omitempty"`     // bottom (default), top, or for a box also center
	Background string `json:"background,omitempty" yaml:"background,omitempty"` // #rrggbb
	Text       string `json:"text,omitempty" yaml:"text,omitempty"`
	Accent     string `json:"accent,omitempty" yaml:"accent,omitempty"` // the buttons, all alike
	AccentText string `json:"accent_text,omitempty" yaml:"accent_text,omitempty"`
	// NonBlocking leaves the page usable while the banner shows: no dimmed
	// cover, no focus trap on the first layer.
	NonBlocking bool `json:"non_blocking,omitempty" yaml:"non_blocking,omitempty"`
}

// DefaultAppearance is the look of a site that sets none.
var DefaultAppearance = Appearance{Layout: "bar", Position: "bottom", Background: "#ffffff", Text: "#1f2328", Accent: "#1d4ed8", AccentText: "#ffffff"}

// WithDefaults fills in every unset field from DefaultAppearance.
func (a Appearance) WithDefaults() Appearance {
	d := DefaultAppearance
	for _, f := range []struct{ v, def *string }{
		{&a.Layout, &d.Layout}, {&a.Position, &d.Position}, {&a.Background, &d.Background},
		{&a.Text, &d.Text}, {&a.Accent, &d.Accent}, {&a.AccentText, &d.AccentText},
	} {
		if *f.v == "" {
			*f.v = *f.def
		}
	}
	return a
}

var hexColour = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// MinContrast is WCAG 2.2 AA's contrast ratio for normal text (1.4.3).
const MinContrast = 4.5

// MinBoundary is WCAG 2.2 AA's contrast ratio for what shows a control
// (its edge, a switch, the focus outline) against what surrounds it (1.4.11).
const MinBoundary = 3.0

// The colours the stylesheets draw on the site's background whatever the
// site sets: static/consentry.css's focus outline, prefs.css's switches.
const (
	focusColour     = "#b45309"
	switchOffColour = "#6e7781"
	switchOnColour  = "#1a7f37"
)

// ContrastPair is one colour the banner, the preference center or a blocked
// iframe's placeholder draws on another, and the contrast WCAG asks of it.
type ContrastPair struct {
	Field  string // the colour an owner changes to mend it: appearance.Field
	Key    string // the console's message
	Fg, Bg string
	Min    float64
	What   string // the pair in English, for the API and the CLI
}

// ContrastPairs are every pair of colours static/consentry.css and
// prefs.css draw from the site's appearance: the text, the buttons' text,
// the buttons' edge on the background (a placeholder's "Load this once" is
// even written in the button colour on the background), the focus outline
// and the preference center's switches on the background.
func (a Appearance) ContrastPairs() []ContrastPair {
	a = a.WithDefaults()
	return []ContrastPair{
		{"text", "e_contrast_text", a.Text, a.Background, MinContrast, "text on the background"},
		{"accent_text", "e_contrast_buttons", a.AccentText, a.Accent, MinContrast, "button text on the buttons"},
		{"accent", "e_contrast_button_edge", a.Accent, a.Background, MinBoundary, "the buttons' edge against the background"},
		{"accent", "e_contrast_load_once", a.Accent, a.Background, MinContrast, `a placeholder's "Load this once" (the button colour) on the background`},
		{"background", "e_contrast_focus", focusColour, a.Background, MinBoundary, "the focus outline (" + focusColour + ") against the background"},
		{"background", "e_contrast_switch", switchOffColour, a.Background, MinBoundary, "the preference center's switch (" + switchOffColour + ") against the background"},
		{"background", "e_contrast_switch", switchOnColour, a.Background, MinBoundary, "the preference center's switch (" + switchOnColour + ") against the background"},
	}
}

// Validate refuses an unknown layout or position, a colour that is not
// #rrggbb, and any of ContrastPairs below its WCAG AA contrast.
func (a Appearance) Validate() error {
	a = a.WithDefaults()
	if a.Layout != "bar" && a.Layout != "box" {
		return FieldError(EInvalid, "appearance.layout", "%q is not a layout: use bar or box", a.Layout).Say("e_not_a_layout", value(clip(a.Layout, 60)))
	}
	if a.Position != "bottom" && a.Position != "top" && !(a.Layout == "box" && a.Position == "center") {
		return FieldError(EInvalid, "appearance.position", "%q is not a position for a %s: use bottom or top%s", a.Position, a.Layout,
			map[bool]string{true: " or center", false: ""}[a.Layout == "box"]).Say("e_banner_position", value(clip(a.Position, 60)))
	}
	for _, c := range []struct{ field, v string }{
		{"background", a.Background}, {"text", a.Text}, {"accent", a.Accent}, {"accent_text", a.AccentText},
	} {
		if !hexColour.MatchString(c.v) {
			return FieldError(EInvalid, "appearance."+c.field, "%q is not a colour like #1d4ed8", c.v).Say("e_not_a_colour", value(clip(c.v, 60)))
		}
	}
	for _, p := range a.ContrastPairs() {
		if r := Contrast(p.Fg, p.Bg); r < p.Min {
			digits := 1
			if p.Min == math.Trunc(p.Min) {
				digits = 0
			}
			return FieldError(EInvalid, "appearance."+p.Field, "%s has a contrast of %.2f:1; WCAG AA needs at least %s:1", p.What, r, Decimal{p.Min, digits}).
				Say(p.Key, map[string]any{"Ratio": Decimal{r, 2}, "Min": Decimal{p.Min, digits}, "Colour": p.Fg})
		}
	}
	return nil
}

// Contrast is the WCAG contrast ratio of two #rrggbb colours, 1 to 21.
func Contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(hex string) float64 {
	var rgb [3]float64
	for i := range rgb {
		n, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		c := float64(n) / 255
		if c <= 0.04045 {
			rgb[i] = c / 12.92
		} else {
			rgb[i] = math.Pow((c+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*rgb[0] + 0.7152*rgb[1] + 0.0722*rgb[2]
}

// CSSVars are the appearance as CSS custom properties for the banner root.
func (a Appearance) CSSVars() string {
	a = a.WithDefaults()
	return fmt.Sprintf("--cy-bg:%s;--cy-fg:%s;--cy-accent:%s;--cy-accent-fg:%s", a.Background, a.Text, a.Accent, a.AccentText)
}

// OwnCSSVars are the custom properties of the colours the site changed
// from DefaultAppearance's, "" for none: the visitor stylesheet falls back
// to the defaults by itself (var(--cy-bg,#fff)), and every first visit
// downloads these.
func (a Appearance) OwnCSSVars() string {
	a, d := a.WithDefaults(), DefaultAppearance
	var out []string
	for _, v := range []struct{ name, colour, def string }{
		{"--cy-bg", a.Background, d.Background}, {"--cy-fg", a.Text, d.Text},
		{"--cy-accent", a.Accent, d.Accent}, {"--cy-accent-fg", a.AccentText, d.AccentText},
	} {
		if !strings.EqualFold(v.colour, v.def) {
			out = append(out, v.name+":"+v.colour)
		}
	}
	return strings.Join(out, ";")
}
