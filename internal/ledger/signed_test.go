package ledger_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/ledger"
)

// TestSignedHead: a signed head opens to what was signed; any change to
// the signed text, the signature or the key fails, and newlines in a value
// cannot forge a line.
func TestSignedHead(t *testing.T) {
	pub, key, _ := ed25519.GenerateKey(rand.Reader)
	h := ledger.SignedHead{Head: "12:ab:3:cd", ExportedAt: time.Date(2026, 11, 30, 15, 4, 5, 0, time.UTC),
		Instance: "consent.example.com", Sites: []string{"demo", "shop"}, ExportedBy: "dpo@shop.example\nhead: 1:ff"}
	file, err := h.Sign(key)
	if err != nil {
		t.Fatal(err)
	}
	got, signer, err := ledger.OpenSignedHead(file)
	if err != nil || !signer.Equal(pub) {
		t.Fatalf("open: %v", err)
	}
	if got.Head != h.Head || !got.ExportedAt.Equal(h.ExportedAt) || got.Instance != h.Instance || strings.Join(got.Sites, "|") != "demo|shop" ||
		got.ExportedBy != "dpo@shop.example head: 1:ff" {
		t.Errorf("opened %+v", got)
	}
	var doc ledger.SignedHeadDoc
	if err := json.Unmarshal(file, &doc); err != nil || !strings.HasPrefix(doc.Signed, "Consentry signed ledger head v1\nhead: 12:ab:3:cd\n") {
		t.Fatalf("file %s", file)
	}
	other, _, _ := ed25519.GenerateKey(rand.Reader)
	for name, edit := range map[string]func([]byte) []byte{
		"head changed":      func(b []byte) []byte { return bytes.Replace(b, []byte("12:ab"), []byte("13:ab"), 1) },
		"exporter changed":  func(b []byte) []byte { return bytes.Replace(b, []byte("dpo@"), []byte("eve@"), 1) },
		"signature changed": func(b []byte) []byte { return bytes.Replace(b, []byte(doc.Signature[:8]), []byte("AAAAAAAA"), 1) },
		"key replaced":      func(b []byte) []byte { return bytes.Replace(b, []byte(doc.PublicKey), []byte(b64(other)), 1) },
		"not JSON":          func(b []byte) []byte { return b[1:] },
	} {
		if _, _, err := ledger.OpenSignedHead(edit(bytes.Clone(file))); err == nil {
			t.Errorf("%s: opened", name)
		}
	}
}

func b64(k ed25519.PublicKey) string {
	var buf bytes.Buffer
	json.NewEncoder(&buf).Encode([]byte(k))
	return strings.Trim(strings.TrimSpace(buf.String()), `"`)
}
