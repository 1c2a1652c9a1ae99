package console

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"hodan/server/accounts"
	"hodan/syncengine"
)

// communeRow is one commune of the overview.
type communeRow struct {
	Code, Name string
	Households int64
	Laptops    int       // live laptops enrolled for it
	LastSync   time.Time // the latest batch any of its laptops sent
	Silent     int       // live laptops silent for SilentAfter
	Conflicts  int       // conflicts nobody has resolved
}

// communesOf is the overview of the communes u sees, by name: those of
// u's account, or, for an account of every commune, every commune the
// server has households or laptops of.
func (c *Console) communesOf(ctx context.Context, u *accounts.User, laptops []laptop) ([]communeRow, error) {
	households, err := c.households(ctx)
	if err != nil {
		return nil, err
	}
	conflicts, err := c.openConflicts(ctx, u.Communes)
	if err != nil {
		return nil, err
	}
	codes := slices.Clone(u.Communes)
	if len(codes) == 0 {
		for code := range households {
			codes = append(codes, code)
		}
		for _, l := range laptops {
			codes = append(codes, l.Communes...)
		}
	}
	slices.Sort(codes)
	codes = slices.Compact(codes)
	now := c.cfg.Now()
	rows := make([]communeRow, 0, len(codes))
	for _, code := range codes {
		row := communeRow{Code: code, Name: CommuneName(code), Households: households[code], Conflicts: conflicts[code]}
		for _, l := range laptops {
			if l.Revoked() || !slices.Contains(l.Communes, code) {
				continue
			}
			row.Laptops++
			if l.LastSync.After(row.LastSync) {
				row.LastSync = l.LastSync
			}
			if l.Silent(now) {
				row.Silent++
			}
		}
		rows = append(rows, row)
	}
	slices.SortFunc(rows, func(a, b communeRow) int { return strings.Compare(a.Name, b.Name) })
	return rows, nil
}

// households counts the households of each commune; merged ones count
// under the household they went into.
func (c *Console) households(ctx context.Context) (map[string]int64, error) {
	rows, err := c.cfg.DB.SQL().QueryContext(ctx, `SELECT commune_code, count(*) FROM households WHERE merged_into IS NULL GROUP BY commune_code`)
	if err != nil {
		return nil, fmt.Errorf("count households: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var code string
		var n int64
		if err := rows.Scan(&code, &n); err != nil {
			return nil, fmt.Errorf("count households: %w", err)
		}
		out[code] = n
	}
	return out, rows.Err()
}

// openConflicts counts the open conflicts of each of communes (every
// commune when empty).
func (c *Console) openConflicts(ctx context.Context, communes []string) (map[string]int, error) {
	found, err := c.cfg.DB.Conflicts(ctx, syncengine.ConflictQuery{Scopes: communes})
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, f := range found {
		if !f.Resolved {
			out[f.Scope]++
		}
	}
	return out, nil
}
