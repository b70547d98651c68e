package ledger

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/words"
)

const textsDomain = "consentry-texts-v1"

// Texts checks the stored texts snapshots, read in the order they were
// stored: each body must match its hash and name its own site, revision and
// language. It remembers their hashes, so that a Verifier given it fails an
// event that names a snapshot no longer stored (one replaced, hash and all,
// or deleted), and folds them into a digest: the anchor of the snapshots,
// which catches a snapshot rewritten consistently before any event named it.
type Texts struct {
	known map[[32]byte]bool
	// configs are the configuration hashes the snapshots name, by the
	// revision they name (those made before snapshots named one name none).
	configs map[revision][32]byte
	digest  [32]byte
	count   int64
	// at is the digest after the first atCount snapshots, for an anchor.
	atCount int64
	at      *[32]byte
}

// NewTexts starts a check; with anchorCount > 0 it also keeps the digest
// after that many snapshots, for Anchored.
func NewTexts(anchorCount int64) *Texts {
	return &Texts{known: map[[32]byte]bool{}, configs: map[revision][32]byte{}, atCount: anchorCount}
}

// revision names one published revision of a site.
type revision struct {
	site string
	n    int
}

// Next checks the next snapshot in stored order.
func (t *Texts) Next(s consent.Snapshot) error {
	if err := s.Check(); err != nil {
		return &Break{Texts: name(s), Reason: "its body does not match its hash, or names another site, revision or language: it was changed",
			Why: words.Say("a_break_texts_body", nil), Where: words.Say("a_break_at_texts", map[string]words.Words{"Hash": words.Written(fmt.Sprintf("%x", s.Hash)),
				"Site": words.Written(s.Site), "N": words.WrittenInt(s.Revision), "Lang": words.Written(s.Lang)})}
	}
	var buf [256]byte
	b := append(buf[:0], textsDomain...)
	b = append(b, t.digest[:]...)
	b = appendStrings(b, s.Site, s.Lang)
	b = binary.BigEndian.AppendUint64(b, uint64(s.Revision))
	b = append(b, s.Hash[:]...)
	t.digest = sha256.Sum256(b)
	t.count++
	t.known[s.Hash] = true
	var named struct {
		Config string `json:"config"`
	}
	if json.Unmarshal(s.Body, &named) == nil && named.Config != "" {
		var h [32]byte
		if n, err := hex.Decode(h[:], []byte(named.Config)); err != nil || n != len(h) {
			return &Break{Texts: name(s), Reason: "the configuration hash it names is no hash: it was changed",
				Why: words.Say("a_break_texts_body", nil), Where: words.Say("a_break_at_texts", map[string]words.Words{"Hash": words.Written(fmt.Sprintf("%x", s.Hash)),
					"Site": words.Written(s.Site), "N": words.WrittenInt(s.Revision), "Lang": words.Written(s.Lang)})}
		}
		t.configs[revision{s.Site, s.Revision}] = h
	}
	if t.count == t.atCount {
		d := t.digest
		t.at = &d
	}
	return nil
}

func name(s consent.Snapshot) string {
	return fmt.Sprintf("%x (site %s, revision %d, %s)", s.Hash, s.Site, s.Revision, s.Lang)
}

// Head is how many snapshots were checked and the digest over them: record
// it with the ledger head.
func (t *Texts) Head() (int64, [32]byte) { return t.count, t.digest }

// Anchored checks a texts head recorded earlier: the first count snapshots
// must fold into the same digest today.
func (t *Texts) Anchored(count int64, digest [32]byte) error {
	if t.at == nil || t.atCount != count {
		return &Break{Texts: fmt.Sprintf("#%d", count), Reason: fmt.Sprintf("the recorded head names %d texts snapshots, but only %d are stored: snapshots were removed", count, t.count),
			Where: words.Say("a_break_at_texts_n", map[string]words.Words{"N": words.WrittenInt(count)}),
			Why:   words.Say("a_break_texts_count", map[string]words.Words{"Head": words.WrittenInt(count), "Stored": words.WrittenInt(t.count)})}
	}
	if *t.at != digest {
		return &Break{Texts: fmt.Sprintf("1 to %d", count), Reason: fmt.Sprintf("their digest is now %x, not the %x recorded: a snapshot was rewritten", *t.at, digest),
			Where: words.Say("a_break_at_texts_upto", map[string]words.Words{"N": words.WrittenInt(count)}),
			Why: words.Say("a_break_texts_digest", map[string]words.Words{"Now": words.Written(fmt.Sprintf("%x", *t.at)),
				"Recorded": words.Written(fmt.Sprintf("%x", digest))})}
	}
	return nil
}

// Config checks a published revision's stored configuration, after every
// snapshot: it must match the hash stored beside it, and that hash must be
// the one the revision's snapshots named when it was published. The first
// catches an edited configuration; the second one rewritten hash and all,
// since the snapshots are anchored by the events that name them and the
// texts digest.
func (t *Texts) Config(c consent.PublishedConfig) error {
	at := fmt.Sprintf("%d of site %s", c.Revision, c.Site)
	where := words.Say("a_break_at_revision", map[string]words.Words{"N": words.WrittenInt(c.Revision), "Site": words.Written(c.Site)})
	if sha256.Sum256(c.Config) != c.Hash {
		return &Break{Revision: at, Reason: "its stored configuration does not match the hash stored when it was published: it was changed",
			Where: where, Why: words.Say("a_break_config_hash", nil)}
	}
	key := revision{c.Site, c.Revision}
	if named, ok := t.configs[key]; ok && named != c.Hash {
		return &Break{Revision: at, Reason: fmt.Sprintf("its configuration's hash is %x, but its texts snapshots recorded %x when it was published: it was rewritten", c.Hash, named),
			Where: where, Why: words.Say("a_break_config_named", nil)}
	}
	delete(t.configs, key)
	return nil
}

// Unconfigured fails when a snapshot named the configuration of a
// revision that is not stored (call it after Config has seen every one).
func (t *Texts) Unconfigured() error {
	if len(t.configs) == 0 {
		return nil
	}
	keys := slices.SortedFunc(maps.Keys(t.configs), func(a, b revision) int {
		return cmp.Or(cmp.Compare(a.site, b.site), cmp.Compare(a.n, b.n))
	})
	k := keys[0]
	return &Break{Revision: fmt.Sprintf("%d of site %s", k.n, k.site), Reason: "its texts snapshots name its configuration, but no such revision is stored: it was deleted",
		Where: words.Say("a_break_at_revision", map[string]words.Words{"N": words.WrittenInt(k.n), "Site": words.Written(k.site)}),
		Why:   words.Say("a_break_config_gone", nil)}
}

// SnapshotSource is the part of a store that lists its texts snapshots
// and its published revisions' configurations.
type SnapshotSource interface {
	Snapshots(ctx context.Context, fn func(consent.Snapshot) error) error
	Configs(ctx context.Context, fn func(consent.PublishedConfig) error) error
}

// CheckTexts reads and checks every stored texts snapshot (see Texts), then
// every published revision's configuration against them (Texts.Config). A
// snapshot or configuration that fails is a *Break.
func CheckTexts(ctx context.Context, src SnapshotSource, anchorCount int64) (*Texts, error) {
	t := NewTexts(anchorCount)
	if err := src.Snapshots(ctx, t.Next); err != nil {
		return t, err
	}
	if err := src.Configs(ctx, t.Config); err != nil {
		return t, err
	}
	return t, t.Unconfigured()
}
