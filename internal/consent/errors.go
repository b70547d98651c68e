// Package consent is the domain of Consentry: sites, categories, services,
// policy revisions, decisions and the records that prove them. It does no I/O;
// the HTTP layer and the stores depend on it, never the other way round.
package consent

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
)

// Code classifies an Error so that the HTTP layer can map it to a status in
// one place and callers can branch on it without matching strings.
type Code string

// The error codes. Each maps to exactly one HTTP status in the web package.
const (
	EInvalid     Code = "invalid"       // malformed input (400)
	EForbidden   Code = "forbidden"     // not allowed for this caller (403)
	ENotFound    Code = "not_found"     // no such thing (404)
	ETooLarge    Code = "too_large"     // request body over the limit (413)
	EUnprocessed Code = "unprocessable" // well-formed but refused by the rules (422)
	ERateLimited Code = "rate_limited"  // too many requests (429)
	EUnavailable Code = "unavailable"   // temporarily cannot accept work (503)
	EInternal    Code = "internal"      // a bug or an infrastructure failure (500)
)

// Error is the one error type the domain returns to callers. Message is safe
// to show to the person who made the request; Field names the offending input
// when there is one.
type Error struct {
	Code    Code
	Message string
	Field   string
	// Key names Message in the console's catalogue (locales/admin.*.toml)
	// and Args fill its placeholders ({{.Value}}), so that the console can
	// say it in its user's language; API clients and logs get Message, the
	// English. Empty for an error no console form meets.
	Key  string
	Args map[string]any
	// Others are the inputs besides Field that Message names, by the names
	// an API client knows them by ("to: must not be before from"), so that
	// a caller whose inputs are called otherwise, the CLI's flags, can name
	// them its way (Named).
	Others []string
	// Err is the underlying cause, for logs and errors.Is; never shown.
	Err error
}

// Decimal is a number with Digits decimals in an error's Args, which the
// console writes with its language's decimal separator ("4,48" in German);
// as text it is written with a point.
type Decimal struct {
	Value  float64
	Digits int
}

func (d Decimal) String() string { return strconv.FormatFloat(d.Value, 'f', d.Digits, 64) }

// Unwrap gives errors.Is and errors.As the cause.
func (e *Error) Unwrap() error { return e.Err }

// Wrap returns an *Error with the given code and message that keeps cause
// for the logs: the person who made the request sees only the message.
func Wrap(code Code, cause error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: cause}
}

// Say gives e the message key and arguments a console translates it by
// (see Key); the domain stays free of any catalogue.
func (e *Error) Say(key string, args map[string]any) *Error {
	e.Key, e.Args = key, args
	return e
}

// Naming gives e the other inputs its message names (Others).
func (e *Error) Naming(inputs ...string) *Error {
	e.Others = inputs
	return e
}

// Named is Error with Field and the Others in Message written as name
// writes an input: the CLI's "--to: must not be before --from".
func (e *Error) Named(name func(input string) string) string {
	msg := e.Message
	for _, in := range e.Others {
		msg = regexp.MustCompile(`\b`+regexp.QuoteMeta(in)+`\b`).ReplaceAllLiteralString(msg, name(in))
	}
	if e.Field != "" {
		return name(e.Field) + ": " + msg
	}
	return msg
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Message)
	}
	return e.Message
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an *Error that names the input field at fault.
func FieldError(code Code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EInternal for anything that is not an *Error.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}
