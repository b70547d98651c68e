package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/config"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
)

// verify walks the whole ledger. The chain proves that no event was changed
// or removed in isolation; someone able to rewrite the database could rewrite
// every hash after a change too. Recording the head (printed here and on the
// console's integrity page) somewhere else, and checking it later with
// --head, closes that gap: a rewrite changes the recorded event's hash.
func verify(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	db := dbFlag(fs)
	anchor := fs.String("head", "", "a head recorded earlier, SEQ:HASH (hex), that must still be in the ledger unchanged")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	var anchorSeq int64
	var anchorHash []byte
	if *anchor != "" {
		n, h, ok := strings.Cut(*anchor, ":")
		var err error
		anchorSeq, err = strconv.ParseInt(n, 10, 64)
		if anchorHash, _ = hex.DecodeString(h); !ok || err != nil || anchorSeq < 1 || len(anchorHash) != 32 {
			return fmt.Errorf("%w: --head takes SEQ:HASH, as verify prints it", errUsage)
		}
	}
	st, err := app.OpenStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	seq, head, err := st.Head(ctx)
	if err != nil {
		return err
	}
	var v ledger.Verifier
	start := time.Now()
	err = st.Walk(ctx, 0, func(e *consent.Event) error {
		if err := v.Next(e); err != nil {
			return err
		}
		if v.Count()%250000 == 0 {
			fmt.Fprintf(stdout, "  %d events verified…\n", v.Count())
		}
		return nil
	})
	if err == nil {
		err = v.Finish(seq, head)
	}
	if err == nil && anchorSeq > 0 {
		var got [32]byte
		got, err = st.Hash(ctx, anchorSeq)
		if err == nil && !bytes.Equal(got[:], anchorHash) {
			err = &ledger.Break{Seq: anchorSeq, ID: "recorded head", Reason: fmt.Sprintf("its hash is now %x, not the %x recorded: the ledger was rewritten up to here", got, anchorHash)}
		}
		if consent.ErrorCode(err) == consent.ENotFound {
			err = &ledger.Break{Seq: anchorSeq, ID: "recorded head", Reason: "the recorded event is gone"}
		}
	}
	if err != nil {
		fmt.Fprintf(stdout, "TAMPERED: %v\n", err)
		if last := v.Last(); last != nil {
			fmt.Fprintf(stdout, "intact up to event #%d (%s) at %s\n", last.Seq, last.ID, last.Time.Format(time.RFC3339))
		}
		return err
	}
	fmt.Fprintf(stdout, "ledger intact: %d events verified in %s", v.Count(), time.Since(start).Round(time.Millisecond))
	if last := v.Last(); last != nil {
		fmt.Fprintf(stdout, "; newest #%d (%s) at %s", last.Seq, last.ID, last.Time.Format(time.RFC3339))
	}
	fmt.Fprintln(stdout)
	if seq > 0 {
		fmt.Fprintf(stdout, "head %d:%x (record it elsewhere; verify --head %d:%x proves later that nothing up to it was rewritten)\n", seq, head, seq, head)
	}
	return nil
}
