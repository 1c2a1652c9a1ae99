package syncengine

import (
	"database/sql"
	"errors"
	"fmt"
)

// The log is append-only, with two exceptions that change what nobody
// else has seen, or could have relied on: a clock repair gives new stamps
// to changes no other replica holds (restamp.go), and a fork moves a copy's
// own changes that the server never acknowledged to it to a new site id
// (resite.go). Both rewrite entries in place and then every chain hash
// from the first of them on, since each covers the entries before it.

// rewritePage is how many log entries rewriteLog reads at a time.
const rewritePage = 1000

// rewriteLog rewrites the log from local sequence from on: edit may change
// an entry's change, and reports whether it did; the change's stamps, base,
// origin and origin sequence are then written back. Every entry's chain
// hash is recomputed. Sites edit gives an entry must be interned in the
// transaction first (m.sites.id).
func (m *merger) rewriteLog(from uint64, edit func(e *AuditEntry) bool) error {
	chain, err := m.chainBefore(from)
	if err != nil {
		return err
	}
	for after := from - 1; ; {
		// The page is read before its entries are rewritten, and a page
		// names only committed sites: the sites edit gives are not read back.
		page, err := readAuditLog(m.ctx, m.tx, m.db.sites, after, rewritePage)
		if err != nil || len(page) == 0 {
			return err
		}
		for i := range page {
			e := &page[i]
			edited := edit(e)
			receipt, err := m.entryReceipt(int64(e.Batch))
			if err != nil {
				return err
			}
			chain = EntryHash(chain, e.Seq, e.Change.Hash(), receipt)
			if err := m.rewriteEntry(e, chain, edited); err != nil {
				return err
			}
		}
		after = page[len(page)-1].Seq
	}
}

// chainBefore is the chain hash of the log entry before local sequence seq
// (zero at the start of the log).
func (m *merger) chainBefore(seq uint64) (Hash, error) {
	var chain []byte
	err := m.tx.QueryRowContext(m.ctx, `SELECT chain FROM sync_log WHERE seq < ? ORDER BY seq DESC LIMIT 1`, seq).Scan(&chain)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Hash{}, fmt.Errorf("rewrite log: read chain: %w", err)
	}
	return hashOf(chain), nil
}

// rewriteEntry writes an entry's new chain hash and, if it was edited,
// its change's stamp, base, origin and origin sequence.
func (m *merger) rewriteEntry(e *AuditEntry, chain Hash, edited bool) error {
	var err error
	if edited {
		c := &e.Change
		origin, ierr := m.sites.id(m.ctx, c.Site)
		if ierr != nil {
			return ierr
		}
		_, err = m.tx.ExecContext(m.ctx, `UPDATE sync_log SET chain = ?, hlc = ?, base = ?, origin = ?, origin_seq = ? WHERE seq = ?`,
			chain[:], c.HLC, c.Base, origin, c.Seq, e.Seq)
	} else {
		_, err = m.tx.ExecContext(m.ctx, `UPDATE sync_log SET chain = ? WHERE seq = ?`, chain[:], e.Seq)
	}
	if err != nil {
		return fmt.Errorf("rewrite log #%d: %w", e.Seq, err)
	}
	return nil
}
