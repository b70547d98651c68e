package sqlite

// Queries whose plans tests check.
const (
	ByConsent    = byConsent
	EraseConsent = eraseConsent
)
