// Package siteyaml reads and writes a site's configuration as YAML, for
// `consentry sites export` and `consentry sites apply`: config as code that
// round-trips unchanged.
package siteyaml

import (
	"bytes"
	"strings"

	"github.com/consentry/consentry/internal/consent"
	"gopkg.in/yaml.v3"
)

// Encode writes a site as YAML.
func Encode(s *consent.Site) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("# Consentry site configuration. Apply with: consentry sites apply -f FILE\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return b.Bytes(), enc.Close()
}

// Decode reads a site from YAML strictly: an unknown or misspelt field is an
// error that names it and its line, as is malformed YAML.
func Decode(b []byte) (*consent.Site, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var s consent.Site
	if err := dec.Decode(&s); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		msg = strings.ReplaceAll(msg, "in type consent.Site", "in a site")
		msg = strings.ReplaceAll(msg, "field lifetime not found in a site", "field lifetime not found in a site: write lifetime_days: N")
		return nil, consent.Errorf(consent.EInvalid, "malformed site YAML: %s", msg)
	}
	return &s, nil
}
