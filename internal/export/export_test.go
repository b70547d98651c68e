package export_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
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
	enc, err := export.NewEncoder(&b, "csv")
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
	if ua := rows[1][15]; ua != "'"+e.Personal.UserAgent {
		t.Errorf("user agent cell %q: a formula a spreadsheet would run", ua)
	}
}

func TestNDJSON(t *testing.T) {
	e := storetest.Event("shop", 2)
	e.Erased = &consent.Erasure{At: time.Now().UTC(), Reason: "DSR-7"}
	var b bytes.Buffer
	enc, _ := export.NewEncoder(&b, "ndjson")
	enc.Encode(e)
	enc.Encode(e)
	var r export.Record
	if err := json.NewDecoder(&b).Decode(&r); err != nil || r.ConsentID != e.ConsentID.String() || r.EraseReason != "DSR-7" || len(r.Granted) != 2 {
		t.Fatalf("record %+v %v", r, err)
	}
	if _, err := export.NewEncoder(&b, "xlsx"); consent.ErrorCode(err) != consent.EInvalid {
		t.Errorf("unknown format: %v", err)
	}
}
