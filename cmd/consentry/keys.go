package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/consentry/consentry/internal/config"
)

// keysGenerateFlags prints a new key set. Instances that share a PostgreSQL
// database must share their keys too; they never make their own.
func keysGenerateFlags(fs *flag.FlagSet) runner {
	return func(ctx context.Context, e *cmdEnv) error {
		_, err := fmt.Fprint(e.stdout, config.NewKeys().Env())
		return err
	}
}
