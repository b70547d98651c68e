// Package words holds what a message of the console's catalogue
// (locales/admin.*.toml) says before it is translated: its key and what
// fills it. The audit trail keeps them beside its English, and the ledger's
// verifier says a break with them, so they sit below both, with no
// dependency of their own: the ledger, the staff accounts, the command
// line and the web layer all import them.
package words

import "strconv"

// Words are what an audit entry's detail says, as a message of the
// console's catalogue (locales/admin.*.toml) and what fills it, the way a
// consent.Error carries its key (Say): the trail shows them in each staff
// member's language, and a new detail needs its message, not a parser of
// the English that Detail keeps beside them for the CSV and the command
// line. An argument is a value shown as written (an email, a day, a note
// staff typed: Text alone) or words of its own (a role, a request's kind),
// translated in turn.
type Words struct {
	Key  string           `json:"key,omitempty"`
	Args map[string]Words `json:"args,omitempty"`
	// Count, when set, chooses the message's plural form and is its
	// {{.Count}}.
	Count *int `json:"count,omitempty"`
	// Text is shown when Key is empty, or names a message this build does
	// not have (a code the catalogue has no words for yet).
	Text string `json:"text,omitempty"`
}

// Say is the message key of the console's catalogue, filled with args.
func Say(key string, args map[string]Words) Words {
	return Words{Key: key, Args: args}
}

// SayN is the message key with the plural form for n, which is its
// {{.Count}}, filled with args.
func SayN(key string, n int, args map[string]Words) Words {
	return Words{Key: key, Args: args, Count: &n}
}

// SayCode is a code in words: the message prefix+code ("a_role_" and
// "admin" are "Administrator"), or the code itself where the catalogue
// has no words for it.
func SayCode(prefix, code string) Words {
	return Words{Key: prefix + code, Text: code}
}

// Written is a value shown as written, in every language.
func Written(text string) Words { return Words{Text: text} }

// WrittenInt is a number shown as written, in every language: a sequence
// number or a revision, not a count.
func WrittenInt[N int | int64](n N) Words { return Written(strconv.FormatInt(int64(n), 10)) }
