package templates

import (
	"regexp"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/retention"
)

// The console says what happened in words; the records, exports and filters
// keep the codes. Each helper falls back to the code for a value the
// translations do not know yet, never to an empty cell.

// ActionWords is a decision's action in words: accept_all is "Accepted all".
func ActionWords(t *i18n.Localizer, a consent.Action) string {
	return orKey(t, "a_action_"+string(a), string(a))
}

// OutcomeWords is an outcome (consent.Outcomes) in a few words, where a
// tile, a legend, a column or a filter's list has room for no more: "Opted
// out by GPC", the other outcomes' ActionWords.
func OutcomeWords(t *i18n.Localizer, a consent.Action) string {
	return orKey(t, "a_action_short_"+string(a), ActionWords(t, a))
}

// DecisionWords is what a recorded decision did, in words: its action's,
// but "Opted out by Global Privacy Control" for the signal's own opt-out
// whatever action it was stored with (consent.Outcome).
func DecisionWords(t *i18n.Localizer, a consent.Action, s consent.Source) string {
	o := string(consent.Outcome(a, s))
	return orKey(t, "a_action_"+o, o)
}

// SourceWords is where a decision was made, in words.
func SourceWords(t *i18n.Localizer, s consent.Source) string {
	return orKey(t, "a_source_"+string(s), string(s))
}

// SourceShortWords is a source in a word or two, where a filter's list or
// a column has room for no more: "Placeholder", SourceWords "Placeholder of
// a blocked embed".
func SourceShortWords(t *i18n.Localizer, s consent.Source) string {
	return orKey(t, "a_source_short_"+string(s), SourceWords(t, s))
}

// RuleWords is the jurisdiction rule a record names ("opt-in (DE)",
// "opt-out (country unknown)") in words, with one pair of parentheses where
// the rule's own name has them.
func RuleWords(t *i18n.Localizer, rule string) string {
	mode, where, ok := strings.Cut(rule, " (")
	words := orKey(t, "a_rule_"+strings.ReplaceAll(mode, "-", "_"), mode)
	if !ok {
		return words
	}
	where = strings.TrimSuffix(where, ")")
	if where == "country unknown" {
		where = t.T("a_country_unknown")
	}
	if strings.HasSuffix(words, ")") { // one pair: "Opt-in (vorherige Einwilligung, DE)"
		return words[:len(words)-1] + t.ListSep() + where + ")"
	}
	return words + " (" + where + ")"
}

// CategoryWords lists categories by their translated names, or "—" for none.
func CategoryWords(t *i18n.Localizer, keys []string) string {
	if len(keys) == 0 {
		return "—"
	}
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = CategoryName(t, consent.Category{Key: k})
	}
	return t.List(names)
}

// roles are the roles a console user can have, the least first: a new
// user is a viewer unless chosen otherwise.
var roles = []auth.Role{auth.Viewer, auth.Admin}

// RoleWords is a console user's role in words: admin is "Administrator".
// Forms and the users' store keep the code.
func RoleWords(t *i18n.Localizer, r auth.Role) string {
	return orKey(t, "a_role_"+string(r), string(r))
}

// AuditActionWords is what an audit entry's action did, in words:
// dsr_lookup is "Looked up a visitor". The trail and its CSV keep the code.
func AuditActionWords(t *i18n.Localizer, action string) string {
	return orKey(t, "a_audit_"+action, action)
}

// requestTarget is how the request log names a request as an audit
// entry's target (web's requestTarget).
var requestTarget = regexp.MustCompile(`^request (\d+)$`)

// AuditTargetWords is an audit entry's target as the trail shows it: the
// kinds of target the server names in English (a request, "request 7"; a
// purge of every site, retention.AllSites) in the console's
// language; what staff or visitors gave (an email, a site or consent ID, a
// format, a position in the ledger) as written. The CSV keeps what was
// written.
func AuditTargetWords(t *i18n.Localizer, action, target string) string {
	switch {
	case strings.HasPrefix(action, "request_"):
		if m := requestTarget.FindStringSubmatch(target); m != nil {
			return t.TData("a_audit_target_request", map[string]any{"N": m[1]})
		}
	case action == "purge" && target == retention.AllSites:
		return t.T("a_audit_target_all_sites")
	}
	return target
}

// AuditTarget is AuditTargetWords for a page, in a <bdi> of its own, which
// a consent or event ID does not leave broken at a hyphen.
func AuditTarget(t *i18n.Localizer, action, target string) Phrase {
	return Phrase{{text: AuditTargetWords(t, action, target), written: true}}
}

// RequestKindWords is what a data subject asked for, in words.
func RequestKindWords(t *i18n.Localizer, k consent.RequestKind) string {
	return orKey(t, "a_request_kind_"+string(k), string(k))
}

// RequestStateWords says where a request stands on today: overdue by how
// many days, due today or in how many, answered on time or late. The
// console colours it too, but never by colour alone.
func RequestStateWords(t *i18n.Localizer, r *consent.SubjectRequest, today time.Time) string {
	left := r.DaysLeft(today)
	switch r.State(today) {
	case consent.StateAnswered:
		return t.T("a_request_on_time")
	case consent.StateAnsweredLate:
		return t.T("a_request_late")
	case consent.StateOverdue:
		return t.N("a_request_overdue", -left)
	}
	if left == 0 {
		return t.T("a_request_due_today")
	}
	return t.N("a_request_due_in", left)
}

// ActorWords is who did what an audit entry records, as the trail shows
// it (auth.ActorWords): the command line and the server's scheduled purges
// in the console's language, a staff member by their email.
func ActorWords(t *i18n.Localizer, actor string) string {
	return Actor(t, actor).String()
}

// Actor is ActorWords for a page: an email in a <bdi> of its own.
func Actor(t *i18n.Localizer, actor string) Phrase {
	p, _ := say(t, auth.ActorWords(actor))
	return p
}

// BreakWords is a broken ledger as the integrity page says it: the break's
// words in the console's language ("Protokoll unterbrochen bei Ereignis #7
// (…): …"), as the audit trail says them, or "The ledger is broken: " and
// its error as written where it has none.
func BreakWords(t *i18n.Localizer, b *ledger.Break) Phrase {
	if w := b.Words(); w != nil {
		return AuditDetail(t, auth.AuditEntry{Words: w, Detail: b.Error()})
	}
	return Phrase{{text: t.T("a_broken") + t.Colon()}, {text: b.Error(), written: true}}
}

// AuditDetailWords is an audit entry's detail as the trail shows it: its
// Words in the console's language, sentence after sentence, separated as
// the language separates them ("Anfrage 7; Personenbezogene Daten von 3
// Ereignissen gelöscht: …", by the Arabic semicolon in Arabic, which keeps
// a Latin value between two sentences in its place), each argument as
// written or in words in turn. An entry written before Words were kept
// (migration 00015) is read by LegacyAuditDetailWords; one whose words name
// a message this build does not have shows its Detail as written. The CSV
// keeps what was written.
func AuditDetailWords(t *i18n.Localizer, e auth.AuditEntry) string {
	return AuditDetail(t, e).String()
}

// AuditDetail is AuditDetailWords for a page: each value as written (an
// event ID, an email, a hash) in a <bdi> of its own.
func AuditDetail(t *i18n.Localizer, e auth.AuditEntry) Phrase {
	if len(e.Words) == 0 {
		return Phrase{{text: LegacyAuditDetailWords(t, e.Action, e.Detail)}}
	}
	var out Phrase
	for i, w := range e.Words {
		p, ok := say(t, w)
		if !ok {
			return Phrase{{text: e.Detail, written: true}}
		}
		if i > 0 {
			out = out.words(t.Semicolon())
		}
		out = append(out, p...)
	}
	return out
}
