// Package locales embeds the go-i18n message files: active.<lang>.toml for
// visitors and admin.<lang>.toml for the staff console, with English as the
// source every other file must match. Which languages exist is decided by
// i18n.Visitor and i18n.Console, not by the files found here.
package locales

import "embed"

// FS holds every message file.
//
//go:embed *.toml
var FS embed.FS
