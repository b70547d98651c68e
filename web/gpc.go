package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// gpcSupport is this origin's Global Privacy Control support resource,
// /.well-known/gpc.json: Consentry honours the signal on every page and
// decision it serves. lastUpdate is the day what it says last changed.
var gpcSupport = []byte(`{"gpc": true, "lastUpdate": "2026-12-02"}` + "\n")

func getGPCSupport(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderCacheControl, "public, max-age=86400")
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, gpcSupport)
}
