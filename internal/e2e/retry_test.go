package e2e

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/consent"
	"github.com/google/uuid"
)

// While the database cannot be written (another process holds its lock)
// the server answers the decision 503 with Retry-After; the snippet tries
// again after it, with the same request_id, and the decision is recorded
// once the database frees up, without the visitor doing anything more.
func TestSnippetRetriesWithTheSameRequestID(t *testing.T) {
	b := startWith(t, func(o *app.Options) { o.BatchTimeout = 300 * time.Millisecond })
	b.open("/demo")
	b.waitBanner()
	b.watchPosts()

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
	checkRequestID(t, id)
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

	// The next decision gets a request_id of its own.
	eval[bool](b, `Consentry.rejectAll().then(() => true)`)
	last := eval[[]post](b, `window.__posts`)
	next, _ := last[len(last)-1].Body["request_id"].(string)
	checkRequestID(t, next)
	if next == id {
		t.Errorf("two decisions sent the same request_id %s", id)
	}
	t.Logf("%d attempts, statuses %v", len(posts), func() (s []int) {
		for _, p := range posts {
			s = append(s, p.Status)
		}
		return
	}())
}

// checkRequestID: the snippet's request IDs are time-ordered UUIDs (version
// 7) made now, so that the store's table of recent IDs appends in key order.
func checkRequestID(t *testing.T, s string) {
	t.Helper()
	id, err := uuid.Parse(s)
	if err != nil || id.Version() != 7 || id.Variant() != uuid.RFC4122 {
		t.Fatalf("request_id %q is not a version 7 UUID", s)
	}
	sec, nsec := id.Time().UnixTime()
	if at := time.Unix(sec, nsec); time.Since(at).Abs() > time.Minute {
		t.Errorf("request_id %s is dated %v, not now", s, at)
	}
}

// watchPosts has the page note every decision it posts, in window.__posts:
// its body and the status answered (0 until then, -1 for a network error).
func (b *browser) watchPosts() {
	b.t.Helper()
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
}
