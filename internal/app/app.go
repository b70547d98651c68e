// Package app wires Consentry together: store, keys, ledger writer and HTTP
// server. cmd/consentry parses flags into Options; tests start an App on
// port 0 with a fresh database and talk to it like any client.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/config"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/ratelimit"
	"github.com/consentry/consentry/internal/retention"
	"github.com/consentry/consentry/internal/store"
	"github.com/consentry/consentry/internal/store/postgres"
	"github.com/consentry/consentry/internal/store/sqlite"
	"github.com/consentry/consentry/internal/token"
	"github.com/consentry/consentry/web"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Options configure one instance.
type Options struct {
	Addr          string   // listen address; port 0 picks a free one
	DB            string   // sqlite:PATH (or a bare path) or postgres://…
	Demo          bool     // seed the demo site
	TokenKeys     [][]byte // signing keys, newest first; empty: the key file
	KeysFile      string   // default: next to the SQLite file; required or keys given on PostgreSQL
	SessionKeys   [][]byte // console session key pairs (hash, block), newest first
	SigningKeys   [][]byte // Ed25519 seeds, newest first; empty: the key file's, if any
	RateLimit     float64  // decisions per second per client network (ratelimit.Key); 0 off
	SecureCookies bool
	BcryptCost    int // 0: bcrypt's default
	// TrustedProxies and CountryHeader: see web.Config.
	TrustedProxies []netip.Prefix
	CountryHeader  string
	// MetricsAddr, when set, serves /metrics on a listener of its own and
	// not on Addr.
	MetricsAddr string
	// BatchTimeout is each ledger batch's deadline; 0: ledger.DefaultBatchTimeout.
	BatchTimeout time.Duration
	Log          *slog.Logger
	// DemoAdmin receives the demo admin's email and password when --demo
	// creates it (on the first start only).
	DemoAdmin func(email, password string)
}

// App is one running instance.
type App struct {
	opts   Options
	Store  store.Store
	Writer *ledger.Writer
	Server *web.Server
	ln     net.Listener
	http   *http.Server
	// mln and mhttp serve /metrics when Options.MetricsAddr is set.
	mln   net.Listener
	mhttp *http.Server
	// stopLimiter ends the rate limiter's sync loop and waits for it.
	stopLimiter func()
	// stopRefusals ends the loop that adds refused origins' counts to the
	// store, which adds them once more, and waits for it.
	stopRefusals func()
}

// OpenStore opens the store a --db value names.
func OpenStore(ctx context.Context, db string) (store.Store, error) {
	if err := CheckDB(db); err != nil {
		return nil, err
	}
	if IsPostgres(db) {
		return opened(postgres.Open(ctx, db))
	}
	return opened(sqlite.Open(ctx, strings.TrimPrefix(db, "sqlite:")))
}

// CheckDB refuses a --db value that names neither a SQLite file nor a
// PostgreSQL database, without echoing it: a URL of another scheme
// (postgress://, a typo) would otherwise be taken for a file name, and
// its password printed in the error.
func CheckDB(db string) error {
	switch {
	case IsPostgres(db):
		return nil
	case db == "":
		return errors.New("--db: empty; use sqlite:PATH or postgres://…")
	case db == "sqlite:":
		return errors.New("--db: sqlite: names no file; use sqlite:PATH")
	case strings.Contains(db, "://"):
		return fmt.Errorf("--db: %s… is neither sqlite:PATH nor postgres://…", db[:strings.Index(db, "://")+3])
	}
	return nil
}

// opened returns a store that failed to open as a nil interface, not as an
// interface holding a nil pointer, which a later a.Store != nil would take
// for an open store (and Close would panic on).
func opened[S store.Store](s S, err error) (store.Store, error) {
	if err != nil {
		return nil, err
	}
	return s, nil
}

// IsPostgres reports whether a --db value names a PostgreSQL database.
func IsPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// ErrClusterKeys is why an instance on PostgreSQL will not start without
// configured keys: keys it made itself would differ from its peers', and a
// token or console session signed by one instance would fail on the next.
var ErrClusterKeys = errors.New("with PostgreSQL every instance must sign with the same keys: make them once with " +
	"`consentry keys generate` (a deployment moved from SQLite keeps its own: `consentry keys export --db sqlite:PATH`) " +
	"and give every instance --token-keys and --session-keys " +
	"(or CONSENTRY_TOKEN_KEYS and CONSENTRY_SESSION_KEYS, or their _FILE twins), or a shared --keys-file")

// Open starts everything but serving: it opens the store, loads the keys,
// starts the writer and binds the listener, so Addr is known before Run.
func Open(ctx context.Context, o Options) (a *App, err error) {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	a = &App{opts: o}
	defer func(a *App) { // a itself, not the nil an early return leaves in the result
		if err != nil {
			a.Close()
		}
	}(a)
	// Bind first: a taken port is the commonest failed start, and it should
	// say so before a key file or a database is created.
	if a.ln, err = listen(o.Addr, "--addr HOST:PORT (make run ADDR=HOST:PORT)"); err != nil {
		return nil, err
	}
	if o.MetricsAddr != "" {
		if a.mln, err = listen(o.MetricsAddr, "--metrics-addr HOST:PORT"); err != nil {
			return nil, fmt.Errorf("--metrics-addr: %w", err)
		}
	}
	keys, err := a.keys()
	if err != nil {
		return nil, err
	}
	if a.Store, err = OpenStore(ctx, o.DB); err != nil {
		return nil, err
	}
	a.Store.LogSweeps(o.Log)
	codec, err := token.NewCodec(keys.Token...)
	if err != nil {
		return nil, err
	}
	if o.BcryptCost == 0 {
		o.BcryptCost = auth.BcryptCost
		a.opts.BcryptCost = o.BcryptCost
	}
	bundle, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	wopts := []ledger.Option{ledger.Logger(o.Log)}
	if o.BatchTimeout > 0 {
		wopts = append(wopts, ledger.BatchTimeout(o.BatchTimeout))
	}
	a.Writer = ledger.NewWriter(a.Store, 16384, 1024, web.WriterObserver(reg), wopts...)
	var limiter *ratelimit.Limiter
	if o.RateLimit > 0 {
		limiter = ratelimit.New(o.RateLimit)
		a.startLimiter(limiter)
	}
	a.Server, err = web.New(web.Config{
		Store: a.Store, Writer: a.Writer, Tokens: codec, I18n: bundle, Log: o.Log,
		RateLimit: limiter, Metrics: reg, SecureCookies: o.SecureCookies,
		Sessions: auth.NewSessions(keys.Session...), BcryptCost: o.BcryptCost,
		TrustedProxies: o.TrustedProxies, CountryHeader: o.CountryHeader,
		MetricsElsewhere: o.MetricsAddr != "", Signer: keys.SigningKey(),
	})
	if err != nil {
		return nil, err
	}
	refusals, stopRefusals := context.WithCancel(context.Background())
	refusalsDone := make(chan struct{})
	go func() { defer close(refusalsDone); a.Server.RunRefusals(refusals) }()
	a.stopRefusals = func() { stopRefusals(); <-refusalsDone }
	if o.Demo {
		if err := seedDemo(ctx, a.Store, bundle, a.URL(), o.Log); err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
		if err := seedAdmin(ctx, a.Store, o.BcryptCost, o.DemoAdmin); err != nil {
			return nil, fmt.Errorf("demo admin: %w", err)
		}
	}
	// A slow client cannot hold a connection: its header must arrive within
	// ReadHeaderTimeout and an idle keep-alive ends after IdleTimeout. The
	// body's and the response's deadlines are set per request by the web
	// package (web.BodyTimeout, web.WriteTimeout): a server-wide
	// ReadTimeout or WriteTimeout would also cut a long export short.
	a.http = &http.Server{Handler: a.Server, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 60 * time.Second}
	if a.mln != nil {
		a.mhttp = &http.Server{Handler: a.Server.MetricsHandler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 60 * time.Second}
	}
	return a, nil
}

// startLimiter runs the rate limiter's sync loop while the App is open:
// with PostgreSQL it shares the counts with the other instances; on SQLite
// (one instance) it only forgets networks that went quiet.
func (a *App) startLimiter(l *ratelimit.Limiter) {
	var shared store.RateCounts
	if rc, ok := a.Store.(store.RateCounts); ok {
		shared = rc
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); l.Run(ctx, shared, a.opts.Log) }()
	a.stopLimiter = func() { cancel(); <-done }
}

// noSigningKey is logged at start when the deployment has no signing
// key: everything works but the integrity page's signed export of the head.
const noSigningKey = "no signing key: the integrity page cannot sign the ledger's head. Run `consentry keys generate` " +
	"and give every instance its CONSENTRY_SIGNING_KEYS line (or --signing-keys), or add that value to a shared key file's " +
	"\"signing\" list; on SQLite a key file Consentry keeps gets one at the next start"

// keys are the configured keys, or the key file's. Signing keys come with
// the others: from the flags when those give the token and session keys,
// else from the key file, which on SQLite gains one when it lacks it.
func (a *App) keys() (config.Keys, error) {
	k := config.Keys{Token: a.opts.TokenKeys, Session: a.opts.SessionKeys, Signing: a.opts.SigningKeys}
	if err := config.CheckSigning(k.Signing); err != nil {
		return k, fmt.Errorf("--signing-keys: %w", err)
	}
	if len(k.Token) > 0 && len(k.Session) > 0 {
		if len(k.Signing) == 0 {
			a.opts.Log.Warn(noSigningKey)
		}
		return k, nil
	}
	path := a.opts.KeysFile
	var (
		file    config.Keys
		changed string
		err     error
	)
	switch {
	case IsPostgres(a.opts.DB) && path == "":
		return k, ErrClusterKeys
	case IsPostgres(a.opts.DB):
		// A shared file is read, never made or changed: a missing one must
		// not become a key set of this instance's own.
		file, err = config.LoadKeys(path)
	case path == "":
		path = DefaultKeysFile(a.opts.DB)
		fallthrough
	default:
		file, changed, err = config.LoadOrCreateKeys(path)
	}
	if err != nil {
		return k, err
	}
	switch changed {
	case config.KeysCreated:
		a.opts.Log.Info("generated the keys (tokens, console sessions, signed heads); keep this file with the database and back it up: consentry backup does not copy it", "file", path)
	case config.KeysSigningAdded:
		a.opts.Log.Info("added an Ed25519 signing key to the key file (for the integrity page's signed head); the other keys are unchanged", "file", path)
	}
	if len(k.Token) == 0 {
		k.Token = file.Token
	}
	if len(k.Session) == 0 {
		k.Session = file.Session
	}
	if len(k.Signing) == 0 {
		k.Signing = file.Signing
	}
	if len(k.Signing) == 0 {
		a.opts.Log.Warn(noSigningKey)
	}
	return k, nil
}

// DefaultKeysFile is the key file Consentry keeps beside a SQLite database.
func DefaultKeysFile(db string) string {
	db = strings.TrimPrefix(db, "sqlite:")
	return filepath.Join(filepath.Dir(db), strings.TrimSuffix(filepath.Base(db), filepath.Ext(db))+".keys")
}

// LoadKeys reads the keys a command other than serve needs, from the same
// places serve reads them (flags, else the key file, else on SQLite the
// file beside the database), changing nothing.
func LoadKeys(db, keysFile string, signing [][]byte) (config.Keys, error) {
	if len(signing) > 0 {
		return config.Keys{Signing: signing}, config.CheckSigning(signing)
	}
	if keysFile == "" && !IsPostgres(db) {
		if err := CheckDB(db); err != nil {
			return config.Keys{}, err
		}
		keysFile = DefaultKeysFile(db)
	}
	if keysFile == "" {
		return config.Keys{}, nil
	}
	return config.LoadKeys(keysFile)
}

// URL is the base URL the instance serves on.
func (a *App) URL() string { return baseURL(a.ln) }

// MetricsURL is where /metrics is served: on its own listener when
// Options.MetricsAddr is set, else on URL.
func (a *App) MetricsURL() string {
	if a.mln != nil {
		return baseURL(a.mln) + "/metrics"
	}
	return a.URL() + "/metrics"
}

func baseURL(ln net.Listener) string {
	addr := ln.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, fmt.Sprint(addr.Port))
}

// Run serves until ctx is cancelled, then shuts down gracefully: requests in
// flight finish and every queued event is committed.
func (a *App) Run(ctx context.Context) error {
	errc := make(chan error, 2)
	go func() { errc <- a.http.Serve(a.ln) }()
	pruneCtx, stopPruning := context.WithCancel(ctx)
	defer stopPruning()
	go a.pruneRequests(pruneCtx)
	// Each site's retention, purged in the background; waited for before
	// the store closes.
	scheduled := make(chan struct{})
	go func() { defer close(scheduled); retention.Schedule(pruneCtx, a.Store, a.opts.Log) }()
	defer func() { stopPruning(); <-scheduled }()
	if a.mhttp != nil {
		go func() { errc <- a.mhttp.Serve(a.mln) }()
	}
	select {
	case err := <-errc:
		if a.mhttp != nil {
			a.mhttp.Close()
		}
		a.http.Close()
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownGrace)
	defer cancel()
	if a.mhttp != nil {
		a.mhttp.Close() // a scrape in flight needs no grace
	}
	if err := a.http.Shutdown(sctx); errors.Is(err, context.DeadlineExceeded) {
		// Whoever is still connected (a client trickling its request) was
		// given its chance; the stop is still an orderly one: nothing it
		// sent was acknowledged, and Close drains the writer.
		a.opts.Log.Warn("closing connections still open after the grace period", "grace", ShutdownGrace)
		return a.http.Close()
	} else {
		return err
	}
}

// ShutdownGrace is how long Run lets requests in flight finish once asked
// to stop, before it closes their connections.
const ShutdownGrace = 10 * time.Second

// listen binds addr and, when it cannot, says why in one plain line:
// "listen 127.0.0.1:8080: address already in use", and for a port another
// program holds (the commonest failed start, for a newcomer too) how to
// choose another: the flag, given as choose.
func listen(addr, choose string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err == nil {
		return ln, nil
	}
	var (
		op  *net.OpError
		sys *os.SyscallError
		ae  *net.AddrError
	)
	switch {
	case errors.As(err, &sys) && errors.Is(sys.Err, syscall.EADDRINUSE):
		return nil, fmt.Errorf("listen %s: %w: another program listens there; choose another address with %s", addr, sys.Err, choose)
	case errors.As(err, &sys):
		return nil, fmt.Errorf("listen %s: %w", addr, sys.Err)
	case errors.As(err, &ae):
		return nil, fmt.Errorf("listen %s: %s", addr, ae.Err)
	case errors.As(err, &op):
		return nil, fmt.Errorf("listen %s: %w", addr, op.Err)
	}
	return nil, err
}

// Close stops the writer after draining it and closes the store.
func (a *App) Close() error {
	if a.ln != nil && a.http == nil {
		a.ln.Close()
	}
	if a.mln != nil && a.mhttp == nil {
		a.mln.Close()
	}
	if a.stopLimiter != nil {
		a.stopLimiter()
	}
	if a.stopRefusals != nil {
		a.stopRefusals()
	}
	if a.Writer != nil {
		a.Writer.Close()
	}
	if a.Store != nil {
		return a.Store.Close()
	}
	return nil
}

// DB is the --db value the instance runs on.
func (a *App) DB() string { return a.opts.DB }

// Redacted is a --db value fit to print: a PostgreSQL URL without its password.
func Redacted(db string) string {
	if u, err := url.Parse(db); err == nil && IsPostgres(db) {
		return u.Redacted()
	}
	return db
}

// RequestWindow is how long the request ID of a consent post is kept: a
// retry within it answers the first result; one later records anew.
const RequestWindow = 24 * time.Hour

// pruneRequests forgets request IDs older than RequestWindow, at start and
// then hourly, until ctx ends. With several instances each prunes; the
// deletes are idempotent.
func (a *App) pruneRequests(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if _, err := a.Store.PruneRequests(ctx, time.Now().Add(-RequestWindow)); err != nil && ctx.Err() == nil {
			a.opts.Log.Warn("forgetting old request IDs", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
