package consent

import (
	"maps"
	"slices"
)

// Clone is a deep copy of s: it shares no slice or map with s, so that one
// can be changed while the other stays what it was (the site editor keeps
// the draft as it was before an edit, to say in the audit trail what the
// edit changed). A nil slice or map stays nil, an empty one empty: some
// say something apart (a service's Overrides).
func (s *Site) Clone() *Site {
	c := *s
	c.Origins = slices.Clone(s.Origins)
	c.Categories = slices.Clone(s.Categories)
	if s.Services != nil {
		c.Services = make([]Service, len(s.Services))
		for i, sv := range s.Services {
			sv.Cookies = slices.Clone(sv.Cookies)
			sv.Hosts = slices.Clone(sv.Hosts)
			sv.Overrides = slices.Clone(sv.Overrides)
			c.Services[i] = sv
		}
	}
	if s.ConsentMap != nil {
		c.ConsentMap = make(map[string][]string, len(s.ConsentMap))
		for k, v := range s.ConsentMap {
			c.ConsentMap[k] = slices.Clone(v)
		}
	}
	c.Rules = maps.Clone(s.Rules)
	if s.Texts != nil {
		c.Texts = make(map[string]map[string]string, len(s.Texts))
		for k, v := range s.Texts {
			c.Texts[k] = maps.Clone(v)
		}
	}
	c.Links = maps.Clone(s.Links)
	c.Signals = maps.Clone(s.Signals)
	c.WhatChanged = maps.Clone(s.WhatChanged)
	return &c
}
