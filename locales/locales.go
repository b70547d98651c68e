// Package locales embeds the go-i18n message files, one active.<lang>.toml
// per language, with English as the source every other file must match.
package locales

import "embed"

// FS holds every active.<lang>.toml.
//
//go:embed *.toml
var FS embed.FS
