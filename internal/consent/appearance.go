package consent

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
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

// MinContrast is WCAG 2.2 AA's contrast ratio for normal text.
const MinContrast = 4.5

// Validate refuses an unknown layout or position, a colour that is not
// #rrggbb, and text or buttons below WCAG AA contrast.
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
	for _, p := range []struct{ field, fg, bg, what string }{
		{"text", a.Text, a.Background, "text on the background"},
		{"accent_text", a.AccentText, a.Accent, "button text on the buttons"},
	} {
		if r := Contrast(p.fg, p.bg); r < MinContrast {
			err := FieldError(EInvalid, "appearance."+p.field, "%s has a contrast of %.2f:1; WCAG AA needs at least %.1f:1", p.what, r, MinContrast)
			ratios := map[string]any{"Ratio": Decimal{r, 2}, "Min": Decimal{MinContrast, 1}}
			if p.field == "text" {
				return err.Say("e_contrast_text", ratios)
			}
			return err.Say("e_contrast_buttons", ratios)
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
