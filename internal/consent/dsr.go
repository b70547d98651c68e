package consent

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// RequestKind is what a data subject asked for.
type RequestKind string

// The kinds of data-subject request the log records.
const (
	RequestAccess        RequestKind = "access"        // access or a copy of their records (Art. 15, 20)
	RequestErasure       RequestKind = "erasure"       // erasure (Art. 17)
	RequestObjection     RequestKind = "objection"     // objection, or withdrawing consent (Art. 21, 7(3))
	RequestRectification RequestKind = "rectification" // rectification (Art. 16)
	RequestOther         RequestKind = "other"
)

// RequestKinds lists the kinds in the order forms offer them.
var RequestKinds = []RequestKind{RequestAccess, RequestErasure, RequestObjection, RequestRectification, RequestOther}

// GDPR Art. 12(3): a request is answered "without undue delay and in any
// event within one month of receipt"; the period "may be extended by two
// further months where necessary", and the data subject is told so, with
// the reasons, within the first month.
const (
	// AnswerMonths is the period to answer a request in.
	AnswerMonths = 1
	// MaxExtensionMonths is how far one extension may move the due date.
	MaxExtensionMonths = 2
	// DueSoonDays is how close a due date counts as "due soon".
	DueSoonDays = 7
)

// Limits of a request's texts, in characters.
const (
	maxReference  = 200
	maxRequestTxt = 2000
	maxReason     = 500
	// MaxRequestConsentIDs bounds the consent IDs one request names.
	MaxRequestConsentIDs = 20
)

// SubjectRequest is one data-subject request in the log: what was asked,
// when it arrived, by when it must be answered, and how it was answered.
// Days (Received, Due, Answer.On) are calendar days at midnight UTC: the
// day as the privacy officer entered it, not an instant.
type SubjectRequest struct {
	ID         int64
	Kind       RequestKind
	Received   time.Time
	Due        time.Time // DueDate(Received, AnswerMonths + the extension's months)
	Reference  string    // the requester's reference and the channel it came by
	ConsentIDs []uuid.UUID
	Note       string
	CreatedAt  time.Time
	CreatedBy  string
	Extension  *RequestExtension // nil unless extended
	Answer     *RequestAnswer    // nil while open
}

// RequestExtension is the one extension Art. 12(3) allows, with its reason.
type RequestExtension struct {
	Months int
	Reason string
	At     time.Time
	By     string
}

// RequestAnswer is how and when a request was answered.
type RequestAnswer struct {
	On      time.Time // the day the answer went out
	Outcome string
	At      time.Time // when it was recorded
	By      string
}

// DateOf is the calendar day of t in loc, as a day at midnight UTC.
func DateOf(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// DueDate is received plus months calendar months. When the later month is
// shorter and has no such day, the period ends on its last day: received on
// 31 January, due on 28 (or 29) February; on 31 March, due on 30 April.
// Extending counts from the day received, not from a clamped due date, so
// 31 January plus three months is 30 April. This follows Regulation 1182/71
// Art. 3(2)(c), which the EDPB applies to Art. 12(3), except that a period
// ending on a weekend or a public holiday is not moved to the next working
// day: which days are holidays depends on the controller's country, and an
// earlier due date is never late.
func DueDate(received time.Time, months int) time.Time {
	y, m, d := received.Date()
	last := time.Date(y, m+time.Month(months)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return time.Date(y, m+time.Month(months), min(d, last), 0, 0, 0, 0, time.UTC)
}

// RequestState is where a request stands on a given day.
type RequestState string

// The states of a request, as the console names them.
const (
	StateOpen         RequestState = "open"          // due later than DueSoonDays from today
	StateDueSoon      RequestState = "due_soon"      // due today or within DueSoonDays
	StateOverdue      RequestState = "overdue"       // open past its due date
	StateAnswered     RequestState = "answered"      // answered by its due date
	StateAnsweredLate RequestState = "answered_late" // answered after its due date
)

// State is where the request stands on today (a day, as DateOf gives it).
func (r *SubjectRequest) State(today time.Time) RequestState {
	switch {
	case r.Answer != nil && r.Answer.On.After(r.Due):
		return StateAnsweredLate
	case r.Answer != nil:
		return StateAnswered
	case today.After(r.Due):
		return StateOverdue
	case !r.Due.After(today.AddDate(0, 0, DueSoonDays)):
		return StateDueSoon
	}
	return StateOpen
}

// DaysLeft is how many days remain until the due date on today: 0 on the
// day itself, negative once overdue.
func (r *SubjectRequest) DaysLeft(today time.Time) int {
	return int(r.Due.Sub(today).Hours() / 24)
}

// Validate checks a new request as recorded on today (the recorder's day)
// and sets its due date.
func (r *SubjectRequest) Validate(today time.Time) error {
	if !validKind(r.Kind) {
		return FieldError(EInvalid, "kind", "choose what was asked for").Say("e_request_kind", nil)
	}
	if r.Received.IsZero() {
		return FieldError(EInvalid, "received", "say on which day the request arrived").Say("e_request_received", nil)
	}
	if r.Received.After(today) {
		return FieldError(EInvalid, "received", "the day received cannot be later than today").Say("e_day_after_today", nil)
	}
	if r.Received.Year() < 2000 {
		return FieldError(EInvalid, "received", "the day received is before 2000").Say("e_day_before_2000", nil)
	}
	r.Reference = strings.TrimSpace(r.Reference)
	if r.Reference == "" || utf8.RuneCountInString(r.Reference) > maxReference {
		return FieldError(EInvalid, "reference", "give the requester's reference or channel, in at most %d characters", maxReference).Say("e_required_max", most(maxReference))
	}
	r.Note = strings.TrimSpace(r.Note)
	if utf8.RuneCountInString(r.Note) > maxRequestTxt {
		return FieldError(EInvalid, "note", "the note has more than %d characters", maxRequestTxt).Say("e_too_many_characters", most(maxRequestTxt))
	}
	if len(r.ConsentIDs) > MaxRequestConsentIDs {
		return FieldError(EInvalid, "consent_ids", "name at most %d consent IDs", MaxRequestConsentIDs).Say("e_request_ids", most(MaxRequestConsentIDs))
	}
	r.Due = DueDate(r.Received, AnswerMonths)
	return nil
}

func validKind(k RequestKind) bool {
	for _, x := range RequestKinds {
		if k == x {
			return true
		}
	}
	return false
}

// ParseConsentIDs reads consent IDs separated by spaces, commas or new
// lines, dropping repeats.
func ParseConsentIDs(s string) ([]uuid.UUID, error) {
	var out []uuid.UUID
	seen := map[uuid.UUID]bool{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }) {
		id, err := uuid.Parse(f)
		if err != nil {
			return nil, FieldError(EInvalid, "consent_ids", "%q is not a consent ID", clip(f, 40)).Say("e_not_a_consent_id", value(clip(f, 40)))
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, nil
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// Extend validates the one extension Art. 12(3) allows, made on today, and
// moves the due date: months (1 or 2) further from the day received. It must
// be made by the original due date, since the requester is to be told
// within the first month.
func (r *SubjectRequest) Extend(x RequestExtension, today time.Time) error {
	switch {
	case r.Answer != nil:
		return Errorf(EUnprocessed, "request %d was answered already", r.ID).Say("e_request_answered_already", nil)
	case r.Extension != nil:
		return Errorf(EUnprocessed, "request %d was extended already: Art. 12(3) allows one extension", r.ID).Say("e_request_extended", nil)
	case x.Months < 1 || x.Months > MaxExtensionMonths:
		return FieldError(EInvalid, "months", "extend by 1 or %d months", MaxExtensionMonths).Say("e_request_months", most(MaxExtensionMonths))
	case today.After(r.Due):
		return Errorf(EUnprocessed, "request %d was due on %s: an extension must be made, and the requester told, within the first month", r.ID, r.Due.Format(time.DateOnly)).
			Say("e_request_extend_late", map[string]any{"Due": r.Due.Format(time.DateOnly)})
	}
	x.Reason = strings.TrimSpace(x.Reason)
	if x.Reason == "" || utf8.RuneCountInString(x.Reason) > maxReason {
		return FieldError(EInvalid, "reason", "give the reason for the delay, in at most %d characters", maxReason).Say("e_required_max", most(maxReason))
	}
	r.Extension = &x
	r.Due = DueDate(r.Received, AnswerMonths+x.Months)
	return nil
}

// Answered validates an answer recorded on today and sets it: the day it
// went out lies between the day received and today.
func (r *SubjectRequest) Answered(a RequestAnswer, today time.Time) error {
	switch {
	case r.Answer != nil:
		return Errorf(EUnprocessed, "request %d was answered already", r.ID).Say("e_request_answered_already", nil)
	case a.On.IsZero():
		return FieldError(EInvalid, "answered", "say on which day the answer went out").Say("e_request_answered", nil)
	case a.On.Before(r.Received):
		return FieldError(EInvalid, "answered", "the answer cannot predate the request (received %s)", r.Received.Format(time.DateOnly)).
			Say("e_request_answer_early", map[string]any{"Received": r.Received.Format(time.DateOnly)})
	case a.On.After(today):
		return FieldError(EInvalid, "answered", "the day answered cannot be later than today").Say("e_day_after_today", nil)
	}
	a.Outcome = strings.TrimSpace(a.Outcome)
	if a.Outcome == "" || utf8.RuneCountInString(a.Outcome) > maxReason {
		return FieldError(EInvalid, "outcome", "say what the answer was, in at most %d characters", maxReason).Say("e_required_max", most(maxReason))
	}
	r.Answer = &a
	return nil
}

// most is the argument of a message that names a limit.
func most(n int) map[string]any { return map[string]any{"Max": n} }
