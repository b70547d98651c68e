package sqlite

import (
	"errors"

	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// isUnique reports whether err is a UNIQUE or PRIMARY KEY violation, by the
// driver's extended result code rather than by the words of its message.
func isUnique(err error) bool {
	var e *msqlite.Error
	return errors.As(err, &e) && (e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
}

// isUniqueIndex reports whether err is a UNIQUE violation (of a unique index
// or constraint, not of a primary key).
func isUniqueIndex(err error) bool {
	var e *msqlite.Error
	return errors.As(err, &e) && e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE
}
