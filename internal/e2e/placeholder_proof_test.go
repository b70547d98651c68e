package e2e

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/consent"
)

// TestPlaceholderAllowIsRecordedWithItsTexts: a visitor who refused, then
// pressed "Allow “Marketing”" on the demo video's placeholder, is recorded
// as deciding on the placeholder (source placeholder), and the revision's
// texts snapshot the event names holds the placeholder's texts, which its
// proof shows instead of the banner's. The decision was recorded as made
// on the banner, and the snapshot held no placeholder text: the proof could
// not show what the visitor read.
func TestPlaceholderAllowIsRecordedWithItsTexts(t *testing.T) {
	b := start(t)
	b.open("/demo")
	b.waitBanner()
	b.click("Reject all", part("reject-all"))
	b.waitGranted("the refusal", necessary)
	const ph = `document.querySelector("[data-consentry-placeholder]")?.shadowRoot?.querySelector('[data-testid="placeholder"]')`
	b.wait("the video's placeholder", visible(ph))
	b.click("Allow “Marketing” on the placeholder", ph+`.querySelector('[data-testid="ph-allow"]')`)
	b.waitGranted("allowing marketing on the placeholder", necessary, marketing)
	b.wait("the video loaded", `!!document.querySelector("iframe[data-consent]")?.getAttribute("src")`)

	e := b.lastEvent()
	checkEvent(t, e, consent.Custom, consent.SourcePlaceholder, false, necessary, marketing)
	var texts consent.Texts
	if body, err := b.app.Store.Texts(b.ctx, e.TextsHash); err != nil || json.Unmarshal(body, &texts) != nil {
		t.Fatalf("the decision's texts: %v", err)
	}
	want := map[string]string{
		"ph_blocked": "This content from {service} is blocked until you allow “{category}” cookies.",
		"ph_cookies": "It may set these cookies: {cookies}.",
		"ph_once":    "Load this once",
		"ph_allow":   "Allow “{category}”",
	}
	for k, w := range want {
		if texts.Messages[k] != w {
			t.Errorf("the snapshot's %s is %q, want %q", k, texts.Messages[k], w)
		}
	}

	b.signIn("/admin/events/" + e.ID.String())
	proof := eval[string](b, `document.querySelector('[data-testid="proof"]').innerText`)
	if !strings.Contains(proof, "Placeholder of a blocked embed") {
		t.Errorf("the proof does not name the placeholder as the decision's source:\n%s", proof)
	}
	shown := eval[string](b, `document.querySelector('[data-testid="texts"]')?.innerText || ""`)
	for _, w := range []string{want["ph_blocked"], want["ph_once"], want["ph_allow"], "Marketing"} {
		if !strings.Contains(shown, w) {
			t.Errorf("the proof's texts do not show %q:\n%s", w, shown)
		}
	}
	if eval[bool](b, `!!document.querySelector('[data-testid="texts-body"]')`) {
		t.Error("the proof shows the banner's body as what the visitor read on the placeholder")
	}
	if shots := os.Getenv("CONSENTRY_SCREENSHOTS"); shots != "" {
		eval[bool](b, `(document.querySelector('[data-testid="texts"]').scrollIntoView(), true)`)
		b.screenshot(shots, "proof-placeholder.png")
	}

	// The log's source filter offers it and finds the decision.
	b.open("/admin/log?source=placeholder")
	rows := b.logRows()
	if len(rows) != 1 || rows[0].Consent != e.ConsentID.String() {
		t.Errorf("the log filtered by the placeholder source lists %+v, want the one decision of %s", rows, e.ConsentID)
	}
	if opt := eval[string](b, `document.querySelector('select[name="source"] option[value="placeholder"]')?.textContent || ""`); opt != "Embed placeholder" {
		t.Errorf("the log's source filter offers the placeholder as %q", opt)
	}
}
