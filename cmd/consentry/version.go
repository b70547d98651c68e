package main

import (
	"context"
	"flag"
	"fmt"
	"runtime/debug"
)

// version is set at build time: go build -ldflags "-X main.version=v1.2.3".
var version = "dev"

// versionFlags prints the version, and for a development build the commit
// it was built from.
func versionFlags(fs *flag.FlagSet) runner {
	return func(ctx context.Context, e *cmdEnv) error {
		v, commit, dirty := version, "", ""
		if bi, ok := debug.ReadBuildInfo(); ok {
			for _, s := range bi.Settings {
				switch {
				case s.Key == "vcs.revision" && len(s.Value) >= 12:
					commit = s.Value[:12]
				case s.Key == "vcs.modified" && s.Value == "true":
					dirty = "+changes"
				}
			}
			if v == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
				v = bi.Main.Version
			}
		}
		if commit != "" {
			v += " (" + commit + dirty + ")"
		}
		_, err := fmt.Fprintf(e.stdout, "consentry %s\n", v)
		return err
	}
}
