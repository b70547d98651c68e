package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/consentry/consentry/internal/config"
)

// keysCmd prints a new key set. Instances that share a PostgreSQL database
// must share their keys too; they never make their own.
func keysCmd(args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "generate" {
		return fmt.Errorf("%w: consentry keys generate", errUsage)
	}
	fs := flag.NewFlagSet("keys generate", flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.Usage = func() {
		fmt.Fprint(stdout, `Usage: consentry keys generate > consentry.env

Prints a new key set as environment lines (CONSENTRY_TOKEN_KEYS and
CONSENTRY_SESSION_KEYS). Give the same lines to every instance. To rotate,
put the new key first and keep the old ones after it, comma-separated, until
the tokens and sessions they signed have expired.
`)
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	_, err := fmt.Fprint(stdout, config.NewKeys().Env())
	return err
}
