// Command consentry is the Consentry server and its administration tools.
//
//	consentry serve  [--addr 127.0.0.1:8080] [--db sqlite:./consentry.db] [--demo]
//	consentry verify [--db sqlite:./consentry.db]
//
// Every flag also reads CONSENTRY_<FLAG>; secrets also CONSENTRY_<FLAG>_FILE.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/config"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
)

const usage = `Consentry: a self-hosted cookie-consent manager.

Usage:
  consentry serve   serve the snippet, the visitor API and the demo
  consentry verify  walk the consent ledger; exit 1 when it was tampered with

Run 'consentry COMMAND -h' for a command's flags. Every flag also reads
CONSENTRY_<FLAG> from the environment (--token-keys also CONSENTRY_TOKEN_KEYS_FILE).
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "consentry:", err)
		}
		os.Exit(exitCode(err))
	}
}

// exitCode is 1 for a broken ledger or a failure, 2 for bad usage.
func exitCode(err error) int {
	var b *ledger.Break
	if errors.As(err, &b) {
		return 1
	}
	if errors.Is(err, flag.ErrHelp) || errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout, log)
	case "verify":
		return verify(ctx, args[1:], stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
}

func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", "sqlite:./consentry.db", "database: sqlite:PATH")
}

func serve(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	db := dbFlag(fs)
	demo := fs.Bool("demo", false, "seed the demo site and serve /demo")
	keys := fs.String("token-keys", "", "token signing keys, base64, comma-separated, newest first (default: a key file next to the database)")
	keysFile := fs.String("keys-file", "", "key file to read or create (default: next to the SQLite database)")
	rateLimit := fs.Float64("rate-limit", 10, "decisions per second per client IP (0: no limit)")
	secure := fs.Bool("secure-cookies", false, "mark cookies Secure although requests arrive over plain HTTP (TLS ends at a proxy)")
	if err := config.Parse(fs, args, "token-keys"); err != nil {
		return err
	}
	tokenKeys, err := config.ParseKeyList(*keys)
	if err != nil {
		return fmt.Errorf("--token-keys: %w", err)
	}
	a, err := app.Open(ctx, app.Options{
		Addr: *addr, DB: *db, Demo: *demo, TokenKeys: tokenKeys, KeysFile: *keysFile,
		RateLimit: *rateLimit, SecureCookies: *secure, Log: log,
	})
	if err != nil {
		return err
	}
	defer a.Close()
	path, integrity := a.Server.SnippetPath()
	fmt.Fprintf(stdout, "\nConsentry is listening on %s (database %s)\n", a.URL(), *db)
	if *demo {
		fmt.Fprintf(stdout, "  Demo shop:   %s/demo\n", a.URL())
		fmt.Fprintf(stdout, "  No-JS page:  %s/p/demo\n", a.URL())
	}
	fmt.Fprintf(stdout, "  Snippet:     <script src=\"%s%s\" integrity=\"%s\" crossorigin=\"anonymous\" data-site=\"SITE_ID\"></script>\n", a.URL(), path, integrity)
	fmt.Fprintf(stdout, "  Probes:      %s/healthz  %s/readyz  %s/metrics\n", a.URL(), a.URL(), a.URL())
	fmt.Fprintf(stdout, "  The staff console (/admin) is not part of this build yet.\nPress Ctrl+C to stop.\n\n")
	return a.Run(ctx)
}

func verify(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	db := dbFlag(fs)
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	st, err := app.OpenStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	seq, head, err := st.Head(ctx)
	if err != nil {
		return err
	}
	var v ledger.Verifier
	start := time.Now()
	err = st.Walk(ctx, 0, func(e *consent.Event) error {
		if err := v.Next(e); err != nil {
			return err
		}
		if v.Count()%250000 == 0 {
			fmt.Fprintf(stdout, "  %d events verified…\n", v.Count())
		}
		return nil
	})
	if err == nil {
		err = v.Finish(seq, head)
	}
	if err != nil {
		fmt.Fprintf(stdout, "TAMPERED: %v\n", err)
		if last := v.Last(); last != nil {
			fmt.Fprintf(stdout, "intact up to event #%d (%s) at %s\n", last.Seq, last.ID, last.Time.Format(time.RFC3339))
		}
		return err
	}
	fmt.Fprintf(stdout, "ledger intact: %d events verified in %s", v.Count(), time.Since(start).Round(time.Millisecond))
	if last := v.Last(); last != nil {
		fmt.Fprintf(stdout, "; newest #%d (%s) at %s", last.Seq, last.ID, last.Time.Format(time.RFC3339))
	}
	fmt.Fprintln(stdout)
	return nil
}
