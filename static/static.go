// Package static embeds the files Consentry serves as they are: the snippet
// source (minified at start-up), its CSS and the demo shop's assets.
package static

import "embed"

// FS holds consentry.js, consentry.css (the banner's first layer),
// prefs.css (the preference center and pages), the console's admin.css and
// admin.js, and demo/.
//
//go:embed consentry.js consentry.css prefs.css admin.css admin.js demo
var FS embed.FS

// Releases holds every snippet build ever released, as releases/c.<version>.js,
// byte for byte: a tag pasted with its SRI hash keeps working after upgrades.
//
//go:embed releases
var Releases embed.FS
