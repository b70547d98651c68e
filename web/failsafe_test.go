package web_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/config"
	"github.com/consentry/consentry/internal/store/pgtest"
	"github.com/jackc/pgx/v5"
)

// run runs a on its real listener until the test ends.
func run(t *testing.T, a *app.App) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

// rawPost sends head and body over a fresh connection, then closes its
// sending side (the body may be shorter than Content-Length says) and
// returns the status the server answered.
func rawPost(t *testing.T, a *app.App, head, body string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(a.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(conn, head+"\r\n"+body); err != nil {
		t.Fatal(err)
	}
	conn.(*net.TCPConn).CloseWrite()
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// While the database is locked by someone else (SQLITE_BUSY), a consent is
// refused with 503 and Retry-After, never 500, and /readyz says 503; once
// the lock goes, /readyz comes back to 200 without any consent traffic, and
// consents are recorded again.
func TestStoreBusyIs503AndReadinessRecovers(t *testing.T) {
	a := newApp(t, 0, func(o *app.Options) { o.BatchTimeout = 300 * time.Millisecond })
	lock, err := sql.Open("sqlite", strings.TrimPrefix(a.DB(), "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	conn, err := lock.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	rec := do(a, req{"POST", consents, `{"action":"reject_all","revision":1}`, nil})
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("locked database: status %d, Retry-After %q: %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	if rec := do(a, req{"GET", "/readyz", "", nil}); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("readyz %d while writes fail", rec.Code)
	}
	if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for do(a, req{"GET", "/readyz", "", nil}).Code != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("readyz did not come back once the database could be written again")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if rec := do(a, req{"POST", consents, `{"action":"reject_all","revision":1}`, nil}); rec.Code != http.StatusCreated {
		t.Errorf("after recovery: %d %s", rec.Code, rec.Body)
	}
}

// With the database gone (closed under the server), a consent is 503 with
// Retry-After, not 500: reading the site's configuration fails too, and
// that is as temporary for the client as a failed commit.
func TestDatabaseGoneIs503(t *testing.T) {
	a := newApp(t, 0)
	a.Store.Close()
	rec := do(a, req{"POST", consents, `{"action":"reject_all","revision":1}`, nil})
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Errorf("status %d, Retry-After %q: %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	if rec := do(a, req{"GET", "/readyz", "", nil}); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("readyz %d with the database closed", rec.Code)
	}
}

// With the database gone after a site was read, its banner is still shown
// (a failover must not take it away from visitors), and the revision check
// and the no-JavaScript page still answer, while a decision is 503 with
// Retry-After until it can be committed; a site never read is 503 too.
func TestBannerOutlivesTheDatabase(t *testing.T) {
	a := newApp(t, 0)
	const banner = "/api/v1/sites/demo/banner?lang=en"
	before := do(a, req{"GET", banner, "", nil})
	if before.Code != http.StatusOK {
		t.Fatalf("banner before: %d %s", before.Code, before.Body)
	}
	a.Store.Close()
	time.Sleep(2100 * time.Millisecond) // past the instance's copy of the site (2 s)
	for range 2 {
		rec := do(a, req{"GET", banner, "", nil})
		if rec.Code != http.StatusOK || rec.Body.String() != before.Body.String() {
			t.Errorf("banner with the database closed: %d, same answer %v: %.200s", rec.Code, rec.Body.String() == before.Body.String(), rec.Body)
		}
	}
	if rec := do(a, req{"GET", "/api/v1/sites/demo/banner?rev=1", "", nil}); rec.Code != http.StatusNoContent {
		t.Errorf("revision check with the database closed: %d %s", rec.Code, rec.Body)
	}
	if rec := do(a, req{"GET", "/p/demo", "", nil}); rec.Code != http.StatusOK {
		t.Errorf("no-JavaScript page with the database closed: %d %.200s", rec.Code, rec.Body)
	}
	rec := do(a, req{"POST", consents, `{"action":"reject_all","revision":1}`, nil})
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Errorf("consent with the database closed: %d, Retry-After %q: %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	if rec := do(a, req{"GET", "/api/v1/sites/shop/banner", "", nil}); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("a site never read, with the database closed: %d %s", rec.Code, rec.Body)
	}
}

// With the database gone, a signed-in user is told the database cannot be
// read (503 with Retry-After), not sent to the sign-in page as if signed out,
// and a form they send is not refused with "sign in first".
func TestDatabaseGoneKeepsTheSessionSaid(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	token := c.pageToken()
	a.Store.Close()
	status, body, h := c.get("/admin/log")
	if status != http.StatusServiceUnavailable || h.Get("Retry-After") == "" {
		t.Errorf("GET with the database closed: %d (Location %q, Retry-After %q), want 503 with Retry-After: %.200s", status, h.Get("Location"), h.Get("Retry-After"), body)
	}
	status, body, _ = c.post("/admin/account/signout-everywhere", url.Values{"_csrf": {token}})
	if status != http.StatusServiceUnavailable {
		t.Errorf("POST with the database closed: %d, want 503: %.200s", status, body)
	}
}

// A sign-in while the database is away is 503 with Retry-After, not a 500
// and an ERROR line: any failure of no known kind is, while the database
// does not answer.
func TestSignInWithDatabaseGoneIs503(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "dpo@shop.example", auth.Admin)
	c := newConsole(t, a)
	csrf := c.csrf()
	a.Store.Close()
	status, body, h := c.post("/admin/login", url.Values{"email": {"dpo@shop.example"}, "password": {password}, "_csrf": {csrf}})
	if status != http.StatusServiceUnavailable || h.Get("Retry-After") == "" {
		t.Errorf("sign-in with the database closed: %d (Retry-After %q), want 503: %.200s", status, h.Get("Retry-After"), body)
	}
}

// On PostgreSQL, the instance's connections killed under it (a failover, a
// restarted database) give 503 with Retry-After while they fail, never 500,
// and consents are recorded again once the pool reconnects.
func TestLostConnectionIs503Postgres(t *testing.T) {
	base := pgtest.URL(t)
	name := fmt.Sprintf("consentry_lost_%d", time.Now().UnixNano())
	a := newApp(t, 0, onPostgres(base+"&application_name="+name, config.NewKeys(), true),
		func(o *app.Options) { o.BatchTimeout = 2 * time.Second })
	post := func() *httptest.ResponseRecorder {
		return do(a, req{"POST", consents, `{"action":"reject_all","revision":1}`, nil})
	}
	if rec := post(); rec.Code != http.StatusCreated {
		t.Fatalf("before: %d %s", rec.Code, rec.Body)
	}
	conn, err := pgx.Connect(context.Background(), base)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var killed int
	if err := conn.QueryRow(context.Background(),
		"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1", name).Scan(&killed); err != nil || killed == 0 {
		t.Fatalf("killed %d connections: %v", killed, err)
	}
	seen := map[int]int{}
	for deadline := time.Now().Add(30 * time.Second); ; {
		rec := post()
		seen[rec.Code]++
		if rec.Code == http.StatusCreated {
			break
		}
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
			t.Fatalf("with its connections killed: %d, Retry-After %q: %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no consent recorded 30 s after the connections were killed: %v", seen)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for deadline := time.Now().Add(30 * time.Second); do(a, req{"GET", "/readyz", "", nil}).Code != http.StatusOK; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("readyz did not come back")
		}
	}
	t.Logf("%d connections killed; answers then %v", killed, seen)
}
