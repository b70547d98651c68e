package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/consentry/consentry/internal/catalog"
	"github.com/consentry/consentry/internal/i18n"
)

// catalogListFlags lists the service catalog, for site owners who keep
// their configuration as code: `catalog: ID` in a site's YAML.
func catalogListFlags(fs *flag.FlagSet) runner {
	search := fs.String("search", "", "only services whose name, provider, cookie or host has every word")
	return func(_ context.Context, e *cmdEnv) error {
		w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tNAME\tCATEGORY\tCOOKIES\tHOSTS")
		found := catalog.Search(*search)
		for _, c := range found {
			fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%d\n", c.ID, c.Name, c.Category, len(c.Cookies), len(c.Hosts))
		}
		if err := w.Flush(); err != nil {
			return err
		}
		services, cookies, hosts := catalog.Size()
		fmt.Fprintf(e.stdout, "%d of %d services (%d cookies, %d hosts in all). Show one with: consentry catalog show ID\n", len(found), services, cookies, hosts)
		return nil
	}
}

// catalogShowFlags shows one catalog service with its cookies.
func catalogShowFlags(fs *flag.FlagSet) runner {
	return func(_ context.Context, env *cmdEnv) error {
		e, ok := catalog.Get(env.args[0])
		if !ok {
			return fmt.Errorf("%w: no service %q in the catalog; search with: consentry catalog list --search WORD", errUsage, env.args[0])
		}
		bundle, err := i18n.Load()
		if err != nil {
			return err
		}
		en, stdout := bundle.For("en"), env.stdout
		fmt.Fprintf(stdout, "%s (%s)\nprovider:  %s\ncategory:  %s (suggested)\npurpose:   %s\nprivacy:   %s\nhosts:     %s\n",
			e.Name, e.ID, e.Provider, e.Category, en.T(e.DescriptionKey), e.PolicyURL, strings.Join(e.Hosts, " "))
		w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(w, "COOKIE\tLIFETIME\tPURPOSE\tSOURCE (Open Cookie Database)")
		for _, k := range e.Cookies {
			life := fmt.Sprintf("%d days", k.Days)
			switch {
			case k.Session:
				life = "session"
			case k.Days == 1:
				life = "1 day"
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", k.Name, life, en.T(k.PurposeKey), k.Source)
		}
		if err := w.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "In a site's YAML:\n  services:\n    - catalog: %s\n      # category: … and any other field overrides the catalog's\n", e.ID)
		return nil
	}
}
