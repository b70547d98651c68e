package ledger

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// SignedHead is the ledger's head as Consentry vouches for it outside
// itself: for an external timestamp, a ticket or an auditor's file. Signed
// with the deployment's Ed25519 signing key, it proves later that this
// deployment showed this head at that time; `consentry verify
// --signed-head` checks the signature and that the ledger still holds the
// head unchanged.
type SignedHead struct {
	Head       string // SEQ:HASH:TEXTS:DIGEST, as verify --head takes it
	ExportedAt time.Time
	Instance   string   // the host the console was reached on
	Sites      []string // the sites the ledger records
	ExportedBy string
}

// signedHeadTitle opens the signed text and names its format.
const signedHeadTitle = "Consentry signed ledger head v1"

// SignedHeadDoc is a SignedHead as a file: the signed text, readable as it
// is, the public key and the signature over the text's UTF-8 bytes. Any
// Ed25519 implementation checks it; nothing outside Signed is vouched for.
type SignedHeadDoc struct {
	Signed    string `json:"signed"`
	Algorithm string `json:"algorithm"`  // "Ed25519"
	PublicKey string `json:"public_key"` // base64, the raw 32-byte key
	Signature string `json:"signature"`  // base64, 64 bytes
	Check     string `json:"check"`      // how to check it; not signed
}

var signedFields = []string{"head", "exported-at", "instance", "sites", "exported-by"}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// text is the signed text: the title, then one "field: value" line each.
func (h SignedHead) text() string {
	vals := []string{h.Head, h.ExportedAt.UTC().Format(time.RFC3339), h.Instance, strings.Join(h.Sites, ", "), h.ExportedBy}
	var b strings.Builder
	b.WriteString(signedHeadTitle + "\n")
	for i, f := range signedFields {
		fmt.Fprintf(&b, "%s: %s\n", f, oneLine(vals[i]))
	}
	return b.String()
}

// Sign makes the signed file of h, as indented JSON.
func (h SignedHead) Sign(key ed25519.PrivateKey) ([]byte, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, errors.New("no Ed25519 signing key")
	}
	text := h.text()
	doc := SignedHeadDoc{
		Signed: text, Algorithm: "Ed25519",
		PublicKey: base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey)),
		Signature: base64.StdEncoding.EncodeToString(ed25519.Sign(key, []byte(text))),
		Check:     "consentry verify --signed-head FILE (or any Ed25519 check of signature over signed, with public_key)",
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err := enc.Encode(doc)
	return buf.Bytes(), err
}

// OpenSignedHead checks a signed file's signature under the public key it
// carries and returns what it vouches for and that key. Whether the key is
// one to trust is the caller's question.
func OpenSignedHead(file []byte) (SignedHead, ed25519.PublicKey, error) {
	var (
		doc SignedHeadDoc
		h   SignedHead
	)
	if err := json.Unmarshal(file, &doc); err != nil {
		return h, nil, fmt.Errorf("not a signed head file: %w", err)
	}
	pub, err := base64.StdEncoding.DecodeString(doc.PublicKey)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return h, nil, errors.New("not a signed head file: public_key is not a base64 Ed25519 key")
	}
	sig, err := base64.StdEncoding.DecodeString(doc.Signature)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return h, nil, errors.New("not a signed head file: signature is not a base64 Ed25519 signature")
	}
	if doc.Algorithm != "Ed25519" || !ed25519.Verify(pub, []byte(doc.Signed), sig) {
		return h, nil, errors.New("the signature does not match the signed text: the file was changed after it was signed, or not signed by this key")
	}
	lines := strings.Split(strings.TrimSuffix(doc.Signed, "\n"), "\n")
	if len(lines) != 1+len(signedFields) || lines[0] != signedHeadTitle {
		return h, nil, errors.New("the signed text is not a " + signedHeadTitle)
	}
	vals := make([]string, len(signedFields))
	for i, f := range signedFields {
		v, ok := strings.CutPrefix(lines[i+1], f+": ")
		if !ok {
			return h, nil, fmt.Errorf("the signed text's line %d is not %q", i+2, f)
		}
		vals[i] = v
	}
	at, err := time.Parse(time.RFC3339, vals[1])
	if err != nil {
		return h, nil, fmt.Errorf("the signed text's exported-at: %w", err)
	}
	h = SignedHead{Head: vals[0], ExportedAt: at, Instance: vals[2], ExportedBy: vals[4]}
	if vals[3] != "" {
		h.Sites = strings.Split(vals[3], ", ")
	}
	return h, ed25519.PublicKey(pub), nil
}
