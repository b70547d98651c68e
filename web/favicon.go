package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// favicon is Consentry's icon: a green shield with a tick. Browsers ask for
// /favicon.ico on every page of this origin (the demo, the no-JavaScript
// page, the receipt, the console); an answer spares each one a 404.
const favicon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path d="M16 2 4 6v9c0 7.5 5.1 13 12 15 6.9-2 12-7.5 12-15V6z" fill="#1a5e33"/><path d="m10 16 4 4 8-9" fill="none" stroke="#fff" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/></svg>`

// getFavicon serves the icon as SVG, which browsers accept at this URL.
func getFavicon(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=86400")
	return c.Blob(http.StatusOK, "image/svg+xml", []byte(favicon))
}
