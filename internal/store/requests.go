package store

import "github.com/google/uuid"

// Rows are the rows of a query, as database/sql and pgx both give them.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// ScanRecorded adds rows of (request ID, seq), the request IDs recorded
// already, to recorded, made when the first row comes; closing rows is the
// caller's.
func ScanRecorded(rows Rows, recorded map[uuid.UUID]int64) (map[uuid.UUID]int64, error) {
	for rows.Next() {
		var (
			id  []byte
			seq int64
		)
		if err := rows.Scan(&id, &seq); err != nil {
			return recorded, err
		}
		if recorded == nil {
			recorded = map[uuid.UUID]int64{}
		}
		recorded[uuid.UUID(id)] = seq
	}
	return recorded, rows.Err()
}
