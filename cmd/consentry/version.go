package main

import (
	"context"
	"flag"
	"fmt"
	"runtime/debug"
)

// version is set at build time: make build stamps the checkout's
// git describe, a release its own (go build -ldflags "-X main.version=v1.2.3").
var version = "dev"

// versionFlags prints the version: the stamped one as it was stamped, else
// what the build recorded, with the commit it was built from when it knows it.
func versionFlags(fs *flag.FlagSet) runner {
	return func(ctx context.Context, e *cmdEnv) error {
		v, commit, dirty := version, "", ""
		if bi, ok := debug.ReadBuildInfo(); ok && v == "dev" {
			for _, s := range bi.Settings {
				switch {
				case s.Key == "vcs.revision" && len(s.Value) >= 12:
					commit = s.Value[:12]
				case s.Key == "vcs.modified" && s.Value == "true":
					dirty = "+changes"
				}
			}
			if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
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
