package words_test

import (
	"go/build"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/consentry/consentry/"

// imports are the module's packages that the package in dir (relative to
// the module's root) imports, its tests aside: directly, or with all
// those they import in turn.
func imports(t *testing.T, dir string, all bool) []string {
	t.Helper()
	seen := map[string]bool{}
	var walk func(dir string)
	walk = func(dir string) {
		p, err := build.ImportDir(filepath.Join("..", "..", dir), 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range p.Imports {
			if sub, ok := strings.CutPrefix(path, module); ok && !seen[sub] {
				seen[sub] = true
				if all {
					walk(sub)
				}
			}
		}
	}
	walk(dir)
	return slices.Sorted(func(yield func(string) bool) {
		for p := range seen {
			if !yield(p) {
				return
			}
		}
	})
}

// TestWordsNeedNoWebLayer: the ledger says a break, and the command line
// an export's filters, with words from this package, not through the web
// layer or the staff accounts: internal/ledger and internal/words depend,
// directly or not, on neither web, templates nor internal/auth, and
// cmd/consentry imports no web itself (it serves through internal/app).
func TestWordsNeedNoWebLayer(t *testing.T) {
	for _, tc := range []struct {
		pkg   string
		all   bool
		never []string
	}{
		{"internal/ledger", true, []string{"web", "templates", "internal/auth"}},
		{"internal/words", true, []string{"web", "templates", "internal/auth"}},
		{"internal/auth", true, []string{"web", "templates"}},
		{"cmd/consentry", false, []string{"web"}},
	} {
		got := imports(t, tc.pkg, tc.all)
		for _, p := range tc.never {
			if slices.Contains(got, p) {
				t.Errorf("%s imports %s (all=%v): %v", tc.pkg, p, tc.all, got)
			}
		}
	}
}
