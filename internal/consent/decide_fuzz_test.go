package consent_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/consentry/consentry/internal/consent"
	"github.com/google/uuid"
)

// FuzzDecide feeds the body of POST /api/v1/sites/{site}/consents through
// what the handler does with it, JSON decoding into a Request and
// Site.Decide under some jurisdiction, and checks that whatever a visitor
// sends, a decision that passes validation grants only what the rules allow.
// Its seeds (testdata/fuzz/FuzzDecide) run in every go test; make fuzz
// searches further.
func FuzzDecide(f *testing.F) {
	for _, s := range []string{
		`{"action":"custom","categories":{"analytics":true,"marketing":false},"revision":1,"lang":"en","page":"https://shop.example/basket","source":"banner"}`,
		`{"action":"accept_all","revision":2,"gpc":true}`,
		`{"action":"reject_all","revision":2,"consent_id":"01900000-0000-7000-8000-000000000001"}`,
		`{"action":"withdraw","revision":1,"source":"gpc"}`,
		`{"action":"accept_all","revision":2,"source":"gpc","categories":{}}`,
		`{"action":"custom","categories":{"necessary":false,"marketing":true},"revision":2,"source":"preferences"}`,
		`{"action":"custom","categories":null,"revision":-1}`,
		`[]`, `null`, `{"revision":1e9}`,
	} {
		f.Add([]byte(s), false, "")
		f.Add([]byte(s), true, "US")
	}
	site := testSite()
	site.Rules = map[string]consent.Mode{"US": consent.OptOut, "CA": consent.Notice, "FR": consent.OptIn}
	f.Fuzz(func(t *testing.T, body []byte, gpc bool, country string) {
		var req consent.Request
		if json.Unmarshal(body, &req) != nil {
			return // the handler answers 400
		}
		where := site.JurisdictionFor(country)
		d, err := site.Decide(req, where, gpc)
		if err != nil {
			if consent.ErrorCode(err) != consent.EUnprocessed {
				t.Fatalf("a refused decision must be 422, got %v", err)
			}
			return
		}
		if !slices.IsSorted(d.Granted) || len(slices.Compact(slices.Clone(d.Granted))) != len(d.Granted) {
			t.Fatalf("granted %q is not sorted and unique", d.Granted)
		}
		for _, g := range d.Granted {
			if _, ok := site.Category(g); !ok {
				t.Fatalf("granted unknown category %q", g)
			}
		}
		for _, c := range site.Categories {
			gpcDenies := d.GPC && c.GPC && where.Mode != consent.OptIn
			switch {
			case c.Required && !d.Has(c.Key):
				t.Fatalf("required %q not granted: %q", c.Key, d.Granted)
			case c.Required:
			case gpcDenies && d.Has(c.Key):
				t.Fatalf("GPC in %s, yet %q granted", where.Mode, c.Key)
			case (req.Action == consent.RejectAll || req.Action == consent.Withdraw) && d.Has(c.Key):
				t.Fatalf("%s granted %q", req.Action, c.Key)
			case req.Action == consent.AcceptAll && d.Has(c.Key) == (d.GPC && c.GPC):
				t.Fatalf("accept_all (GPC %v) gave %q", d.GPC, d.Granted)
			case req.Action == consent.Custom && d.Has(c.Key) != (req.Categories[c.Key] && !gpcDenies):
				t.Fatalf("custom %v gave %q", req.Categories, d.Granted)
			}
		}
		if want := req.Action; (d.Source == consent.SourceGPC && d.Action != consent.Custom) || (d.Source != consent.SourceGPC && d.Action != want) {
			t.Fatalf("%s from %s recorded as %s", want, d.Source, d.Action)
		}
		if d.Revision < 1 || d.Revision > site.Revision {
			t.Fatalf("revision %d accepted", d.Revision)
		}
		if req.ConsentID != "" && (d.ConsentID == uuid.Nil || d.ConsentID != uuid.MustParse(req.ConsentID)) {
			t.Fatalf("consent ID %q became %s", req.ConsentID, d.ConsentID)
		}
		if req.ConsentID == "" && d.ConsentID != uuid.Nil {
			t.Fatalf("a new visitor got consent ID %s", d.ConsentID)
		}
		if !slices.Contains([]consent.Source{consent.SourceBanner, consent.SourcePreferences, consent.SourceNoJS, consent.SourceAPI, consent.SourceGPC}, d.Source) {
			t.Fatalf("source %q accepted", d.Source)
		}
	})
}
