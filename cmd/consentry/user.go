package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/words"
)

// userAddFlags adds a console user. Passwords come from standard input,
// never from a flag (flags show in ps).
func userAddFlags(fs *flag.FlagSet) runner {
	db := dbFlag(fs)
	email := fs.String("email", "", "the new user's email address, their sign-in name (required)")
	role := fs.String("role", "viewer", "what the user may do: admin (everything) or viewer (read the log and exports)")
	return func(ctx context.Context, e *cmdEnv) error {
		return user(ctx, "add", *db, *email, *role, e.stdin, e.stdout)
	}
}

// userPasswdFlags sets a console user's password, read from standard input.
func userPasswdFlags(fs *flag.FlagSet) runner {
	db := dbFlag(fs)
	email := fs.String("email", "", "the email address of the user whose password to set (required)")
	return func(ctx context.Context, e *cmdEnv) error {
		return user(ctx, "passwd", *db, *email, "", e.stdin, e.stdout)
	}
}

// user manages console users: add creates one, passwd sets a new password.
func user(ctx context.Context, verb, db, email, role string, stdin io.Reader, stdout io.Writer) error {
	if email == "" {
		return fmt.Errorf("%w: user %s needs --email", errUsage, verb)
	}
	var r auth.Role
	if verb == "add" {
		var err error
		if r, err = auth.ParseRole(role); err != nil { // before the password is read
			return badUsage(err)
		}
	}
	password, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return err
	}
	password = strings.TrimRight(password, "\r\n")
	st, err := openExisting(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	entry := auth.AuditEntry{Time: time.Now().UTC(), Actor: "cli", Target: strings.ToLower(email), IP: "-"}
	var said string // what happened, in words
	if verb == "add" {
		u, err := auth.NewUser(email, r, password, auth.BcryptCost)
		if err != nil {
			return err
		}
		if err := st.AddUser(ctx, u); err != nil {
			return err
		}
		entry.Action, entry.Detail, entry.Words = "user_add", string(r), []words.Words{r.Words()}
		said = fmt.Sprintf("added %s %s", r, u.Email)
	} else {
		u, err := st.UserByEmail(ctx, email)
		if consent.ErrorCode(err) == consent.ENotFound {
			return fmt.Errorf("--email: no console user has the address %s (consentry user add --email %s --role admin|viewer adds one)", email, email)
		}
		if err != nil {
			return err
		}
		fresh, err := auth.NewUser(u.Email, u.Role, password, auth.BcryptCost)
		if err != nil {
			return err
		}
		u.PasswordHash = fresh.PasswordHash
		if err := st.UpdateUser(ctx, u); err != nil {
			return err
		}
		entry.Action = "user_passwd"
		said = "changed the password of " + u.Email
	}
	if err := st.Audit(ctx, entry); err != nil {
		return err
	}
	fmt.Fprintln(stdout, said)
	return nil
}
