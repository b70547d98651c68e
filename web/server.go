// Package web is Consentry's HTTP layer on Echo: the snippet, the visitor
// API, the no-JavaScript preferences page, the demo and the probes. Routes
// are all in routes.go; errors all go through errors.go.
package web

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"reflect"
	"sync"
	"time"

	"github.com/a-h/templ"
	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/ratelimit"
	"github.com/consentry/consentry/internal/store"
	"github.com/consentry/consentry/internal/token"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
)

// Config is what the HTTP layer needs from the rest of the program.
type Config struct {
	Store  store.Store
	Writer *ledger.Writer
	Tokens *token.Codec
	I18n   *i18n.Bundle
	Log    *slog.Logger
	// RateLimit admits the decisions of each client network (see package
	// ratelimit); nil: no limit.
	RateLimit *ratelimit.Limiter
	// Metrics is where the server registers its collectors.
	Metrics *prometheus.Registry
	// SecureCookies marks cookies the server sets as Secure even when the
	// request came over plain HTTP (TLS ended at a proxy).
	SecureCookies bool
	// Sessions seals the console's session cookies.
	Sessions *auth.Sessions
	// BcryptCost hashes passwords of users added in the console.
	BcryptCost int
	// TrustedProxies are the reverse proxies and CDNs whose X-Forwarded-For
	// and country header are believed; from anyone else both are ignored.
	TrustedProxies []netip.Prefix
	// MetricsElsewhere takes /metrics off this handler: MetricsHandler serves
	// it on a listener of its own.
	MetricsElsewhere bool
	// CountryHeader names the header the trusted proxy puts the visitor's
	// ISO country code in (for example CF-IPCountry).
	CountryHeader string
	// Signer signs the ledger's head for export (the integrity page); nil
	// when the deployment has no signing key, which the page then says.
	Signer ed25519.PrivateKey
}

// Server is the HTTP handler of one Consentry instance.
type Server struct {
	cfg     Config
	echo    *echo.Echo
	assets  *assets
	sites   siteCache
	texts   sync.Map // snapshotKey → [32]byte, see snapshot
	metrics *metrics
	refused originRefusals
	// bannerVary names every request header the banner answer depends on.
	bannerVary string
}

// New builds the server and its routes.
func New(cfg Config) (*Server, error) {
	a, err := loadAssets()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, assets: a, sites: siteCache{store: cfg.Store, ttl: 2 * time.Second, stale: staleSites}}
	s.metrics = newMetrics(cfg.Metrics, cfg.Writer, cfg.Store)
	s.bannerVary = "Accept-Encoding, Accept-Language, Sec-GPC"
	if cfg.CountryHeader != "" {
		s.bannerVary += ", " + cfg.CountryHeader
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = clientIP(cfg.TrustedProxies)
	e.HTTPErrorHandler = s.handleError
	s.echo = e
	s.routes()
	return s, nil
}

// clientIP believes X-Forwarded-For only from the configured proxies. Echo
// trusts loopback, link-local and private addresses by default, which would
// let anyone on them (or behind an untrusted proxy there) pick the address
// that the rate limit, the sign-in throttle, the ledger and the audit trail
// see; without proxies the socket's address is the client's.
func clientIP(trusted []netip.Prefix) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range trusted {
		opts = append(opts, echo.TrustIPRange(netipToNet(p)))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

func netipToNet(p netip.Prefix) *net.IPNet {
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}

// jurisdiction picks the site's rule for the visitor's country, read from
// CountryHeader only when the request came through a trusted proxy.
func (s *Server) jurisdiction(c echo.Context, site *consent.Site) consent.Jurisdiction {
	if s.cfg.CountryHeader == "" || !s.fromTrustedProxy(c.Request().RemoteAddr) {
		return site.JurisdictionFor("")
	}
	return site.JurisdictionFor(c.Request().Header.Get(s.cfg.CountryHeader))
}

func (s *Server) fromTrustedProxy(remote string) bool {
	ap, err := netip.ParseAddrPort(remote)
	if err != nil {
		return false
	}
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(ap.Addr().Unmap()) {
			return true
		}
	}
	return false
}

// Routes lists every route, for tests that walk the whole surface.
func (s *Server) Routes() []*echo.Route { return s.echo.Routes() }

// ServeHTTP serves one request. A HEAD request is routed as its GET, so a
// monitor or a CDN probing an address with HEAD gets what a GET gets
// without the body, as net/http's own mux answers it; Echo routes HEAD only
// where it is registered. The copy the router sees says GET; the server's
// request still says HEAD, so net/http writes the headers and drops the body.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead {
		r = r.WithContext(r.Context())
		r.Method = http.MethodGet
	}
	s.echo.ServeHTTP(w, r)
}

// render writes a templ component after rendering it into a buffer, so that
// a render error still becomes a proper error response. Every page gets the
// Content-Security-Policy with its own nonce (csp.go) and is compressed when
// the client accepts it.
func render(c echo.Context, status int, comp templ.Component) error {
	var buf bytes.Buffer
	if err := comp.Render(withNonce(c).Context(), &buf); err != nil {
		return err
	}
	return compressed(c, status, echo.MIMETextHTMLCharsetUTF8, buf.Bytes())
}

// siteCache keeps sites for a moment, so that a burst of consents does not
// read and decode the same configuration thousands of times a second. A
// newly published revision is seen within ttl on every instance. While the
// database cannot be read, a copy read within stale is served on (and the
// database tried again every ttl), so a failover or a restart of
// PostgreSQL does not take the banner away; decisions are still 503 until
// they can be committed.
type siteCache struct {
	store store.Store
	ttl   time.Duration
	stale time.Duration
	mu    sync.Mutex
	m     map[string]*cachedSite
}

// staleSites is how long a copy of a site read before the database went
// away is served on (siteCache.stale).
const staleSites = 10 * time.Minute

type cachedSite struct {
	site *consent.Site
	at   time.Time
	// read is when the site was last read from the database (at, unless
	// the database could not be read since).
	read time.Time
	// banners are the banner answers rendered for this version of the site
	// (bannerKey → *bannerAnswer); they go when the site is read again.
	banners sync.Map
}

// ForgetSites drops the cached sites, so that a revision just published is
// served at once (the cache otherwise keeps a site for a moment).
func (s *Server) ForgetSites() {
	s.sites.mu.Lock()
	s.sites.m = nil
	s.sites.mu.Unlock()
}

func (sc *siteCache) get(ctx context.Context, id string) (*consent.Site, error) {
	e, err := sc.entry(ctx, id)
	if err != nil {
		return nil, err
	}
	return e.site, nil
}

// atLeast is get, but reads the site again when the cached copy is older
// than revision rev: a visitor shown a revision that another instance has
// just published must not be refused for this instance's cache (a 422 the
// snippet does not retry). A request naming a revision never published
// costs one read of the site, less than the consent it would have been.
func (sc *siteCache) atLeast(ctx context.Context, id string, rev int) (*consent.Site, error) {
	site, err := sc.get(ctx, id)
	if err != nil || rev <= site.Revision {
		return site, err
	}
	sc.mu.Lock()
	if c, ok := sc.m[id]; ok && c.site == site {
		delete(sc.m, id) // unless another request has read it again meanwhile
	}
	sc.mu.Unlock()
	return sc.get(ctx, id)
}

// entry is the cached site with what was rendered from it. A site read
// again keeps the old entry, answers included, while nothing in it changed.
func (sc *siteCache) entry(ctx context.Context, id string) (*cachedSite, error) {
	now := time.Now()
	sc.mu.Lock()
	c, ok := sc.m[id]
	sc.mu.Unlock()
	if ok && now.Sub(c.at) < sc.ttl {
		return c, nil
	}
	// Only a valid ID is ever cached, so one found needs no check.
	if !ok && !consent.ValidSiteID(id) {
		return nil, consent.Errorf(consent.ENotFound, "no site %q", id)
	}
	site, err := sc.store.Site(ctx, id)
	var typed *consent.Error
	if err != nil && !errors.As(err, &typed) {
		if ok && now.Sub(c.read) < sc.stale {
			return sc.keep(id, c, now), nil
		}
		// The database is busy or unreachable: for a visitor that is as
		// temporary as a commit that failed (503, retry), not a 500.
		return nil, consent.Wrap(consent.EUnavailable, err, "the site's configuration cannot be read right now; retry shortly")
	}
	if err != nil {
		return nil, err
	}
	fresh := &cachedSite{site: site, at: now, read: now}
	if ok && reflect.DeepEqual(c.site, site) {
		fresh = c.again(now, now)
	}
	sc.mu.Lock()
	if sc.m == nil {
		sc.m = map[string]*cachedSite{}
	}
	sc.m[id] = fresh
	sc.mu.Unlock()
	return fresh, nil
}

// again is c, answers included, cached at at and last read at read.
func (c *cachedSite) again(at, read time.Time) *cachedSite {
	n := &cachedSite{site: c.site, at: at, read: read}
	c.banners.Range(func(k, v any) bool { n.banners.Store(k, v); return true })
	return n
}

// keep serves c on for another ttl, answers included, while the database
// cannot be read.
func (sc *siteCache) keep(id string, c *cachedSite, now time.Time) *cachedSite {
	kept := c.again(now, c.read)
	sc.mu.Lock()
	if sc.m[id] == c {
		sc.m[id] = kept
	}
	sc.mu.Unlock()
	return kept
}
