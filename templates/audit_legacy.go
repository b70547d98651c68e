package templates

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
)

// The audit trail's entries written before migration 00015 carry no
// Words: their details are read here from the English they were written in,
// one regular expression per form the server wrote then. The forms are
// closed: an entry written since says its Words (AuditDetailWords), and no
// new form is to be added here.

// The details the request log wrote to the audit trail (web's
// postRequests, postRequestAnswer, postRequestExtend), which name a kind or
// a state by its code.
var (
	requestAddDetail    = regexp.MustCompile(`(?s)^([a-z_]+), received (\d{4}-\d\d-\d\d), due (\d{4}-\d\d-\d\d): (.*)$`)
	requestAnswerDetail = regexp.MustCompile(`(?s)^answered (\d{4}-\d\d-\d\d), (answered|answered_late): (.*)$`)
	requestExtendDetail = regexp.MustCompile(`(?s)^by (\d+) months, due (\d{4}-\d\d-\d\d): (.*)$`)
	// The details a visitor's lookup, export and erasure write (web's
	// requestDetail, postErase, getProof): the request they answered
	// first, when there is one.
	forRequestDetail = regexp.MustCompile(`(?s)^request (\d+)(?:; (.*))?$`)
	erasedDetail     = regexp.MustCompile(`(?s)^(\d+) events: (.*)$`)
	proofDetail      = regexp.MustCompile(`^proof of event ([0-9a-f-]{36})$`)
	// The detail a user's change writes (web's postUser): the role and
	// whether the user is disabled, by their codes.
	userChangeDetail = regexp.MustCompile(`^role=([a-z]+) disabled=(true|false)$`)
	// The details a publication writes: from the console (web's
	// postSitePublish) its kind and note, from sites apply its file and
	// whether it is editorial.
	publishDetail     = regexp.MustCompile(`(?s)^revision (\d+) \((material|editorial)\): (.*)$`)
	publishFileDetail = regexp.MustCompile(`(?s)^revision (\d+) from (.*), editorial (true|false)$`)
	// A purge's record (retention.Describe), closed by a later purge when
	// it was stopped (retention.Close).
	purgeDetail = regexp.MustCompile(`^purge #(\d+): (\d+) events before (\S+?)(?:, #(\d+) to #(\d+), the newest hashing ([0-9a-f]+))?` +
		`; ledger head at the start #(\d+) ([0-9a-f]+)(; stopped before it ended)?(?:; closed by (.+))?$`)
)

// siteEdits are the parts of a site's draft the editor saves (web's
// siteEdit), as a site_edit audit entry names them, with
// their words: the editor's heading of a part, or what was done to it.
var siteEdits = map[string]string{
	"basics": "a_basics", "texts": "a_texts",
	"category": "a_audit_edit_category", "category removed": "a_audit_edit_category_removed", "category renamed": "a_audit_edit_category_renamed",
	"service": "a_audit_edit_service", "service from catalog": "a_audit_edit_service_catalog",
	"catalog update": "a_audit_edit_catalog_update", "service removed": "a_audit_edit_service_removed",
	"what changed": "a_what_changed",
}

// LegacyAuditDetailWords is the detail of an audit entry written before
// entries kept their Words (migration 00015), read from the English it was
// written in: a
// request's recording, answer or extension, the request a visitor's
// lookup, export or erasure answered, the events erased and the proof
// looked at, a user's role and state as added or changed, a published
// revision's kind, the part of a site's draft saved, what a purge removed
// and a ledger found intact, in words, in the console's language
// ("Answered late on 2026-12-01: …", not "answered 2026-12-01,
// answered_late: …"; "Anfrage 7; 3 Ereignisse gelöscht: …", not "request
// 7; 3 events: …"; "Rolle: Betrachter; Status: Aktiv", not "role=viewer
// disabled=false"; "Revision 2, redaktionell: …", not "revision 2
// (editorial): …"; "Grundeinstellungen", not "basics"; "Bereinigung #2: 6
// Ereignisse entfernt …", not "purge #2: 6 events before …"; "Intakt",
// not "intact"); any other detail as written. Entries written since say
// their Words (AuditDetailWords): no new form is to be read here.
func LegacyAuditDetailWords(t *i18n.Localizer, action, detail string) string {
	switch action {
	case "request_add":
		if m := requestAddDetail.FindStringSubmatch(detail); m != nil {
			return t.TData("a_audit_detail_add", map[string]any{"Kind": RequestKindWords(t, consent.RequestKind(m[1])),
				"Received": m[2], "Due": m[3], "Reference": m[4]})
		}
	case "request_answer":
		if m := requestAnswerDetail.FindStringSubmatch(detail); m != nil {
			state := t.T("a_request_on_time")
			if consent.RequestState(m[2]) == consent.StateAnsweredLate {
				state = t.T("a_request_late")
			}
			return t.TData("a_audit_detail_answer", map[string]any{"State": state, "Day": m[1], "Outcome": m[3]})
		}
	case "dsr_lookup", "dsr_export", "erase":
		var words []string
		if m := forRequestDetail.FindStringSubmatch(detail); m != nil {
			words, detail = append(words, t.TData("a_audit_target_request", map[string]any{"N": m[1]})), m[2]
		}
		if m := erasedDetail.FindStringSubmatch(detail); m != nil && action == "erase" {
			n, _ := strconv.Atoi(m[1])
			detail = t.ND("a_audit_detail_erased", n, map[string]any{"Reason": m[2]})
		} else if m := proofDetail.FindStringSubmatch(detail); m != nil {
			detail = t.TData("a_audit_detail_proof", map[string]any{"Event": m[1]})
		}
		if detail != "" {
			words = append(words, detail)
		}
		return strings.Join(words, "; ")
	case "user_add":
		// The new user's role (web's postUsers, consentry user add).
		if r, err := auth.ParseRole(detail); err == nil {
			return RoleWords(t, r)
		}
	case "user_change":
		if m := userChangeDetail.FindStringSubmatch(detail); m != nil {
			state := t.T("a_active")
			if m[2] == "true" {
				state = t.T("a_disabled")
			}
			return t.TData("a_audit_detail_user", map[string]any{"Role": RoleWords(t, auth.Role(m[1])), "State": state})
		}
	case "publish":
		if m := publishDetail.FindStringSubmatch(detail); m != nil {
			data := map[string]any{"N": m[1], "Kind": t.T("a_revision_" + m[2]), "Note": m[3]}
			if m[3] == "" {
				return t.TData("a_audit_detail_publish_bare", data)
			}
			return t.TData("a_audit_detail_publish", data)
		}
		if m := publishFileDetail.FindStringSubmatch(detail); m != nil {
			kind := "a_revision_material"
			if m[3] == "true" {
				kind = "a_revision_editorial"
			}
			return t.TData("a_audit_detail_publish_file", map[string]any{"N": m[1], "Kind": t.T(kind), "File": m[2]})
		}
	case "verify":
		// The console's verification that found the ledger intact (web's
		// postIntegrity); a break is said as found, and the command
		// line's report with its counts as written.
		if detail == "intact" {
			return t.T("a_audit_detail_intact")
		}
	case "site_edit":
		if id, ok := siteEdits[detail]; ok {
			return t.T(id)
		}
	case "purge":
		if m := purgeDetail.FindStringSubmatch(detail); m != nil {
			return purgeWords(t, m)
		}
	case "request_extend":
		if m := requestExtendDetail.FindStringSubmatch(detail); m != nil {
			n, _ := strconv.Atoi(m[1])
			return t.TData("a_audit_detail_extend", map[string]any{"By": t.N("a_n_months", n), "Due": m[2], "Reason": m[3]})
		}
	}
	return detail
}

// purgeWords is a purge's record, matched by purgeDetail, in words: how
// many events it removed, from before when, the run of the chain it
// removed and the ledger's head when it began, in the console's language;
// sequence numbers, hashes and the time as written.
func purgeWords(t *i18n.Localizer, m []string) string {
	n, _ := strconv.Atoi(m[2])
	cutoff := m[3]
	if at, err := time.Parse(time.RFC3339, cutoff); err == nil {
		cutoff = at.UTC().Format("2006-01-02 15:04:05") + " UTC"
	}
	words := []string{t.TData("a_audit_detail_purge", map[string]any{"N": m[1], "Removed": t.N("a_n_purged", n), "Cutoff": cutoff})}
	if m[4] != "" {
		words = append(words, t.TData("a_audit_detail_purge_run", map[string]any{"First": m[4], "Last": m[5], "Hash": m[6]}))
	}
	words = append(words, t.TData("a_audit_detail_purge_head", map[string]any{"Seq": m[7], "Hash": m[8]}))
	if m[9] != "" {
		words = append(words, t.T("a_purge_stopped"))
	}
	if m[10] != "" {
		words = append(words, t.TData("a_audit_detail_purge_closed", map[string]any{"By": m[10]}))
	}
	return strings.Join(words, "; ")
}
