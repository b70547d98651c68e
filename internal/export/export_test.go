package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/export"
	"github.com/consentry/consentry/internal/store/storetest"
)

func TestCSV(t *testing.T) {
	e := storetest.Event("shop", 1)
	e.Personal.UserAgent = "=HYPERLINK(\"http://evil.example\")"
	var b bytes.Buffer
	enc, err := export.NewEncoder(&b, "csv", export.NewCatalog(context.Background(), revisions{}))
	if err != nil {
		t.Fatal(err)
	}
	if err := enc.Encode(e); err != nil {
		t.Fatal(err)
	}
	enc.Close()
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil || len(rows) != 2 || rows[0][0] != "event_id" || rows[1][0] != e.ID.String() {
		t.Fatalf("rows %q %v", rows, err)
	}
	if rows[0][8] != "denied" || rows[1][7] != strings.Join(e.Granted, " ") || rows[1][8] != "preferences marketing" {
		t.Errorf("granted %q, denied %q: want the revision's other category", rows[1][7], rows[1][8])
	}
	if ua := rows[1][16]; ua != "'"+e.Personal.UserAgent {
		t.Errorf("user agent cell %q: a formula a spreadsheet would run", ua)
	}
}

func TestNDJSON(t *testing.T) {
	e := storetest.Event("shop", 2)
	e.Erased = &consent.Erasure{At: time.Now().UTC(), Reason: "DSR-7"}
	var b bytes.Buffer
	enc, _ := export.NewEncoder(&b, "ndjson", export.NewCatalog(context.Background(), revisions{}))
	enc.Encode(e)
	enc.Encode(e)
	var r export.Record
	if err := json.NewDecoder(&b).Decode(&r); err != nil || r.ConsentID != e.ConsentID.String() || r.EraseReason != "DSR-7" || len(r.Granted) != 2 || !slices.Equal(r.Denied, []string{"preferences", "marketing"}) {
		t.Fatalf("record %+v %v", r, err)
	}
	if _, err := export.NewEncoder(&b, "xlsx", nil); consent.ErrorCode(err) != consent.EInvalid {
		t.Errorf("unknown format: %v", err)
	}
}

// revisions offers the four built-in categories at every revision.
type revisions struct{}

func (revisions) Revision(_ context.Context, id string, n int) (*consent.Site, error) {
	s := &consent.Site{ID: id, Revision: n, Categories: consent.BuiltInCategories()}
	return s, nil
}

func TestDeniedOfAnUnknownRevisionIsEmpty(t *testing.T) {
	e := storetest.Event("shop", 1)
	r, err := export.NewCatalog(context.Background(), gone{}).Record(e)
	if err != nil || r.Denied == nil || len(r.Denied) != 0 {
		t.Fatalf("denied %#v, %v", r.Denied, err)
	}
}

type gone struct{}

func (gone) Revision(context.Context, string, int) (*consent.Site, error) {
	return nil, consent.Errorf(consent.ENotFound, "no such revision")
}

// TestSplitInTheRevisionsOrder: granted and denied both follow the
// revision's categories; a granted category a revision no longer stored
// names keeps the order recorded.
func TestSplitInTheRevisionsOrder(t *testing.T) {
	e := storetest.Event("shop", 1)
	e.Granted = []string{"analytics", "necessary"}
	granted, denied, err := export.NewCatalog(context.Background(), revisions{}).Split(e)
	if err != nil || strings.Join(granted, " ") != "necessary analytics" || strings.Join(denied, " ") != "preferences marketing" {
		t.Errorf("granted %q, denied %q, %v", granted, denied, err)
	}
	granted, denied, err = export.NewCatalog(context.Background(), gone{}).Split(e)
	if err != nil || strings.Join(granted, " ") != "analytics necessary" || len(denied) != 0 {
		t.Errorf("revision gone: granted %q, denied %q, %v", granted, denied, err)
	}
}
