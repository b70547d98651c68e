package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/config"
)

func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", "sqlite:./consentry.db", "database: sqlite:PATH, or postgres://USER:PASSWORD@HOST/DB for several instances")
}

// serveGCPercent is the server's GOGC unless the environment sets one. The
// heap a server keeps is small (about 9 MB under load: sites, rendered
// banners, caches; SQLite's pages live outside it) while every consent
// allocates kilobytes, so at Go's default of 100 the collector ran several
// times a second and took about a sixth of the CPU a consent costs. At 400
// the heap may grow to five times what is live before a collection: the
// peak resident size under wrk went from about 95 to 190 MB.
const serveGCPercent = 400

func serveFlags(fs *flag.FlagSet) runner {
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	db := dbFlag(fs)
	demo := fs.Bool("demo", false, "seed the demo site and a demo admin, and serve /demo")
	keys := fs.String("token-keys", "", "token signing keys, base64, comma-separated, newest first (default: the key file)")
	sessionKeys := fs.String("session-keys", "", "console session keys, base64, comma-separated pairs of hash key and block key (16, 24 or 32 bytes), newest first (default: the key file)")
	signing := fs.String("signing-keys", "", "Ed25519 signing keys (32-byte seeds), base64, comma-separated, newest first; they sign the ledger's head for export (default: the key file)")
	keysFile := fs.String("keys-file", "", "key file to read or create (default: next to the SQLite database)")
	rateLimit := fs.Float64("rate-limit", 10, "decisions per second per client network (IPv4 /24, IPv6 /48), bursts of twice as many; shared by every instance on PostgreSQL (0: no limit)")
	secure := fs.Bool("secure-cookies", false, "mark cookies Secure although requests arrive over plain HTTP (TLS ends at a proxy)")
	proxies := fs.String("trusted-proxies", "", "comma-separated IPs or CIDRs of the reverse proxies/CDN whose X-Forwarded-For and country header are believed (no others, loopback and private ranges included)")
	metricsAddr := fs.String("metrics-addr", "", "serve /metrics on this address instead of --addr (for example 127.0.0.1:9090), so only the monitoring network reaches it")
	countryHeader := fs.String("country-header", "", "request header with the visitor's ISO country code, set by a trusted proxy (for example CF-IPCountry)")
	return func(ctx context.Context, e *cmdEnv) error {
		tokenKeys, err := config.ParseKeyList(*keys)
		if err != nil {
			return fmt.Errorf("--token-keys: %w", err)
		}
		sessKeys, err := config.ParseKeyList(*sessionKeys)
		if err != nil {
			return fmt.Errorf("--session-keys: %w", err)
		}
		if len(sessKeys)%2 != 0 {
			return fmt.Errorf("--session-keys: give pairs: a hash key, then a block key")
		}
		signingKeys, err := config.ParseKeyList(*signing)
		if err == nil {
			err = config.CheckSigning(signingKeys)
		}
		if err != nil {
			return fmt.Errorf("--signing-keys: %w", err)
		}
		trusted, err := parsePrefixes(*proxies)
		if err != nil {
			return fmt.Errorf("--trusted-proxies: %w", err)
		}
		if *countryHeader != "" && len(trusted) == 0 {
			return fmt.Errorf("--country-header needs --trusted-proxies: a header from anyone else could be forged")
		}
		if os.Getenv("GOGC") == "" {
			debug.SetGCPercent(serveGCPercent)
		}
		var adminEmail, adminPassword string
		a, err := app.Open(ctx, app.Options{
			Addr: *addr, DB: *db, Demo: *demo, TokenKeys: tokenKeys, SessionKeys: sessKeys, SigningKeys: signingKeys, KeysFile: *keysFile,
			RateLimit: *rateLimit, SecureCookies: *secure, Log: e.log,
			TrustedProxies: trusted, CountryHeader: *countryHeader, MetricsAddr: *metricsAddr,
			DemoAdmin: func(email, password string) { adminEmail, adminPassword = email, password },
		})
		if err != nil {
			return err
		}
		defer a.Close()
		path, integrity := a.Server.SnippetPath()
		url := a.URL()
		fmt.Fprintf(e.stdout, "\nConsentry is listening on %s (database %s)\n", url, app.Redacted(*db))
		if *demo {
			fmt.Fprintf(e.stdout, "  Demo shop:   %s/demo\n", url)
			fmt.Fprintf(e.stdout, "  No-JS page:  %s/p/demo\n", url)
		}
		fmt.Fprintf(e.stdout, "  Console:     %s/admin/login\n", url)
		switch {
		case adminPassword != "":
			fmt.Fprintf(e.stdout, "               sign in as %s with password %s\n", adminEmail, adminPassword)
			fmt.Fprintf(e.stdout, "               (shown only this once; to set another: %s)\n", withDB(*db, "user passwd", "--email "+adminEmail))
			sayDBFrom(e.stdout, *db)
		case *demo:
			fmt.Fprintf(e.stdout, "               sign in as %s with the password printed at the first start\n", app.DemoAdminEmail)
			fmt.Fprintf(e.stdout, "               (forgot it? %s, then type a new one)\n", withDB(*db, "user passwd", "--email "+app.DemoAdminEmail))
			sayDBFrom(e.stdout, *db)
		default:
			// A stop asked for while the server starts must not fail it
			// here: the shutdown below ends it.
			users, err := a.Store.Users(context.WithoutCancel(ctx))
			if err != nil {
				return err
			}
			if len(users) == 0 {
				fmt.Fprintln(e.stdout, "               nobody can sign in yet: create the first user (it reads the password from standard input)")
				fmt.Fprintf(e.stdout, "               %s\n", withDB(*db, "user add", "--email YOU@EXAMPLE.COM --role admin"))
				sayDBFrom(e.stdout, *db)
			}
		}

		fmt.Fprintf(e.stdout, "  Snippet:     <script src=\"%s%s\" integrity=\"%s\" crossorigin=\"anonymous\" data-site=\"SITE_ID\"></script>\n", url, path, integrity)
		fmt.Fprintf(e.stdout, "  Probes:      %s/healthz  %s/readyz\n", url, url)
		fmt.Fprintf(e.stdout, "  Metrics:     %s\n", a.MetricsURL())
		fmt.Fprint(e.stdout, "Press Ctrl+C to stop.\n\n")
		return a.Run(ctx)
	}

}

// withDB is the command line that runs this binary's command cmd ("user
// add") on db with the flags rest, for the operator to paste as printed.
// A database URL that holds a password is never printed (logs keep what
// serve says): the command reads it from where serve did, the file
// CONSENTRY_DB_FILE names or CONSENTRY_DB, or, for a URL given to --db,
// from CONSENTRY_DB, which serve says to set.
func withDB(db, cmd, rest string) string {
	self := selfCommand(os.Args[0])
	if app.Redacted(db) == db {
		return self + " " + cmd + " --db " + shellQuote(db) + " " + rest
	}
	if dbFrom(db) == "CONSENTRY_DB_FILE" {
		return "CONSENTRY_DB_FILE=" + shellQuote(os.Getenv("CONSENTRY_DB_FILE")) + " " + self + " " + cmd + " " + rest
	}
	// "$CONSENTRY_DB" rather than no --db: unset, it is an empty --db,
	// refused, not the default SQLite file, where the user would be added
	// unseen.
	return self + " " + cmd + ` --db "$CONSENTRY_DB" ` + rest
}

// sayDBFrom follows a command withDB printed: where it names
// "$CONSENTRY_DB" for a URL serve was given on its command line, it says
// to set that variable first.
func sayDBFrom(w io.Writer, db string) {
	if app.Redacted(db) != db && dbFrom(db) == "--db" {
		fmt.Fprintln(w, "               (with CONSENTRY_DB set to the URL given to --db, whose password is not printed here;")
		fmt.Fprintln(w, "               serve reads CONSENTRY_DB too, or CONSENTRY_DB_FILE: the password stays off the command line)")
	}
}

// dbFrom says where serve read db from, as config.Parse reads it: its
// environment twin CONSENTRY_DB, the file CONSENTRY_DB_FILE names, or the
// command line.
func dbFrom(db string) string {
	env := config.EnvName("db")
	if v, ok := os.LookupEnv(env); ok && v == db {
		return env
	}
	if path, ok := os.LookupEnv(env + "_FILE"); ok {
		if b, err := os.ReadFile(path); err == nil && strings.TrimSpace(string(b)) == db {
			return env + "_FILE"
		}
	}
	return "--db"
}

// parsePrefixes reads comma-separated IP addresses and CIDR prefixes.
func parsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if a, err := netip.ParseAddr(part); err == nil {
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an IP address nor a CIDR prefix", part)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// selfCommand is how to run this binary, started as arg0, again from
// where it was started: as started (bin/consentry, consentry on the PATH),
// or, under go run (make run), whose binary is a temporary file that is
// gone once it stops, go run ./cmd/consentry.
func selfCommand(arg0 string) string {
	if strings.Contains(filepath.ToSlash(arg0), "/go-build") {
		return "go run ./cmd/consentry"
	}
	return shellQuote(arg0)
}
