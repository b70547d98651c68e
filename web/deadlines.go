package web

import (
	"errors"
	"io"
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
// write deadline of the response, through http.ResponseController.
func deadlines(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r, res := c.Request(), c.Response()
		rc := http.NewResponseController(res.Writer)
		if r.ContentLength != 0 && r.Body != nil && r.Body != http.NoBody {
			if err := rc.SetReadDeadline(time.Now().Add(BodyTimeout)); err == nil {
				r.Body = &untilEOF{ReadCloser: r.Body, rc: rc}
			}
		}
		res.Writer = &slidingWriter{ResponseWriter: res.Writer, rc: rc}
		return next(c)
	}
}

// untilEOF lifts the body's read deadline once the body is read: the server
// then watches the connection for the client going away, and a deadline
// passing there would cancel a long handler (an integrity check) for nothing.
type untilEOF struct {
	io.ReadCloser
	rc *http.ResponseController
}

func (u *untilEOF) Read(p []byte) (int, error) {
	n, err := u.ReadCloser.Read(p)
	if errors.Is(err, io.EOF) {
		u.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}

// slidingWriter moves the write deadline WriteTimeout ahead of each write
// (at most once a second, to keep the cost off the hot path).
type slidingWriter struct {
	http.ResponseWriter
	rc   *http.ResponseController
	last time.Time
}

func (w *slidingWriter) Write(p []byte) (int, error) {
	if now := time.Now(); now.Sub(w.last) > time.Second {
		w.rc.SetWriteDeadline(now.Add(WriteTimeout))
		w.last = now
	}
	return w.ResponseWriter.Write(p)
}

// FlushError and Unwrap keep streaming working through the wrapper.
func (w *slidingWriter) FlushError() error           { return w.rc.Flush() }
func (w *slidingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
