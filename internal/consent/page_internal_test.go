package consent

import "testing"

// pageURLs are page addresses as browsers send them, of the plain shape and
// not.
var pageURLs = []string{
	"https://shop.example/", "https://shop.example/basket", "http://127.0.0.1:8080/demo", "https://shop.example",
	"https://shop.example:443/a/b-c_d.e~f?email=a@b.c#x", "http://shop.example:80/x", "http://shop.example:8080/x",
	"https://shop.example:80/x", "https://shop.example?q", "https://shop.example#frag", "https://shop.example/p#%zz",
	"https://Shop.example/", "HTTPS://shop.example/", "https://shop.example/caf%C3%A9", "https://shop.example/a b",
	"https://user@shop.example/", "https://shop.example:/x", "https://:443/x", "https:///x", "https://[::1]:8080/x",
	"javascript:alert(1)", "", "https://shop.example/\x00", "https://shop.example/naïve", "https://a..b/", "https://-a./",
	"https://shop.example/a;b=c", "https://shop.example//x", "http://x:1:2/", "https://shop.example/" + string(make([]byte, 600)),
}

// TestPlainPages: the addresses the snippet sends most are cut without
// parsing.
func TestPlainPages(t *testing.T) {
	for _, raw := range []string{"https://shop.example/", "https://shop.example/basket", "http://127.0.0.1:8080/demo",
		"https://shop.example:443/a/b-c_d.e~f?email=a@b.c#x", "https://shop.example"} {
		if _, ok := plainPage(raw); !ok {
			t.Errorf("%q is not cut the plain way", raw)
		}
	}
}

// FuzzPageOf: PageOf, the plain way or the parsed one, is what net/url
// makes of the address.
func FuzzPageOf(f *testing.F) {
	for _, raw := range pageURLs {
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if got, want := PageOf(raw), parsedPage(raw); got != want {
			t.Fatalf("PageOf(%q) = %q, net/url gives %q", raw, got, want)
		}
	})
}
