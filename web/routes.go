package web

import (
	"net/http"
	"strconv"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ratelimit"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// routes is the whole HTTP surface, in one place.
func (s *Server) routes() {
	e := s.echo
	e.Use(middleware.Recover())
	e.Use(deadlines(BodyTimeout, WriteTimeout))
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		ContentTypeNosniff: "nosniff", XFrameOptions: "SAMEORIGIN", ReferrerPolicy: "strict-origin-when-cross-origin",
	}))
	limit := bodyLimit(VisitorBodyLimit)
	visitor := s.rateLimit()

	// The snippet and its stylesheet; /c.<version>.js is the immutable URL.
	e.GET("/c.js", s.getSnippet)
	e.GET("/c.css", s.getCSS)
	e.GET("/favicon.ico", getFavicon)
	e.GET("/:file", s.getVersionedSnippet)

	// The visitor API, called by the snippet from the site's pages.
	v1 := e.Group("/api/v1", limit)
	v1.GET("/sites/:site/banner", s.getBanner)
	v1.POST("/sites/:site/consents", s.postConsent, visitor)
	v1.OPTIONS("/sites/:site/consents", s.preflightConsent)
	v1.POST("/consents/verify", s.postVerify)

	// Global Privacy Control: this origin honours the signal.
	e.GET("/.well-known/gpc.json", getGPCSupport)

	// The preference center without JavaScript.
	e.GET("/p/:site", s.getPrefsPage)
	e.POST("/p/:site", s.postPrefsPage, limit, visitor)

	// The demo shop.
	e.GET("/demo", s.getDemo)
	e.GET("/demo/video", s.getDemoVideo)
	e.GET("/demo/privacy", s.getDemoNotice("prefs_policy", "demo_privacy_body", "demo_privacy_kept"))
	e.GET("/demo/legal", s.getDemoNotice("link_legal", "demo_legal_body", ""))
	e.GET("/demo/analytics.js", demoAssets)
	e.GET("/demo/shop.css", demoAssets)

	// A visitor's receipt of their own decisions.
	v1.GET("/consents/receipt", s.getReceipt)

	// The staff console. Every route but sign-in needs a session; every form
	// carries a CSRF token; admin-only routes say so.
	e.GET("/admin.css", s.getAdminCSS)
	e.GET("/admin.js", s.getAdminJS)
	e.GET("/admin", func(c echo.Context) error { return c.Redirect(http.StatusSeeOther, "/admin/log") })
	console := e.Group("/admin", bodyLimit(ConsoleBodyLimit))
	signin := s.csrf() // before a session exists; afterwards session checks the session's own token
	console.GET("/login", s.getLogin, signin)
	console.POST("/login", s.postLogin, signin)
	staff := console.Group("", s.session, s.requestsDue)
	staff.POST("/logout", s.postLogout)
	staff.POST("/me", s.postMe)
	staff.GET("/account", s.getAccount)
	staff.POST("/account/password", s.postPassword)
	staff.POST("/account/signout-everywhere", s.postSignOutEverywhere)
	staff.GET("/log", s.getLog)
	staff.GET("/log/export", s.getExport)
	staff.GET("/events/:id", s.getEvent)
	staff.GET("/consents/:id", s.getConsent)
	staff.GET("/consents/:id/export", s.getConsentExport)
	staff.POST("/consents/:id/erase", s.postErase, requireAdmin)
	staff.GET("/requests", s.getRequests)
	staff.POST("/requests", s.postRequests, requireAdmin)
	staff.GET("/requests/:id", s.getRequest)
	staff.POST("/requests/:id/answer", s.postRequestAnswer, requireAdmin)
	staff.POST("/requests/:id/extend", s.postRequestExtend, requireAdmin)
	staff.GET("/dashboard", s.getDashboard)
	staff.GET("/dashboard/export", s.getDashboardExport)
	staff.GET("/integrity", s.getIntegrity)
	staff.POST("/integrity", s.postIntegrity)
	staff.GET("/integrity/head", s.getSignedHead)
	staff.GET("/audit", s.getAudit, requireAdmin)
	staff.GET("/audit/export", s.getAuditExport, requireAdmin)
	staff.GET("/users", s.getUsers, requireAdmin)
	staff.POST("/users", s.postUsers, requireAdmin)
	staff.POST("/users/:id", s.postUser, requireAdmin)
	staff.GET("/sites", s.getSites, requireAdmin)
	staff.POST("/sites", s.postSites, requireAdmin)
	staff.GET("/sites/:site", s.getSite, requireAdmin)
	staff.POST("/sites/:site/basics", s.postSiteBasics, requireAdmin)
	staff.POST("/sites/:site/origins/allow", s.postSiteAllowOrigin, requireAdmin)
	staff.POST("/sites/:site/categories", s.postSiteCategory, requireAdmin)
	staff.POST("/sites/:site/categories/:key/delete", s.postSiteCategoryDelete, requireAdmin)
	staff.POST("/sites/:site/categories/:key", s.postSiteCategoryRename, requireAdmin)
	staff.POST("/sites/:site/catalog", s.postSiteCatalog, requireAdmin)
	staff.POST("/sites/:site/catalog/update", s.postSiteCatalogUpdate, requireAdmin)
	staff.POST("/sites/:site/services", s.postSiteService, requireAdmin)
	staff.POST("/sites/:site/services/:n/delete", s.postSiteServiceDelete, requireAdmin)
	staff.POST("/sites/:site/texts", s.postSiteTexts, requireAdmin)
	staff.POST("/sites/:site/what-changed", s.postSiteWhatChanged, requireAdmin)
	staff.POST("/sites/:site/publish", s.postSitePublish, requireAdmin)
	staff.GET("/sites/:site/diff", s.getSiteDiff, requireAdmin)
	staff.GET("/sites/:site/embed", s.getSiteEmbed, requireAdmin)
	staff.GET("/sites/:site/preview", s.getSitePreview, requireAdmin)

	// Probes and metrics.
	e.GET("/healthz", s.getHealth)
	e.GET("/readyz", s.getReady)
	if !s.cfg.MetricsElsewhere {
		e.GET("/metrics", s.metrics.handler)
	}
}

// MetricsHandler serves /metrics alone, for a listener of its own
// (--metrics-addr) that only the monitoring network reaches.
func (s *Server) MetricsHandler() http.Handler {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/metrics", s.metrics.handler)
	return e
}

// rateLimit limits decisions per client network (ratelimit.Key: the
// address cut to its /24 or /48); off without a limiter. The limiter decides
// in memory and shares its counts with the other instances in the
// background (package ratelimit), so no decision waits for the database.
func (s *Server) rateLimit() echo.MiddlewareFunc {
	if s.cfg.RateLimit == nil {
		return func(next echo.HandlerFunc) echo.HandlerFunc { return next }
	}
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store:               s.cfg.RateLimit,
		IdentifierExtractor: func(c echo.Context) (string, error) { return ratelimit.Key(c.RealIP()), nil },
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			c.Response().Header().Set("Retry-After", strconv.Itoa(s.cfg.RateLimit.RetryAfter()))
			return consent.Errorf(consent.ERateLimited, "too many decisions from this address; retry shortly")
		},
	})
}
