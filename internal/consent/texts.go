package consent

import (
	"crypto/sha256"
	"encoding/json"
)

// Texts is the canonical record of the exact texts a site's banner showed in
// one language at one revision. Its JSON is stored once, addressed by its
// SHA-256 digest, which every event names: the proof of what a visitor saw.
type Texts struct {
	Site       string            `json:"site"`
	Revision   int               `json:"revision"`
	Lang       string            `json:"lang"`
	Messages   map[string]string `json:"messages"`
	Categories []TextsCategory   `json:"categories"`
	Services   []Service         `json:"services"`
	// Config is the hex SHA-256 of the revision's stored configuration
	// (Site.Frozen), which verify checks the stored one against; snapshots
	// made before it was kept have none.
	Config string `json:"config,omitempty"`
}

// TextsCategory is a category as the visitor saw it.
type TextsCategory struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Required    bool   `json:"required"`
}

// OwnBodyKey is the text key of an owner's banner text for the regions of
// mode m only (banner_body_opt_in, banner_body_opt_out, banner_body_notice),
// which stands there instead of their banner_body, the text for every
// region: "with your permission" is true in an opt-in region only. An
// unknown mode is opt-in's, as its banner is.
func OwnBodyKey(m Mode) string {
	switch m {
	case OptOut:
		return "banner_body_opt_out"
	case Notice:
		return "banner_body_notice"
	}
	return "banner_body_opt_in"
}

// BodyKey is the snapshot's message ID of the banner's body in mode m:
// banner_body in an opt-in region, as every snapshot stored before bodies
// differed by mode names it for every mode; banner_body_opt_out and
// banner_body_notice where the body of those regions differs from it. These
// are the owner's text keys of those modes too (OwnBodyKey): what a region
// showed, the owner's own or composed; an opt-in region's is banner_body.
func BodyKey(m Mode) string {
	switch m {
	case OptOut:
		return "banner_body_opt_out"
	case Notice:
		return "banner_body_notice"
	}
	return "banner_body"
}

// GPCBodyKey is the snapshot's message ID of the banner's body in mode m
// where the visitor's Global Privacy Control signal binds (an opt-out or
// notice region; "" in an opt-in one, where it never does): the body
// without the categories the signal keeps off, kept where it differs from
// BodyKey's.
func GPCBodyKey(m Mode) string {
	if !m.GPCBinds(true) {
		return ""
	}
	return BodyKey(m) + "_gpc"
}

// Snapshot is the stored Texts of one site revision in one language: made
// when the revision is published, never changed, named by its Hash in every
// event decided on it. Seq is its place in the order snapshots were stored.
type Snapshot struct {
	Seq      int64
	Site     string
	Revision int
	Lang     string
	Hash     [32]byte // SHA-256 of Body
	Body     []byte   // canonical JSON of Texts
}

// NewSnapshot freezes t: its canonical JSON and that JSON's digest.
func NewSnapshot(t Texts) Snapshot {
	body, _ := json.Marshal(t) // plain strings, maps and slices: cannot fail
	return Snapshot{Site: t.Site, Revision: t.Revision, Lang: t.Lang, Hash: sha256.Sum256(body), Body: body}
}

// PublishedConfig is a published revision's configuration as stored: its
// JSON and the SHA-256 stored beside it when it was published.
type PublishedConfig struct {
	Site     string
	Revision int
	Config   []byte
	Hash     [32]byte
}

// Check recomputes a stored snapshot's digest and reads the site, revision
// and language its body names: an edited body, or one filed under another
// revision or language, fails.
func (s Snapshot) Check() error {
	if sha256.Sum256(s.Body) != s.Hash {
		return Errorf(EInvalid, "texts snapshot %x (site %s, revision %d, %s) does not match its hash: its body was changed", s.Hash, s.Site, s.Revision, s.Lang)
	}
	var t Texts
	if err := json.Unmarshal(s.Body, &t); err != nil || t.Site != s.Site || t.Revision != s.Revision || t.Lang != s.Lang {
		return Errorf(EInvalid, "texts snapshot %x is filed as site %s, revision %d, %s but its body says otherwise", s.Hash, s.Site, s.Revision, s.Lang)
	}
	return nil
}
