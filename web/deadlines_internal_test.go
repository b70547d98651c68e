package web

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// The per-request deadlines with short timeouts, on a real connection: a
// body trickled in is cut off, a client that stops reading frees the
// handler, while a handler that works long after reading its body and a
// response streamed steadily for longer than the write timeout both finish.
func TestDeadlines(t *testing.T) {
	const timeout = 200 * time.Millisecond
	e := echo.New()
	e.Use(deadlines(timeout, timeout))
	e.POST("/body", func(c echo.Context) error {
		if _, err := io.ReadAll(c.Request().Body); err != nil {
			return c.String(http.StatusBadRequest, "cut off")
		}
		time.Sleep(3 * timeout) // working long after the body was read
		if err := c.Request().Context().Err(); err != nil {
			return c.String(http.StatusOK, "cancelled")
		}
		return c.String(http.StatusOK, "done")
	})
	wrote := make(chan error, 1)
	e.GET("/big", func(c echo.Context) error {
		chunk := make([]byte, 64<<10)
		for range 4096 { // 256 MB: more than any socket buffer
			if _, err := c.Response().Write(chunk); err != nil {
				wrote <- err
				return nil
			}
		}
		wrote <- nil
		return nil
	})
	srv := httptest.NewServer(e)
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")

	t.Run("body trickled in", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
		answered := make(chan string, 1)
		go func() {
			res, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				answered <- err.Error()
				return
			}
			b, _ := io.ReadAll(res.Body)
			answered <- fmt.Sprint(res.StatusCode, " ", string(b))
		}()
		for sent := 0; sent < 1000; sent++ { // a byte every 50 ms: 50 s if let be
			select {
			case got := <-answered:
				if got != "400 cut off" {
					t.Errorf("answer %q, want 400 cut off", got)
				}
				return
			case <-time.After(50 * time.Millisecond):
				conn.Write([]byte("x"))
			}
		}
		t.Fatal("the whole trickled body was read")
	})

	t.Run("long work after the body", func(t *testing.T) {
		res, err := http.Post(srv.URL+"/body", "text/plain", strings.NewReader("hello"))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if string(b) != "done" {
			t.Errorf("answer %q, want done: the body's deadline cancelled the handler", b)
		}
	})

	t.Run("client stops reading", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
		select {
		case err := <-wrote:
			if err == nil {
				t.Fatal("256 MB written to a client that reads nothing")
			}
		case <-time.After(time.Minute):
			t.Fatal("the handler is still blocked writing to a client that reads nothing")
		}
	})

	t.Run("steady stream", func(t *testing.T) {
		// A write timeout of its own, long beside the pauses between writes,
		// so that a loaded machine's scheduling delays cannot pass for a
		// stalled client: only the sliding deadline lets 3 s of writes through.
		const writeTimeout = time.Second
		e := echo.New()
		e.Use(deadlines(writeTimeout, writeTimeout))
		e.GET("/stream", func(c echo.Context) error {
			for i := range 30 { // 3 × the write timeout in all
				if i > 0 {
					time.Sleep(writeTimeout / 10)
				}
				fmt.Fprintf(c.Response(), "line %d\n", i)
				c.Response().Flush()
			}
			return nil
		})
		srv := httptest.NewServer(e)
		defer srv.Close()
		res, err := http.Get(srv.URL + "/stream")
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil || strings.Count(string(b), "\n") != 30 {
			t.Errorf("streamed %d lines (%v), want 30", strings.Count(string(b), "\n"), err)
		}
	})
}
