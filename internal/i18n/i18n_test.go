package i18n_test

import (
	"io/fs"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/locales"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

var formNames = map[plural.Form]string{
	plural.Other: "other", plural.Zero: "zero", plural.One: "one",
	plural.Two: "two", plural.Few: "few", plural.Many: "many",
}

func load(t *testing.T, file string) map[string]map[string]string {
	t.Helper()
	var m map[string]map[string]string
	b, err := fs.ReadFile(locales.FS, file)
	if err != nil {
		t.Fatal(err)
	}
	if err := toml.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return m
}

// TestLocaleParity fails when any language misses a key of English, has a
// key English lacks, or misses a plural form its CLDR rules need: for the
// visitor texts (active.*.toml) and for the console (admin.*.toml).
func TestLocaleParity(t *testing.T) {
	for group, required := range map[string][]string{
		"active": {"en", "ar", "fr", "de", "es"},
		"admin":  {"en", "ar"},
	} {
		en := load(t, group+".en.toml")
		files, _ := fs.Glob(locales.FS, group+".*.toml")
		langs := map[string]bool{}
		for _, f := range files {
			lang := strings.TrimSuffix(strings.TrimPrefix(f, group+"."), ".toml")
			langs[lang] = true
			if lang == "en" {
				continue
			}
			t.Run(f, func(t *testing.T) {
				msgs := load(t, f)
				for _, id := range slices.Sorted(maps.Keys(en)) {
					m, ok := msgs[id]
					if !ok {
						t.Errorf("missing %s", id)
						continue
					}
					if _, plural := en[id]["one"]; plural {
						for _, form := range forms(lang) {
							if m[form] == "" {
								t.Errorf("%s: missing plural form %q", id, form)
							}
						}
					} else if m["other"] == "" {
						t.Errorf("%s: empty", id)
					}
				}
				for id := range msgs {
					if _, ok := en[id]; !ok {
						t.Errorf("%s is not in English", id)
					}
				}
			})
		}
		for _, want := range required {
			if !langs[want] {
				t.Errorf("no %s.%s.toml", group, want)
			}
		}
	}
}

// forms lists the plural forms integers take in a language.
func forms(lang string) []string {
	tag := language.MustParse(lang)
	seen := map[string]bool{}
	for n := range 1_000_001 {
		if n > 1000 && n%1000 != 0 {
			continue
		}
		seen[formNames[plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0)]] = true
	}
	return slices.Sorted(maps.Keys(seen))
}

func TestMatch(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		prefs []string
		want  string
	}{
		{[]string{"ar"}, "ar"},
		{[]string{"", "fr-CA,en;q=0.5"}, "fr"},
		{[]string{"de-AT"}, "de"},
		{[]string{"ja", "es-MX;q=0.9"}, "es"},
		{[]string{"ja"}, "en"},
		{[]string{"!!"}, "en"},
		{nil, "en"},
	} {
		if got := b.Match(tc.prefs...); got != tc.want {
			t.Errorf("Match(%q) = %q, want %q", tc.prefs, got, tc.want)
		}
	}
	ar := b.For("ar")
	if ar.Dir() != "rtl" || b.For("fr").Dir() != "ltr" {
		t.Error("wrong text direction")
	}
	if got := ar.N("prefs_services", 2); got != "خدمتان" {
		t.Errorf("Arabic dual: %q", got)
	}
	if got := b.For("en").N("prefs_services", 1); got != "1 service" {
		t.Errorf("English singular: %q", got)
	}
}
