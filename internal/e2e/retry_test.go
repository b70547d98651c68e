package e2e

import (
	"context"
	"database/sql"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/consent"
)

// While the database cannot be written (another process holds its lock)
// the server answers the decision 503 with Retry-After; the snippet tries
// again after it, with the same request_id, and the decision is recorded
// once the database frees up, without the visitor doing anything more.
func TestSnippetRetriesWithTheSameRequestID(t *testing.T) {
	b := startWith(t, func(o *app.Options) { o.BatchTimeout = 300 * time.Millisecond })
	b.open("/demo")
	b.waitBanner()
	eval[bool](b, `(() => {
		window.__posts = [];
		const f = window.fetch;
		window.fetch = function (url, opts) {
			const p = f.apply(this, arguments);
			if (String(url).endsWith("/consents")) {
				const rec = {body: JSON.parse(opts.body), status: 0};
				window.__posts.push(rec);
				p.then(r => { rec.status = r.status; }, () => { rec.status = -1; });
			}
			return p;
		};
		return true;
	})()`)

	lock, err := sql.Open("sqlite", strings.TrimPrefix(b.app.DB(), "sqlite:"))
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
	b.click("accept-all", part("accept-all"))
	b.wait("a decision refused with 503", `window.__posts.some(p => p.status === 503)`)
	if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	b.waitGranted("the retried decision", necessary, preferences, analytics, marketing)

	type post struct {
		Body   map[string]any `json:"body"`
		Status int            `json:"status"`
	}
	posts := eval[[]post](b, `window.__posts`)
	if len(posts) < 2 || posts[0].Status != 503 || posts[len(posts)-1].Status != 201 {
		t.Fatalf("attempts %+v: want a 503 first and a 201 last", posts)
	}
	id, _ := posts[0].Body["request_id"].(string)
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(id) {
		t.Errorf("request_id %q is not a random UUID", id)
	}
	for i, p := range posts {
		if p.Body["request_id"] != id {
			t.Errorf("attempt %d sent request_id %v, the first %s", i+1, p.Body["request_id"], id)
		}
	}
	evs := b.events()
	if len(evs) != 1 {
		t.Fatalf("%d events recorded, want the one decision", len(evs))
	}
	checkEvent(t, evs[0], consent.AcceptAll, consent.SourceBanner, false, necessary, preferences, analytics, marketing)

	// Where crypto.randomUUID is missing (pages not served over HTTPS), the
	// request_id comes from crypto.getRandomValues, in the same shape.
	eval[bool](b, `Object.defineProperty(crypto, "randomUUID", {value: undefined}) && true`)
	eval[bool](b, `Consentry.rejectAll().then(() => true)`)
	last := eval[[]post](b, `window.__posts`)
	fallback, _ := last[len(last)-1].Body["request_id"].(string)
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(fallback) || fallback == id {
		t.Errorf("request_id without crypto.randomUUID: %q", fallback)
	}
	t.Logf("%d attempts, statuses %v", len(posts), func() (s []int) {
		for _, p := range posts {
			s = append(s, p.Status)
		}
		return
	}())
}
