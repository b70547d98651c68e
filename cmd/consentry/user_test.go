package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestUserCommandsSayWhatHappened: user add and user passwd say in words
// what they did ("added viewer …", "changed the password of …"), not
// "add: done for …".
func TestUserCommandsSayWhatHappened(t *testing.T) {
	ctx := context.Background()
	db := "sqlite:" + filepath.Join(t.TempDir(), "consentry.db")
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
