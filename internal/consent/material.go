package consent

import "strings"

// What the publish form offers first: a material revision, which asks every
// visitor again, or an editorial one, which asks nobody (DESIGN.md: an
// editorial revision "fixes wording or adds a cookie's description"). The
// owner still chooses; a change is material by default when it alters what
// visitors consented to. Consent is specific and informed (GDPR Art. 4(11)
// and 7, EDPB Guidelines 05/2020): a visitor agreed to purposes (the
// categories, what each service and cookie is for), to vendors (the
// services and their providers), to the cookies as they were described,
// with their lifetimes (the CJEU, Planet49 C-673/17, counts a cookie's
// duration among what a visitor must be told for consent to be informed),
// to the banner's texts, and to what a grant releases (the country rules,
// Consent Mode and vendor signals). Those are material, and so is anything
// not named below. Editorial by default:
//   - retention: how long the log keeps decisions is the controller's proof
//     of consent (Art. 7(1)), not a processing visitors were asked about;
//   - lifetime: how long a choice is remembered is the life of Consentry's
//     own cookie, strictly necessary and so outside consent (ePrivacy Art.
//     5(3)); each decision keeps the expiry it was given;
//   - services in the Necessary category: visitors are told of them but not
//     asked, so no choice of theirs depends on them;
//   - the site's name (its own, or a key naming it in each language),
//     origins and look, its policy links, the age notice,
//     the hosts automatic blocking holds back and a cookie's domain: how the
//     banner shows and enforces a choice, not what is chosen;
//   - a description, purpose or privacy link added where there was none;
//     changing or removing one rewords what visitors agreed to.

// AnyMaterial reports whether publishing changes should ask every visitor
// again by default: whether any of them is material.
func AnyMaterial(changes []Change) bool {
	for _, c := range changes {
		if c.Material {
			return true
		}
	}
	return false
}

// editorialFields are the site's fields, besides its services and
// categories, whose change is editorial.
var editorialFields = map[string]bool{
	"name": true, "name_key": true, "origins": true, "lifetime": true, "retention": true, "appearance": true, "links": true, "age_notice": true,
}

// materialField reports whether a change to the field at a Diff path is
// material.
func materialField(path string) bool {
	top, _, _ := strings.Cut(path, ".")
	top, _, _ = strings.Cut(top, "[")
	return !editorialFields[top]
}

// consented reports whether a service in category is one visitors are
// asked about: every category but Necessary.
func consented(category string) bool { return category != Necessary }

// rewords reports whether a text visitors read was changed or removed,
// rather than added where there was none.
func rewords(old, new string) bool { return old != "" && old != new }
