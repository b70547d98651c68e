package e2e

import (
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/config"
	"github.com/consentry/consentry/internal/ledger"
)

// TestSignedHeadDownload: on the integrity page one click downloads the
// head signed with the deployment's key, the head the page shows, and the
// page shows the key it verifies under.
func TestSignedHeadDownload(t *testing.T) {
	b := start(t)
	b.decide("accept-all", necessary, preferences, analytics, marketing)
	b.signIn("/admin/integrity")
	head := eval[string](b, `document.querySelector('[data-testid="head"]').textContent`)
	shown := eval[string](b, `document.querySelector('[data-testid="public-key"]').textContent`)
	name, file := b.download("the signed head", `document.querySelector('[data-testid="signed-head"]')`)
	if !strings.HasPrefix(name, "consentry-head-1-") || !strings.HasSuffix(name, ".json") {
		t.Errorf("downloaded as %q", name)
	}
	signed, signer, err := ledger.OpenSignedHead(file)
	if err != nil {
		t.Fatalf("the download does not verify: %v\n%s", err, file)
	}
	keys, err := config.LoadKeys(app.DefaultKeysFile(b.app.DB()))
	if err != nil || !signer.Equal(keys.SigningPublic()[0]) {
		t.Fatalf("signed with a key that is not the deployment's: %v", err)
	}
	if signed.Head != head || signed.ExportedBy != b.adminEmail || !strings.Contains(string(file), `"public_key": "`+shown+`"`) {
		t.Errorf("signed %+v for the page's head %s and key %s", signed, head, shown)
	}
}
