package consent_test

import (
	"reflect"
	"strconv"
	"testing"

	"github.com/consentry/consentry/internal/consent"
)

// fill gives every slice and map reachable from v (a settable value) two
// elements, and every string a value, so that a copy sharing any of them
// shows.
func fill(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString("v" + strconv.Itoa(*n))
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), n)
			}
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(v.Index(i), n)
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		for range 2 {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fill(k, n)
			fill(e, n)
			v.SetMapIndex(k, e)
		}
	}
}

// shared reports the path of a slice or map a and b share, or "".
func shared(a, b reflect.Value, path string) string {
	switch a.Kind() {
	case reflect.Struct:
		for i := range a.NumField() {
			if a.Type().Field(i).IsExported() {
				if p := shared(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); p != "" {
					return p
				}
			}
		}
	case reflect.Slice:
		if a.Len() > 0 && a.Index(0).Addr().Pointer() == b.Index(0).Addr().Pointer() {
			return path
		}
		for i := range a.Len() {
			if p := shared(a.Index(i), b.Index(i), path+"["+strconv.Itoa(i)+"]"); p != "" {
				return p
			}
		}
	case reflect.Map:
		if a.Pointer() == b.Pointer() {
			return path
		}
		for _, k := range a.MapKeys() {
			if p := shared(a.MapIndex(k), b.MapIndex(k), path+"["+k.String()+"]"); p != "" {
				return p
			}
		}
	}
	return ""
}

// TestSiteClone: a clone of a site with every slice and map filled, at
// every depth, equals it and shares none of them (a field added to Site
// later is filled too); changing the clone leaves the site as it was. A
// nil slice stays nil and an empty one empty.
func TestSiteClone(t *testing.T) {
	var s consent.Site
	n := 0
	fill(reflect.ValueOf(&s).Elem(), &n)
	c := s.Clone()
	if !reflect.DeepEqual(&s, c) {
		t.Fatalf("the clone differs:\n%+v\n%+v", s, *c)
	}
	if p := shared(reflect.ValueOf(s), reflect.ValueOf(*c), "Site"); p != "" {
		t.Errorf("the clone shares %s", p)
	}
	c.Services[0].Cookies[0].Name, c.Texts["x"] = "changed", nil
	if s.Services[0].Cookies[0].Name == "changed" || len(s.Texts) != 2 {
		t.Error("changing the clone changed the site")
	}
	empty := consent.Site{Services: []consent.Service{{Overrides: []string{}}}}
	if c := empty.Clone(); c.Origins != nil || c.Services[0].Overrides == nil || c.Services[0].Hosts != nil {
		t.Errorf("nil and empty are not kept apart: %+v", c.Services[0])
	}
}
