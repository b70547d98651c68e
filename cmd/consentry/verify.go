package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/config"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
)

func verify(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	db := dbFlag(fs)
	if err := config.Parse(fs, args); err != nil {
		return err
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
	return nil
}
