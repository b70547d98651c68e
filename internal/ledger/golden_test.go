package ledger_test

import (
	"encoding/hex"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/google/uuid"
)

// The hashes of a fixed event, as every ledger written so far holds them:
// however Link and PersonalDigest are computed, they must never change, or
// verify would call every stored event tampered.
func TestHashesAreStable(t *testing.T) {
	at := time.Date(2026, 11, 30, 12, 0, 0, 123456000, time.UTC)
	e := &consent.Event{
		ID: uuid.MustParse("01a22dfb-65b6-7e47-b51f-fdff933f2c43"), ConsentID: uuid.MustParse("01a22dfb-65b6-7e47-b51f-fdff933f2c44"),
		Site: "shop", Revision: 3, Action: consent.Custom, Granted: []string{"analytics", "necessary"},
		Source: consent.SourceBanner, Lang: "de", Country: "DE", Rule: "gdpr", GPC: true,
		Time: at, Expires: at.AddDate(0, 6, 0),
		Personal: consent.Personal{IP: "203.0.113.0", UserAgent: "Mozilla/5.0 (X11; Linux x86_64)", Page: "https://shop.example/basket"},
	}
	e.TextsHash[0], e.TextsHash[31] = 0xab, 0xcd
	e.PIIDigest = ledger.PersonalDigest([]byte("0123456789abcdef"), e.Personal)
	var prev [32]byte
	prev[5] = 0x42
	link := ledger.Link(prev, e)
	texts := ledger.NewTexts(0)
	for i, lang := range []string{"de", "en"} {
		s := consent.NewSnapshot(consent.Texts{Site: "shop", Revision: 3, Lang: lang})
		s.Seq = int64(i + 1)
		if err := texts.Next(s); err != nil {
			t.Fatal(err)
		}
	}
	_, digest := texts.Head()
	for name, got := range map[string][32]byte{"PersonalDigest": e.PIIDigest, "Link": link, "texts digest": digest} {
		want := map[string]string{
			"PersonalDigest": "2c77517cfbc43a8c45aa929c7a57d8e0029a8ea0122c66f0e31c1fc52bd3fcc1",
			"Link":           "ee2ca8fefb46bfd42845c5df924fef4d8bf5529ab9d56f26866c5b77bd59d401",
			"texts digest":   "5fd66e1e2d62299a1156c51e1935c84f5eec23c2b7e9e96de802315b5e6a0f48",
		}[name]
		if hex.EncodeToString(got[:]) != want {
			t.Errorf("%s = %x, want %s", name, got, want)
		}
	}
}
