package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/store/sqlite"
)

// newDB makes an empty deployment's database, as serve does, and returns
// it as --db names it.
func newDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "consentry.db")
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	return "sqlite:" + path
}

// TestUserCommandsSayWhatHappened: user add and user passwd say in words
// what they did ("added viewer …", "changed the password of …"), not
// "add: done for …".
func TestUserCommandsSayWhatHappened(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"user", "add", "--db", db, "--email", "DPO@shop.example"}, "added viewer dpo@shop.example\n"},
		{[]string{"user", "add", "--db", db, "--email", "owner@shop.example", "--role", "admin"}, "added admin owner@shop.example\n"},
		{[]string{"user", "passwd", "--db", db, "--email", "dpo@shop.example"}, "changed the password of dpo@shop.example\n"},
	} {
		var out bytes.Buffer
		if err := run(ctx, tc.args, strings.NewReader("a long enough password\n"), &out, &out); err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		if out.String() != tc.want {
			t.Errorf("%s %s says %q, want %q", tc.args[0], tc.args[1], out.String(), tc.want)
		}
	}
}

// TestUserPasswdNamesAnUnknownUser: passwd for an address no user has
// names the address and how to add one, not only "no such user".
func TestUserPasswdNamesAnUnknownUser(t *testing.T) {
	db := newDB(t)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"user", "add", "--db", db, "--email", "dpo@shop.example"}, strings.NewReader("a long enough password\n"), &out, &out); err != nil {
		t.Fatal(err)
	}
	code, stdout, errOut := consentry(t, "user", "passwd", "--db", db, "--email", "dop@shop.example")
	want := "--email: no console user has the address dop@shop.example (consentry user add --email dop@shop.example --role admin|viewer adds one)"
	if code != 1 || stdout != "" || !strings.Contains(errOut, want) {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1 and %q", code, stdout, errOut, want)
	}
}
