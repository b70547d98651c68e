package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/consentry/consentry/internal/auth"
	"github.com/google/uuid"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/shown"
	"github.com/consentry/consentry/internal/store"
	"github.com/consentry/consentry/internal/store/sqlite"
	"github.com/consentry/consentry/internal/store/storetest"
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
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Publish(ctx, app.DemoSite("https://shop.example"), shown.All(b)); err != nil {
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

// A withdrawal reaches the site's backend: the earlier token still has a
// good MAC but is superseded, and grants nothing any more. A token of
// another site is not valid for the site the backend names.
func TestVerifySuperseded(t *testing.T) {
	key := bytes.Repeat([]byte("k"), 32)
	a := newApp(t, 0, func(o *app.Options) { o.TokenKeys = [][]byte{key} })
	verifyTok := func(body string) map[string]any {
		t.Helper()
		rec := do(a, req{"POST", "/api/v1/consents/verify", body, nil})
		if rec.Code != http.StatusOK {
			t.Fatalf("verify %s: %d %s", body, rec.Code, rec.Body)
		}
		return decode[map[string]any](t, rec)
	}
	first := decode[consentResp](t, do(a, req{"POST", consents, `{"action":"accept_all","revision":1}`, nil}))
	v := verifyTok(`{"token":"` + first.Token + `","site":"demo"}`)
	if v["valid"] != true || v["superseded"] != false || len(toStrings(v["granted"])) != 4 {
		t.Fatalf("the newest decision's token: %v", v)
	}
	custom := decode[consentResp](t, do(a, req{"POST", consents, `{"action":"custom","categories":{"analytics":true},"revision":1,"consent_id":"` + first.ConsentID + `","token":"` + first.Token + `"}`, nil}))
	v = verifyTok(`{"token":"` + first.Token + `"}`)
	if v["valid"] != true || v["superseded"] != true || strings.Join(toStrings(v["granted"]), ",") != "analytics,necessary" {
		t.Errorf("after a change of mind, the first token: %v", v)
	}
	withdraw := decode[consentResp](t, do(a, req{"POST", consents, `{"action":"withdraw","revision":1,"consent_id":"` + first.ConsentID + `","token":"` + first.Token + `"}`, nil}))
	for _, tok := range []string{first.Token, custom.Token} {
		v = verifyTok(`{"token":"` + tok + `"}`)
		if g, ok := v["granted"].([]any); v["valid"] != true || v["superseded"] != true || !ok || len(g) != 0 {
			t.Errorf("after the withdrawal, an earlier token: %v", v)
		}
	}
	if v = verifyTok(`{"token":"` + withdraw.Token + `"}`); v["superseded"] != false {
		t.Errorf("the withdrawal's own token: %v", v)
	}
	// A token made before tokens named their event is judged by its time.
	codec, err := token.NewCodec(key)
	if err != nil {
		t.Fatal(err)
	}
	old, err := codec.Encode(token.Claims{ConsentID: first.ConsentID, Site: "demo", Revision: 1, Granted: []string{"analytics", "necessary"},
		Issued: time.Now().Add(-time.Hour).Unix(), Expires: time.Now().Add(time.Hour).Unix()})
	if err != nil {
		t.Fatal(err)
	}
	if v = verifyTok(`{"token":"` + old + `"}`); v["valid"] != true || v["superseded"] != true {
		t.Errorf("an old token without its event: %v", v)
	}
	// Another site's token.
	if v = verifyTok(`{"token":"` + first.Token + `","site":"blog"}`); v["valid"] != false || v["reason"] == "" {
		t.Errorf("a demo token verified for site blog: %v", v)
	}
}

// The texts hash is what the visitor saw: a decision naming revision 1,
// posted after revision 2 changed the wording, records revision 1's
// snapshot in the visitor's language, stored when revision 1 was published.
func TestTextsOfTheRevisionShown(t *testing.T) {
	a := newApp(t, 0)
	ctx := context.Background()
	site, err := a.Store.Site(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range b.Languages() { // the demo's revision 1 was published with every language frozen
		if snap, err := a.Store.Snapshot(ctx, "demo", 1, l); err != nil || snap.Check() != nil {
			t.Errorf("revision 1 in %s: no snapshot stored at publish: %v", l, err)
		}
	}
	// Revision 2 is published without snapshots, as for a language the
	// bundle gains later: the first decision in German makes its snapshot
	// from revision 2's frozen configuration.
	site.Texts = map[string]map[string]string{"de": {"banner_title": "Neue Überschrift"}}
	if _, err := a.Store.Publish(ctx, site, nil); err != nil {
		t.Fatal(err)
	}
	a.Server.ForgetSites()
	for _, tc := range []struct {
		rev   int
		title bool
	}{{1, false}, {2, true}} {
		rec := do(a, req{"POST", consents, fmt.Sprintf(`{"action":"reject_all","revision":%d,"lang":"de"}`, tc.rev), nil})
		if rec.Code != http.StatusCreated {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		ev, err := a.Store.Event(ctx, uuid.MustParse(decode[consentResp](t, rec).EventID))
		if err != nil {
			t.Fatal(err)
		}
		body, err := a.Store.Texts(ctx, ev.TextsHash)
		if err != nil {
			t.Fatal(err)
		}
		var texts consent.Texts
		if err := json.Unmarshal(body, &texts); err != nil {
			t.Fatal(err)
		}
		if texts.Revision != tc.rev || texts.Lang != "de" || (texts.Messages["banner_title"] == "Neue Überschrift") != tc.title {
			t.Errorf("a decision on revision %d recorded the texts of revision %d in %s, title %q", tc.rev, texts.Revision, texts.Lang, texts.Messages["banner_title"])
		}
		frozen, err := a.Store.Revision(ctx, "demo", tc.rev)
		if err != nil {
			t.Fatal(err)
		}
		if want := shown.Snapshot(b, frozen, "de"); want.Hash != ev.TextsHash {
			t.Errorf("revision %d: recorded %x, want the snapshot of the frozen revision %x", tc.rev, ev.TextsHash, want.Hash)
		}
	}
}

// A texts snapshot edited in the database shows: the integrity page names
// it, and the proof view of a decision made on it says its texts do not
// match, not "verified".
func TestForgedTextsShow(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "viewer@shop.example", auth.Viewer)
	ctx := context.Background()
	resp := decode[consentResp](t, do(a, req{"POST", consents, `{"action":"accept_all","revision":1,"lang":"en"}`, nil}))
	ev, err := a.Store.Event(ctx, uuid.MustParse(resp.EventID))
	if err != nil {
		t.Fatal(err)
	}
	c := newConsole(t, a)
	c.login("viewer@shop.example")
	proof := "/admin/events/" + resp.EventID
	if _, page, _ := c.get(proof); !strings.Contains(page, `data-testid="link-ok"`) || strings.Contains(page, `data-testid="texts-forged"`) {
		t.Fatal("the intact proof does not say verified")
	}
	_, page, _ := c.get("/admin/integrity")
	token := csrfField.FindStringSubmatch(page)[1]
	if _, page, _ = c.post("/admin/integrity", url.Values{"_csrf": {token}}); strings.Contains(page, `data-testid="broken"`) {
		t.Fatal("intact ledger and texts reported broken")
	}
	if !regexp.MustCompile(`data-testid="head">1:[0-9a-f]{64}:\d+:[0-9a-f]{64}:0:[0-9a-f]{64}<`).MatchString(page) {
		t.Error("the integrity page does not show a head that covers the texts")
	}

	body, err := a.Store.Texts(ctx, ev.TextsHash)
	if err != nil {
		t.Fatal(err)
	}
	forged := bytes.Replace(body, []byte(`"banner_reject":"`), []byte(`"banner_reject":"(hidden) `), 1)
	db, err := sql.Open("sqlite", "file:"+strings.TrimPrefix(a.DB(), "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if res, err := db.Exec("UPDATE snapshots SET body = ? WHERE hash = ?", forged, ev.TextsHash[:]); err != nil {
		t.Fatal(err)
	} else if n, _ := res.RowsAffected(); n != 1 || bytes.Equal(forged, body) {
		t.Fatalf("forged %d rows", n)
	}
	_, page, _ = c.get(proof)
	if !strings.Contains(page, `data-testid="texts-forged"`) || strings.Contains(page, `data-testid="link-ok"`) {
		t.Error("the proof view shows forged texts as verified")
	}
	_, page, _ = c.post("/admin/integrity", url.Values{"_csrf": {token}, "full": {"1"}})
	if !strings.Contains(page, `data-testid="broken"`) || !strings.Contains(page, hex.EncodeToString(ev.TextsHash[:])) {
		t.Error("the integrity page missed the forged texts snapshot")
	}
}

// demoEvents are made-up decisions on the demo site in French, each naming
// the texts snapshot the demo's publish stored, as real ones do.
func demoEvents(t *testing.T, a *app.App, n int) []*consent.Event {
	t.Helper()
	shown, err := a.Store.Snapshot(context.Background(), "demo", 1, "fr")
	if err != nil {
		t.Fatal(err)
	}
	out := make([]*consent.Event, n)
	for i := range out {
		out[i] = storetest.Event("demo", i)
		out[i].TextsHash = shown.Hash
	}
	return out
}

// gatedStore holds every AppendBatch until the test opens the gate.
type gatedStore struct {
	store.Store
	entered, gate chan struct{}
}

func (s *gatedStore) AppendBatch(ctx context.Context, events []*consent.Event) error {
	select {
	case s.entered <- struct{}{}:
	default:
	}
	<-s.gate
	return s.Store.AppendBatch(ctx, events)
}

// A retry with the same request_id answers the first result and stores
// nothing new: after a plain retry, when the first attempt committed after
// its client gave up, and for copies in flight at once.
func TestRequestIDRetry(t *testing.T) {
	st := &gatedStore{Store: openSQLite(t), entered: make(chan struct{}, 1), gate: make(chan struct{})}
	srv := newServerOver(t, st)
	count := func() int64 { seq, _, _ := st.Head(context.Background()); return seq }
	post := func(ctx context.Context, body string) *httptest.ResponseRecorder {
		hr := httptest.NewRequestWithContext(ctx, "POST", consents, strings.NewReader(body))
		hr.RemoteAddr = "203.0.113.77:5555"
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, hr)
		return rec
	}

	// The client gives up before the commit; the commit happens anyway.
	reqID := uuid.NewString()
	body := `{"action":"custom","categories":{"analytics":true},"revision":1,"request_id":"` + reqID + `"}`
	ctx, cancel := context.WithCancel(context.Background())
	gaveUp := make(chan *httptest.ResponseRecorder)
	go func() { gaveUp <- post(ctx, body) }()
	<-st.entered // the writer holds the event
	cancel()
	if rec := <-gaveUp; rec.Code == http.StatusCreated {
		t.Fatalf("the abandoned request was answered %d", rec.Code)
	}
	close(st.gate)
	for count() == 0 {
		time.Sleep(time.Millisecond)
	}
	var first *consent.Event
	st.Walk(context.Background(), 0, func(e *consent.Event) error { first = e; return nil })

	retry := post(context.Background(), body)
	if retry.Code != http.StatusCreated {
		t.Fatalf("retry: %d %s", retry.Code, retry.Body)
	}
	got := decode[consentResp](t, retry)
	if got.EventID != first.ID.String() || got.ConsentID != first.ConsentID.String() || strings.Join(got.Granted, ",") != "analytics,necessary" {
		t.Errorf("the retry answered %+v, want the event recorded first %s", got, first.ID)
	}
	// The same request_id with another decision still answers the first.
	again := decode[consentResp](t, post(context.Background(), `{"action":"reject_all","revision":1,"request_id":"`+reqID+`"}`))
	if again.EventID != first.ID.String() || count() != 1 {
		t.Errorf("a second retry answered %s; %d events stored", again.EventID, count())
	}

	// Copies of one request in flight at once.
	reqID = uuid.NewString()
	var wg sync.WaitGroup
	ids := make([]string, 8)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := post(context.Background(), `{"action":"accept_all","revision":1,"request_id":"`+reqID+`"}`)
			if rec.Code == http.StatusCreated {
				ids[i] = decode[consentResp](t, rec).EventID
			}
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id == "" || id != ids[0] {
			t.Fatalf("copies in flight answered %v", ids)
		}
	}
	if count() != 2 {
		t.Errorf("%d events stored, want 2", count())
	}

	// Not a UUID: 422 naming the field, nothing stored.
	for _, bad := range []string{"42", "not-a-uuid", "{" + reqID + "}"} {
		rec := post(context.Background(), `{"action":"accept_all","revision":1,"request_id":"`+bad+`"}`)
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "request_id") {
			t.Errorf("request_id %q: %d %s", bad, rec.Code, rec.Body)
		}
	}
	if count() != 2 {
		t.Errorf("%d events stored after bad requests", count())
	}
}

// oneDecision records one of demoEvents in a's log and returns it.
func oneDecision(t *testing.T, a *app.App) *consent.Event {
	t.Helper()
	es := demoEvents(t, a, 1)
	if err := a.Store.AppendBatch(context.Background(), es); err != nil {
		t.Fatal(err)
	}
	return es[0]
}
