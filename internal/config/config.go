// Package config gives every command-line flag that sets a deployment up
// an environment twin: --some-flag also reads CONSENTRY_SOME_FLAG and, for
// a secret, CONSENTRY_SOME_FLAG_FILE. A flag given on the command line wins.
package config

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

// PerRun are the flags that say what one run does, not how the deployment
// is set up: they have no environment twin, so that a variable left in a
// shell (CONSENTRY_FORCE=true) never forces a purge, turns a dry run real,
// throws a draft away, spares visitors a material change or picks the file
// a run reads.
var PerRun = map[string]bool{"f": true, "force": true, "dry-run": true, "discard-draft": true, "editorial": true, "editorial-despite-material": true}

// EnvName is the environment variable that stands for a flag.
func EnvName(flagName string) string {
	return "CONSENTRY_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// Parse parses args into fs, then fills every flag not given on the command
// line from its environment twin, but the PerRun ones. secrets names the flags that may also be
// read from a file named by <TWIN>_FILE.
func Parse(fs *flag.FlagSet, args []string, secrets ...string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || err != nil || PerRun[f.Name] {
			return
		}
		env := EnvName(f.Name)
		if v, ok := os.LookupEnv(env); ok {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s: %w", env, e)
			}
			return
		}
		for _, s := range secrets {
			if s != f.Name {
				continue
			}
			if path, ok := os.LookupEnv(env + "_FILE"); ok {
				b, e := os.ReadFile(path)
				if e == nil {
					e = fs.Set(f.Name, strings.TrimSpace(string(b)))
				}
				if e != nil {
					err = fmt.Errorf("%s_FILE: %w", env, e)
				}
			}
		}
	})
	return err
}
