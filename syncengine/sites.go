package syncengine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/google/uuid"
)

// siteCache maps site UUIDs to the small integers this replica stores in
// their place, and back. Only committed mappings enter it: a transaction
// keeps the sites it interns in its own siteTx until it commits.
type siteCache struct {
	mu    sync.RWMutex
	ids   map[SiteID]int64
	uuids map[int64]SiteID
}

func newSiteCache() *siteCache {
	return &siteCache{ids: map[SiteID]int64{}, uuids: map[int64]SiteID{}}
}

func (c *siteCache) get(site SiteID) (int64, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	id, ok := c.ids[site]
	return id, ok
}

func (c *siteCache) uuid(id int64) (SiteID, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	site, ok := c.uuids[id]
	return site, ok
}

func (c *siteCache) put(site SiteID, id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ids[site] = id
	c.uuids[id] = site
}

// siteTx interns sites within one write transaction.
type siteTx struct {
	cache   *siteCache
	tx      *sql.Tx
	pending map[SiteID]int64
}

func (s *siteTx) id(ctx context.Context, site SiteID) (int64, error) {
	if id, ok := s.cache.get(site); ok {
		return id, nil
	}
	if id, ok := s.pending[site]; ok {
		return id, nil
	}
	var id int64
	err := s.tx.QueryRowContext(ctx, `SELECT id FROM sync_sites WHERE site = ?`, site[:]).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = s.tx.QueryRowContext(ctx, `INSERT INTO sync_sites (site) VALUES (?) RETURNING id`, site[:]).Scan(&id)
	}
	if err != nil {
		return 0, fmt.Errorf("intern site %s: %w", site, err)
	}
	if s.pending == nil {
		s.pending = map[SiteID]int64{}
	}
	s.pending[site] = id
	return id, nil
}

// known returns the integer of a site already interned, without asking
// the database.
func (s *siteTx) known(site SiteID) (int64, bool) {
	if id, ok := s.cache.get(site); ok {
		return id, true
	}
	id, ok := s.pending[site]
	return id, ok
}

// uuid resolves a site integer read inside the transaction.
func (s *siteTx) uuid(ctx context.Context, id int64) (SiteID, error) {
	if site, ok := s.cache.uuid(id); ok {
		return site, nil
	}
	for site, pid := range s.pending {
		if pid == id {
			return site, nil
		}
	}
	return lookupSite(ctx, s.tx, s.cache, id)
}

// committed moves the transaction's sites into the shared cache.
func (s *siteTx) committed() {
	for site, id := range s.pending {
		s.cache.put(site, id)
	}
	s.pending = nil
}

// lookupSite resolves a site integer, caching what it reads. q must see
// committed data only (a reader, or a transaction that interned nothing
// new), so that the cache never holds an uncommitted mapping.
func lookupSite(ctx context.Context, q querier, cache *siteCache, id int64) (SiteID, error) {
	if site, ok := cache.uuid(id); ok {
		return site, nil
	}
	var b []byte
	if err := q.QueryRowContext(ctx, `SELECT site FROM sync_sites WHERE id = ?`, id).Scan(&b); err != nil {
		return SiteID{}, fmt.Errorf("site %d: %w", id, err)
	}
	site, err := uuid.FromBytes(b)
	if err != nil {
		return SiteID{}, fmt.Errorf("site %d: %w", id, err)
	}
	cache.put(site, id)
	return site, nil
}

// cacheSites reads every site into the cache. Sites are few (one per
// replica that ever wrote), and are never removed.
func (db *DB) cacheSites(ctx context.Context, q querier) error {
	rows, err := q.QueryContext(ctx, `SELECT id, site FROM sync_sites`)
	if err != nil {
		return fmt.Errorf("read sites: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var b []byte
		if err := rows.Scan(&id, &b); err != nil {
			return fmt.Errorf("read sites: %w", err)
		}
		site, err := uuid.FromBytes(b)
		if err != nil {
			return fmt.Errorf("read site %d: %w", id, err)
		}
		db.sites.put(site, id)
	}
	return rows.Err()
}
