package postgres

// Queries whose plans tests check.
const (
	ByConsent    = byConsent
	EraseConsent = eraseConsent
)
