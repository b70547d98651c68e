package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// BodyTimeout is how long a client has to send a request body: far more
// than 8 KiB or a console form needs on a slow mobile link, far less than a
// client trickling a byte a second would like.
const BodyTimeout = 30 * time.Second

// WriteTimeout is how long a client may take to accept each part of a
// response. It runs from each write, not from the start of the request, so
// that an export streaming for minutes to a client that keeps reading, or a
// page that took long to compute, is not cut short, while a client that
// stops reading frees its connection.
const WriteTimeout = 30 * time.Second

// deadlines sets the per-request read deadline of a body and the sliding
// write deadline of the response, through http.ResponseController: body is
// BodyTimeout and write WriteTimeout but in tests.
func deadlines(body, write time.Duration) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r, res := c.Request(), c.Response()
			rc := http.NewResponseController(res.Writer)
			if r.ContentLength != 0 && r.Body != nil && r.Body != http.NoBody {
				// A deadline passing after the body was read does not
				// cancel the handler (TestDeadlines holds net/http to that).
				rc.SetReadDeadline(time.Now().Add(body))
			}
			res.Writer = &slidingWriter{ResponseWriter: res.Writer, rc: rc, timeout: write}
			return next(c)
		}
	}
}

// slidingWriter moves the write deadline its timeout ahead of each write
// (at most once every thirtieth of it, a second for WriteTimeout, to keep
// the cost off the hot path).
type slidingWriter struct {
	http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
	last    time.Time
}

func (w *slidingWriter) Write(p []byte) (int, error) {
	if now := time.Now(); now.Sub(w.last) > w.timeout/30 {
		w.rc.SetWriteDeadline(now.Add(w.timeout))
		w.last = now
	}
	return w.ResponseWriter.Write(p)
}

// FlushError and Unwrap keep streaming working through the wrapper.
func (w *slidingWriter) FlushError() error           { return w.rc.Flush() }
func (w *slidingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
