package siteyaml_test

import (
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/siteyaml"
)

func TestRoundTrip(t *testing.T) {
	site := app.DemoSite("https://shop.example")
	site.Rules = map[string]consent.Mode{"US": consent.OptOut}
	site.Texts = map[string]map[string]string{"fr": {"banner_title": "Vos choix"}}
	site.Appearance = consent.Appearance{Layout: "box", Position: "center"}
	b, err := siteyaml.Encode(site)
	if err != nil {
		t.Fatal(err)
	}
	got, err := siteyaml.Decode(b)
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if d := consent.Diff(site, got); len(d) != 0 {
		t.Errorf("round trip changed %+v", d)
	}
	again, _ := siteyaml.Encode(got)
	if string(again) != string(b) {
		t.Error("encoding is not stable")
	}
}

func TestDecodeErrorsNameTheProblem(t *testing.T) {
	for yml, want := range map[string]string{
		"id: shop\ncolour: red\n":         "colour",
		"id: [shop\n":                     "malformed",
		"id: shop\nlifetime_days: soon\n": "soon",
	} {
		_, err := siteyaml.Decode([]byte(yml))
		if err == nil || !strings.Contains(err.Error(), want) || consent.ErrorCode(err) != consent.EInvalid {
			t.Errorf("%q: err %v, want one naming %q", yml, err, want)
		}
	}
}
