package web

import "strings"

// compactState is the banner answer of v=4 builds: bannerState's content in
// short keys, without what the snippet never reads (the site, modal, the
// GPC flag, a category's required), each category's cookie names in one
// list. Every first visit downloads it, so its keys are what it can spare:
//
//	"revision" as in every shape (README names it), "m" material,
//	"l" lang, "dir", "mode", "cm" consent_mode, "ch" changed,
//	"n" {category: name} in the visitor's language, "d" [categories on by
//	default], "g" [categories Global Privacy Control covers],
//	"k" {category: [cookie names]}, "o" reopen, "h" html,
//	"s" stylesheet, "v" vars, "sv" services [{"n","c","h","k"}: name,
//	category, hosts, cookies], "sg" signals, "t" texts (compactTexts;
//	"u" is v=4's alone: why an undeclared embed stays blocked).
//
// Builds released before v=4 keep getting bannerState's shape.
type compactState struct {
	Revision    int                 `json:"revision"`
	Material    int                 `json:"m"`
	Lang        string              `json:"l"`
	Dir         string              `json:"dir"`
	Mode        string              `json:"mode"`
	ConsentMode int                 `json:"cm"`
	Changed     int                 `json:"ch,omitempty"`
	Names       map[string]string   `json:"n"`
	Defaults    []string            `json:"d"`
	GPC         []string            `json:"g"`
	Cookies     map[string][]string `json:"k,omitempty"`
	Reopen      string              `json:"o"`
	HTML        string              `json:"h,omitempty"`
	Stylesheet  string              `json:"s"`
	Vars        string              `json:"v"`
	Services    []compactService    `json:"sv,omitempty"`
	Signals     map[string]string   `json:"sg,omitempty"`
	Texts       map[string]string   `json:"t"`
}

type compactService struct {
	Name     string   `json:"n"`
	Category string   `json:"c"`
	Hosts    []string `json:"h"`
	Cookies  []string `json:"k,omitempty"`
}

// compactTexts names the placeholder's and the banner's texts in a v=4
// answer; "gpc_<category>" becomes "g<category>".
var compactTexts = map[string]string{
	"ph_blocked": "b", "ph_cookies": "c", "ph_once": "o", "ph_allow": "a",
	"sep": "p", "save_failed": "s", "load_failed": "l", "ph_undeclared": "u",
}

func compactOf(st bannerState) compactState {
	out := compactState{
		Revision: st.Revision, Material: st.Material, Lang: st.Lang, Dir: st.Dir, Mode: string(st.Mode),
		ConsentMode: st.ConsentMode, Names: map[string]string{}, Defaults: []string{}, GPC: []string{},
		Reopen: st.Reopen, HTML: st.HTML, Stylesheet: st.Stylesheet, Vars: st.Vars,
		Signals: st.Signals, Texts: map[string]string{},
	}
	if st.Changed {
		out.Changed = 1
	}
	for _, c := range st.Categories {
		out.Names[c.Key] = c.Name
		if c.Default {
			out.Defaults = append(out.Defaults, c.Key)
		}
		if c.GPC {
			out.GPC = append(out.GPC, c.Key)
		}
	}
	for _, k := range st.Cookies {
		if out.Cookies == nil {
			out.Cookies = map[string][]string{}
		}
		out.Cookies[k.Category] = append(out.Cookies[k.Category], k.Name)
	}
	for _, sv := range st.Services {
		out.Services = append(out.Services, compactService(sv))
	}
	for k, v := range st.Texts {
		if short, ok := compactTexts[k]; ok {
			k = short
		} else if cat, ok := strings.CutPrefix(k, "gpc_"); ok {
			k = "g" + cat
		}
		out.Texts[k] = v
	}
	return out
}

// compactPrefs is the part=prefs answer of v=4: "h" html, "s" stylesheet.
func compactPrefs(p prefsPart) any {
	return struct {
		HTML       string `json:"h"`
		Stylesheet string `json:"s,omitempty"`
	}{p.HTML, p.Stylesheet}
}
