package main

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/retention"
	"github.com/consentry/consentry/internal/store"
	"github.com/consentry/consentry/internal/words"
)

// verify walks the whole ledger and every stored texts snapshot. The chain
// proves that no event was changed or removed in isolation, the snapshots'
// hashes that no texts shown were edited; someone able to rewrite the
// database could rewrite every hash after a change too. Recording the head
// (printed here and on the console's integrity page) somewhere else, and
// checking it later with --head, closes that gap: a rewrite changes the
// recorded event's hash, or the digest of the snapshots stored by then.
func verifyFlags(fs *flag.FlagSet) runner {
	db := dbFlag(fs)
	anchorFlag := fs.String("head", "", "a head recorded earlier, SEQ:HASH:TEXTS:DIGEST:PURGES:DIGEST as verify prints it (or the older SEQ:HASH:TEXTS:DIGEST or SEQ:HASH), that must still be in the ledger unchanged")
	signedFlag := fs.String("signed-head", "", "a signed head FILE downloaded from the integrity page: its signature must be this deployment's (or --public-key's) and its head still in the ledger unchanged")
	keys := signingKeyFlags(fs)
	publicKey := fs.String("public-key", "", "with --signed-head: the Ed25519 public key (base64) to trust instead of this deployment's signing keys")
	record := fs.Bool("record", true, "record the verification in the database (the integrity page's checkpoint and the audit trail, actor cli); backup verifies its copy with --record=false, leaving it as copied")
	return func(ctx context.Context, e *cmdEnv) error {
		// What verify finds is recorded after it is printed: output piped
		// into a reader that stops early (| head -1) must not end the
		// process before it records, as SIGPIPE would.
		signal.Ignore(syscall.SIGPIPE)
		var a anchor
		if *anchorFlag != "" && *signedFlag != "" {
			return fmt.Errorf("%w: give --head or --signed-head, not both", errUsage)
		}
		if *anchorFlag != "" {
			var err error
			if a, err = parseAnchor(*anchorFlag); err != nil {
				return err
			}
		}
		var signed *ledger.SignedHead
		if *signedFlag != "" {
			h, err := openSignedHead(*signedFlag, *publicKey, *db, keys)
			if err != nil {
				return err
			}
			if a, err = parseAnchor(h.Head); err != nil {
				return fmt.Errorf("%s: the signed head %q: %w", *signedFlag, h.Head, err)
			}
			signed = &h
			fmt.Fprintf(e.stdout, "signed head: signature good; exported %s by %s from %s\n", h.ExportedAt.Format(time.RFC3339), h.ExportedBy, h.Instance)
		}
		st, err := openExisting(ctx, *db)
		if err != nil {
			return err
		}
		defer st.Close()
		seq, head, err := st.Head(ctx)
		if err != nil {
			return err
		}
		start := time.Now()
		texts, err := ledger.CheckTexts(ctx, st, a.texts)
		v := ledger.Verifier{Texts: texts}
		if err == nil {
			err = v.Run(ctx, st, func(ev *consent.Event) error {
				if v.Count()%250000 == 0 {
					fmt.Fprintf(e.stdout, "  %d events verified…\n", v.Count())
				}
				return nil
			})
		}
		if err == nil {
			err = v.Finish(seq, head)
		}
		if err == nil {
			var purged int64
			if purged, err = st.PurgedTotal(ctx); err == nil {
				err = v.Accounted(purged)
			}
		}
		inRun := false // the anchor's event was purged within a run: not checkable
		if err == nil && a.seq > 0 {
			var got [32]byte
			got, err = st.Hash(ctx, a.seq)
			if err == nil && got != a.hash {
				err = &ledger.Break{Seq: a.seq, ID: "recorded head", Reason: fmt.Sprintf("its hash is now %x, not the %x recorded: the ledger was rewritten up to here", got, a.hash),
					Where: words.Say("a_break_at_head", map[string]words.Words{"Seq": words.WrittenInt(a.seq)}), Why: words.Say("a_break_head_rewritten", map[string]words.Words{"Now": words.Written(fmt.Sprintf("%x", got)),
						"Recorded": words.Written(fmt.Sprintf("%x", a.hash))})}
			}
			if consent.ErrorCode(err) == consent.ENotFound {
				inRun, err = purgedAnchor(ctx, e, st, a)
			}
		}
		if err == nil && a.texts > 0 {
			err = texts.Anchored(a.texts, a.digest)
		}
		var pins *retention.Pins
		if err == nil {
			n := int64(-1)
			if a.pinned {
				n = a.purges
			}
			pins, err = retention.Pin(ctx, st, n)
		}
		if err == nil && a.pinned {
			err = pins.Anchored(a.purges, a.purgesDigest)
		}
		if err != nil {
			fmt.Fprintf(e.stdout, "TAMPERED: %v\n", err)
			if last := v.Last(); last != nil {
				fmt.Fprintf(e.stdout, "intact up to event #%d (%s) at %s\n", last.Seq, last.ID, last.Time.Format(time.RFC3339))
			}
			var brk *ledger.Break
			if errors.As(err, &brk) && *record {
				// A finding is audited too, so the trail shows who looked
				// and what they found; the checkpoint stays where it was.
				var said []words.Words
				if w := brk.Words(); w != nil {
					said = []words.Words{words.Say("a_audit_detail_tampered", map[string]words.Words{"Break": w[0]})}
				}
				if aerr := auditVerify(ctx, st, v.Last(), "TAMPERED: "+brk.Error(), said...); aerr != nil {
					return errors.Join(err, aerr)
				}
			}
			return err
		}
		n, digest := texts.Head()
		fmt.Fprintf(e.stdout, "ledger intact: %d events verified in %s", v.Count(), time.Since(start).Round(time.Millisecond))
		if last := v.Last(); last != nil {
			fmt.Fprintf(e.stdout, "; newest #%d (%s) at %s", last.Seq, last.ID, last.Time.Format(time.RFC3339))
		}
		if n := v.Purged(); n > 0 {
			fmt.Fprintf(e.stdout, "; %d purged events crossed on their recorded links", n)
		}
		fmt.Fprintf(e.stdout, "; %d texts snapshots intact\n", n)
		if a.pinned {
			switch a.purges {
			case 0:
				fmt.Fprint(e.stdout, "the recorded head names no purge")
			case 1:
				fmt.Fprint(e.stdout, "the 1 purge the recorded head names is as it was")
			default:
				fmt.Fprintf(e.stdout, "the %d purges the recorded head names are as they were", a.purges)
			}
			if len(pins.After) == 0 {
				fmt.Fprintln(e.stdout, "; none since")
			} else {
				fmt.Fprintf(e.stdout, "; %d since, not covered by it:\n", len(pins.After))
				for _, p := range pins.After {
					fmt.Fprintf(e.stdout, "  %s\n", retention.Describe(p))
				}
			}
		}
		if err := unfinishedPurges(ctx, e, st); err != nil {
			return err
		}
		np, pdigest := pins.Head()
		if seq > 0 || n > 0 || np > 0 {
			h := fmt.Sprintf("%d:%x:%d:%x:%d:%x", seq, head, n, digest, np, pdigest)
			fmt.Fprintf(e.stdout, "head %s (record it elsewhere; verify --head %s proves later that nothing up to it, texts shown included, was rewritten)\n", h, h)
		}
		if !*record {
			return nil
		}
		// Walked to the head and passed: the integrity page shows when and
		// by whom, and the console's next verification goes on from here.
		if at, hash := v.At(); at > 0 {
			if err := st.SetVerified(ctx, at, hash, time.Now().UTC()); err != nil {
				return fmt.Errorf("recording the verification: %w", err)
			}
		}
		detail := fmt.Sprintf("intact: %d events, %d texts snapshots", v.Count(), n)
		said := []words.Words{words.Say("a_audit_detail_verified", map[string]words.Words{"Events": words.SayN("a_audit_n_events", int(v.Count()), nil),
			"Texts": words.SayN("a_audit_n_snapshots", int(n), nil)})}
		unchanged, unchangedSaid := "unchanged", words.Say("a_audit_detail_unchanged", nil)
		if inRun {
			unchanged = fmt.Sprintf("unchanged but for its event #%d, purged and no longer checkable", a.seq)
			unchangedSaid = words.Say("a_audit_detail_unchanged_but", map[string]words.Words{"Seq": words.WrittenInt(a.seq)})
		}
		switch {
		case *anchorFlag != "":
			detail += "; recorded head " + *anchorFlag + " " + unchanged
			said = append(said, words.Say("a_audit_detail_head_recorded", map[string]words.Words{"Head": words.Written(*anchorFlag), "Unchanged": unchangedSaid}))
		case signed != nil:
			at := signed.ExportedAt.Format(time.RFC3339)
			detail += fmt.Sprintf("; signed head %s (exported %s by %s) %s", signed.Head, at, signed.ExportedBy, unchanged)
			said = append(said, words.Say("a_audit_detail_head_signed", map[string]words.Words{"Head": words.Written(signed.Head),
				"At": words.Written(at), "By": words.Written(signed.ExportedBy), "Unchanged": unchangedSaid}))
			fmt.Fprintf(e.stdout, "the signed head %s is in the ledger %s\n", signed.Head, unchanged)
		}
		if err := auditVerify(ctx, st, v.Last(), detail, said...); err != nil {
			return fmt.Errorf("recording the verification: %w", err)
		}
		return nil
	}
}

// unfinishedPurges says which purges are not done, so not covered by the
// head verify prints: running now (another holds the purge lock), or
// stopped before they could end, their process killed, until the next
// purge closes them (retention.Close). Their runs were checked like any.
func unfinishedPurges(ctx context.Context, e *cmdEnv, st store.Store) error {
	open, err := st.UnfinishedPurges(ctx)
	if err != nil || len(open) == 0 {
		return err
	}
	release, free, err := st.PurgeLock(ctx)
	if err != nil {
		return err
	}
	if free {
		release()
	}
	for _, p := range open {
		if free {
			fmt.Fprintf(e.stdout, "purge #%d stopped before it ended (its process was killed?) after removing %d events, whose runs verify; the head below does not cover its record until the next purge (consentry purge, or the hourly round of a running server) closes it: record the head after that\n", p.ID, p.Count)
		} else {
			fmt.Fprintf(e.stdout, "purge #%d is running (%d events removed so far); the head below does not cover it: record the head again when it has ended\n", p.ID, p.Count)
		}
	}
	return nil
}

// auditVerify records a verification from the command line in the audit
// trail, actor "cli", as the console records its own: the integrity page
// names the newest verification's actor.
func auditVerify(ctx context.Context, st store.Store, last *consent.Event, detail string, said ...words.Words) error {
	var seq int64
	if last != nil {
		seq = last.Seq
	}
	return st.Audit(ctx, auth.AuditEntry{Time: time.Now().UTC(), Actor: "cli", Action: "verify", Target: strconv.FormatInt(seq, 10), Detail: detail, Words: said})
}

// openSignedHead reads a signed head file and checks its signature, and
// that the key it was signed with is trusted: the one --public-key names,
// else one of this deployment's signing keys.
func openSignedHead(path, publicKey, db string, keys signingKeys) (ledger.SignedHead, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return ledger.SignedHead{}, fmt.Errorf("--signed-head: %w", err)
	}
	h, signer, err := ledger.OpenSignedHead(b)
	if err != nil {
		return h, fmt.Errorf("%s: %w", path, err)
	}
	var trusted []ed25519.PublicKey
	if publicKey != "" {
		k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(publicKey))
		if err != nil || len(k) != ed25519.PublicKeySize {
			return h, fmt.Errorf("%w: --public-key is not a base64 Ed25519 public key", errUsage)
		}
		trusted = append(trusted, k)
	} else {
		ks, err := keys.load(db)
		if err != nil {
			return h, err
		}
		trusted = ks.SigningPublic()
	}
	if !slices.ContainsFunc(trusted, func(k ed25519.PublicKey) bool { return signer.Equal(k) }) {
		return h, fmt.Errorf("%s: signed with the key %s, which is not this deployment's signing key (consentry keys public lists those; --public-key trusts another)",
			path, base64.StdEncoding.EncodeToString(signer))
	}
	return h, nil
}

// anchor is a head recorded earlier: SEQ:HASH of the newest event, and
// TEXTS:DIGEST, how many texts snapshots were stored and their digest (see
// ledger.Texts). Heads printed before snapshots were anchored lack the
// second half; they still prove the events.
type anchor struct {
	seq, texts   int64
	hash, digest [32]byte
	// purges and purgesDigest are the third half, PURGES:DIGEST: how many
	// retention purges were done and their digest (retention.Pins); pinned
	// says the head has it.
	purges       int64
	purgesDigest [32]byte
	pinned       bool
}

func parseAnchor(s string) (anchor, error) {
	var a anchor
	bad := fmt.Errorf("%w: --head takes SEQ:HASH:TEXTS:DIGEST:PURGES:DIGEST (or the older SEQ:HASH:TEXTS:DIGEST or SEQ:HASH), as verify prints it", errUsage)
	parts := strings.Split(s, ":")
	if len(parts) != 2 && len(parts) != 4 && len(parts) != 6 {
		return a, bad
	}
	num := func(s string) (int64, bool) { n, err := strconv.ParseInt(s, 10, 64); return n, err == nil && n >= 0 }
	hash := func(s string) ([32]byte, bool) {
		b, err := hex.DecodeString(s)
		return [32]byte(append(b, make([]byte, 32)...)), err == nil && len(b) == 32
	}
	var ok1, ok2 bool
	a.seq, ok1 = num(parts[0])
	a.hash, ok2 = hash(parts[1])
	if !ok1 || !ok2 || (len(parts) == 2 && a.seq < 1) {
		return a, bad
	}
	if len(parts) >= 4 {
		a.texts, ok1 = num(parts[2])
		a.digest, ok2 = hash(parts[3])
		if !ok1 || !ok2 {
			return a, bad
		}
	}
	if len(parts) == 6 {
		a.purges, ok1 = num(parts[4])
		a.purgesDigest, ok2 = hash(parts[5])
		if !ok1 || !ok2 {
			return a, bad
		}
		a.pinned = true
	}
	return a, nil
}

// purgedAnchor checks a recorded head whose event is no longer stored. When
// a retention purge removed it, the run records the hash of its last event:
// an anchor there is still checked; one inside a run can no longer be, which
// is said, not failed (a purge is recorded and audited, and verify has
// checked the run's links on both sides). Any other absence is tampering.
func purgedAnchor(ctx context.Context, e *cmdEnv, st store.Store, a anchor) (inRun bool, err error) {
	gaps, err := st.Gaps(ctx, a.seq-1, 1)
	if err != nil {
		return false, err
	}
	if len(gaps) == 0 || gaps[0].First > a.seq {
		return false, &ledger.Break{Seq: a.seq, ID: "recorded head", Reason: "the recorded event is gone, and no purge records its removal",
			Where: words.Say("a_break_at_head", map[string]words.Words{"Seq": words.WrittenInt(a.seq)}), Why: words.Say("a_break_head_gone", nil)}
	}
	g := gaps[0]
	if g.Last == a.seq {
		if g.After != a.hash {
			return false, &ledger.Break{Seq: a.seq, ID: "recorded head", Reason: fmt.Sprintf("it was purged with the hash %x, not the %x recorded: the ledger was rewritten up to here", g.After, a.hash),
				Where: words.Say("a_break_at_head", map[string]words.Words{"Seq": words.WrittenInt(a.seq)}), Why: words.Say("a_break_head_purged", map[string]words.Words{"Now": words.Written(fmt.Sprintf("%x", g.After)),
					"Recorded": words.Written(fmt.Sprintf("%x", a.hash))})}
		}
		return false, nil
	}
	fmt.Fprintf(e.stdout, "note: the recorded head #%d was removed by retention purge #%d (events #%d to #%d); it can no longer be checked: record the head this prints instead\n", a.seq, g.Purge, g.First, g.Last)
	return true, nil
}
