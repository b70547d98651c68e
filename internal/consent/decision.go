package consent

import (
	"slices"
	"sort"

	"github.com/google/uuid"
)

// Action is what the visitor did.
type Action string

// The actions a decision can record.
const (
	AcceptAll Action = "accept_all"
	RejectAll Action = "reject_all"
	Custom    Action = "custom"
	Withdraw  Action = "withdraw"
)

// Source is where a decision was made.
type Source string

// The sources a decision can come from.
const (
	SourceBanner      Source = "banner"
	SourcePreferences Source = "preferences"
	SourceNoJS        Source = "nojs"
	SourceAPI         Source = "api"
	SourceGPC         Source = "gpc"
	// SourcePlaceholder is the "Allow CATEGORY" of a blocked embed's
	// placeholder: a decision made on the placeholder's texts, not the
	// banner's, which its proof shows (the snapshot keeps them).
	SourcePlaceholder Source = "placeholder"
)

// Sources are the sources a record can name, in the order the console
// offers them as a filter.
var Sources = []Source{SourceBanner, SourcePreferences, SourcePlaceholder, SourceNoJS, SourceAPI, SourceGPC}

// Request is a visitor's decision as submitted, before validation.
type Request struct {
	Action     Action          `json:"action"`
	Categories map[string]bool `json:"categories"`
	ConsentID  string          `json:"consent_id"`
	Revision   int             `json:"revision"`
	Lang       string          `json:"lang"`
	Page       string          `json:"page"`
	Source     Source          `json:"source"`
	GPC        bool            `json:"gpc"`
	// RequestID is a UUID the client makes once per decision and sends
	// again with every retry of it, so that a retry records nothing new.
	RequestID string `json:"request_id"`
	// Token is the visitor's current token (the value of the snippet's
	// first-party cookie), the proof that a decision continuing a consent
	// ID is that visitor's: the server continues the token's consent ID,
	// never one a request merely names.
	Token string `json:"token"`
}

// Decision is a validated request: what is granted, for whom, under which revision.
type Decision struct {
	ConsentID uuid.UUID
	Action    Action
	Source    Source
	Revision  int
	Granted   []string // sorted category keys, necessary always included
	GPC       bool
	// GPCDenied are the categories the request asked for that the Global
	// Privacy Control signal kept off (sorted): a binding opt-out in an
	// opt-out or notice region, so the answer can say why they are missing.
	GPCDenied []string
	Where     Jurisdiction
	RequestID uuid.UUID // uuid.Nil when the client sent none
}

// Decide validates a request against the site as of its current revision and
// works out the categories it grants, under the visitor's jurisdiction. gpc
// is true when the browser sends Global Privacy Control by header; the
// request may say so too. GPC leaves its categories out of "accept all";
// in an opt-out or notice region it denies them whatever the request says.
// Source gpc records the opt-out a GPC signal makes by itself, always as a
// custom decision of what it leaves granted.
func (s *Site) Decide(r Request, where Jurisdiction, gpc bool) (Decision, error) {
	d := Decision{Action: r.Action, Revision: r.Revision, GPC: gpc || r.GPC, Source: r.Source, Where: where}
	switch d.Source {
	case "":
		d.Source = SourceAPI
	case SourceBanner, SourcePreferences, SourceAPI, SourceNoJS, SourcePlaceholder:
	case SourceGPC:
		if !d.GPC || (r.Action != AcceptAll && r.Action != Custom) {
			return d, FieldError(EUnprocessed, "source", "source gpc records the opt-out of a Global Privacy Control signal: it needs the signal and accept_all or custom")
		}
	default:
		return d, FieldError(EUnprocessed, "source", "unknown source %q", r.Source)
	}
	if r.Revision == 0 {
		return d, FieldError(EUnprocessed, "revision", "no revision: send the revision the visitor was shown, the banner answer's revision (site %q is at revision %d)", s.ID, s.Revision)
	}
	if r.Revision < 1 || r.Revision > s.Revision {
		return d, FieldError(EUnprocessed, "revision", "revision %d has not been published for site %q", r.Revision, s.ID)
	}
	if r.ConsentID == "" {
		d.ConsentID = uuid.Nil
	} else {
		id, err := uuid.Parse(r.ConsentID)
		if err != nil || id == uuid.Nil {
			return d, FieldError(EUnprocessed, "consent_id", "is not a consent ID: send the consent_id of an earlier answer, or leave it out to begin a new consent")
		}
		d.ConsentID = id
	}
	if r.RequestID != "" {
		id, err := uuid.Parse(r.RequestID)
		if err != nil || id == uuid.Nil || len(r.RequestID) != 36 {
			return d, FieldError(EUnprocessed, "request_id", "is not a UUID (like 0192f0c4-5c1e-7a53-9b7e-3f0e2d1c4b5a)")
		}
		d.RequestID = id
	}
	for k := range r.Categories {
		if _, ok := s.Category(k); !ok {
			return d, FieldError(EUnprocessed, "categories", "unknown category %q", k)
		}
	}
	switch r.Action {
	case AcceptAll, RejectAll, Withdraw, Custom:
	default:
		return d, FieldError(EUnprocessed, "action", "unknown action %q", r.Action)
	}
	if r.Action != Custom && len(r.Categories) > 0 {
		return d, FieldError(EUnprocessed, "categories", "only a custom decision names categories")
	}
	// Every category a request names is one of the site's (checked above),
	// so what is granted is decided category by category of the site.
	for _, c := range s.Categories {
		var v bool
		switch r.Action {
		case AcceptAll:
			v = !(d.GPC && c.GPC && !c.Required)
		case Custom:
			v = r.Categories[c.Key]
		}
		if c.Required {
			v = true
		}
		if c.GPC && where.Mode.GPCBinds(d.GPC) && !c.Required {
			if v || r.Action == AcceptAll {
				d.GPCDenied = append(d.GPCDenied, c.Key)
			}
			v = false
		}
		if v && !slices.Contains(d.Granted, c.Key) {
			if d.Granted == nil {
				d.Granted = make([]string, 0, len(s.Categories))
			}
			d.Granted = append(d.Granted, c.Key)
		}
	}
	sort.Strings(d.Granted)
	sort.Strings(d.GPCDenied)
	// A GPC signal's opt-out is nobody's click on "Accept all": it is
	// recorded as what it is, the categories it leaves granted, so the log,
	// the proof, the receipt and the dashboard never say the visitor
	// accepted all. Snippet builds released before this still send
	// accept_all for it; what it grants is worked out above either way.
	if d.Source == SourceGPC {
		d.Action = Custom
	}
	return d, nil
}

// GPCOptOut is the outcome (see Outcome) of the opt-out a Global Privacy
// Control signal made by itself. No request sends it as its action: it is
// what the rollup counts such a decision as, and what the log filters it by,
// whatever action it was stored with.
const GPCOptOut Action = "gpc"

// Outcomes are the outcomes a recorded decision can have, in the order the
// console shows them.
var Outcomes = []Action{AcceptAll, RejectAll, Custom, Withdraw, GPCOptOut}

// Outcome is what a recorded decision did, as the words for it are keyed:
// its action, except GPCOptOut for the opt-out a Global Privacy Control
// signal made by itself (source gpc), whatever action it was stored with.
// Until 2 December 2026 such a decision was stored as accept_all; the
// ledger keeps it so, and it still must never read "Accepted all".
func Outcome(a Action, s Source) Action {
	if s == SourceGPC {
		return GPCOptOut
	}
	return a
}

// Has reports whether the decision grants category k.
func (d Decision) Has(k string) bool { return slices.Contains(d.Granted, k) }
