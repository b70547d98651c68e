package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/catalog"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/shown"
	"github.com/consentry/consentry/internal/siteyaml"
	"github.com/consentry/consentry/internal/store"
	"github.com/consentry/consentry/internal/words"
	"github.com/consentry/consentry/templates"
)

// sitesExportFlags prints a site as YAML: config as code, to edit and
// apply again.
func sitesExportFlags(fs *flag.FlagSet) runner {
	db := dbFlag(fs)
	return func(ctx context.Context, e *cmdEnv) error {
		st, err := openExisting(ctx, *db)
		if err != nil {
			return err
		}
		defer st.Close()
		id := e.args[0]
		site, err := st.Site(ctx, id)
		if consent.ErrorCode(err) == consent.ENotFound {
			site, err = st.Draft(ctx, id) // never published: its draft
		}
		if consent.ErrorCode(err) == consent.ENotFound {
			return unknownSite(id)
		}
		if err != nil {
			return err
		}
		b, err := siteyaml.Encode(site)
		if err != nil {
			return err
		}
		if _, err = e.stdout.Write(b); err != nil {
			return err
		}
		// The file follows the catalog: say what applying it would take.
		if ups := catalog.Updates(site); len(ups) > 0 {
			fmt.Fprintf(e.stderr, "site %q has not taken %d catalog updates; this file follows the catalog, so applying it publishes them\n", id, len(ups))
			for _, u := range ups {
				fmt.Fprintf(e.stderr, "  %s\n", u)
			}
			hostsOnly := !slices.ContainsFunc(ups, func(u catalog.Update) bool { return u.Field != "hosts" })
			if hostsOnly {
				fmt.Fprintln(e.stderr, "publish them with: consentry sites apply -f FILE --editorial (new hosts enforce visitors' choices, they change none: nobody need be asked again)")
			} else {
				fmt.Fprintln(e.stderr, "publish them with: consentry sites apply -f FILE (cookies visitors were told of change: a material revision asks them again)")
			}
		}
		return nil
	}
}

// siteExists fails with a clear error for a site that is neither published
// nor a draft.
func siteExists(ctx context.Context, st store.Store, id string) error {
	_, err := st.Site(ctx, id)
	if consent.ErrorCode(err) == consent.ENotFound {
		_, err = st.Draft(ctx, id)
	}
	if consent.ErrorCode(err) == consent.ENotFound {
		return unknownSite(id)
	}
	return err
}

func unknownSite(id string) error {
	return fmt.Errorf("unknown site %q: no site has this ID (the console's Sites page lists them)", id)
}

// sitesApplyFlags validates a site's YAML, lists what changed against the
// current revision and publishes it as a new revision: material unless
// --editorial, as DESIGN.md's CLI has it, so that a script that applies a
// file never stops asking visitors again without saying so. It says before
// publishing which kind the changes call for, as the console's form does.
func sitesApplyFlags(fs *flag.FlagSet) runner {
	db := dbFlag(fs)
	file := fs.String("f", "", "the site's YAML file, as sites export writes it (required)")
	dry := fs.Bool("dry-run", false, "validate and list what changed, publish nothing")
	editorial := fs.Bool("editorial", false, "publish an editorial revision (wording fixes, descriptions, hosts): nobody is asked again (default: material, every visitor who chose under an earlier revision is asked again)")
	discard := fs.Bool("discard-draft", false, "publish although the console holds an unpublished draft with changes the file does not carry: those changes are lost (default: refuse, naming them)")
	despite := fs.Bool("editorial-despite-material", false, "with --editorial, publish it although changes alter what visitors consented to, asking nobody about them (default: refuse, naming them)")
	return func(ctx context.Context, e *cmdEnv) error {
		return apply(ctx, e.stdout, *db, *file, applyRun{dry: *dry, editorial: *editorial, discard: *discard, despite: *despite})
	}
}

// applyRun is what one sites apply is told to do.
type applyRun struct {
	dry, editorial bool
	// discard confirms that publishing loses the changes of the console's
	// draft that the file does not carry; despite, that an editorial
	// revision asks nobody about changes that are material.
	discard, despite bool
}

// apply publishes file's site, as an editorial revision when editorial.
// Publishing discards the console's draft: when that draft holds changes
// the file does not carry, apply refuses unless discard. An editorial
// revision of material changes (consent.AnyMaterial) is refused unless
// despite, as the console's form asks its owner to confirm it.
func apply(ctx context.Context, stdout io.Writer, db, file string, r applyRun) error {
	dry, editorial, discard := r.dry, r.editorial, r.discard
	if file == "" {
		return fmt.Errorf("%w: sites apply needs -f FILE", errUsage)
	}
	if r.despite && !editorial {
		return fmt.Errorf("%w: --editorial-despite-material confirms --editorial: give both, or neither for a material revision", errUsage)
	}
	// The file first: one that cannot be read is the error to say, before
	// a --db that names no database.
	b, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("-f: %w", err)
	}
	st, err := openExisting(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	site, err := siteyaml.Decode(b)
	if err != nil {
		return err
	}
	bundle, err := i18n.Load()
	if err != nil {
		return err
	}
	if err := site.ValidatePublish(); err != nil {
		return err
	}
	if err := site.ValidateTexts(bundle.Languages()); err != nil {
		return err
	}
	current, err := st.Site(ctx, site.ID)
	if err != nil && consent.ErrorCode(err) != consent.ENotFound {
		return err
	}
	if current == nil {
		draft, err := st.Draft(ctx, site.ID)
		if err != nil && consent.ErrorCode(err) != consent.ENotFound {
			return err
		}
		return create(ctx, st, stdout, bundle, draft, site, file, dry, editorial)
	}
	if len(consent.Diff(current, site)) == 0 {
		fmt.Fprintf(stdout, "site %q: no changes; revision %d stays current\n", site.ID, current.Revision)
		return nil
	}
	draft, err := st.Draft(ctx, site.ID)
	if err != nil {
		return err
	}
	changes := consent.Describe(current, site)
	rows := templates.ChangeRows(bundle.For("en"), current, site, changes)
	if len(rows) == 1 {
		fmt.Fprintf(stdout, "site %q: 1 change\n", site.ID)
	} else {
		fmt.Fprintf(stdout, "site %q: %d changes\n", site.ID, len(rows))
	}
	for _, r := range rows {
		fmt.Fprintf(stdout, "  %s\n", r)
	}
	fmt.Fprintln(stdout, kindLine(editorial, consent.AnyMaterial(changes)))
	material := materialOf(changes)
	if editorial && len(material) > 0 {
		fmt.Fprintln(stdout, "these changes alter what visitors consented to:")
		for _, row := range templates.ChangeRows(bundle.For("en"), current, site, material) {
			fmt.Fprintf(stdout, "  %s\n", row)
		}
		if r.despite {
			fmt.Fprintln(stdout, "--editorial-despite-material: published as editorial all the same, nobody is asked about them")
		} else {
			fmt.Fprintln(stdout, "without --editorial-despite-material, apply refuses to publish them as editorial")
		}
	}
	note, text := site.DropCarried(current)
	if text && !editorial {
		fmt.Fprintf(stdout, "what_changed is revision %d's, not written for this one: visitors asked again are not told it again (write this revision's in the file)\n", current.Revision)
	}
	if note {
		fmt.Fprintf(stdout, "change_note is revision %d's: left out of this one\n", current.Revision)
	}
	if !editorial {
		warnWhatChangedMissing(stdout, bundle, site)
	}
	lost := draftLost(stdout, bundle, current, draft, changes, discard)
	site.PrepareRevision(current, editorial)
	if dry {
		fmt.Fprintln(stdout, "dry run: nothing published")
		return nil
	}
	if len(lost) > 0 && !discard {
		return fmt.Errorf("site %q: nothing published: the console's draft holds %s the file does not carry (listed above); "+
			"publish the draft in the console and export again, or write them into the file, or add --discard-draft to lose them", site.ID, plural(len(lost), "change"))
	}
	if editorial && len(material) > 0 && !r.despite {
		var named []string
		for _, row := range templates.ChangeRows(bundle.For("en"), current, site, material) {
			named = append(named, row.What.String())
		}
		return fmt.Errorf("site %q: nothing published: --editorial asks nobody again, but %s alter what visitors consented to: %s; "+
			"leave out --editorial to ask them again, or add --editorial-despite-material to publish as editorial all the same", site.ID, plural(len(material), "change"), strings.Join(named, "; "))
	}
	rev, err := publish(ctx, st, bundle, current, site, changes, file, r.despite && len(material) > 0)
	if err != nil {
		return err
	}
	if len(lost) > 0 {
		if err := auditDiscard(ctx, st, bundle, current, draft, lost, file); err != nil {
			return err
		}
	}
	what := "material: visitors who chose under an earlier revision are asked again"
	if site.Editorial {
		what = "editorial: nobody is asked again"
	}
	fmt.Fprintf(stdout, "published revision %d of site %q (%s)\n", rev, site.ID, what)
	return nil
}

// warnWhatChangedMissing warns that a material revision's what_changed is
// not written in every language the site shows visitors (every language of
// the bundle), naming those it lacks, as the console's publish form does
// (templates.WhatChangedMissing): a visitor asked again who reads one of
// them is told only that cookies changed (banner_changed), not what; the
// banner shows no other language's text instead. A revision with no
// what_changed at all is published without a word, as before.
func warnWhatChangedMissing(stdout io.Writer, bundle *i18n.Bundle, site *consent.Site) {
	langs := bundle.Languages()
	var missing []string
	for _, l := range langs {
		if strings.TrimSpace(site.WhatChanged[l]) == "" {
			missing = append(missing, templates.LanguageNameIn("en", l))
		}
	}
	if len(missing) == 0 || len(missing) == len(langs) {
		return
	}
	fmt.Fprintf(stdout, "warning: what_changed has no text in %d of the site's %d languages: visitors asked again who read one of them see only “%s”, not what changed:\n  %s\n",
		len(missing), len(langs), bundle.For("en").T("banner_changed"), strings.Join(missing, ", "))
}

// draftLost says what publishing the file does to the console's draft of
// the next revision, which Publish discards: nothing when it holds no
// unpublished change; else its changes from the current revision that
// the file does not make too, which publishing would lose. It returns
// those.
func draftLost(stdout io.Writer, bundle *i18n.Bundle, current, draft *consent.Site, changes []consent.Change, discard bool) []consent.Change {
	pending := consent.Describe(current, draft)
	if len(pending) == 0 {
		return nil
	}
	var lost []consent.Change
	for _, c := range pending {
		if !slices.Contains(changes, c) {
			lost = append(lost, c)
		}
	}
	if len(lost) == 0 {
		fmt.Fprintf(stdout, "the console's draft holds %s not yet published; the file makes them all: publishing it replaces the draft\n", plural(len(pending), "change"))
		return nil
	}
	fmt.Fprintf(stdout, "the console's draft holds %s not yet published; publishing the file discards the draft and loses %s the file does not make:\n", plural(len(pending), "change"), plural(len(lost), "change"))
	for _, r := range templates.ChangeRows(bundle.For("en"), current, draft, lost) {
		fmt.Fprintf(stdout, "  %s\n", r)
	}
	if discard {
		fmt.Fprintln(stdout, "--discard-draft: publishing loses them")
	} else {
		fmt.Fprintln(stdout, "without --discard-draft, apply refuses to publish over them")
	}
	return lost
}

// auditDiscard records that publishing file discarded the console's draft,
// and the changes from current it held that are lost, so that whoever made
// them in the console can learn where they went.
func auditDiscard(ctx context.Context, st store.Store, bundle *i18n.Bundle, current, draft *consent.Site, lost []consent.Change, file string) error {
	said := words.Say("a_audit_detail_discard_file", map[string]words.Words{"File": words.Written(file)})
	detail, all := templates.ChangesSaid(bundle.For("en"), "draft discarded by sites apply --discard-draft from "+file, said, current, draft, lost)
	return st.Audit(ctx, auth.AuditEntry{Time: time.Now().UTC(), Actor: "cli", Action: "draft_discard", Target: draft.ID,
		Detail: detail, Words: all, IP: "-"})
}

// plural says n things: "1 change", "3 changes".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// create publishes a site that has no revision yet as its first. It says
// what the revision holds rather than listing changes: there was no
// earlier revision to change from and no visitor to ask again. A site
// begun in the console has a draft (draft, else nil): publishing replaces
// it, so create says so and lists where the file differs from it.
func create(ctx context.Context, st store.Store, stdout io.Writer, bundle *i18n.Bundle, draft, site *consent.Site, file string, dry, editorial bool) error {
	if editorial {
		return fmt.Errorf("%w: a site's first revision cannot be editorial", errUsage)
	}
	t := bundle.For("en")
	cats := make([]string, 0, len(site.Categories))
	for _, c := range site.Categories {
		cats = append(cats, templates.CategoryName(t, c))
	}
	services, cookies := make([]string, 0, len(site.Services)), 0
	for _, sv := range site.Services {
		services, cookies = append(services, sv.Name), cookies+len(sv.Cookies)
	}
	if draft != nil {
		fmt.Fprintf(stdout, "site %q exists only as a draft in the console, never published: publishing the file as its first revision, which holds\n", site.ID)
	} else {
		fmt.Fprintf(stdout, "site %q is new: creating it, its first revision holds\n", site.ID)
	}
	fmt.Fprintf(stdout, "  Name: %s\n", site.Name)
	fmt.Fprintf(stdout, "  Categories: %s\n", strings.Join(cats, ", "))
	fmt.Fprintf(stdout, "  Services: %d (%s), %d cookies\n", len(services), strings.Join(services, ", "), cookies)
	if len(site.Origins) > 0 {
		fmt.Fprintf(stdout, "  Allowed origins: %s\n", strings.Join(site.Origins, ", "))
	}
	if draft != nil {
		rows := templates.ChangeRows(t, draft, site, consent.Describe(draft, site))
		switch len(rows) {
		case 0:
			fmt.Fprintln(stdout, "the file matches the console's draft")
		case 1:
			fmt.Fprintln(stdout, "1 change from the console's draft (publishing replaces the draft with the file):")
		default:
			fmt.Fprintf(stdout, "%d changes from the console's draft (publishing replaces the draft with the file):\n", len(rows))
		}
		for _, r := range rows {
			fmt.Fprintf(stdout, "  %s\n", r)
		}
	}
	changes := consent.Describe(nil, site) // as a first publish from the console lists them
	site.PrepareRevision(nil, false)
	if dry {
		if draft != nil {
			fmt.Fprintln(stdout, "dry run: nothing published, the console's draft stays as it is")
		} else {
			fmt.Fprintln(stdout, "dry run: nothing created, nothing published")
		}
		return nil
	}
	rev, err := publish(ctx, st, bundle, nil, site, changes, file, false)
	if err != nil {
		return err
	}
	if draft != nil {
		fmt.Fprintf(stdout, "published site %q, until now a draft, as its revision %d, shown to every visitor\n", site.ID, rev)
	} else {
		fmt.Fprintf(stdout, "created site %q and published its revision %d, shown to every visitor\n", site.ID, rev)
	}
	return nil
}

// publish stores site's next revision, with what each language shows, and
// audits it as the command line's doing, with its changes from current
// (nil for a site's first revision) as a publish from the console lists
// them: changes are consent.Describe's, taken before the revision was
// prepared (its change note and what_changed are not changes). despite
// says an editorial revision of material changes was confirmed
// (--editorial-despite-material), which the entry says.
func publish(ctx context.Context, st store.Store, bundle *i18n.Bundle, current, site *consent.Site, changes []consent.Change, file string, despite bool) (int, error) {
	rev, err := st.Publish(ctx, site, shown.All(bundle))
	if err != nil {
		return 0, err
	}
	kind := words.Say("a_revision_material", nil)
	detail := fmt.Sprintf("revision %d from %s, editorial %t", rev, file, site.Editorial)
	switch {
	case site.Editorial && despite:
		kind = words.Say("a_revision_editorial_confirmed", nil)
		detail += ", confirmed although material (--editorial-despite-material)"
	case site.Editorial:
		kind = words.Say("a_revision_editorial", nil)
	}
	args := map[string]words.Words{"N": words.WrittenInt(rev), "Kind": kind, "File": words.Written(file)}
	said := words.Say("a_audit_detail_publish_file", args)
	// The change note, as the console's Publish keeps it.
	if site.ChangeNote != "" {
		detail += ": " + site.ChangeNote
		args["Note"] = words.Written(site.ChangeNote)
		said = words.Say("a_audit_detail_publish_file_note", args)
	}
	detail, all := templates.ChangesSaid(bundle.For("en"), detail, said, current, site, changes)
	return rev, st.Audit(ctx, auth.AuditEntry{Time: time.Now().UTC(), Actor: "cli", Action: "publish", Target: site.ID,
		Detail: detail, Words: all, IP: "-"})
}

// materialOf are the changes that alter what visitors consented to.
func materialOf(changes []consent.Change) []consent.Change {
	var out []consent.Change
	for _, c := range changes {
		if c.Material {
			out = append(out, c)
		}
	}
	return out
}

// kindLine says which kind of revision apply publishes, whether the changes
// call for it (consent.AnyMaterial, the console form's rule), and how to
// choose the other, before anything is published.
func kindLine(editorial, material bool) string {
	switch {
	case editorial && material:
		return "editorial revision, as --editorial asks: nobody is asked again, though what visitors consented to changed (without --editorial: material)"
	case editorial:
		return "editorial revision, as --editorial asks: nobody is asked again"
	case material:
		return "material revision, as these changes alter what visitors consented to: visitors who chose under an earlier revision are asked again"
	}
	return "material revision: visitors who chose under an earlier revision are asked again, though nothing they consented to changed (--editorial asks nobody)"
}
