// Package store defines what Consentry keeps and asks of its database. The
// sqlite and postgres packages implement Store; storetest holds the one
// conformance suite both must pass.
package store

import (
	"context"

	"github.com/consentry/consentry/internal/consent"
	"github.com/google/uuid"
)

// Store is the persistence of sites, revisions, texts and the consent ledger.
// Not-found is always a *consent.Error with code ENotFound, never nil, nil.
type Store interface {
	// AppendBatch writes events in one durable transaction, chaining each to
	// the ledger (see package ledger). Only the ledger writer calls it.
	AppendBatch(ctx context.Context, events []*consent.Event) error

	// Site returns a site as of its newest published revision.
	Site(ctx context.Context, id string) (*consent.Site, error)
	// Publish stores s as the site's next revision and returns its number.
	Publish(ctx context.Context, s *consent.Site) (int, error)

	// Event returns one event by its ID.
	Event(ctx context.Context, id uuid.UUID) (*consent.Event, error)
	// EventsByConsent returns every event of one consent ID, oldest first.
	EventsByConsent(ctx context.Context, consentID uuid.UUID) ([]*consent.Event, error)
	// Texts returns the snapshot of texts with the given digest.
	Texts(ctx context.Context, hash [32]byte) ([]byte, error)
	// Walk calls fn for every event in ledger order, streaming.
	Walk(ctx context.Context, fn func(*consent.Event) error) error
	// Head returns the sequence number and hash of the newest event.
	Head(ctx context.Context) (seq int64, hash [32]byte, err error)

	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	Close() error
}
