package i18n_test

import (
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/i18n"
)

// shopWords are, per visitor language, words for a shop, a store, a basket or
// a cart (lower case; a text fails when it contains one; Czech and Slovak
// "obchod" also begins "obchodní", commercial, so only its noun forms). Consentry serves any
// kind of site, so its default visitor texts must not speak of a shop
// (issue 9). The demo_ texts are the demo pharmacy's own and are not checked.
var shopWords = map[string][]string{
	"en":      {"shop", "basket", "cart", "store"},
	"ar":      {"متجر", "سلة", "عربة التسوق"},
	"bg":      {"магазин", "количк"},
	"bn":      {"স্টোর", "কার্ট", "দোকান"},
	"bs":      {"prodavnic", "korp", "trgovin"},
	"ca":      {"botiga", "cistell", "carret"},
	"cs":      {"e-shop", "obchod ", "obchod.", "obchodu", "obchodě", "obchodem", "košík", "prodejn"},
	"cy":      {"siop", "basged", "troli"},
	"da":      {"butik", "kurv"},
	"de":      {"warenkorb", "shop", "geschäft", "einkaufs"},
	"el":      {"κατάστημα", "καταστήματ", "καλάθ"},
	"es":      {"tienda", "carrito", "cesta", "compras"},
	"es-419":  {"tienda", "carrito", "cesta", "compras"},
	"et":      {"pood", "ostukorv", "kauplus"},
	"eu":      {"denda", "saski"},
	"fa":      {"فروشگاه", "سبد خرید"},
	"fi":      {"kauppa", "ostoskori", "myymälä"},
	"fr":      {"boutique", "panier", "magasin", "achat"},
	"ga":      {"siopa", "shiopa", "ciseán"},
	"gl":      {"tenda", "cesta", "carriño"},
	"he":      {"חנות", "סל הקניות", "עגלת"},
	"hi":      {"स्टोर", "कार्ट", "दुकान"},
	"hr":      {"trgovin", "košaric", "poslovnic"},
	"hu":      {"webáruház", "kosar", "üzlet"},
	"id":      {"toko", "keranjang", "belanja"},
	"is":      {"verslun", "karfa", "körfu"},
	"it":      {"negozio", "carrello", "punto vendita"},
	"ja":      {"ストア", "カート", "店舗", "買い物かご"},
	"ko":      {"상점", "장바구니", "매장"},
	"lt":      {"parduotuv", "krepšel"},
	"lv":      {"veikal", "grozs", "groza", "grozā"},
	"mk":      {"продавниц", "кошничк"},
	"ms":      {"kedai", "troli", "beli-belah"},
	"mt":      {"ħanut", "basket"},
	"nb":      {"butikk", "handlekurv"},
	"nl":      {"winkel", "filiaal"},
	"pl":      {"sklep", "koszyk"},
	"pt":      {"loja", "cesto", "carrinho"},
	"pt-BR":   {"loja", "cesto", "carrinho"},
	"ro":      {"magazin", "coș", "coş"},
	"ru":      {"магазин", "корзин", "покупк"},
	"sk":      {"obchod ", "obchod.", "obchodu", "obchode", "obchodom", "košík", "predajň"},
	"sl":      {"trgovin", "košaric", "poslovaln"},
	"sq":      {"dyqan", "shport"},
	"sr":      {"продавниц", "корп"},
	"sr-Latn": {"prodavnic", "korp"},
	"sv":      {"butik", "varukorg", "kundvagn"},
	"sw":      {"duka", "kikapu"},
	"th":      {"ร้านค้า", "ตะกร้า"},
	"tr":      {"mağaza", "sepet", "alışveriş"},
	"uk":      {"магазин", "кошик"},
	"ur":      {"دکان", "ٹوکری", "اسٹور"},
	"vi":      {"cửa hàng", "giỏ hàng"},
	"zh-Hans": {"商店", "购物车", "门店"},
	"zh-Hant": {"商店", "購物車", "門市"},
}

// TestNeutralTexts: no default visitor text in any language speaks of a
// shop, a store, a basket or a cart.
func TestNeutralTexts(t *testing.T) {
	for _, l := range i18n.Visitor {
		words, ok := shopWords[l.Code]
		if !ok {
			t.Errorf("%s: no shop words listed for this visitor language", l.Code)
			continue
		}
		for id, m := range visitor(t, l.Code) {
			if strings.HasPrefix(id, "demo_") {
				continue
			}
			for form, text := range m {
				lower := strings.ToLower(text)
				for _, w := range words {
					if strings.Contains(lower, w) {
						t.Errorf("%s: %s (%s) speaks of a shop (%q): %q", l.Code, id, form, w, text)
					}
				}
			}
		}
	}
}
