package web_test

import (
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/auth"
)

// TestAuditActorsInWords: the trail's Who column names the command line
// and the server's scheduled purges in the console's language
// ('Kommandozeile', 'Zeitplaner'), and a staff member by their email; it
// showed the codes the server writes ('cli', 'scheduler'). A purge closed
// by the next one names who closed it alike. The CSV keeps what was
// written.
func TestAuditActorsInWords(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	appendEightOld(t, a)
	cutoff := time.Now().UTC().AddDate(-1, 0, 0).Truncate(time.Second)
	killedThenPurged(t, a, cutoff)
	actors := regexp.MustCompile(`data-testid="audit-actor">(?:<bdi class="whole">)?([^<]*)<`)
	for _, tc := range []struct{ lang, cli, scheduler, closed string }{
		{"en", "Command line", "Scheduler", "; record closed by Command line"},
		{"de", "Kommandozeile", "Zeitplaner", "; Eintrag abgeschlossen von Kommandozeile"},
	} {
		details, page := auditDetails(t, c, tc.lang, "")
		var got []string
		for _, m := range actors.FindAllStringSubmatch(page, -1) {
			got = append(got, html.UnescapeString(m[1]))
		}
		if want := []string{tc.cli, tc.scheduler, "dpo@shop.example"}; !slices.Equal(got, want) {
			t.Errorf("%s: the trail's Who column reads %q, want %q", tc.lang, got, want)
		}
		if len(details) < 2 || !strings.HasSuffix(details[1], tc.closed) {
			t.Errorf("%s: the closed purge says %q, want it to end %q", tc.lang, details, tc.closed)
		}
	}
	_, body, _ := c.get("/admin/audit/export")
	if !strings.Contains(body, ",cli,purge,") || !strings.Contains(body, ",scheduler,purge,") {
		t.Errorf("the CSV does not keep the actors as written:\n%s", body)
	}
}
