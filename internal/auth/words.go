package auth

import (
	"encoding/json"
	"strconv"
)

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

// clipped is w with every text cut to MaxDetail, as Detail is.
func (w Words) clipped() Words {
	w.Text = Clip(w.Text, MaxDetail)
	if w.Args != nil {
		args := make(map[string]Words, len(w.Args))
		for k, a := range w.Args {
			args[k] = a.clipped()
		}
		w.Args = args
	}
	return w
}

// WordsJSON is e's Words as the stores keep them (JSON), or nil (NULL)
// when it has none: an entry written before they were kept, or one whose
// detail is empty.
func (e AuditEntry) WordsJSON() (*string, error) {
	if len(e.Words) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(e.Words)
	if err != nil {
		return nil, err
	}
	s := string(b)
	return &s, nil
}

// ParseWords reads what WordsJSON wrote; nil (NULL) is none.
func ParseWords(s *string) ([]Words, error) {
	if s == nil {
		return nil, nil
	}
	var ws []Words
	return ws, json.Unmarshal([]byte(*s), &ws)
}

// ActorWords are who did what an audit entry records, in words: the
// command line ("cli") and the server's scheduled purges ("scheduler") in
// the console's language, a staff member's email as written.
func ActorWords(actor string) Words {
	if actor == "cli" || actor == "scheduler" {
		return SayCode("a_actor_", actor)
	}
	return Written(actor)
}
