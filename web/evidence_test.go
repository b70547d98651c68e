package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/store"
	"github.com/consentry/consentry/internal/store/sqlite"
	"github.com/consentry/consentry/internal/token"
	"github.com/consentry/consentry/web"
	"github.com/prometheus/client_golang/prometheus"
)

// seenByWriter is a real SQLite store that remembers, for every event the
// writer hands it, whether its personal fields were already digested.
type seenByWriter struct {
	store.Store
	mu       sync.Mutex
	digested []bool
}

func (s *seenByWriter) AppendBatch(ctx context.Context, events []*consent.Event) error {
	s.mu.Lock()
	for _, e := range events {
		s.digested = append(s.digested, e.PIISalt != nil && e.PIIDigest == ledger.PersonalDigest(e.PIISalt, e.Personal))
	}
	s.mu.Unlock()
	return s.Store.AppendBatch(ctx, events)
}

// newServerOver builds the HTTP layer over st, with the demo site published.
func newServerOver(t *testing.T, st store.Store) *web.Server {
	t.Helper()
	ctx := context.Background()
	if _, err := st.Publish(ctx, app.DemoSite("https://shop.example")); err != nil {
		t.Fatal(err)
	}
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	codec, err := token.NewCodec(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	w := ledger.NewWriter(st, 100, 10, nil)
	t.Cleanup(w.Close)
	srv, err := web.New(web.Config{Store: st, Writer: w, Tokens: codec, I18n: b, Log: slog.New(slog.DiscardHandler), Metrics: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

func openSQLite(t *testing.T) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// The writer's transaction only seals and inserts: the personal fields'
// salted digest is made in the handler, before the event is queued.
func TestPersonalDigestBeforeTheWriter(t *testing.T) {
	st := &seenByWriter{Store: openSQLite(t)}
	srv := newServerOver(t, st)
	for range 3 {
		rec := serve(srv, req{"POST", consents, `{"action":"accept_all","revision":1,"page":"https://shop.example/a"}`, map[string]string{"User-Agent": "UA/1"}})
		if rec.Code != http.StatusCreated {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
	if len(st.digested) != 3 {
		t.Fatalf("the writer saw %d events", len(st.digested))
	}
	for i, ok := range st.digested {
		if !ok {
			t.Errorf("event %d reached the writer without its personal digest", i)
		}
	}
	var v ledger.Verifier
	if err := st.Walk(context.Background(), 0, v.Next); err != nil {
		t.Fatal(err)
	}
}

// serve sends r to srv as a visitor at 203.0.113.77 would.
func serve(srv *web.Server, r req) *httptest.ResponseRecorder {
	hr := httptest.NewRequest(r.method, r.path, strings.NewReader(r.body))
	hr.RemoteAddr = "203.0.113.77:5555"
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	if r.method == http.MethodPost && hr.Header.Get("Content-Type") == "" {
		hr.Header.Set("Content-Type", "text/plain")
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, hr)
	return rec
}
