package syncengine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// The log's chain: each entry's hash covers the hash of the entry before
// it, its own local sequence number, its change and its receipt (see
// EntryHash). A pull cursor carries the chain hash of the entry it points
// at, and an auditor recomputes the chain from an exported log.

// entryReceipt is the receipt hash of log entries of batch id (0: none),
// read once per transaction.
func (m *merger) entryReceipt(batch int64) (Hash, error) {
	if batch == 0 {
		return Hash{}, nil
	}
	if h, ok := m.receipts[batch]; ok {
		return h, nil
	}
	r, err := readReceipt(m.ctx, m.tx, batch)
	if err != nil {
		return Hash{}, err
	}
	h := r.Hash()
	if m.receipts == nil {
		m.receipts = map[int64]Hash{}
	}
	m.receipts[batch] = h
	return h, nil
}

// head reads the log's last entry: its sequence number and chain hash
// (zero for an empty log), once per transaction.
func (m *merger) head() (uint64, Hash, error) {
	if m.headRead {
		return m.lastSeq, m.chain, nil
	}
	var seq uint64
	var chain []byte
	err := m.tx.QueryRowContext(m.ctx, `SELECT seq, chain FROM sync_log ORDER BY seq DESC LIMIT 1`).Scan(&seq, &chain)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, Hash{}, fmt.Errorf("read log head: %w", err)
	}
	m.lastSeq, m.chain, m.headRead = seq, hashOf(chain), true
	return m.lastSeq, m.chain, nil
}

// rechain recomputes the chain hash of every log entry, for a log written
// before the chain covered whole changes. It runs once, as a migration.
func rechain(ctx context.Context, tx *sql.Tx) error {
	var prev Hash
	var after uint64
	for {
		rows, err := tx.QueryContext(ctx, `SELECT `+logColumns+` FROM sync_log l WHERE seq > ? ORDER BY seq LIMIT 1000`, after)
		if err != nil {
			return fmt.Errorf("rechain: %w", err)
		}
		var seqs []uint64
		changes, err := scanChangesWith(ctx, tx, newSiteCache(), rows, &seqs)
		if err != nil {
			return fmt.Errorf("rechain: %w", err)
		}
		if len(changes) == 0 {
			return nil
		}
		for i := range changes {
			prev = EntryHash(prev, seqs[i], changes[i].Hash(), Hash{})
			if _, err := tx.ExecContext(ctx, `UPDATE sync_log SET chain = ? WHERE seq = ?`, prev[:], seqs[i]); err != nil {
				return fmt.Errorf("rechain #%d: %w", seqs[i], err)
			}
		}
		after = seqs[len(seqs)-1]
	}
}
