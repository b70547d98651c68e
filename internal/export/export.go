// Package export writes consent events as CSV or NDJSON, one event at a
// time, so that an export of any size runs in constant memory.
package export

import (
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/consent"
)

// Formats are the formats Encoder writes.
var Formats = []string{"csv", "ndjson"}

// Record is the exported form of one event: every recorded field.
type Record struct {
	EventID     string     `json:"event_id"`
	ConsentID   string     `json:"consent_id"`
	Seq         int64      `json:"seq"`
	Time        time.Time  `json:"time"`
	Site        string     `json:"site"`
	Revision    int        `json:"revision"`
	Action      string     `json:"action"`
	Granted     []string   `json:"granted"`
	Denied      []string   `json:"denied"`
	Source      string     `json:"source"`
	Lang        string     `json:"lang"`
	Country     string     `json:"country"`
	Rule        string     `json:"rule"`
	GPC         bool       `json:"gpc"`
	DNT         bool       `json:"dnt"`
	IP          string     `json:"ip"`
	UserAgent   string     `json:"user_agent"`
	Page        string     `json:"page"`
	TextsHash   string     `json:"texts_hash"`
	Expires     time.Time  `json:"expires"`
	Hash        string     `json:"hash"`
	ErasedAt    *time.Time `json:"erased_at,omitempty"`
	EraseReason string     `json:"erase_reason,omitempty"`
}

// RecordOf is the exported form of e, which denied the categories denied
// (see Catalog).
func RecordOf(e *consent.Event, denied []string) Record {
	r := Record{
		EventID: e.ID.String(), ConsentID: e.ConsentID.String(), Seq: e.Seq, Time: e.Time, Site: e.Site,
		Revision: e.Revision, Action: string(e.Action), Granted: e.Granted, Denied: denied, Source: string(e.Source),
		Lang: e.Lang, Country: e.Country, Rule: e.Rule, GPC: e.GPC, DNT: e.DNT, IP: e.Personal.IP,
		UserAgent: e.Personal.UserAgent, Page: e.Personal.Page, TextsHash: hex.EncodeToString(e.TextsHash[:]),
		Expires: e.Expires, Hash: hex.EncodeToString(e.Hash[:]),
	}
	if r.Granted == nil {
		r.Granted = []string{}
	}
	if r.Denied == nil {
		r.Denied = []string{}
	}
	if e.Erased != nil {
		r.ErasedAt, r.EraseReason = &e.Erased.At, e.Erased.Reason
	}
	return r
}

var header = []string{"event_id", "consent_id", "seq", "time", "site", "revision", "action", "granted", "denied", "source",
	"lang", "country", "rule", "gpc", "dnt", "ip", "user_agent", "page", "texts_hash", "expires", "hash",
	"erased_at", "erase_reason"}

// Encoder writes events in one format.
type Encoder struct {
	csv  *csv.Writer
	json *json.Encoder
	cat  *Catalog
	n    int
}

// NewEncoder starts an export in format ("csv" or "ndjson") to w; cat names
// each event's denied categories.
func NewEncoder(w io.Writer, format string, cat *Catalog) (*Encoder, error) {
	switch format {
	case "csv":
		c := csv.NewWriter(w)
		return &Encoder{csv: c, cat: cat}, c.Write(header)
	case "ndjson":
		return &Encoder{json: json.NewEncoder(w), cat: cat}, nil
	}
	return nil, CheckFormat(format)
}

// CheckFormat refuses a format the Encoder does not write, naming it (cut
// to 40 bytes) for the console to say in its language.
func CheckFormat(format string) error {
	if slices.Contains(Formats, format) {
		return nil
	}
	shown := strings.ToValidUTF8(format[:min(len(format), 40)], "")
	return consent.FieldError(consent.EInvalid, "format", "%q is not an export format: use csv or ndjson", format).
		Say("e_not_an_export_format", map[string]any{"Value": shown})
}

// Encode writes one event.
func (x *Encoder) Encode(e *consent.Event) error {
	x.n++
	r, err := x.cat.Record(e)
	if err != nil {
		return err
	}
	if x.json != nil {
		return x.json.Encode(r)
	}
	erased := ""
	if r.ErasedAt != nil {
		erased = r.ErasedAt.Format(time.RFC3339Nano)
	}
	if err := x.csv.Write([]string{r.EventID, r.ConsentID, strconv.FormatInt(r.Seq, 10), r.Time.Format(time.RFC3339Nano),
		r.Site, strconv.Itoa(r.Revision), r.Action, strings.Join(r.Granted, " "), strings.Join(r.Denied, " "), r.Source, r.Lang, r.Country,
		r.Rule, strconv.FormatBool(r.GPC), strconv.FormatBool(r.DNT), r.IP, cell(r.UserAgent), cell(r.Page), r.TextsHash,
		r.Expires.Format(time.RFC3339Nano), r.Hash, erased, cell(r.EraseReason)}); err != nil {
		return err
	}
	if x.n%1000 == 0 {
		x.csv.Flush()
		return x.csv.Error()
	}
	return nil
}

// Close flushes what is buffered.
func (x *Encoder) Close() error {
	if x.csv != nil {
		x.csv.Flush()
		return x.csv.Error()
	}
	return nil
}

// Count is how many events were written.
func (x *Encoder) Count() int { return x.n }

// cell defuses a value a visitor controls that a spreadsheet would run as a
// formula, by prefixing an apostrophe (OWASP's advice for CSV injection).
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
