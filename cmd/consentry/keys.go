package main

import (
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/consentry/consentry/internal/app"
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

// keysExportFlags prints a deployment's own key set as keys generate prints
// a new one: a SQLite deployment moved to PostgreSQL keeps its keys, so the
// tokens, sessions and heads it signed go on verifying on every instance.
func keysExportFlags(fs *flag.FlagSet) runner {
	db := dbFlag(fs)
	file := fs.String("keys-file", "", "key file to read (default: the one beside the SQLite database)")
	return func(ctx context.Context, e *cmdEnv) error {
		if *file == "" && app.IsPostgres(*db) {
			return fmt.Errorf("%w: keys export reads a key file: --db sqlite:PATH or --keys-file FILE (instances on PostgreSQL have their keys in their environment already)", errUsage)
		}
		// serve prefers keys given in its environment to its key file, so
		// a key file beside them may not be the keys that signed.
		for _, f := range []string{"token-keys", "session-keys"} {
			for _, name := range []string{config.EnvName(f), config.EnvName(f) + "_FILE"} {
				if os.Getenv(name) != "" {
					return fmt.Errorf("%s is set: this deployment's keys are the ones its environment gives serve, not a key file's; give the same %s, %s and %s to every instance",
						name, config.EnvName("token-keys"), config.EnvName("session-keys"), config.EnvName("signing-keys"))
				}
			}
		}
		ks, err := app.LoadKeys(*db, *file, nil)
		if err != nil {
			return err
		}
		_, err = fmt.Fprint(e.stdout, ks.Env())
		return err
	}
}

// signingKeys are the flags that say where a command other than serve finds
// the deployment's signing keys: as serve does, without changing anything.
type signingKeys struct{ file, keys *string }

func signingKeyFlags(fs *flag.FlagSet) signingKeys {
	return signingKeys{
		file: fs.String("keys-file", "", "key file to read (default: the one beside the SQLite database)"),
		keys: fs.String("signing-keys", "", "Ed25519 signing keys, base64, comma-separated, newest first (default: the key file)"),
	}
}

func (k signingKeys) load(db string) (config.Keys, error) {
	list, err := config.ParseKeyList(*k.keys)
	if err != nil {
		return config.Keys{}, fmt.Errorf("--signing-keys: %w", err)
	}
	ks, err := app.LoadKeys(db, *k.file, list)
	if err == nil && len(ks.Signing) == 0 {
		err = errors.New("no signing key given: give the deployment's CONSENTRY_SIGNING_KEYS (or --signing-keys, or --keys-file); " +
			"if it has none, consentry keys generate makes one (a deployment moved from SQLite keeps its own: consentry keys export --db sqlite:PATH); on SQLite, serve adds one to its key file")
	}
	return ks, err
}

// keysPublicFlags prints the public halves of the deployment's signing
// keys, newest first: what a signed head's public_key must be.
func keysPublicFlags(fs *flag.FlagSet) runner {
	db := dbFlag(fs)
	keys := signingKeyFlags(fs)
	return func(ctx context.Context, e *cmdEnv) error {
		ks, err := keys.load(*db)
		if err != nil {
			return err
		}
		for i, pub := range ks.SigningPublic() {
			role := "signs"
			if i > 0 {
				role = "older, still accepted"
			}
			fmt.Fprintf(e.stdout, "ed25519 %s (%s)\n", base64.StdEncoding.EncodeToString(pub), role)
		}
		return nil
	}
}
