package web

import (
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/consentry/consentry/internal/token"
	"github.com/labstack/echo/v4"
)

// The consent endpoint is the one every visitor's decision goes through, so
// its request body is read into a reused buffer and its answer written by
// hand into another, byte for byte what encoding/json writes (a test holds
// the two together): reflection, and a buffer grown afresh for every
// request, were a tenth of what a consent cost outside the database.

// buffers holds byte slices for request bodies and answers: each is at most
// a body limit long, so keeping them costs little.
var buffers = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// readBody reads r to its end into a buffer from the pool; the caller puts
// it back when done with the bytes.
func readBody(r io.Reader) (*[]byte, error) {
	bp := buffers.Get().(*[]byte)
	b := (*bp)[:0]
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			*bp = b
			return bp, nil
		}
		if err != nil {
			*bp = b
			putBuffer(bp)
			return nil, err
		}
	}
}

func putBuffer(bp *[]byte) {
	if cap(*bp) <= 64<<10 {
		buffers.Put(bp)
	}
}

// writeConsentJSON answers status with resp written as encoding/json
// writes it.
func writeConsentJSON(c echo.Context, status int, resp *consentResponse) error {
	if y := resp.ExpiresAt.Year(); y < 0 || y > 9999 {
		return c.JSON(status, *resp) // fails as encoding/json fails (a copy: resp stays on the caller's stack)
	}
	bp := buffers.Get().(*[]byte)
	*bp = resp.appendJSON((*bp)[:0])
	err := c.Blob(status, echo.MIMEApplicationJSON, *bp)
	putBuffer(bp)
	return err
}

// appendJSON appends r as json.NewEncoder(w).Encode(r) writes it, newline
// included, for an ExpiresAt in the years 0 to 9999 (those it can write).
func (r *consentResponse) appendJSON(b []byte) []byte {
	b = append(b, `{"consent_id":`...)
	b = token.AppendJSONString(b, r.ConsentID)
	b = append(b, `,"event_id":`...)
	b = token.AppendJSONString(b, r.EventID)
	b = append(b, `,"token":`...)
	b = token.AppendJSONString(b, r.Token)
	b = append(b, `,"expires_at":"`...)
	b = r.ExpiresAt.AppendFormat(b, time.RFC3339Nano)
	b = append(b, '"')
	b = append(b, `,"revision":`...)
	b = strconv.AppendInt(b, int64(r.Revision), 10)
	b = append(b, `,"granted":`...)
	if r.Granted == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, g := range r.Granted {
			if i > 0 {
				b = append(b, ',')
			}
			b = token.AppendJSONString(b, g)
		}
		b = append(b, ']')
	}
	b = append(b, `,"gpc":`...)
	b = strconv.AppendBool(b, r.GPC)
	if len(r.GPCDenied) > 0 {
		b = append(b, `,"gpc_denied":[`...)
		for i, g := range r.GPCDenied {
			if i > 0 {
				b = append(b, ',')
			}
			b = token.AppendJSONString(b, g)
		}
		b = append(b, ']')
	}
	return append(b, "}\n"...)
}
