package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/config"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/shown"
	"github.com/consentry/consentry/internal/siteyaml"
)

// sites is config as code: export a site as YAML, apply YAML as a new
// published revision after validating it and showing the diff.
func sites(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || (args[0] != "export" && args[0] != "apply") {
		return fmt.Errorf("%w: consentry sites export SITE | consentry sites apply -f FILE [--dry-run]", errUsage)
	}
	fs := flag.NewFlagSet("sites "+args[0], flag.ContinueOnError)
	db := dbFlag(fs)
	file := fs.String("f", "", "the site's YAML (apply)")
	dry := fs.Bool("dry-run", false, "validate and show the diff, publish nothing (apply)")
	var id string
	rest := args[1:]
	if args[0] == "export" && len(rest) > 0 && rest[0] != "" && rest[0][0] != '-' {
		id, rest = rest[0], rest[1:]
	}
	if err := config.Parse(fs, rest); err != nil {
		return err
	}
	st, err := app.OpenStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if args[0] == "export" {
		if id == "" && fs.NArg() > 0 {
			id = fs.Arg(0)
		}
		site, err := st.Site(ctx, id)
		if consent.ErrorCode(err) == consent.ENotFound {
			site, err = st.Draft(ctx, id) // never published: its draft
		}
		if err != nil {
			return err
		}
		b, err := siteyaml.Encode(site)
		if err != nil {
			return err
		}
		_, err = stdout.Write(b)
		return err
	}
	if *file == "" {
		return fmt.Errorf("%w: sites apply needs -f FILE", errUsage)
	}
	b, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	site, err := siteyaml.Decode(b)
	if err != nil {
		return err
	}
	bundle, err := i18n.Load()
	if err != nil {
		return err
	}
	if err := site.Validate(); err != nil {
		return err
	}
	if err := site.ValidateTexts(bundle.Languages()); err != nil {
		return err
	}
	current, err := st.Site(ctx, site.ID)
	if err != nil && consent.ErrorCode(err) != consent.ENotFound {
		return err
	}
	changes := consent.Diff(current, site)
	if len(changes) == 0 {
		fmt.Fprintf(stdout, "site %q: no changes; revision %d stays current\n", site.ID, current.Revision)
		return nil
	}
	fmt.Fprintf(stdout, "site %q: %d changes\n", site.ID, len(changes))
	for _, c := range changes {
		switch {
		case c.Old == "":
			fmt.Fprintf(stdout, "  + %s: %s\n", c.Path, c.New)
		case c.New == "":
			fmt.Fprintf(stdout, "  - %s: %s\n", c.Path, c.Old)
		default:
			fmt.Fprintf(stdout, "  ~ %s: %s → %s\n", c.Path, c.Old, c.New)
		}
	}
	if *dry {
		fmt.Fprintln(stdout, "dry run: nothing published")
		return nil
	}
	rev, err := st.Publish(ctx, site, shown.All(bundle))
	if err != nil {
		return err
	}
	if err := st.Audit(ctx, auth.AuditEntry{Time: time.Now().UTC(), Actor: "cli", Action: "publish", Target: site.ID,
		Detail: fmt.Sprintf("revision %d from %s", rev, *file), IP: "-"}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "published revision %d of site %q\n", rev, site.ID)
	return nil
}
