package templates

import (
	"context"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/a-h/templ"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/words"
)

// Phrase is a message in the console's language with the values it shows
// as written kept apart (an event or consent ID, an email, a hash, a URL,
// a day), so that a page isolates each in <bdi>: in an Arabic sentence an
// ID between parentheses otherwise takes the sentence's direction, its
// parentheses turned the wrong way and its parts reordered.
type Phrase []piece

// piece is a run of a Phrase: the message's own words, or a value as
// written.
type piece struct {
	text    string
	written bool
	brk     bool // between two errors of one refusal (Parts)
}

// String is the Phrase as plain text, for a test or a title.
func (p Phrase) String() string {
	var b strings.Builder
	for _, x := range p {
		if x.brk {
			b.WriteString(" ")
		}
		b.WriteString(x.text)
	}
	return b.String()
}

// Parts are the errors a refusal says, each a Phrase of its own: one,
// unless a form was refused for several fields at once (ErrorWords).
func (p Phrase) Parts() []Phrase {
	var out []Phrase
	at := 0
	for i, x := range p {
		if x.brk {
			out, at = append(out, p[at:i]), i+1
		}
	}
	return append(out, p[at:])
}

// Render writes the Phrase as HTML, escaped, each value as written in a
// <bdi> of its own, which keeps its own direction. One no longer than
// whole (an ID, an email) is not broken at its hyphens where a line has
// room for it, its parentheses kept with it (admin.css: bdi.whole); a
// longer one (a hash, a ledger head) wraps.
func (p Phrase) Render(_ context.Context, w io.Writer) error {
	var b strings.Builder
	for _, x := range p {
		switch {
		case x.brk:
			b.WriteString(" ")
		case x.written && utf8.RuneCountInString(x.text) <= whole:
			b.WriteString(`<bdi class="whole">` + templ.EscapeString(x.text) + "</bdi>")
		case x.written:
			b.WriteString("<bdi>" + templ.EscapeString(x.text) + "</bdi>")
		default:
			b.WriteString(templ.EscapeString(x.text))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// whole is how long a value as written may be and still be kept on one
// line: a UUID is 36 characters, most emails fewer than 40.
const whole = 40

// slot marks where an argument goes in a message while it is translated:
// characters of Unicode's private use area, which no translation holds.
var slot = regexp.MustCompile("\uE000([0-9]+)\uE001")

// say is w in the console's language, and false when w names a message
// the catalogue does not have and gives no text to show instead. Each
// argument is said in turn and takes its place whole, its values as
// written still apart. A number alone is not kept apart: digits keep their
// order in any sentence, and a "#" before them goes with them ("#7"),
// which an isolate would undo.
func say(t *i18n.Localizer, w words.Words) (Phrase, bool) {
	if w.Key == "" {
		return Phrase{{text: w.Text, written: strings.Trim(w.Text, "0123456789") != ""}}, true
	}
	args := make(map[string]any, len(w.Args))
	said := make([]Phrase, 0, len(w.Args))
	var empty []int
	for k, a := range w.Args {
		p, ok := say(t, a)
		if !ok {
			return nil, false
		}
		if a.Key == "" && a.Text == "" {
			empty = append(empty, len(said))
		}
		args[k] = "\uE000" + strconv.Itoa(len(said)) + "\uE001"
		said = append(said, p)
	}
	var s string
	if w.Count != nil {
		s = t.ND(w.Key, *w.Count, args)
	} else {
		s = t.TData(w.Key, args)
	}
	if s == w.Key {
		return Phrase{{text: w.Text, written: true}}, w.Text != ""
	}
	return fill(noneGiven(t, s, said, empty), said), true
}

// noneGiven is the translated message s with each of its arguments
// numbered in empty, a value as written left empty, said to be missing:
// "none given" in t's language where the message writes the value bare
// ("Reason: none given"), in parentheses where it quotes it ("(none
// given)", its quotation marks gone), never quoted as nothing ('“”').
// It sets said[n] for each.
func noneGiven(t *i18n.Localizer, s string, said []Phrase, empty []int) string {
	for _, n := range empty {
		at := "\uE000" + strconv.Itoa(n) + "\uE001"
		said[n] = Plain(t.T("e_none_given"))
		if q := regexp.MustCompile(`[“„«‘"][\x{00a0}\x{202f}]?` + at + `[\x{00a0}\x{202f}]?[”“»’"]`); q.MatchString(s) {
			s = q.ReplaceAllLiteralString(s, at)
			said[n] = Plain("(" + t.T("e_none_given") + ")")
		}
	}
	return s
}

// fill is the translated message s with each slot in it replaced by the
// Phrase said for it.
func fill(s string, said []Phrase) Phrase {
	var out Phrase
	at := 0
	for _, m := range slot.FindAllStringSubmatchIndex(s, -1) {
		out = out.words(s[at:m[0]])
		n, _ := strconv.Atoi(s[m[2]:m[3]])
		out = append(out, said[n]...)
		at = m[1]
	}
	return out.words(s[at:])
}

// Plain is words of the console's own, with no value as written in them.
func Plain(s string) Phrase { return Phrase{}.words(s) }

// Written is a value shown as written (an ID, an origin, a service's
// name), in a <bdi> of its own.
func Written(s string) Phrase {
	if s == "" {
		return nil
	}
	return Phrase{{text: s, written: true}}
}

// byAt is who did something and when, a list in the console's language
// ("dpo@shop.example، 2026-12-01 …" in Arabic), each as written.
func byAt(a Admin, by string, at time.Time) Phrase {
	return append(Written(by).words(a.T.ListSep()), Written(a.Time(at))...)
}

// Said is the message key in t's language filled with args as a
// consent.Error carries them: a string is a value as written (an ID, an
// email, an origin, a service's name typed by a user), in a <bdi> of its
// own unless it is a number alone; a Phrase is already said; a
// consent.Decimal is written with the language's decimal separator;
// anything else (a count) as the message writes it. An empty string is a
// value left out, said to be missing (noneGiven); when Value is and the
// message has other arguments, KEY_none is said instead where the
// catalogue has it, a message written for the value missing ('service
// “Shop”, a cookie’s name: none given'). ok is false when the catalogue
// has no such message.
func Said(t *i18n.Localizer, key string, args map[string]any) (p Phrase, ok bool) {
	if v, ok := args["Value"].(string); ok && v == "" && len(args) > 1 && t.T(key+"_none") != key+"_none" {
		key += "_none" // the message written for the value left out
	}
	data := make(map[string]any, len(args))
	var said []Phrase
	var empty []int
	for k, a := range args {
		switch v := a.(type) {
		case string:
			if v == "" {
				empty = append(empty, len(said))
			}
			a, said = "\uE000"+strconv.Itoa(len(said))+"\uE001", append(said, Phrase{{text: v, written: strings.Trim(v, "0123456789") != ""}})
		case Phrase:
			a, said = "\uE000"+strconv.Itoa(len(said))+"\uE001", append(said, v)
		case consent.Decimal:
			a = t.Dec(v.Value, v.Digits) // "4,48" in German
		case *ledger.Break:
			a, said = "\uE000"+strconv.Itoa(len(said))+"\uE001", append(said, BreakWords(t, v)) // as the integrity page says it
		}
		data[k] = a
	}
	s := t.TData(key, data)
	if s == key {
		return nil, false
	}
	return fill(noneGiven(t, s, said, empty), said), true
}

// Around is p between the words before and after.
func (p Phrase) Around(before, after string) Phrase {
	return append(Phrase{}.words(before), p...).words(after)
}

// words is p with the message's own words s after it, if any.
func (p Phrase) words(s string) Phrase {
	if s == "" {
		return p
	}
	return append(p, piece{text: s})
}
