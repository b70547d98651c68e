package retention

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/store"
	"github.com/consentry/consentry/internal/words"
)

const pinsDomain = "consentry-purges-v1"

// Pins folds the done purge records, oldest first, into a digest: the
// purges half of a recorded head (SEQ:HASH:TEXTS:DIGEST:PURGES:DIGEST). A
// purge record is a row of the same database as the runs it vouches for;
// once a head naming it is kept elsewhere, changing the record (its count,
// its runs' last hash, its cutoff, whether it stopped before it ended) or
// adding one before it is caught, so a run forged to hide a removed event
// cannot be backed by a forged record without failing that head. Purges
// done after the head are not covered: verify lists them, and the purges
// not done yet (running, or killed and not yet closed: retention.Close).
type Pins struct {
	digest [32]byte
	count  int64
	// at is the digest after the first atCount records, for Anchored.
	atCount int64
	at      *[32]byte
	// After lists the done purges beyond atCount, for a recorded head.
	After []store.Purge
}

// Pin reads every done purge record and folds it in. With anchorCount ≥ 0
// (a recorded head's PURGES) it also keeps the digest after that many, for
// Anchored, and lists the purges after them in After; -1 for no head.
func Pin(ctx context.Context, st store.Store, anchorCount int64) (*Pins, error) {
	p := &Pins{atCount: anchorCount}
	if anchorCount == 0 {
		p.at = &[32]byte{}
	}
	return p, st.DonePurges(ctx, func(r store.Purge) error {
		h := sha256.New()
		h.Write([]byte(pinsDomain))
		h.Write(p.digest[:])
		var n [8]byte
		for _, v := range []int64{r.ID, r.Cutoff.UnixMicro(), r.Below, r.HeadSeq, r.Count, r.First, r.Last} {
			binary.BigEndian.PutUint64(n[:], uint64(v))
			h.Write(n[:])
		}
		h.Write(r.HeadHash[:])
		h.Write(r.LastHash[:])
		for _, s := range []string{r.Site, r.Actor} {
			binary.BigEndian.PutUint64(n[:], uint64(len(s)))
			h.Write(n[:])
			h.Write([]byte(s))
		}
		if r.Interrupted {
			// Only then, so records done before purges could be
			// interrupted fold as they always did.
			h.Write([]byte{1})
		}
		p.digest = [32]byte(h.Sum(nil))
		p.count++
		switch {
		case p.count == p.atCount:
			d := p.digest
			p.at = &d
		case anchorCount >= 0 && p.count > p.atCount:
			p.After = append(p.After, r)
		}
		return nil
	})
}

// Head is how many done purge records there are and their digest.
func (p *Pins) Head() (int64, [32]byte) { return p.count, p.digest }

// Anchored checks the purges half of a head recorded earlier: the first
// count done purge records must fold into the same digest today.
func (p *Pins) Anchored(count int64, digest [32]byte) error {
	if p.at == nil || p.atCount != count {
		return &ledger.Break{Purges: "the purge records", Reason: fmt.Sprintf("the recorded head names %d done purges, but only %d are recorded: purge records were removed", count, p.count),
			Where: words.Say("a_break_at_purges", nil),
			Why:   words.Say("a_break_pins_count", map[string]words.Words{"Head": words.WrittenInt(count), "Stored": words.WrittenInt(p.count)})}
	}
	if *p.at != digest {
		return &ledger.Break{Purges: fmt.Sprintf("purge records 1 to %d", count), Reason: fmt.Sprintf("their digest is now %x, not the %x recorded: a purge record was changed or one was added among them, as to back a forged run", *p.at, digest),
			Where: words.Say("a_break_at_purges_upto", map[string]words.Words{"N": words.WrittenInt(count)}),
			Why: words.Say("a_break_pins_digest", map[string]words.Words{"Now": words.Written(fmt.Sprintf("%x", *p.at)),
				"Recorded": words.Written(fmt.Sprintf("%x", digest))})}
	}
	return nil
}
