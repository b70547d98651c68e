package e2e

import (
	"os"
	"testing"
)

// smallEmbedPage has an embed shorter than its placeholder's texts: a
// music player's compact frame, 152 px high, marked for marketing.
const smallEmbedPage = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Music</title>
<script src="{{consentry}}/c.js" data-site="demo"></script>
</head><body>
<h1>Music</h1>
<iframe data-consent="marketing" data-src="https://open.spotify.com/embed/track/4uLU6hMCjMI75M1A2tKUQC" title="Song" width="300" height="152" frameborder="0"></iframe>
</body></html>`

// TestPlaceholderSmallFrameReadsFromTheTop: a placeholder whose texts do not
// fit its frame starts with its first sentence, and scrolls down to its
// buttons. Before, its contents were centred: what stood out above the
// frame's top (the sentence saying what is blocked) could not be scrolled
// to, nor read.
func TestPlaceholderSmallFrameReadsFromTheTop(t *testing.T) {
	b := start(t)
	h := b.newHost(false)
	b.navigate(h.page("/music", smallEmbedPage))
	b.waitBanner()
	b.wait("the embed's placeholder", visible(phOf))
	if !eval[bool](b, `(p => p.scrollHeight > p.clientHeight)(`+phOf+`)`) {
		t.Fatal("the placeholder's texts fit its frame: the test shows nothing")
	}
	if gap := eval[float64](b, `(p => p.querySelector("p").getBoundingClientRect().top - p.getBoundingClientRect().top)(`+phOf+`)`); gap < 0 {
		t.Errorf("the placeholder's first sentence starts %.0f px above its frame, out of reach", -gap)
	}
	if eval[float64](b, `(p => p.scrollTop)(`+phOf+`)`) != 0 {
		t.Error("the placeholder does not start at its top")
	}
	if shots := os.Getenv("CONSENTRY_SCREENSHOTS"); shots != "" {
		b.screenshot(shots, "placeholder-small.png")
	}
	below := eval[float64](b, `(p => (p.scrollTop = p.scrollHeight, p.getBoundingClientRect().bottom - p.querySelector('[data-testid="ph-allow"]').getBoundingClientRect().bottom))(`+phOf+`)`)
	if below < 0 {
		t.Errorf("scrolled to its end, the placeholder's Allow button is %.0f px below its frame", -below)
	}
}
