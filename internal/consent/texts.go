package consent

// Texts is the canonical record of the exact texts a site's banner showed in
// one language at one revision. Its JSON is stored once, addressed by its
// SHA-256 digest, which every event names: the proof of what a visitor saw.
type Texts struct {
	Site       string            `json:"site"`
	Revision   int               `json:"revision"`
	Lang       string            `json:"lang"`
	Messages   map[string]string `json:"messages"`
	Categories []TextsCategory   `json:"categories"`
	Services   []Service         `json:"services"`
}

// TextsCategory is a category as the visitor saw it.
type TextsCategory struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Required    bool   `json:"required"`
}
