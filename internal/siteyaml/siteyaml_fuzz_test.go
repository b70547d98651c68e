package siteyaml_test

import (
	"testing"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/siteyaml"
)

// FuzzSiteYAML feeds `consentry sites apply` any file. Decoding must never
// panic; a site that decodes and validates must survive export and apply
// unchanged: Decode(Encode(x)) is x, and exporting it again writes the same
// bytes.
func FuzzSiteYAML(f *testing.F) {
	demo := app.DemoSite("https://shop.example")
	demo.Rules = map[string]consent.Mode{"US": consent.OptOut}
	demo.Texts = map[string]map[string]string{"fr": {"banner_title": "Vos choix"}}
	demo.ChangeNote = "New: analytics"
	b, _ := siteyaml.Encode(demo)
	f.Add(b)
	for _, s := range []string{
		"id: shop\nname: Shop\ncategories:\n  - key: necessary\n    required: true\n",
		"id: shop\nname: Shop\nlifetime: 4380h\ncategories: [{key: necessary, required: true}, {key: ads, gpc: true}]\nconsent_mode: {ads: [ad_storage]}\n",
		"id: shop\nname: \"a: b # c\"\ncategories:\n  - key: necessary\n    required: true\ntexts:\n  de:\n    banner_title: \"Ihre Wahl\\n\"\n",
		"id: shop\ncolour: red\n", "id: [shop\n", "&a [*a]", "{}", "", "---\n---\n", "id: !!binary aGk=\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		site, err := siteyaml.Decode(in)
		if err != nil {
			if consent.ErrorCode(err) != consent.EInvalid {
				t.Fatalf("a bad file must be EInvalid, got %v", err)
			}
			return
		}
		if site.Validate() != nil {
			return
		}
		out, err := siteyaml.Encode(site)
		if err != nil {
			t.Fatalf("a valid site does not export: %v", err)
		}
		back, err := siteyaml.Decode(out)
		if err != nil {
			t.Fatalf("its own export does not apply: %v\n%s", err, out)
		}
		if d := consent.Diff(site, back); len(d) != 0 {
			t.Fatalf("export then apply changed %+v\n%s", d, out)
		}
		if again, _ := siteyaml.Encode(back); string(again) != string(out) {
			t.Fatalf("export is not stable:\n%s\nthen\n%s", out, again)
		}
	})
}
