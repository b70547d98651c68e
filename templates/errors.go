package templates

import (
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
)

// Labels name, by the input's name, the label a form shows for it, so that
// an error names the field as the user sees it ("From", not "from"). ""
// says the message names its subject itself. Each form has its own: an
// input name means different things on different forms ("reason").
type Labels map[string]string

// FilterLabels are the log's, the export's and the dashboard's filters.
var FilterLabels = Labels{
	"q":       "",
	"site":    "a_site",
	"from":    "a_from",
	"to":      "a_to",
	"action":  "a_action",
	"granted": "a_granted",
	"denied":  "a_denied",
	"source":  "a_source",
	"country": "a_country",
	"lang":    "a_language",
	"gpc":     "",
	"before":  "",
	"base":    "a_revision_first", // the revisions compared, in the form's order
	"rev":     "a_revision_second",
	"view":    "", // the dashboard export's: its message names it
	"format":  "", // the log export's: its message names it
}

// DiffLabels are the revision comparison's: the two revisions, in the
// order its form asks for them.
var DiffLabels = Labels{"a": "a_revision_first", "b": "a_revision_second"}

// RequestLabels are the data-subject request forms' fields.
var RequestLabels = Labels{
	"kind":        "a_request_kind",
	"received":    "a_request_received",
	"reference":   "a_request_reference",
	"consent_ids": "a_request_consent_ids",
	"note":        "a_request_note",
	"answered":    "a_request_answered_on",
	"outcome":     "a_request_outcome",
	"months":      "a_request_extend_by",
	"reason":      "a_request_extend_reason",
	"request":     "a_request",
}

// UserLabels are the users screen's fields: a new user's, and a user's
// role.
var UserLabels = Labels{"email": "a_email", "role": "a_role", "password": "a_password"}

// AccountLabels are the account screen's password form's fields.
var AccountLabels = Labels{"password": "a_new_password"}

// SiteLabels are the site editor's fields, as its forms and the publish
// page name them; an ID names itself in its message.
var SiteLabels = Labels{
	"id": "", "name": "a_field_name", "origins": "a_field_origins", "lifetime": "a_field_lifetime",
	"retention": "a_field_retention", "rules": "a_field_rules", "consent_mode": "a_field_consent_mode",
	"categories": "a_field_categories", "services": "a_field_services", "cookies": "a_cookies", "catalog": "a_catalog",
	"texts": "a_field_texts", "links": "a_field_links", "vendor_signals": "a_field_vendor_signals",
	"change_note": "a_change_note", "what_changed": "a_what_changed", "confirm_editorial": "",
	"appearance.layout": "a_layout", "appearance.position": "a_position_banner", "appearance.background": "a_background",
	"appearance.text": "a_text_colour", "appearance.accent": "a_accent", "appearance.accent_text": "a_accent_text",
}

// NewSiteLabels are the new-site form's: SiteLabels, but the one origin it
// asks for as its field names it.
var NewSiteLabels = func() Labels {
	l := maps.Clone(SiteLabels)
	l["origins"] = "a_origin"
	return l
}()

// BasicsLabels are the site editor's Basics form's fields, as its labels
// say them ("Remember a choice for (days)", not the publish page's "Choice
// remembered for"); a link, which the form labels in its language, is
// privacy_link or legal_link (see web's linksLabelled).
var BasicsLabels = func() Labels {
	l := maps.Clone(SiteLabels)
	for field, label := range map[string]string{"origins": "a_origins", "lifetime": "a_lifetime", "retention": "a_retention",
		"rules": "a_rules", "consent_mode": "a_consent_mode", "privacy_link": "a_privacy_link", "legal_link": "a_legal_link"} {
		l[field] = label
	}
	return l
}()

// MeLabels are the fields of the form at the foot of every console page
// that sets the user's language and time zone.
var MeLabels = Labels{"lang": "a_language", "tz": "a_timezone"}

// AuditLabels are the audit trail's filters.
var AuditLabels = Labels{"from": "a_from", "to": "a_to", "before": ""}

// EraseLabels are the erase form's fields.
var EraseLabels = Labels{"reason": "a_reason"}

// ErrorWords is an error as the console shows it: its message in the
// user's language when it has a key the catalogue knows, else its English,
// after the label of the field at fault on the form. A field the form's
// labels do not name keeps its input name, as the API reports it. An error
// whose InLanguage argument names a language is about a field the form
// labels in that language: its label says it, as the form does
// ("Privacy policy link (English, en)"). Each value the message shows as
// written (an ID, an origin, a service's name) is in a <bdi> of its own on
// the page, which keeps it whole and in its own direction in an Arabic
// sentence. A form refused for several fields at once (errors.Join) says
// each error, in order, a part of its own (Phrase.Parts). An empty value, the message's only argument, is said to be
// missing after the field's label ('Second revision: none given'), not
// quoted as nothing ('“” is not a revision number').
func ErrorWords(t *i18n.Localizer, err error, labels Labels) Phrase {
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var out Phrase
		for i, e := range joined.Unwrap() {
			if i > 0 {
				out = append(out, piece{brk: true})
			}
			out = append(out, ErrorWords(t, e, labels)...)
		}
		return out
	}
	var e *consent.Error
	if !errors.As(err, &e) {
		return Plain(err.Error())
	}
	msg := Plain(e.Message)
	if e.Key != "" {
		if p, ok := Said(t, e.Key, e.Args); ok {
			msg = p
		}
	}
	label, known := labels[e.Field]
	if v, ok := e.Args["Value"].(string); ok && v == "" && len(e.Args) == 1 && e.Field != "" && (!known || label != "") {
		msg = Plain(t.T("e_none_given")) // not '“” is not …': after the field's label
	}
	switch {
	case e.Field == "" || known && label == "":
		return msg
	case !known:
		return append(Written(e.Field).words(t.Colon()), msg...)
	}
	if lang, ok := e.Args["InLanguage"].(string); ok {
		return msg.Around(t.T(label)+InLanguage(lang)+t.Colon(), "")
	}
	return msg.Around(t.T(label)+t.Colon(), "")
}

// Faults are the fields a refused form's errors are about, as its labels
// name them, one for each error in the order the refusal says them ("" for
// one about no field the form has), so that the page marks each field.
type Faults []string

// invalid marks a form's field when an error the page shows (errorNote) is
// about it: aria-invalid, and described by that error after its own help
// (help, the ids that describe it anyway): the refusal (form-error), or
// its own part of it (form-error-N) when the form was refused for several
// fields at once. Any other field keeps its help.
func invalid(at Faults, field string, help ...string) templ.Attributes {
	i := slices.Index(at, field)
	if i < 0 {
		if len(help) == 0 {
			return nil
		}
		return templ.Attributes{"aria-describedby": strings.Join(help, " ")}
	}
	note := "form-error"
	if len(at) > 1 {
		note = errorPartID(i)
	}
	return templ.Attributes{"aria-invalid": "true", "aria-describedby": strings.Join(append(help, note), " ")}
}

// errorPartID is the id of the i-th error (from 0) of a refusal that
// says several.
func errorPartID(i int) string { return "form-error-" + strconv.Itoa(i+1) }
