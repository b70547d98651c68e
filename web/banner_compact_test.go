package web_test

import (
	"context"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/consent"
)

// TestBannerCompactShape: a v=4 snippet gets v=3's content in short keys
// (compactState), with the undeclared embed's sentence besides, and
// nothing it never reads, in every kind of answer (the
// first layer, the texts alone, the preference center), while v=3 and v=2
// builds keep the shape they were released with.
func TestBannerCompactShape(t *testing.T) {
	a := newApp(t, 0)
	ctx := context.Background()
	// A service naming a host, so that the answer has services.
	live, err := a.Store.Site(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	next := *live
	next.Services = slices.Clone(live.Services)
	i := slices.IndexFunc(next.Services, func(s consent.Service) bool { return s.Category == consent.Marketing })
	next.Services[i].Hosts = []string{"video.example"}
	next.ChangeNote = "the video's host"
	next.PrepareRevision(live, true)
	if _, err := a.Store.Publish(ctx, &next, nil); err != nil {
		t.Fatal(err)
	}

	type v3 struct {
		Revision, Material int
		Lang, Dir, Mode    string
		ConsentMode        int `json:"consent_mode"`
		Changed            bool
		Categories         []struct {
			Key, Name    string
			Default, GPC bool
		}
		Cookies    []struct{ Category, Name string }
		Reopen     string
		HTML       string
		Stylesheet string
		Vars       string
		Services   []struct {
			Name, Category string
			Hosts, Cookies []string
		}
		Signals map[string]string
		Texts   map[string]string
	}
	for _, q := range []string{"lang=de", "lang=ar&gpc=1", "lang=el&rev=1&u=1", "lang=fr&rev=2&ui=1"} {
		old := decode[v3](t, do(a, req{"GET", "/api/v1/sites/demo/banner?v=3&" + q, "", nil}))
		rec := do(a, req{"GET", "/api/v1/sites/demo/banner?v=4&" + q, "", nil})
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(rec.Body.Bytes(), &raw); err != nil {
			t.Fatalf("%s: %d %v:\n%s", q, rec.Code, err, rec.Body)
		}
		keys := slices.Sorted(maps.Keys(raw))
		for _, k := range keys {
			if !slices.Contains([]string{"revision", "m", "l", "dir", "mode", "cm", "ch", "n", "d", "g", "k", "o", "h", "s", "v", "sv", "sg", "t"}, k) {
				t.Errorf("%s: the v=4 answer has %q, a key no v=4 build reads (keys %v)", q, k, keys)
			}
		}
		got := decode[struct {
			Revision int
			M        int
			L, Dir   string
			Mode     string
			CM       int
			CH       int
			N        map[string]string
			D, G     []string
			K        map[string][]string
			O, H, S  string
			V        *string
			SV       []struct {
				N, C string
				H, K []string
			}
			SG map[string]string
			T  map[string]string
		}](t, rec)
		want := map[string]any{
			"revision": old.Revision, "m": old.Material, "l": old.Lang, "dir": old.Dir, "mode": old.Mode, "cm": old.ConsentMode,
			"ch": old.Changed, "o": old.Reopen, "h": old.HTML, "s": old.Stylesheet, "v": old.Vars, "sg": old.Signals,
		}
		have := map[string]any{
			"revision": got.Revision, "m": got.M, "l": got.L, "dir": got.Dir, "mode": got.Mode, "cm": got.CM,
			"ch": got.CH == 1, "o": got.O, "h": got.H, "s": got.S, "v": *got.V, "sg": got.SG,
		}
		names, defaults, gpc, cookies := map[string]string{}, []string{}, []string{}, map[string][]string{}
		for _, c := range old.Categories {
			names[c.Key] = c.Name
			if c.Default {
				defaults = append(defaults, c.Key)
			}
			if c.GPC {
				gpc = append(gpc, c.Key)
			}
		}
		for _, k := range old.Cookies {
			cookies[k.Category] = append(cookies[k.Category], k.Name)
		}
		want["n"], want["d"], want["g"], want["k"] = names, defaults, gpc, cookies
		have["n"], have["d"], have["g"], have["k"] = got.N, got.D, got.G, got.K
		var services []string
		for _, s := range old.Services {
			services = append(services, s.Name+"|"+s.Category+"|"+strings.Join(s.Hosts, ",")+"|"+strings.Join(s.Cookies, ","))
		}
		var sv []string
		for _, s := range got.SV {
			sv = append(sv, s.N+"|"+s.C+"|"+strings.Join(s.H, ",")+"|"+strings.Join(s.K, ","))
		}
		want["sv"], have["sv"] = services, sv
		texts := map[string]string{}
		short := map[string]string{"ph_blocked": "b", "ph_cookies": "c", "ph_once": "o", "ph_allow": "a", "sep": "p", "save_failed": "s", "load_failed": "l"}
		for k, v := range old.Texts {
			if s, ok := short[k]; ok {
				k = s
			} else if cat, ok := strings.CutPrefix(k, "gpc_"); ok {
				k = "g" + cat
			}
			texts[k] = v
		}
		// v=4 alone says why an undeclared embed stays blocked.
		if !strings.Contains(got.T["u"], "{service}") {
			t.Errorf("%s: the v=4 texts' u is %q, want the undeclared embed's sentence naming {service}", q, got.T["u"])
		}
		delete(got.T, "u")
		want["t"], have["t"] = texts, got.T
		for k := range want {
			if !reflect.DeepEqual(want[k], have[k]) {
				t.Errorf("%s: v=4 %q is %#v, want v=3's %#v", q, k, have[k], want[k])
			}
		}
		if len(got.SV) == 0 || got.T["b"] == "" || got.N["marketing"] == "" {
			t.Errorf("%s: the v=4 answer lacks services, texts or names: %s", q, rec.Body)
		}
		if strings.Contains(q, "rev=") != (got.H == "") {
			t.Errorf("%s: html %q", q, got.H)
		}
	}

	prefs := decode[struct{ H, S, HTML string }](t, do(a, req{"GET", "/api/v1/sites/demo/banner?v=4&lang=en&part=prefs", "", nil}))
	old := decode[struct{ HTML, Stylesheet string }](t, do(a, req{"GET", "/api/v1/sites/demo/banner?v=3&lang=en&part=prefs", "", nil}))
	if prefs.H != old.HTML || prefs.S != old.Stylesheet || prefs.HTML != "" || !strings.Contains(prefs.H, "cy-prefs") {
		t.Errorf("v=4 part=prefs: h %d bytes, s %q, want v=3's html and stylesheet %q", len(prefs.H), prefs.S, old.Stylesheet)
	}
}
