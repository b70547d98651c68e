package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/andybalholm/brotli"
	"github.com/consentry/consentry/static"
	"github.com/evanw/esbuild/pkg/api"
	"github.com/labstack/echo/v4"
)

// asset is one file served from memory, precompressed (brotli and gzip),
// with a strong ETag.
type asset struct {
	body, gz, br []byte
	contentType  string
	etag         string
	version      string // first hex digits of the digest, for immutable URLs
	integrity    string // Subresource Integrity value of body
}

type assets struct {
	snippet, admin *asset
	// adminJS is the console's script (static/admin.js).
	adminJS *asset
	// css is the whole visitor stylesheet (/c.css, the pages, v=2 banner
	// answers); first its first layer's part and prefs the rest, which a
	// v=3 snippet links when the preference center opens: the bytes before
	// the banner shows carry only what the first layer needs.
	css, first, prefs *asset
	// releases are the frozen snippet builds by file name (c.<version>.js),
	// the running one among them.
	releases map[string]*asset
}

func loadAssets() (*assets, error) {
	snippet, err := minifyJS("consentry.js")
	if err != nil {
		return nil, err
	}
	first, err := static.FS.ReadFile("consentry.css")
	if err != nil {
		return nil, err
	}
	prefs, err := static.FS.ReadFile("prefs.css")
	if err != nil {
		return nil, err
	}
	admin, err := static.FS.ReadFile("admin.css")
	if err != nil {
		return nil, err
	}
	adminJS, err := minifyJS("admin.js")
	if err != nil {
		return nil, err
	}
	a := &assets{
		snippet:  newAsset(snippet, "text/javascript; charset=utf-8").withBrotli(),
		css:      newAsset(minifyCSS(slices.Concat(first, prefs)), "text/css; charset=utf-8").withBrotli(),
		first:    newAsset(minifyCSS(first), "text/css; charset=utf-8").withBrotli(),
		prefs:    newAsset(minifyCSS(prefs), "text/css; charset=utf-8").withBrotli(),
		admin:    newAsset(minifyCSS(admin), "text/css; charset=utf-8").withBrotli(),
		adminJS:  newAsset(adminJS, "text/javascript; charset=utf-8").withBrotli(),
		releases: map[string]*asset{},
	}
	files, err := fs.ReadDir(static.Releases, "releases")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		body, err := static.Releases.ReadFile("releases/" + f.Name())
		if err != nil {
			return nil, err
		}
		r := newAsset(body, "text/javascript; charset=utf-8") // old builds go gzipped only: brotli at its best is slow to make
		if f.Name() != "c."+r.version+".js" {
			return nil, fmt.Errorf("snippet release %s: its content is version %s", f.Name(), r.version)
		}
		a.releases[f.Name()] = r
	}
	// The running build is served at its versioned URL even before it is
	// frozen (a development build); TestSnippetReleaseFrozen keeps main honest.
	a.releases["c."+a.snippet.version+".js"] = a.snippet
	return a, nil
}

// minifyJS is one of the static scripts, minified for ES2017 browsers.
func minifyJS(name string) ([]byte, error) {
	src, err := static.FS.ReadFile(name)
	if err != nil {
		return nil, err
	}
	res := api.Transform(string(src), api.TransformOptions{
		Loader: api.LoaderJS, Target: api.ES2017,
		MinifyWhitespace: true, MinifyIdentifiers: true, MinifySyntax: true,
	})
	if len(res.Errors) > 0 {
		return nil, fmt.Errorf("%s: %s", name, res.Errors[0].Text)
	}
	return res.Code, nil
}

// minifyCSS drops comments and runs of white space; the CSS is our own, so
// this simple pass is enough.
func minifyCSS(b []byte) []byte {
	res := api.Transform(string(b), api.TransformOptions{Loader: api.LoaderCSS, MinifyWhitespace: true, MinifySyntax: true})
	return res.Code
}

func newAsset(body []byte, contentType string) *asset {
	sum := sha256.Sum256(body)
	sri := sha512.Sum384(body)
	// The ETag is the version: 40 bits tell two builds of one URL apart,
	// and every first visit downloads it with the snippet and stylesheet.
	version := hex.EncodeToString(sum[:5])
	return &asset{
		body: body, gz: gzipBest(body), contentType: contentType,
		etag:      `"` + version + `"`,
		version:   version,
		integrity: "sha384-" + base64.StdEncoding.EncodeToString(sri[:]),
	}
}

// withBrotli adds the brotli encoding, for what browsers fetch first.
func (a *asset) withBrotli() *asset {
	a.br = brotliBest(a.body)
	return a
}

// gzipBest and brotliBest compress at their best: for what is compressed
// once and served many times.
func gzipBest(body []byte) []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.Write(body)
	zw.Close()
	return b.Bytes()
}

func brotliBest(body []byte) []byte {
	var b bytes.Buffer
	bw := brotli.NewWriterLevel(&b, brotli.BestCompression)
	bw.Write(body)
	bw.Close()
	return b.Bytes()
}

// sendEncoded writes a precompressed body in the best encoding the client
// accepts (brotli, then gzip), with its length, so that nothing is chunked.
func sendEncoded(c echo.Context, status int, contentType string, plain, gz, br []byte) error {
	h := c.Response().Header()
	// Framing and referrer rules mean nothing for a script, stylesheet or
	// JSON: every byte before the banner counts.
	h.Del("X-Frame-Options")
	h.Del("Referrer-Policy")
	body := plain
	switch ae := c.Request().Header.Get("Accept-Encoding"); {
	case br != nil && accepts(ae, "br"):
		h.Set("Content-Encoding", "br")
		body = br
	case accepts(ae, "gzip"):
		h.Set("Content-Encoding", "gzip")
		body = gz
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	return c.Blob(status, contentType, body)
}

// accepts reports whether an Accept-Encoding value accepts the coding (not
// with q=0).
func accepts(header, coding string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		if strings.EqualFold(strings.TrimSpace(name), coding) {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

// serve writes the asset, compressed when the client accepts it. immutable
// marks a versioned URL that may be cached for a year.
func (a *asset) serve(c echo.Context, immutable bool) error {
	h := c.Response().Header()
	// The charset stays although the bodies are ASCII: on a host page in
	// UTF-16 a browser decodes a script or stylesheet without one in the
	// page's encoding, and neither runs nor applies.
	h.Set("Content-Type", a.contentType)
	h.Set("Vary", "Accept-Encoding")
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	if immutable {
		// Never revalidated while cached, so no ETag: 20 B fewer before
		// the banner (its stylesheet).
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
		return sendEncoded(c, http.StatusOK, a.contentType, a.body, a.gz, a.br)
	}
	h.Set("ETag", a.etag)
	h.Set("Cache-Control", "public, max-age=300")
	if c.Request().Header.Get("If-None-Match") == a.etag {
		return c.NoContent(http.StatusNotModified)
	}
	return sendEncoded(c, http.StatusOK, a.contentType, a.body, a.gz, a.br)
}

func (s *Server) getSnippet(c echo.Context) error { return s.assets.snippet.serve(c, false) }

func (s *Server) getCSS(c echo.Context) error { return s.assets.css.serve(c, false) }

func (s *Server) getAdminCSS(c echo.Context) error { return s.assets.admin.serve(c, false) }

func (s *Server) getAdminJS(c echo.Context) error { return s.assets.adminJS.serve(c, false) }

// getVersionedSnippet serves /c.<version>.js: the running build or any
// released one, immutable, so that its SRI hash never changes; and the
// banner's stylesheets at their immutable URLs, /c.<version>.css.
func (s *Server) getVersionedSnippet(c echo.Context) error {
	f := c.Param("file")
	for _, a := range []*asset{s.assets.css, s.assets.first, s.assets.prefs} {
		if f == "c."+a.version+".css" {
			return a.serve(c, true)
		}
	}
	a, ok := s.assets.releases[f]
	if !ok {
		return echo.ErrNotFound
	}
	return a.serve(c, true)
}

// StylesheetPath is the immutable URL path of the banner's stylesheet, which
// the snippet links into the banner's shadow root.
func (s *Server) StylesheetPath() string { return "/c." + s.assets.css.version + ".css" }

// firstLayerStylesheet and prefsStylesheet are the immutable URL paths of
// the stylesheet's two parts, for v=3 snippets.
func (s *Server) firstLayerStylesheet() string { return "/c." + s.assets.first.version + ".css" }

func (s *Server) prefsStylesheet() string { return "/c." + s.assets.prefs.version + ".css" }

// SnippetPath is the versioned, immutable URL path of the running snippet,
// and IntegrityOf its SRI value: what a site owner pastes.
func (s *Server) SnippetPath() (path, integrity string) {
	return "/c." + s.assets.snippet.version + ".js", s.assets.snippet.integrity
}
