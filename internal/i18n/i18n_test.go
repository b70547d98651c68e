package i18n_test

import (
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

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

var pluralForms = []string{"zero", "one", "two", "few", "many", "other"}

type messages map[string]map[string]string

func parse(t *testing.T, name string, b []byte) messages {
	t.Helper()
	var m messages
	if err := toml.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for id := range m {
		delete(m[id], "description")
	}
	return m
}

func load(t *testing.T, file string) messages {
	t.Helper()
	b, err := fs.ReadFile(locales.FS, file)
	if err != nil {
		t.Fatal(err)
	}
	return parse(t, file, b)
}

// visitor returns one visitor language's messages, derived ones included.
func visitor(t *testing.T, code string) messages {
	t.Helper()
	b, err := i18n.VisitorMessages(code)
	if err != nil {
		t.Fatal(err)
	}
	return parse(t, code, b)
}

func isPlural(m map[string]string) bool { _, ok := m["one"]; return ok }

// euLanguages are the 24 official languages of the European Union.
var euLanguages = strings.Fields("bg cs da de el en es et fi fr ga hr hu it lt lv mt nl pl pt ro sk sl sv")

func TestLanguageList(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, l := range i18n.Visitor {
		codes = append(codes, l.Code)
	}
	if got := b.Languages(); !slices.Equal(got, codes) {
		t.Errorf("Languages() = %v, want i18n.Visitor %v", got, codes)
	}
	if len(codes) < 50 || codes[0] != "en" {
		t.Errorf("%d visitor languages, English first: %v", len(codes), codes)
	}
	for _, eu := range euLanguages {
		if !slices.Contains(codes, eu) {
			t.Errorf("no %s, an official EU language", eu)
		}
	}
	for _, l := range i18n.Visitor {
		rtl := slices.Contains([]string{"ar", "he", "fa", "ur"}, l.Code)
		if (l.Dir() == "rtl") != rtl || (b.For(l.Code).Dir() == "rtl") != rtl {
			t.Errorf("%s: direction %s", l.Code, l.Dir())
		}
	}
	if !slices.Equal(b.ConsoleLanguages(), i18n.Console) {
		t.Errorf("ConsoleLanguages() = %v, want %v", b.ConsoleLanguages(), i18n.Console)
	}
}

// TestLocaleParity fails when any language misses a key of English, has a
// key English lacks, or misses a plural form its CLDR rules need: for the
// visitor texts (active.*.toml) and for the console (admin.*.toml).
func TestLocaleParity(t *testing.T) {
	check := func(t *testing.T, lang string, en, msgs messages) {
		for _, id := range slices.Sorted(maps.Keys(en)) {
			m, ok := msgs[id]
			if !ok {
				t.Errorf("missing %s", id)
				continue
			}
			if isPlural(en[id]) {
				for _, form := range forms(lang) {
					if m[form] == "" {
						t.Errorf("%s: missing plural form %q", id, form)
					}
				}
				for form := range m {
					if !slices.Contains(pluralForms, form) {
						t.Errorf("%s: %q is not a CLDR plural form", id, form)
					}
				}
			} else if len(m) != 1 || m["other"] == "" {
				t.Errorf("%s: want exactly one text (other), have %v", id, slices.Sorted(maps.Keys(m)))
			}
		}
		for id := range msgs {
			if _, ok := en[id]; !ok {
				t.Errorf("%s is not in English", id)
			}
		}
	}
	en := load(t, "active.en.toml")
	for _, l := range i18n.Visitor[1:] {
		t.Run(l.Code, func(t *testing.T) { check(t, l.Code, en, visitor(t, l.Code)) })
	}
	adminEN := load(t, "admin.en.toml")
	for _, code := range i18n.Console[1:] {
		t.Run("admin."+code, func(t *testing.T) { check(t, code, adminEN, load(t, "admin."+code+".toml")) })
	}
}

// forms lists the plural forms integers take in a language, by CLDR.
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

// TestPluralsRender: go-i18n, whose plural tables are its own, finds a
// form for every count in every language.
func TestPluralsRender(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	en := load(t, "active.en.toml")
	for _, l := range i18n.Visitor {
		loc := b.For(l.Code)
		for id, m := range en {
			if !isPlural(m) {
				continue
			}
			for _, n := range []int{0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 19, 20, 21, 22, 25, 100, 101, 102, 111, 1000, 1_000_000} {
				if got := loc.N(id, n); got == id || got == "" {
					t.Errorf("%s: %s has no form for %d", l.Code, id, n)
				}
			}
		}
	}
}

// sameAsEnglish lists, per language, the texts that are rightly spelt as
// in English: loanwords the language uses as they are.
var sameAsEnglish = map[string][]string{
	"da":      {"category_marketing", "cookie_type", "cookie_session"},
	"de":      {"category_marketing", "cookie_name"},
	"es":      {"category_marketing", "cookie_name"},
	"fr":      {"category_marketing", "cookie_name", "cookie_type", "cookie_session", "prefs_services"},
	"hr":      {"category_marketing"},
	"hu":      {"category_marketing"},
	"it":      {"category_marketing"},
	"lv":      {"category_preferences"},
	"mt":      {"category_marketing"},
	"nl":      {"category_marketing", "cookie_name"},
	"pt":      {"category_marketing"},
	"ro":      {"category_marketing", "cookie_persistent"},
	"nb":      {"cookie_type"},
	"ca":      {"cookie_persistent"},
	"sr-Latn": {"category_marketing"},
	"bs":      {"category_marketing"},
	"pt-BR":   {"category_marketing"},
	"es-419":  {"category_marketing"},
}

// sameAsEnglishInConsole is sameAsEnglish for the staff console.
var sameAsEnglishInConsole = map[string][]string{
	"fr": {"a_nav", "a_audit_detail_intact", "a_site", "a_sites", "a_action", "a_description", "a_page", "a_cookies", "a_position_banner",
		"a_field_consent_mode", "a_field_description", "a_field_services", "a_audit_named", "a_audit_change_note",
		"a_proof_cookie", "a_proof_type", "a_proof_session"},
	"de": {"a_role_admin", "a_audit_detail_publish", "a_audit_detail_publish_bare", "a_layout", "a_cookies", "a_position_banner", "a_source_banner", "a_source_short_banner", "a_chg_field_item", "a_field_consent_mode",
		"a_field_texts", "a_field_links", "a_field_name", "a_audit_detail_filter",
		"a_audit_named", "a_audit_change_from_to", "a_audit_change_to", "a_audit_change_was", "a_audit_change_note", "a_proof_cookie"},
	"es": {"a_no", "a_cookies", "a_source_short_banner", "a_revision_editorial", "a_chg_field_item", "a_chg_cookies", "a_field_consent_mode", "a_audit_detail_filter",
		"a_audit_named", "a_audit_change_from_to", "a_audit_change_to", "a_audit_change_was", "a_audit_change_note", "a_proof_cookie"},
	"ar": {"a_chg_field_item", "a_field_consent_mode", "a_audit_detail_filter", "a_audit_named", "a_audit_change_to", "a_audit_change_note"},
}

// TestNoEnglishLeft: no text is a copy of English, except the listed ones.
func TestNoEnglishLeft(t *testing.T) {
	check := func(lang string, en, msgs messages, same []string) {
		for id, m := range msgs {
			for form, text := range m {
				if text == en[id][form] && !slices.Contains(same, id) {
					t.Errorf("%s: %s (%s) is the English %q", lang, id, form, text)
				}
			}
		}
	}
	en := load(t, "active.en.toml")
	for _, l := range i18n.Visitor[1:] {
		check(l.Code, en, visitor(t, l.Code), sameAsEnglish[l.Code])
	}
	adminEN := load(t, "admin.en.toml")
	for _, code := range i18n.Console[1:] {
		check("admin."+code, adminEN, load(t, "admin."+code+".toml"), sameAsEnglishInConsole[code])
	}
}

var placeholder = regexp.MustCompile(`\{\{[^}]*\}\}`)

// TestPlaceholders: every text keeps English's template placeholders
// exactly; a plural form for one exact number (Arabic's "two") may spell the
// number out instead.
func TestPlaceholders(t *testing.T) {
	en := load(t, "active.en.toml")
	for _, l := range i18n.Visitor[1:] {
		for id, m := range visitor(t, l.Code) {
			want := placeholder.FindAllString(en[id]["other"], -1)
			slices.Sort(want)
			for form, text := range m {
				got := placeholder.FindAllString(text, -1)
				slices.Sort(got)
				if slices.Equal(got, want) || (form != "other" && form != "few" && form != "many" && len(got) == 0) {
					continue
				}
				t.Errorf("%s: %s (%s) has placeholders %q, English %q", l.Code, id, form, got, want)
			}
		}
	}
}

// latinWords may stand in Latin letters inside a text in another script:
// names and acronyms that are written so everywhere (the demo shop's
// vitamin D3, sun cream's SPF, international units and millilitres too, and
// Consentry, which runs the demo shop, on its notices).
var latinWords = map[string]bool{"Google": true, "JSON": true, "JavaScript": true, "ID": true,
	"Global": true, "Privacy": true, "Control": true, "cookie": true, "cookies": true, "Cookie": true, "Cookies": true,
	"D": true, "SPF": true, "IU": true, "ml": true, "Consentry": true}

var latinWord = regexp.MustCompile(`\p{Latin}+`)

// TestScripts: every text is written in its language's script. A text in a
// non-Latin language has letters of that script and no Latin words but
// names; a text in a Latin language has no letters of another script.
func TestScripts(t *testing.T) {
	for _, l := range i18n.Visitor {
		for id, m := range visitor(t, l.Code) {
			for form, text := range m {
				text = placeholder.ReplaceAllString(text, "")
				var own, other int
				for _, r := range text {
					if !unicode.IsLetter(r) || unicode.In(r, unicode.Common, unicode.Inherited) {
						continue
					}
					if unicode.Is(l.Script, r) {
						own++
					} else if l.Script != unicode.Latin && unicode.Is(unicode.Latin, r) {
						continue // judged word by word below
					} else {
						other++
					}
				}
				if own == 0 || other > 0 {
					t.Errorf("%s: %s (%s) is not written in its script: %q", l.Code, id, form, text)
				}
				if l.Script == unicode.Latin {
					continue
				}
				for _, w := range latinWord.FindAllString(text, -1) {
					if !latinWords[w] {
						t.Errorf("%s: %s (%s) has the Latin word %q: %q", l.Code, id, form, w, text)
					}
				}
			}
		}
	}
}

// TestChineseScripts: Simplified and Traditional Chinese each keep to their
// own characters, for common ones that differ (pairs, in order).
func TestChineseScripts(t *testing.T) {
	simplified, traditional := []rune("们设择关网务时请录这为对据隐经选数议见现将调个广头览显标记发开启权应"), []rune("們設擇關網務時請錄這為對據隱經選數議見現將調個廣頭覽顯標記發開啟權應")
	for code, wrong := range map[string][]rune{"zh-Hans": traditional, "zh-Hant": simplified} {
		for id, m := range visitor(t, code) {
			for form, text := range m {
				for _, r := range text {
					if slices.Contains(wrong, r) {
						t.Errorf("%s: %s (%s) has %q of the other script: %q", code, id, form, r, text)
					}
				}
			}
		}
	}
}

func TestSerbianLatin(t *testing.T) {
	if got := i18n.SerbianLatin("Љубазно Њ џем, ћирилица {{.Count}}"); got != "Ljubazno Nj džem, ćirilica {{.Count}}" {
		t.Errorf("SerbianLatin: %q", got)
	}
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := b.For("sr-Latn").T("banner_reject"), i18n.SerbianLatin(b.For("sr").T("banner_reject")); got != want {
		t.Errorf("sr-Latn banner_reject = %q, want %q", got, want)
	}
}

func TestMatch(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		prefs []string
		want  string
	}{
		{[]string{"ar"}, "ar"},
		{[]string{"", "fr-CA,en;q=0.5"}, "fr"},
		{[]string{"de-AT"}, "de"},
		{[]string{"de-CH"}, "de"},
		{[]string{"en-GB"}, "en"},
		{[]string{"pt-PT"}, "pt"},
		{[]string{"pt"}, "pt"},
		{[]string{"pt-BR"}, "pt-BR"},
		{[]string{"pt-AO"}, "pt"},
		{[]string{"zh-TW"}, "zh-Hant"},
		{[]string{"zh-HK"}, "zh-Hant"},
		{[]string{"zh-MO"}, "zh-Hant"},
		{[]string{"zh-Hant"}, "zh-Hant"},
		{[]string{"zh-CN"}, "zh-Hans"},
		{[]string{"zh-SG"}, "zh-Hans"},
		{[]string{"zh"}, "zh-Hans"},
		{[]string{"es-MX"}, "es-419"},
		{[]string{"es-AR"}, "es-419"},
		{[]string{"es-US"}, "es-419"},
		{[]string{"es-ES"}, "es"},
		{[]string{"es"}, "es"},
		{[]string{"sr"}, "sr"},
		{[]string{"sr-RS"}, "sr"},
		{[]string{"sr-Cyrl"}, "sr"},
		{[]string{"sr-Latn"}, "sr-Latn"},
		{[]string{"sr-Latn-RS"}, "sr-Latn"},
		{[]string{"sr-ME"}, "sr-Latn"},
		{[]string{"nb"}, "nb"},
		{[]string{"no"}, "nb"},
		{[]string{"nn"}, "nb"},
		{[]string{"nb-NO"}, "nb"},
		{[]string{"iw"}, "he"},
		{[]string{"in"}, "id"},
		{[]string{"ms-MY"}, "ms"},
		{[]string{"ca-ES-valencia"}, "ca"},
		{[]string{"fa-AF"}, "fa"},
		{[]string{"ur-PK"}, "ur"},
		{[]string{"sw-KE"}, "sw"},
		{[]string{"ja-JP"}, "ja"},
		{[]string{"ko-KR"}, "ko"},
		{[]string{"ro-MD"}, "ro"},
		{[]string{"uk-UA"}, "uk"},
		{[]string{"fil"}, "en"},
		{[]string{"fil,de;q=0.5"}, "de"},
		{[]string{"ku"}, "en"},
		{[]string{"ku", "fr"}, "fr"},
		{[]string{"ja", "es-MX;q=0.9"}, "ja"},
		{[]string{"fil", "es-MX;q=0.9"}, "es-419"},
		{[]string{"!!"}, "en"},
		{nil, "en"},
	}
	// Twice: the second round answers from what the first remembered.
	for round := range 2 {
		for _, code := range b.Languages() {
			if got := b.Match(code); got != code {
				t.Errorf("round %d: Match(%q) = %q", round, code, got)
			}
		}
		for _, tc := range cases {
			if got := b.Match(tc.prefs...); got != tc.want {
				t.Errorf("round %d: Match(%q) = %q, want %q", round, tc.prefs, got, tc.want)
			}
		}
	}
	for _, tc := range []struct{ pref, want string }{{"ar-EG", "ar"}, {"fr-CH", "fr"}, {"de-AT", "de"}, {"es-MX", "es"}, {"ja", "en"}} {
		if got := b.MatchConsole(tc.pref); got != tc.want {
			t.Errorf("MatchConsole(%q) = %q, want %q", tc.pref, got, tc.want)
		}
	}
	if got := b.For("ar").N("prefs_services", 2); got != "خدمتان" {
		t.Errorf("Arabic dual: %q", got)
	}
	if got := b.For("en").N("prefs_services", 1); got != "1 service" {
		t.Errorf("English singular: %q", got)
	}
}

// gluedCategory is a quoted category name joined to a word by a hyphen
// („Marketing“-Cookies), where a line breaks.
var gluedCategory = regexp.MustCompile(`\{\{\.Category\}\}\PL?-`)

// TestBlockedEmbedKeepsTheCategoryWhole: a blocked embed's placeholder does
// not join the quoted category name to "cookies" with a hyphen. The
// placeholder is narrow, so the line broke there, at a phone's width and at
// a desktop's alike: "… bis Sie „Marketing“-" above "Cookies erlauben." in
// German, and the same in Danish, Finnish, Icelandic, Norwegian, Dutch and
// Swedish; they now say "cookies of the category „Marketing“".
func TestBlockedEmbedKeepsTheCategoryWhole(t *testing.T) {
	for _, l := range i18n.Visitor {
		for _, id := range []string{"ph_blocked", "ph_allow"} {
			if text := visitor(t, l.Code)[id]["other"]; gluedCategory.MatchString(text) {
				t.Errorf("%s: %s joins the category to a word with a hyphen: %q", l.Code, id, text)
			}
		}
	}
}
