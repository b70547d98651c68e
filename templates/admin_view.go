package templates

import (
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/google/uuid"
)

// Admin is what every console page knows: who is looking, in which
// language and time zone, and the CSRF token its forms post back.
type Admin struct {
	T         *i18n.Localizer
	User      *auth.User // nil on the sign-in page
	CSRF      string
	Path      string // the route, to mark the current tab
	Loc       *time.Location
	Languages []string
	Due       RequestDue // open data-subject requests overdue and due soon, for the navigation
	// TZ is the time zone as typed into the form at the page's foot, when
	// the page refuses it; empty otherwise (TZField).
	TZ string
	// Here is the page's address, where that form returns once saved; ""
	// sends it to the consent log.
	Here string
}

// TZField is what the time-zone field at the page's foot holds: what was
// typed into it when it was refused, else the user's time zone.
func (a Admin) TZField() string {
	if a.TZ != "" {
		return a.TZ
	}
	return a.Loc.String()
}

// Time formats t in the user's time zone. In a right-to-left console it
// is one left-to-right isolate (U+2066 … U+2069), wherever it stands (a
// cell, a sentence, a title): its date, its time and its zone, each a run
// of its own in an Arabic line, were drawn right to left ('UTC 21:43:44
// 2026-12-01').
func (a Admin) Time(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	s := t.In(a.Loc).Format("2006-01-02 15:04:05 MST")
	if a.T.Dir() == "rtl" {
		return "\u2066" + s + "\u2069"
	}
	return s
}

// Isolated is a value as written (a site's name) in a title, which is
// text, not HTML, so that no <bdi> can keep it apart: in a right-to-left
// console it is a first-strong isolate (U+2068 … U+2069), which keeps a
// Latin name and what follows it ('Shop 2: …') in their own order.
func (a Admin) Isolated(s string) string {
	if a.T.Dir() == "rtl" {
		return "\u2068" + s + "\u2069"
	}
	return s
}

// Login is the sign-in form.
type Login struct {
	Email, Next string
	Error       Phrase
	// NoUser: the console has no user yet, so nobody can sign in; the
	// page says how to create the first (FirstUserCommand).
	NoUser bool
}

// FirstUserCommand creates a deployment's first console user, as the
// sign-in page shows it while there is none. It names no database: the
// page is public, and serve's start-up output gives the whole command.
const FirstUserCommand = "consentry user add --email you@example.com --role admin"

// Log is one page of the consent log.
type Log struct {
	Query  consent.LogQuery
	Values url.Values
	Events []*consent.Event
	// By event ID, in the order of its revision's categories: the
	// categories it granted, and those its revision offered and it did not.
	Granted, Denied map[uuid.UUID][]string
	Next            int64 // cursor of the next (older) page; 0 on the last
	Sites           []string
	// Categories are the keys the Granted and Denied filters offer: every
	// site's optional categories, in the sites' order.
	Categories []string
	Error      Phrase
	// Search is what the search box found nothing for, shown again in it
	// beside the error so that a typo can be corrected, not typed anew.
	Search string
	// AllColumns shows the columns a list read at a glance does without
	// (language, GPC), which the event's page says too (?columns=all).
	AllColumns bool
}

// categoryLabels are the Granted and Denied filters' categories, in words:
// the names the log's columns show, not keys to type.
func (l Log) categoryLabels(a Admin) []option {
	var out []option
	for _, k := range l.Categories {
		out = append(out, option{k, CategoryName(a.T, consent.Category{Key: k})})
	}
	return out
}

// NextURL is the link to the next page, keeping the filters.
func (l Log) NextURL() string {
	v := url.Values{}
	for k, vs := range l.Values {
		v[k] = vs
	}
	v.Set("before", strconv.FormatInt(l.Next, 10))
	if l.AllColumns {
		v.Set("columns", "all")
	}
	return "/admin/log?" + v.Encode()
}

// ColumnsURL is this view with every column shown, or the fewer shown by
// default when they all are: the filters and the page kept.
func (l Log) ColumnsURL() string {
	v := url.Values{}
	for k, vs := range l.Values {
		v[k] = vs
	}
	if l.Query.Before > 0 {
		v.Set("before", strconv.FormatInt(l.Query.Before, 10))
	}
	if !l.AllColumns {
		v.Set("columns", "all")
	}
	if len(v) == 0 {
		return "/admin/log"
	}
	return "/admin/log?" + v.Encode()
}

// ExportURL downloads the current filter in a format.
func (l Log) ExportURL(format string) string {
	v := url.Values{}
	for k, vs := range l.Values {
		v[k] = vs
	}
	v.Set("format", format)
	return "/admin/log/export?" + v.Encode()
}

// Proof is one event with everything that proves it.
type Proof struct {
	Event  *consent.Event
	Prev   [32]byte
	LinkOK bool
	Texts  *ShownTexts
	// In the order of the revision's categories: the categories the event
	// granted, and those its revision offered and it did not.
	Granted, Denied []string
	// TextsForged is set when the stored texts no longer match the hash the
	// event recorded; Texts is then nil, not the forged texts.
	TextsForged bool
	// Newest is the consent ID's newest decision when it is not this one:
	// the visitor changed their mind or withdrew since.
	Newest *consent.Event
}

// Verified reports whether everything the proof shows checks out: the
// ledger link and the texts shown.
func (p Proof) Verified() bool { return p.LinkOK && p.Texts != nil && !p.TextsForged }

// dirOf is a visitor language's writing direction, for texts shown to a
// visitor inside a console page that may run the other way.
func dirOf(lang string) string { return i18n.Language{Code: lang}.Dir() }

// ShownTexts is the stored snapshot of the texts shown.
type ShownTexts = consent.Texts

// ConsentView is a data-subject request: one consent ID's events.
type ConsentView struct {
	ID uuid.UUID
	// Events are oldest first, as the store keeps them; the page lists them
	// newest first, as the log and the visitor's receipt do.
	Events []*consent.Event
	// By event ID, in the order of its revision's categories: the
	// categories it granted, and those its revision offered and it did not.
	Granted, Denied map[uuid.UUID][]string
	// Request is the data-subject request this page was opened for (from
	// its page in the request log), or nil; it is carried into export and
	// erasure so their audit entries name it too.
	Request *consent.SubjectRequest
	// Requests are the requests in the log that name this consent ID.
	Requests []*consent.SubjectRequest
	Today    time.Time // the viewer's day, for the requests' states
}

// Erased is the latest erasure of the events' personal data, or nil when
// none was erased.
func (v ConsentView) Erased() *consent.Erasure {
	var last *consent.Erasure
	for _, e := range v.Events {
		if e.Erased != nil && (last == nil || e.Erased.At.After(last.At)) {
			last = e.Erased
		}
	}
	return last
}

// Holds reports whether any event still holds personal data: none was ever
// erased, or the visitor chose again after an erasure.
func (v ConsentView) Holds() bool {
	for _, e := range v.Events {
		if e.Erased == nil && e.Personal != (consent.Personal{}) {
			return true
		}
	}
	return false
}

// Integrity is how far the ledger has been verified.
type Integrity struct {
	Seq int64
	At  time.Time
	By  string // who verified last, from the audit trail; "" when unknown
	// Finding is a command-line verification, newer than the checkpoint,
	// that found the ledger broken; nil when none.
	Finding  *auth.AuditEntry
	Head     int64
	HeadHash [32]byte
	// Texts and TextsDigest are how many texts snapshots are stored and
	// their digest (ledger.Texts): the second half of the head to record.
	Texts       int64
	TextsDigest [32]byte
	// Purges and PurgesDigest are how many retention purges are done and
	// their digest (retention.Pins): the third half of the head to record.
	Purges       int64
	PurgesDigest [32]byte
	Last         *consent.Event
	// PublicKey is the signing key's public half, base64; "" when the
	// deployment has none and the head cannot be signed.
	PublicKey string
	Ran       bool
	Checked   int64
	Break     *ledger.Break
	More      bool
	// Purged is how many events retention purges removed in all; Purge
	// is the newest purge, nil when there was none.
	Purged int64
	Purge  *PurgeView
}

// PurgeView is one retention purge as the integrity page shows it.
type PurgeView struct {
	At     time.Time // when its last batch committed
	Actor  string    // cli, scheduler or a console user
	Site   string    // "" for every site
	Cutoff time.Time
	Count  int64
	// Last and LastHash are the newest event it removed and its hash: the
	// link the ledger keeps for it.
	Last     int64
	LastHash [32]byte
	// Done is false while it runs, or after it was killed until the next
	// purge closes it (no head covers it yet); Stopped when it ended
	// before removing all it meant to.
	Done, Stopped bool
}

// Anchor is the head to record: SEQ:HASH:TEXTS:DIGEST:PURGES:DIGEST, as
// verify --head takes it.
func (v Integrity) Anchor() string {
	return itoa(v.Head) + ":" + hexOf(v.HeadHash) + ":" + itoa(v.Texts) + ":" + hexOf(v.TextsDigest) +
		":" + itoa(v.Purges) + ":" + hexOf(v.PurgesDigest)
}

// AuditView is one page of the audit trail.
type AuditView struct {
	Entries []auth.AuditEntry
	Next    int64
	// Paged is whether this is a page after the first (?before=): one
	// that came up empty belongs to a filter that matched.
	Paged  bool
	Filter AuditFilter
	Error  Phrase // what is wrong with the filters, in words
}

// AuditFilter narrows the audit trail: who (part of an email), which action,
// and a range of days (From inclusive, To exclusive, in the user's zone).
type AuditFilter struct {
	Actor, Action  string
	FromDay, ToDay string // as typed, YYYY-MM-DD
	From, To       time.Time
}

// Match reports whether e passes the filter.
func (f AuditFilter) Match(e auth.AuditEntry) bool {
	return (f.Actor == "" || strings.Contains(strings.ToLower(e.Actor), strings.ToLower(f.Actor))) &&
		(f.Action == "" || e.Action == f.Action) &&
		(f.From.IsZero() || !e.Time.Before(f.From)) && (f.To.IsZero() || e.Time.Before(f.To))
}

// Values is the filter as URL parameters.
func (f AuditFilter) Values() url.Values {
	v := url.Values{}
	for k, x := range map[string]string{"actor": f.Actor, "action": f.Action, "from": f.FromDay, "to": f.ToDay} {
		if x != "" {
			v.Set(k, x)
		}
	}
	return v
}

// NextURL is the next (older) page, keeping the filter.
func (v AuditView) NextURL() string {
	q := v.Filter.Values()
	q.Set("before", strconv.FormatInt(v.Next, 10))
	return "/admin/audit?" + q.Encode()
}

// ExportURL downloads the filtered trail as CSV.
func (v AuditView) ExportURL() string { return "/admin/audit/export?" + v.Filter.Values().Encode() }

// AuditActions are the actions the audit trail records, in the filter's
// order; each has its words (AuditActionWords) in every console language. A
// test finds every action the code writes and fails on one missing here.
var AuditActions = []string{"signin", "signin_failed", "signin_throttled", "signout", "signout_everywhere", "export",
	"dsr_lookup", "dsr_export", "erase", "audit_export", "verify", "user_add", "user_change", "user_passwd", "password_change",
	"site_create", "site_edit", "publish", "draft_discard", "request_add", "request_answer", "request_extend", "purge", "head_export"}

// UsersView lists the console's users.
type UsersView struct {
	Users []*auth.User
	Error Phrase
	// Email and Role are what the admin typed into the new-user form when
	// it was refused, so that nothing typed is lost; never the password.
	Email string
	Role  auth.Role
}

func hexOf(b [32]byte) string { return hex.EncodeToString(b[:]) }

// itoa is a number for machines: URLs, form values, identifiers in links.
// Counts people read go through count.
// ShortID is how a list shows an ID: its last group, after an ellipsis.
// That is what tells a UUIDv7 from its neighbours: its first groups are
// its time, alike for every decision of the same minute (and said by the
// log's Time column already). The whole ID is the link's title and its
// target; the log's search box takes it.
func ShortID(id uuid.UUID) string {
	s := id.String()
	return "…" + s[len(s)-12:]
}

func itoa[T int | int64](n T) string { return strconv.FormatInt(int64(n), 10) }

// count is a count for people to read, grouped as the console's language
// groups digits: 8,888,257 in English, 8.888.257 in German.
func count[T int | int64](a Admin, n T) string { return a.T.Num(int64(n)) }

// pct is a share to one decimal. A share that is neither none nor all
// never reads as either: 1 decision of 3,679 is "<0.1%", not "0.0%",
// and 3,678 of them ">99.9%", not "100.0%".
func pct(t *i18n.Localizer, f float64) string {
	switch {
	case f > 0 && f < 0.0005:
		return t.TData("a_pct_under", map[string]any{"Pct": t.Pct(0.001, 1)})
	case f < 1 && f >= 0.9995:
		return t.TData("a_pct_over", map[string]any{"Pct": t.Pct(0.999, 1)})
	}
	return t.Pct(f, 1)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// AccountView is the signed-in user's own page.
type AccountView struct {
	Error   Phrase
	Changed bool // the password was just changed
}

// EraseConfirm is an erasure about to happen: the events whose personal
// fields it blanks and the reason it will record.
type EraseConfirm struct {
	ID      uuid.UUID
	Events  []*consent.Event
	Reason  string
	Request *consent.SubjectRequest // as ConsentView.Request
}

// option is one choice of a select: the value a URL carries and its words.
type option struct{ Value, Label string }

// actionLabels are the log filter's outcomes, in words: it filters by
// what a decision did (consent.Outcome), not by the action stored.
func actionLabels(a Admin) []option {
	var out []option
	for _, act := range actionOrder {
		out = append(out, option{string(act), OutcomeWords(a.T, act)})
	}
	return out
}

// sourceLabels are the log filter's sources, in words. The filter names each source in a word or two: as long as the
// record's words ("Placeholder of a blocked embed"), the list was twice as
// wide as every other filter's.
func sourceLabels(a Admin) []option {
	var out []option
	for _, s := range consent.Sources {
		out = append(out, option{string(s), SourceShortWords(a.T, s)})
	}
	return out
}

// mode is the consent mode the event's rule applied ("opt-out (US)").
func (p Proof) mode() consent.Mode {
	m, _, _ := strings.Cut(p.Event.Rule, " ")
	return consent.Mode(m)
}

// ShownBody is the banner's body as this visitor read it: where their
// Global Privacy Control signal bound them, the body without what it kept
// off (consent.GPCBodyKey), where the snapshot keeps one; else their
// mode's, where the snapshot keeps one for it (consent.BodyKey), else the
// one body every mode showed.
func (p Proof) ShownBody() string {
	if b, ok := p.Texts.Messages[consent.GPCBodyKey(p.mode())]; ok && p.mode().GPCBinds(p.Event.GPC) {
		return b
	}
	if b, ok := p.Texts.Messages[consent.BodyKey(p.mode())]; ok {
		return b
	}
	return p.Texts.Messages["banner_body"]
}

// FromPlaceholder reports whether the decision was made on a blocked
// embed's placeholder ("Allow CATEGORY"), whose texts, not the banner's,
// are what the visitor read.
func (p Proof) FromPlaceholder() bool { return p.Event.Source == consent.SourcePlaceholder }

// FromGPC reports whether the decision was the opt-out of a Global Privacy
// Control signal, made with no banner on screen.
func (p Proof) FromGPC() bool { return p.Event.Source == consent.SourceGPC }

// ShownService is a service as a snapshot keeps it: named, described and
// its cookies' purposes given in the visitor's language.
type ShownService = consent.Service

// ServicesIn are the services the preference center listed under category
// key, in the snapshot's order; none for a snapshot that kept no services.
func (p Proof) ServicesIn(key string) []ShownService {
	var out []ShownService
	for _, s := range p.Texts.Services {
		if s.Category == key {
			out = append(out, s)
		}
	}
	return out
}

// allTextsKey names the list of every text: as shown, or for a decision
// the signal made with no banner on screen, as the site would have shown.
func (p Proof) allTextsKey() string {
	if p.FromGPC() {
		return "a_all_texts_would_show"
	}
	return "a_all_texts"
}

// ShownGPC is what the banner said of Global Privacy Control to this
// visitor, when the snapshot keeps it: where the signal bound them (on, in
// an opt-out or notice region), gpc_binding; where it was on and they still
// decided (opt-in), banner_gpc; "" without the signal.
func (p Proof) ShownGPC() string {
	switch {
	case p.mode().GPCBinds(p.Event.GPC):
		return p.Texts.Messages["gpc_binding"]
	case p.Event.GPC:
		return p.Texts.Messages["banner_gpc"]
	}
	return ""
}
