package web

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/consentry/consentry/internal/consent"
)

// decodeBodies are consent bodies as the snippet, the load test and API
// clients send them: each is of the simple shape and must be decoded without
// encoding/json, or the fast way would never be taken unseen.
var decodeBodies = []string{
	`{"action":"accept_all","revision":1,"lang":"en","page":"https://shop.example/","source":"banner","gpc":false,"request_id":"0192f0c4-5c1e-7a53-9b7e-3f0e2d1c4b5a"}`,
	`{"action":"accept_all","revision":1,"lang":"en","page":"https://shop.example/","source":"banner","gpc":false,"token":null,"request_id":"0192f0c4-5c1e-7a53-9b7e-3f0e2d1c4b5a"}`,
	`{"action":"custom","categories":{"analytics":true,"marketing":false},"revision":1,"lang":"en","page":"https://shop.example/basket","source":"banner","request_id":"0192f0c4-5c1e-7a53-9b7e-3f0e2d1c4b5a"}`,
	`{"action":"reject_all","categories":{},"revision":12,"lang":"fr","page":"https://shop.example/a?b=c#d","source":"preferences","gpc":true,"consent_id":"0192f0c4-5c1e-7a53-9b7e-3f0e2d1c4b5b","request_id":"x"}`,
	`{"action":"withdraw","revision":3,"lang":"en","page":"https://shop.example/","source":"preferences","token":"MTc2NDUxMjM0fGV5SnBaQ0k2SW5naWZRPT18YTFiMg==","request_id":"0192f0c4-5c1e-7a53-9b7e-3f0e2d1c4b5a"}`,
	" {\n\t\"action\" : \"withdraw\" ,\r\n \"revision\" : -0 } \n",
	`{}`,
	`{"revision":999999999999999,"lang":"de-AT","source":"api","page":""}`,
}

func TestDecodeRequestTakesSimpleBodies(t *testing.T) {
	for _, body := range decodeBodies {
		var fast, want consent.Request
		if !decodeRequest([]byte(body), &fast) {
			t.Errorf("not decoded the fast way: %s", body)
			continue
		}
		if err := json.Unmarshal([]byte(body), &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fast, want) {
			t.Errorf("%s\nfast %+v\nwant %+v", body, fast, want)
		}
	}
}

// Bodies that are not of the simple shape are left to encoding/json, which
// decodes some of them (another spelling of a key, an escape, null, a key
// twice) and refuses others.
func TestDecodeRequestLeavesTheRest(t *testing.T) {
	for _, body := range []string{
		`{"Action":"accept_all"}`, `{"action":"acc\u0065pt_all"}`, `{"action":null}`, `{"categories":null}`,
		`{"action":"a","action":"b"}`, `{"categories":{"a":true,"a":false}}`, `{"revision":1.0}`, `{"revision":1e0}`,
		`{"revision":01}`, `{"revision":"1"}`, `{"revision":1234567890123456}`, `{"gpc":1}`, `{"page":"naïve"}`,
		`{"other":1}`, `{"action":"x"} x`, `{"action":"x"}{}`, `[]`, ``, `{"action":"x",}`, `{"categories":{"a":true,}}`,
		`{"categories":{"a":"yes"}}`, `{"lang":"en` + "\x7f" + `"}`, `{"gpc":truex}`,
	} {
		var r consent.Request
		if decodeRequest([]byte(body), &r) {
			t.Errorf("decoded the fast way: %s", body)
		}
	}
}

// FuzzDecodeRequest: whatever decodeRequest decodes, encoding/json decodes
// without error into the same request.
func FuzzDecodeRequest(f *testing.F) {
	for _, body := range decodeBodies {
		f.Add(body)
	}
	f.Add(`{"categories":{"a":true,"b":false},"gpc":true}`)
	f.Fuzz(func(t *testing.T, body string) {
		var fast consent.Request
		if !decodeRequest([]byte(body), &fast) {
			return
		}
		var want consent.Request
		if err := json.Unmarshal([]byte(body), &want); err != nil {
			t.Fatalf("decoded the fast way, but encoding/json says %v: %q", err, body)
		}
		if !reflect.DeepEqual(fast, want) {
			t.Fatalf("%q\nfast %+v\nwant %+v", body, fast, want)
		}
	})
}
