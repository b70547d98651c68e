package templates

import "testing"

// Every visitor language is named as itself in the console, in the console's
// language and in its own; sr-Latn is Serbian in Latin letters, not CLDR's
// old alias "Serbo-Croatian".
func TestLanguageNames(t *testing.T) {
	for _, c := range []struct{ in, code, want string }{
		{"en", "sr-Latn", "Serbian (Latin, sr-Latn)"},
		{"de", "sr-Latn", "Serbisch (Lateinisch, sr-Latn)"},
		{"en", "sr", "Serbian (sr)"},
		{"en", "zh-Hant", "Traditional Chinese (zh-Hant)"},
		{"fr", "es-419", "espagnol (Amérique latine, es-419)"},
		{"en", "de", "German (de)"},
		{"en", "xx-!!", "xx-!!"},
	} {
		if got := LanguageNameIn(c.in, c.code); got != c.want {
			t.Errorf("LanguageNameIn(%q, %q) = %q, want %q", c.in, c.code, got, c.want)
		}
	}
	for code, want := range map[string]string{"sr-Latn": "srpski (latinica, sr-Latn)", "sr": "српски (sr)", "de": "Deutsch (de)"} {
		if got := LanguageName(code); got != want {
			t.Errorf("LanguageName(%q) = %q, want %q", code, got, want)
		}
	}
	for code, want := range map[string]string{"sr-Latn": " (srpski, latinica, sr-Latn)", "de": " (Deutsch, de)"} {
		if got := InLanguage(code); got != want {
			t.Errorf("InLanguage(%q) = %q, want %q", code, got, want)
		}
	}
}
