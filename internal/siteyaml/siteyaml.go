// Package siteyaml reads and writes a site's configuration as YAML, for
// `consentry sites export` and `consentry sites apply`: config as code that
// round-trips unchanged.
package siteyaml

import (
	"bytes"
	"regexp"
	"slices"
	"strings"

	"github.com/consentry/consentry/internal/catalog"
	"github.com/consentry/consentry/internal/consent"
	"gopkg.in/yaml.v3"
)

// Encode writes a site as YAML. A service from the catalog shows as
// `catalog: ID` with only the fields the site changed.
func Encode(site *consent.Site) ([]byte, error) {
	s := *site
	s.Services = slices.Clone(site.Services)
	catalog.Minimize(&s)
	// A revision's note and "what changed" text are what its publisher
	// wrote about that revision, not the site's configuration: a file to
	// edit and apply again leaves them to be written for the next one.
	s.ChangeNote, s.WhatChanged = "", nil
	var b bytes.Buffer
	b.WriteString("# Consentry site configuration. Apply with: consentry sites apply -f FILE\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&s); err != nil {
		return nil, err
	}
	return b.Bytes(), enc.Close()
}

// goType is where the YAML decoder names a Go type ("field colr not found
// in type consent.Appearance"), and yamlPlaces what the file calls each: a
// site owner writes YAML, not Go.
var (
	goType     = regexp.MustCompile(`in type consent\.\w+`)
	yamlPlaces = map[string]string{"Site": "a site", "Category": "a category", "Service": "a service",
		"Cookie": "a cookie", "Appearance": "appearance", "Links": "links"}
)

// Decode reads a site from YAML strictly, filling catalog services' unset
// fields from the catalog: an unknown or misspelt field is an
// error that names it and its line, as is malformed YAML.
func Decode(b []byte) (*consent.Site, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var s consent.Site
	if err := dec.Decode(&s); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		msg = goType.ReplaceAllStringFunc(msg, func(t string) string {
			if w, ok := yamlPlaces[strings.TrimPrefix(t, "in type consent.")]; ok {
				return "in " + w
			}
			return "in this part of the file"
		})
		msg = strings.ReplaceAll(msg, "field lifetime not found in a site", "field lifetime not found in a site: write lifetime_days: N")
		return nil, consent.Errorf(consent.EInvalid, "malformed site YAML: %s", msg)
	}
	if err := catalog.Resolve(&s); err != nil {
		return nil, err
	}
	return &s, nil
}
