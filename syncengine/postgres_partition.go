package syncengine

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// A PostgreSQL store partitions its cell store by scope, a partition per
// commune (LIST), made the first time a cell of the commune is written
// (migrations_pg/0005_cells_by_scope.sql): a commune's digest, its
// snapshot and the merge of its changes read and write its partition only,
// however many communes the store serves and however large it grows.
//
// The row store and the log stay single tables, each read by a commune
// through an index that leads with scope (sync_rows_scope, sync_log_scope).
// They are what the merge looks up by identity on every write — a row by
// its id, wherever its scope, a change by its origin and sequence, the
// log's head by sequence — and a partitioned table can neither keep those
// unique across partitions nor find them without probing every partition.
//
// The partition of a scope is made inside the writing transaction, under
// the write lock, so processes never race to make it; a transaction that
// rolls back takes its partitions with it. Which scopes have a partition is
// cached once committed (scopeSet), so that a write asks only for a scope
// the process has not written yet.

// scopeSet is the scopes whose partition is known to exist. It is safe for
// concurrent use.
type scopeSet struct {
	mu   sync.RWMutex
	have map[string]bool
}

func newScopeSet() *scopeSet { return &scopeSet{have: map[string]bool{}} }

func (s *scopeSet) has(scope string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.have[scope]
}

// add records scopes whose partition a committed transaction made or
// found.
func (s *scopeSet) add(scopes map[string]bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for scope := range scopes {
		s.have[scope] = true
	}
}

// makePartition makes, inside tx, the cell store's partition of scope
// unless it exists.
func (postgresDialect) makePartition(ctx context.Context, tx *sql.Tx, scope string) error {
	if _, err := tx.ExecContext(ctx, `SELECT sync_cells_partition(?)`, scope); err != nil {
		return fmt.Errorf("make the cells partition of %q: %w", scope, err)
	}
	return nil
}

// partitionScopes makes the partitions of the scopes of keys' cells that
// this process has not seen written yet, and notes them for commit.
func (m *merger) partitionScopes(keys []cellKey) error {
	if !m.db.cells.scoped {
		return nil
	}
	for _, k := range keys {
		scope := m.rows[k.row].scope
		if m.newScopes[scope] || m.db.scopes.has(scope) {
			continue
		}
		if err := m.db.dialect.makePartition(m.ctx, m.tx, scope); err != nil {
			return err
		}
		if m.newScopes == nil {
			m.newScopes = map[string]bool{}
		}
		m.newScopes[scope] = true
	}
	return nil
}
