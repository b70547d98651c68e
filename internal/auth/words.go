package auth

import (
	"encoding/json"

	"github.com/consentry/consentry/internal/words"
)

// clipped is w with every text cut to MaxDetail, as Detail is.
func clipped(w words.Words) words.Words {
	w.Text = Clip(w.Text, MaxDetail)
	if w.Args != nil {
		args := make(map[string]words.Words, len(w.Args))
		for k, a := range w.Args {
			args[k] = clipped(a)
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
func ParseWords(s *string) ([]words.Words, error) {
	if s == nil {
		return nil, nil
	}
	var ws []words.Words
	return ws, json.Unmarshal([]byte(*s), &ws)
}

// ActorWords are who did what an audit entry records, in words: the
// command line ("cli") and the server's scheduled purges ("scheduler") in
// the console's language, a staff member's email as written.
func ActorWords(actor string) words.Words {
	if actor == "cli" || actor == "scheduler" {
		return words.SayCode("a_actor_", actor)
	}
	return words.Written(actor)
}
