package web_test

import (
	"regexp"
	"testing"
)

// TestFirstPublishHasNoBareID: a new site's publish box lists what its
// first revision holds, and its ID is not among the changes: it is the
// site's name in the heading and the URL, cannot change, and had no words
// in any console language, so every owner read a bare 'id: shop'.
func TestFirstPublishHasNoBareID(t *testing.T) {
	_, c, _ := ownerOfShop(t)
	_, page, _ := c.get("/admin/sites/shop")
	rows := regexp.MustCompile(`<th scope="row">([^<]*)</th>`).FindAllStringSubmatch(page, -1)
	if len(rows) == 0 {
		t.Fatalf("the publish box of a new site lists nothing: %.2000s", page)
	}
	for _, r := range rows {
		if r[1] == "id" {
			t.Errorf("the publish box of a new site lists a bare %q among its changes", r[1])
		}
	}
}
