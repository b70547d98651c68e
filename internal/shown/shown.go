// Package shown freezes what a site's banner and preference center show a
// visitor: the texts snapshot of one revision in one language, the proof of
// what a decision was made on.
package shown

import (
	"encoding/hex"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/templates"
)

// bannerMessages are the message IDs the banner and preference center show.
var bannerMessages = append([]string{"prefs_always_on"}, consent.TextKeys...)

// Snapshot is the texts site (as of its revision) shows in lang: the
// bundle's messages with the site's own wording, categories and services.
func Snapshot(b *i18n.Bundle, site *consent.Site, lang string) consent.Snapshot {
	loc := b.For(lang).With(site.Texts[lang])
	rec := consent.Texts{Site: site.ID, Revision: site.Revision, Lang: lang, Messages: map[string]string{},
		Services: templates.ShownServices(loc, site)}
	if site.Frozen != ([32]byte{}) {
		rec.Config = hex.EncodeToString(site.Frozen[:])
	}
	for _, id := range bannerMessages {
		switch id {
		case consent.OwnBodyKey(consent.OptIn), consent.OwnBodyKey(consent.OptOut), consent.OwnBodyKey(consent.Notice):
			// What each mode showed, below.
		case "banner_body":
			rec.Messages[id] = templates.BannerBody(loc, site, consent.OptIn)
		case "gpc_binding", "banner_gpc":
			// Shown where the signal binds (gpc_binding) or is honoured
			// where the visitor decides (banner_gpc), naming the site's
			// categories it keeps off; a site whose categories it holds
			// none of shows neither.
			g := templates.GPCBinding(loc, site)
			if id == "banner_gpc" {
				g = templates.GPCHonoured(loc, site)
			}
			if g != "" {
				rec.Messages[id] = g
			}
		default:
			rec.Messages[id] = loc.T(id)
		}
	}
	// The body an opt-out or notice region shows, where it is not the
	// opt-in one (an owner's one body for every mode is the same in each),
	// the owner's own for that mode included.
	// And where Global Privacy Control binds there, the body without the
	// categories it keeps off, where that differs.
	for _, m := range []consent.Mode{consent.OptOut, consent.Notice} {
		b := templates.BannerBody(loc, site, m)
		if b != rec.Messages["banner_body"] {
			rec.Messages[consent.BodyKey(m)] = b
		}
		if g := templates.GPCBoundBody(loc, site, m); g != b {
			rec.Messages[consent.GPCBodyKey(m)] = g
		}
	}
	// A blocked embed's placeholder, whose "Allow CATEGORY" is a decision
	// of its own (source placeholder): its texts as the snippet gets them.
	for k, v := range templates.PlaceholderTexts(loc) {
		rec.Messages[k] = v
	}
	// What changed is shown to visitors asked again; the internal change
	// note never is, so it is no part of what they saw.
	if w := site.WhatChanged[lang]; w != "" {
		rec.Messages["what_changed"] = w
	}
	if l := site.LinksFor(lang); l != (consent.Links{}) {
		rec.Messages["link_privacy"], rec.Messages["link_legal"] = l.Privacy, l.Legal
	}
	for _, cat := range site.Categories {
		rec.Categories = append(rec.Categories, consent.TextsCategory{Key: cat.Key, Required: cat.Required,
			Name: templates.CategoryName(loc, cat), Description: templates.CategoryDescription(loc, cat)})
	}
	return consent.NewSnapshot(rec)
}

// All returns what a store's Publish calls to freeze a new revision's texts:
// the snapshot in every visitor language the bundle offers.
func All(b *i18n.Bundle) func(*consent.Site) []consent.Snapshot {
	return func(site *consent.Site) []consent.Snapshot {
		langs := b.Languages()
		out := make([]consent.Snapshot, 0, len(langs))
		for _, l := range langs {
			out = append(out, Snapshot(b, site, l))
		}
		return out
	}
}
