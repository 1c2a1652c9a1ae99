package syncengine

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	"github.com/mattn/go-sqlite3"
)

// A replica's SQLite file keeps its write-ahead log and shared-memory
// files between processes. SQLite's default deletes both when the last
// connection closes and creates them again at the next open: each hodan
// command (one process) paid a file creation and a deletion for each,
// about 1.7 ms of a 2.7 ms open and close on the laptops' ext4, a tenth of
// a CLI write. Kept (SQLITE_FCNTL_PERSIST_WAL), the log is still
// checkpointed into the database at the last close, and then emptied
// (journal_size_limit), so the database file alone holds everything
// committed, as before: a copy of it alone is whole.

// walSizeLimit is the size a write-ahead log is cut back to after a
// checkpoint that empties it; at the last close it is emptied whatever
// this is. 64 MB: a large pull's log is not shrunk and grown again.
const walSizeLimit = 64 << 20

// sqliteConnector opens connections to a SQLite file through mattn's
// driver, each set to keep the file's log (keepWAL).
type sqliteConnector struct {
	dsn string
	drv *sqlite3.SQLiteDriver
}

// openSQLite is sql.Open of the SQLite data source name dsn, with every
// connection set by keepWAL.
func openSQLite(dsn string) *sql.DB {
	return sql.OpenDB(sqliteConnector{dsn: dsn, drv: &sqlite3.SQLiteDriver{ConnectHook: keepWAL}})
}

func (c sqliteConnector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }

func (c sqliteConnector) Driver() driver.Driver { return c.drv }

// keepWAL sets a new connection to keep the log and shared-memory files
// when it is the last to close, the log emptied.
func keepWAL(conn *sqlite3.SQLiteConn) error {
	if err := conn.SetFileControlInt("main", sqlite3.SQLITE_FCNTL_PERSIST_WAL, 1); err != nil {
		return fmt.Errorf("keep the write-ahead log: %w", err)
	}
	if _, err := conn.Exec(fmt.Sprintf("PRAGMA journal_size_limit = %d", walSizeLimit), nil); err != nil {
		return fmt.Errorf("limit the write-ahead log: %w", err)
	}
	return nil
}
