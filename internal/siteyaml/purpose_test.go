package siteyaml_test

import (
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/siteyaml"
)

// TestExportWritesNoEmptyPurpose: a cookie whose purpose is a visitor
// message (purpose_key) is written with the key alone, and a cookie with a
// purpose in the owner's words with that purpose; the file applies back to
// the same site. It was written with `purpose: ""` beside the key, a field
// that says nothing for an owner to wonder about.
func TestExportWritesNoEmptyPurpose(t *testing.T) {
	site := app.DemoSite("https://shop.example")
	site.Services[1].Cookies[0].Purpose = "Keeps your basket"
	b, err := siteyaml.Encode(site)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if strings.Contains(s, `purpose: ""`) || !strings.Contains(s, "purpose_key: purpose_visitor_id") || !strings.Contains(s, "purpose: Keeps your basket") {
		t.Errorf("the export's cookies:\n%s", s)
	}
	got, err := siteyaml.Decode(b)
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if d := consent.Diff(site, got); len(d) != 0 {
		t.Errorf("applied back, the export changes %+v", d)
	}
}
