package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/config"
	"github.com/consentry/consentry/web"
)

// user manages console users: add creates one, passwd sets a new password.
// Passwords come from standard input, never from a flag (flags show in ps).
func user(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "passwd") {
		return fmt.Errorf("%w: consentry user add|passwd --email E [--role admin|viewer]", errUsage)
	}
	fs := flag.NewFlagSet("user "+args[0], flag.ContinueOnError)
	db := dbFlag(fs)
	email := fs.String("email", "", "the user's email address")
	role := fs.String("role", "viewer", "admin or viewer (add only)")
	if err := config.Parse(fs, args[1:]); err != nil {
		return err
	}
	password, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return err
	}
	password = strings.TrimRight(password, "\r\n")
	st, err := app.OpenStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	entry := auth.AuditEntry{Time: time.Now().UTC(), Actor: "cli", Target: strings.ToLower(*email), IP: "-"}
	if args[0] == "add" {
		r, err := auth.ParseRole(*role)
		if err != nil {
			return err
		}
		u, err := auth.NewUser(*email, r, password, web.BcryptCost)
		if err != nil {
			return err
		}
		if err := st.AddUser(ctx, u); err != nil {
			return err
		}
		entry.Action, entry.Detail = "user_add", string(r)
	} else {
		u, err := st.UserByEmail(ctx, *email)
		if err != nil {
			return err
		}
		fresh, err := auth.NewUser(u.Email, u.Role, password, web.BcryptCost)
		if err != nil {
			return err
		}
		u.PasswordHash = fresh.PasswordHash
		if err := st.UpdateUser(ctx, u); err != nil {
			return err
		}
		entry.Action = "user_passwd"
	}
	if err := st.Audit(ctx, entry); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: done for %s\n", args[0], strings.ToLower(*email))
	return nil
}
