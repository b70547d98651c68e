package web_test

import (
	"context"
	"encoding/binary"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/retention"
	"github.com/google/uuid"
)

// issuedAt is a UUIDv7 stamped with t, a consent ID as Consentry issued it then.
func issuedAt(t time.Time) uuid.UUID {
	id := uuid.Must(uuid.NewV7())
	var ms [8]byte
	binary.BigEndian.PutUint64(ms[:], uint64(t.UnixMilli()))
	copy(id[:6], ms[2:])
	return id
}

var unheldNote = regexp.MustCompile(`(?s)<code>([0-9a-f-]{36})</code></a>\s*<p class="note" data-testid="consent-unheld" data-never="(true|false)">(.*?)</p>`)

// unheldNotes are the request page's notes on its consent IDs with no
// decision: each ID's text, the never-recorded ones marked "never: ".
func unheldNotes(t *testing.T, c *console, rq string) map[string]string {
	t.Helper()
	status, page, _ := c.get("/admin/requests/" + rq)
	if status != http.StatusOK {
		t.Fatalf("the request's page: %d", status)
	}
	out := map[string]string{}
	for _, m := range unheldNote.FindAllStringSubmatch(page, -1) {
		text := html.UnescapeString(strings.Join(strings.Fields(m[3]), " "))
		if m[2] == "true" {
			text = "never: " + text
		}
		out[m[1]] = text
	}
	return out
}

// TestRequestSaysUnseenIDs: a request's page says, beside a consent ID
// under which the ledger holds no decision, that none was ever recorded
// there (mistyped, most likely), in the console's language; once a purge
// has removed decisions, an ID that may have been among them (issued
// before its cutoff, or with no time stamp) is said to be purged or
// mistyped instead, and one issued since is still never seen. An ID with
// decisions, erased ones too, gets no note.
func TestRequestSaysUnseenIDs(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "dpo@shop.example", auth.Admin)
	ctx := context.Background()
	twoYears := time.Now().UTC().AddDate(-2, 0, 0).Truncate(time.Second)
	old := demoEvents(t, a, 1)[0]
	old.ID, old.ConsentID, old.Time, old.Expires = issuedAt(twoYears), issuedAt(twoYears), twoYears, twoYears.AddDate(0, 6, 0)
	old.ConsentID = old.ID
	held, erased := demoEvents(t, a, 2)[0], demoEvents(t, a, 2)[1]
	if err := a.Store.AppendBatch(ctx, []*consent.Event{old, held, erased}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Store.Erase(ctx, erased.ConsentID, "Art. 17", time.Now()); err != nil {
		t.Fatal(err)
	}
	typo := uuid.Must(uuid.NewV7()) // as a mistyped ID of today keeps its time stamp
	random := uuid.New()            // no time stamp at all
	dpo := newConsole(t, a)
	dpo.login("dpo@shop.example")
	ids := strings.Join([]string{held.ConsentID.String(), erased.ConsentID.String(), old.ConsentID.String(), typo.String(), random.String()}, "\n")
	rq := dpo.record(consent.RequestAccess, time.Now().UTC(), "letter", ids)

	const never = "never: No decision was ever recorded under this consent ID. It may be mistyped: check it against the request before answering that nothing is held."
	want := map[string]string{typo.String(): never, random.String(): never}
	if got := unheldNotes(t, dpo, rq); !equalNotes(got, want) {
		t.Errorf("before any purge: %q, want %q", got, want)
	}

	p, err := retention.Run(ctx, a.Store, retention.Options{Cutoff: time.Now().AddDate(-1, 0, 0), Actor: "cli"})
	if err != nil || p.Count != 1 {
		t.Fatalf("purge: %+v, %v", p, err)
	}
	purged := "No decision is held under this consent ID. Purges have removed decisions made before " + p.Cutoff.Format("2006-01-02 15:04:05 MST") +
		": its decisions may have been among them, or it may be mistyped."
	want = map[string]string{typo.String(): never, random.String(): purged,
		old.ConsentID.String(): purged + " Its time stamp says it was issued at " + twoYears.Format("2006-01-02 15:04:05 MST") + "."}
	if got := unheldNotes(t, dpo, rq); !equalNotes(got, want) {
		t.Errorf("after a purge: %q, want %q", got, want)
	}

	// In the console's language.
	token := dpo.pageToken()
	if status, body, _ := dpo.post("/admin/me", url.Values{"lang": {"fr"}, "tz": {"UTC"}, "_csrf": {token}}); status != http.StatusSeeOther {
		t.Fatalf("choosing French: %d %s", status, body)
	}
	if got := unheldNotes(t, dpo, rq); !strings.HasPrefix(got[typo.String()], "never: Aucune décision n’a jamais été enregistrée") ||
		!strings.HasPrefix(got[old.ConsentID.String()], "Aucune décision n’est conservée") {
		t.Errorf("in French: %q", got)
	}
}

func equalNotes(got, want map[string]string) bool {
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}
