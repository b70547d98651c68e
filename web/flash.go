package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// flashCookie carries a confirmation from a form's POST to the one page its
// redirect shows, once: a flag in the address said it again on every
// reload of that page and to whoever the link was sent to.
const flashCookie = "consentry_flash"

// flashPublished, followed by a revision's number, is the part a flash
// names after Publish: the site editor says that revision is live.
const flashPublished = "published "

// flashChanged is the account page's part after a password change.
const flashChanged = "password"

// flashLife is how long a confirmation waits for its page: a redirect
// followed at once, not a page opened later.
const flashLife = time.Minute

// flash is what the cookie holds, sealed with the session keys: the page it
// is for (a path), and the part of that page that was just changed, where
// the confirmation is said.
type flash struct {
	Page  string `json:"p"`
	Part  string `json:"w"`
	Until int64  `json:"u"`
}

// setFlash has the next view of page say that its part was just changed.
func (s *Server) setFlash(c echo.Context, page, part string) error {
	v, err := s.cfg.Sessions.Seal(flashCookie, flash{Page: page, Part: part, Until: time.Now().Add(flashLife).Unix()})
	if err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: flashCookie, Value: v, Path: "/admin", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies || c.IsTLS(), MaxAge: int(flashLife / time.Second)})
	return nil
}

// takeFlash is the part of page a confirmation waiting for it names, ""
// without one; taking it ends it, so that a reload says nothing. A
// confirmation for another page waits for that page.
func (s *Server) takeFlash(c echo.Context, page string) string {
	ck, err := c.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	var f flash
	if !s.cfg.Sessions.Unseal(flashCookie, ck.Value, &f) || f.Page != page {
		return ""
	}
	c.SetCookie(&http.Cookie{Name: flashCookie, Path: "/admin", MaxAge: -1, HttpOnly: true})
	if time.Now().Unix() > f.Until {
		return ""
	}
	return f.Part
}
