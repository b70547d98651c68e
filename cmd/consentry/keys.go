package main

import (
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"

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
		err = errors.New("this deployment has no signing key: consentry keys generate makes one (CONSENTRY_SIGNING_KEYS); on SQLite, serve adds one to its key file")
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
