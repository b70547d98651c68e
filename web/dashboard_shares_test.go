package web_test

import (
	"context"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/storetest"
)

// TestDashboardSharesSayWhatTheyAre: the dashboard's country and language
// tables name decisions without a country "Unknown" (in the console's
// language), right-align their counts and shares, and a share that is
// neither none nor all never reads as either: 1 decision of 2,001 is
// "<0.1%", 2,000 of them ">99.9%". The tables showed "—" rows and "0.0%"
// for 1 of 3,679.
func TestDashboardSharesSayWhatTheyAre(t *testing.T) {
	a, c := signedIn(t, "dpo@demo.example", auth.Viewer)
	now := time.Now().UTC()
	batch := make([]*consent.Event, 2001)
	for i := range batch {
		e := storetest.Event("demo", i)
		e.Time = now.Add(-time.Duration(i) * time.Second)
		if i == 0 {
			e.Country = ""
		}
		batch[i] = e
	}
	if err := a.Store.AppendBatch(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile(`(?s)<tr><th scope="row">\s*(.*?)\s*</th><td( class="num")?>(.*?)</td><td( class="num")?>(.*?)</td></tr>`)
	for _, lang := range []struct {
		code, title string
		want        [][3]string
	}{
		{"en", "By country", [][3]string{{"FR", "2,000", ">99.9%"}, {"Unknown", "1", "<0.1%"}}},
		{"ar", "حسب البلد", [][3]string{{"FR", "2,000", "أكثر من 99.9\u200e%\u200e"}, {"غير معروف", "1", "أقل من 0.1\u200e%\u200e"}}},
	} {
		c.speak(lang.code)
		_, page, _ := c.get("/admin/dashboard")
		i := strings.Index(page, "<h2>"+lang.title+"</h2>")
		if i < 0 {
			t.Fatalf("%s: the dashboard has no table by country", lang.code)
		}
		var got [][3]string
		for _, m := range row.FindAllStringSubmatch(page[i:i+strings.Index(page[i:], "</table>")], -1) {
			got = append(got, [3]string{html.UnescapeString(m[1]), html.UnescapeString(m[3]), html.UnescapeString(m[5])})
			if m[2] == "" || m[4] == "" {
				t.Errorf("%s: by country, %s's count and share are not set as numbers (class num: right-aligned, tabular)", lang.code, m[1])
			}
		}
		if len(got) != len(lang.want) || got[0] != lang.want[0] || got[1] != lang.want[1] {
			t.Errorf("%s: by country %q, want %q", lang.code, got, lang.want)
		}
	}
}
