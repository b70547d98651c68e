package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/shown"
	"github.com/consentry/consentry/internal/store/sqlite"
)

// TestVerifyRevisionConfigs: a published revision's configuration is
// evidence too (which categories it offered, which services it listed, how
// each region was asked). Verify fails, naming the revision, when its
// stored configuration was edited; when it was rewritten with a hash to
// match, since the revision's texts snapshots, made at publish, name the
// hash it had; and when the revision was deleted while its snapshots stay.
// Verify checked snapshots only, so each of these passed.
func TestVerifyRevisionConfigs(t *testing.T) {
	forged := func(config string) string {
		return strings.Replace(config, `"key":"marketing"`, `"key":"marketing_x"`, 1)
	}
	for _, tc := range []struct {
		name, want string
		tamper     func(t *testing.T, path, config string)
	}{
		{"config edited", "revision 1 of site demo: its stored configuration does not match the hash", func(t *testing.T, path, config string) {
			tamper(t, path, "UPDATE revisions SET config = ? WHERE site_id = 'demo' AND number = 1", []byte(forged(config)))
		}},
		{"config and hash rewritten", "revision 1 of site demo: its configuration's hash is", func(t *testing.T, path, config string) {
			sum := sha256.Sum256([]byte(forged(config)))
			tamper(t, path, "UPDATE revisions SET config = ?, hash = ? WHERE site_id = 'demo' AND number = 1", []byte(forged(config)), sum[:])
		}},
		{"revision deleted", "revision 1 of site demo: its texts snapshots name its configuration, but no such revision is stored", func(t *testing.T, path, config string) {
			tamper(t, path, "DELETE FROM revisions WHERE site_id = 'demo' AND number = 1")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.db")
			ctx := context.Background()
			st, err := sqlite.Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			b, err := i18n.Load()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.Publish(ctx, app.DemoSite("https://shop.example"), shown.All(b)); err != nil {
				t.Fatal(err)
			}
			var config string
			if err := st.Configs(ctx, func(c consent.PublishedConfig) error { config = string(c.Config); return nil }); err != nil || !strings.Contains(config, `"key":"marketing"`) {
				t.Fatalf("the demo's stored configuration: %q, %v", config, err)
			}
			st.Close()
			if out, err := runVerify(t, path); err != nil {
				t.Fatalf("intact: %v %q", err, out)
			}
			tc.tamper(t, path, config)
			out, err := runVerify(t, path)
			var brk *ledger.Break
			if !errors.As(err, &brk) || exitCode(err) != 1 || !strings.Contains(out, "TAMPERED") || !strings.Contains(out, tc.want) {
				t.Fatalf("err %v (exit %d), output %q; want it to say %q", err, exitCode(err), out, tc.want)
			}
		})
	}
}
