package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/store/storetest"
	"github.com/consentry/consentry/web"
)

// A client that promises 100 bytes and hangs up after 50 sent a bad
// request; it is not a failure of the server.
func TestBodyCutShortIs400(t *testing.T) {
	a := newApp(t, 0)
	run(t, a)
	host := strings.TrimPrefix(a.URL(), "http://")
	for name, tc := range map[string]struct{ path, ctype, body string }{
		"consent API": {"/api/v1/sites/demo/consents", "text/plain", `{"action":"accept_all","revision":1,"lang":"en"`},
		"no-JS form":  {"/p/demo", "application/x-www-form-urlencoded", "action=accept_all&revision=1&lang=en&return="},
	} {
		t.Run(name, func(t *testing.T) {
			head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: 100\r\nOrigin: %s\r\n",
				tc.path, host, tc.ctype, a.URL())
			status, body := rawPost(t, a, head, tc.body)
			if status != http.StatusBadRequest {
				t.Errorf("status %d, want 400: %s", status, body)
			}
		})
	}
	if seq, _, _ := a.Store.Head(context.Background()); seq != 0 {
		t.Errorf("a cut-short request recorded %d events", seq)
	}
}

// The visitor API reads at most 8,192 bytes and says so; a body of exactly
// the limit is read in full.
func TestVisitorBodyLimit(t *testing.T) {
	a := newApp(t, 0)
	run(t, a)
	valid := `{"action":"accept_all","revision":1,"lang":"en"}`
	pad := func(n int) string { return valid[:len(valid)-1] + strings.Repeat(" ", n-len(valid)) + "}" }
	form := func(n int) string {
		f := "action=accept_all&revision=1&lang=en&x="
		return f + strings.Repeat("a", n-len(f))
	}
	for _, tc := range []struct {
		name, path, ctype, body string
		chunked                 bool
		want                    int
	}{
		{"API at the limit", consents, "text/plain", pad(8192), false, http.StatusCreated},
		{"API one over", consents, "text/plain", pad(8193), false, http.StatusRequestEntityTooLarge},
		{"API one over, chunked", consents, "text/plain", pad(8193), true, http.StatusRequestEntityTooLarge},
		{"verify one over", "/api/v1/consents/verify", "text/plain", `{"token":"` + strings.Repeat("a", 8200) + `"}`, false, http.StatusRequestEntityTooLarge},
		{"form at the limit", "/p/demo", "application/x-www-form-urlencoded", form(8192), false, http.StatusOK},
		{"form one over", "/p/demo", "application/x-www-form-urlencoded", form(8193), false, http.StatusRequestEntityTooLarge},
		{"form one over, chunked", "/p/demo", "application/x-www-form-urlencoded", form(8193), true, http.StatusRequestEntityTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader = strings.NewReader(tc.body)
			if tc.chunked {
				body = io.MultiReader(body) // hides the length: sent chunked
			}
			r, _ := http.NewRequest("POST", a.URL()+tc.path, body)
			r.Header.Set("Content-Type", tc.ctype)
			r.Header.Set("Origin", a.URL())
			r.Header.Set("Accept", "application/json")
			res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(r)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			if res.StatusCode != tc.want {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tc.want, b)
			}
			if tc.want == http.StatusRequestEntityTooLarge && (!strings.Contains(string(b), `"too_large"`) || !strings.Contains(string(b), "8192 bytes")) {
				t.Errorf("body %s: want a too_large error naming the limit of 8192 bytes", b)
			}
		})
	}
}

// The site editor's largest form, one language's texts, fits the console's
// limit with every field at its documented maximum (the longest text, in
// the widest characters, on a site with the most categories), in every
// language; a byte more than the limit is refused with 413.
func TestConsoleFormsFitTheirLimit(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "dpo@shop.example", auth.Admin)
	ctx := context.Background()
	site := storetest.Site("big")
	for i := len(site.Categories); i < consent.MaxCategories; i++ {
		site.Categories = append(site.Categories, consent.Category{Key: fmt.Sprintf("category_number_%02d", i)})
	}
	if _, err := a.Store.Publish(ctx, site, nil); err != nil {
		t.Fatal(err)
	}
	c := newConsole(t, a)
	c.login("dpo@shop.example")
	_, page, _ := c.get("/admin/sites/big")
	tok := csrfField.FindStringSubmatch(page)[1]
	// U+20000 is four bytes of UTF-8, each sent percent-encoded: the most
	// bytes a character can take in a form.
	longest := strings.Repeat("\U00020000", consent.MaxTextLen)
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	langs := bundle.Languages()
	for _, lang := range langs {
		form := url.Values{"_csrf": {tok}, "lang": {lang}}
		for _, k := range consent.TextKeys {
			form.Set("t_"+k, longest)
		}
		for _, cat := range site.Categories {
			form.Set("t_category_"+cat.Key, longest)
			form.Set("t_category_"+cat.Key+"_desc", longest)
		}
		if n := int64(len(form.Encode())); n > web.ConsoleBodyLimit {
			t.Fatalf("%s: the form is %d bytes, over the console limit of %d", lang, n, web.ConsoleBodyLimit)
		}
		status, body, _ := c.post("/admin/sites/big/texts", form)
		if status != http.StatusSeeOther {
			t.Fatalf("%s: %d, want 303: %.300s", lang, status, body)
		}
	}
	d, err := a.Store.Draft(ctx, "big")
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range langs {
		if got := d.Texts[lang]["banner_body"]; got != longest {
			t.Errorf("%s: banner_body kept %d bytes, want %d", lang, len(got), len(longest))
		}
	}
	over := url.Values{"_csrf": {tok}, "lang": {"en"}}
	over.Set("t_banner_body", strings.Repeat("a", int(web.ConsoleBodyLimit)))
	status, body, _ := c.post("/admin/sites/big/texts", over)
	if status != http.StatusRequestEntityTooLarge || !strings.Contains(body, fmt.Sprint(web.ConsoleBodyLimit)) {
		t.Errorf("over the limit: %d, want 413 naming the limit: %.300s", status, body)
	}
}
