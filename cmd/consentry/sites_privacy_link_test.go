package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/sqlite"
)

// TestSitesApplyNeedsPrivacyLink: sites apply refuses a file whose site has
// no privacy policy link, or a language with a legal notice link alone,
// naming links and the language, with --dry-run as without, and publishes
// nothing; with the link the same file is published. Both were published.
func TestSitesApplyNeedsPrivacyLink(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "c.db")
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "c.db")) // as serve made it
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	file := filepath.Join(dir, "shop.yaml")
	const site = "id: shop\nname: Shop\norigins:\n  - https://shop.example\ncategories:\n  - key: necessary\n    required: true\n"
	for _, tc := range []struct{ links, want string }{
		{"", "links: publishing needs a link to the privacy policy, in one language at least: a visitor can always read it before choosing\n"},
		{"links:\n  en:\n    privacy: https://shop.example/privacy\n  de:\n    legal: https://shop.example/impressum\n",
			"links: de: a legal notice link needs a privacy policy link beside it, or visitors in this language see no privacy policy\n"},
	} {
		os.WriteFile(file, []byte(site+tc.links), 0o600)
		for _, dry := range []string{"--dry-run", ""} {
			args := []string{"sites", "apply", "-f", file, "--db", db}
			if dry != "" {
				args = append(args, dry)
			}
			if code, out, errOut := consentry(t, args...); code != 1 || !strings.HasSuffix(errOut, tc.want) || strings.Contains(out, "published") {
				t.Errorf("%q %s: exit %d, stdout %q, stderr %q; want 1 and %q", tc.links, dry, code, out, errOut, tc.want)
			}
		}
	}
	st, err = sqlite.Open(context.Background(), filepath.Join(dir, "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Site(context.Background(), "shop"); consent.ErrorCode(err) != consent.ENotFound {
		t.Fatalf("a refused file was published: %v", err)
	}
	os.WriteFile(file, []byte(site+"links:\n  en:\n    privacy: https://shop.example/privacy\n"), 0o600)
	if code, out, errOut := consentry(t, "sites", "apply", "-f", file, "--db", db); code != 0 || !strings.Contains(out, "published its revision 1") {
		t.Errorf("with the link: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
