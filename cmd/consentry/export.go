package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/config"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/export"
)

// exportCmd streams the events matching the filters, oldest first.
func exportCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	db := dbFlag(fs)
	v := url.Values{}
	for _, k := range consent.QueryKeys {
		if k == "before" {
			continue
		}
		fs.Func(k, "filter by "+k+" (dates: YYYY-MM-DD, UTC; to is inclusive)", func(s string) error { v.Set(k, s); return nil })
	}
	format := fs.String("format", "csv", "csv or ndjson")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	q, err := consent.ParseLogQuery(v, time.UTC)
	if err != nil {
		return fmt.Errorf("--%w", err)
	}
	w := bufio.NewWriterSize(stdout, 64<<10)
	enc, err := export.NewEncoder(w, *format)
	if err != nil {
		return err
	}
	st, err := app.OpenStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Export(ctx, q, enc.Encode); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "exported %d events\n", enc.Count())
	return w.Flush()
}
