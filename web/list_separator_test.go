package web_test

import (
	"net/url"
	"regexp"
	"testing"

	"github.com/consentry/consentry/internal/auth"
)

// TestListsInTheLanguagesOwnComma: a list of categories is separated as the
// reader's language separates one: by the Arabic comma in Arabic, Persian
// and Urdu, by the enumeration comma in Chinese and Japanese, on the
// visitor's receipt and in the console. Every language got the Latin ", ",
// so an Arabic visitor read 'تفضيلات, تحليلات, تسويق' and a Chinese one
// '偏好, 分析, 营销'.
func TestListsInTheLanguagesOwnComma(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	html := map[string]string{"Accept": "text/html,*/*;q=0.8"}
	allowed := regexp.MustCompile(`<td[^>]*>1</td><td[^>]*>[^<]*</td><td[^>]*>([^<]*)</td>`)
	separators := regexp.MustCompile(`[,،、] ?`)
	for _, tc := range []struct{ lang, sep string }{
		{"ar", "، "}, {"fa", "، "}, {"ur", "، "}, {"zh-Hans", "、"}, {"zh-Hant", "、"}, {"ja", "、"}, {"de", ", "}, {"he", ", "},
	} {
		r := decode[consentResp](t, do(a, req{"POST", consents, `{"action":"accept_all","revision":1,"lang":"` + tc.lang + `"}`, nil}))
		body := do(a, req{"GET", "/api/v1/consents/receipt?token=" + url.QueryEscape(r.Token), "", html}).Body.String()
		m := allowed.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("%s: no decision on the receipt: %.1500s", tc.lang, body)
		}
		if got := separators.FindAllString(m[1], -1); len(got) != 2 || got[0] != tc.sep || got[1] != tc.sep {
			t.Errorf("%s: the receipt lists the categories allowed as %q, want them separated by %q", tc.lang, m[1], tc.sep)
		}
	}
	c.speak("ar")
	_, page, _ := c.get("/admin/log")
	m := regexp.MustCompile(`data-testid="granted"[^>]*>([^<]*)<`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no decision in the log: %.1500s", page)
	}
	if got := separators.FindAllString(m[1], -1); len(got) != 3 || got[0] != "، " || got[2] != "، " {
		t.Errorf("the Arabic console lists the categories granted as %q, want them separated by the Arabic comma", m[1])
	}
}
