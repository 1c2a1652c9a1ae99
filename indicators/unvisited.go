package indicators

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"hodan/syncengine"
)

// UnvisitedHousehold is a household no officer visited in a span of days,
// as people find it: its head, its number and its village.
type UnvisitedHousehold struct {
	ID       string `json:"id"`
	HeadName string `json:"head_name"`
	Number   string `json:"household_number"`
	Village  string `json:"village"`
	Commune  string `json:"commune"`
}

// Unvisited lists the households of communes (all when none) that the
// indicator not_visited counts in the current data of db: those that
// count, with no visit from 1 January of to's year to the day to; by
// commune, village and the head's name. On PostgreSQL it reads, as a
// report of the current data does, the state of everything db holds.
func Unvisited(ctx context.Context, db *syncengine.DB, communes []string, to time.Time) ([]UnvisitedHousehold, error) {
	if !db.Postgres() {
		return unvisitedIn(ctx, db.SQL(), communes, to)
	}
	states, err := newStateSet(db, "", math.MaxInt64, communes)
	if err != nil {
		return nil, err
	}
	defer states.close()
	path, _, err := states.build(ctx, 0, "households", "villages", "visits")
	if err != nil {
		return nil, err
	}
	v, err := openView(ctx, path, nil)
	if err != nil {
		return nil, err
	}
	defer v.close()
	return unvisitedIn(ctx, v.conn, communes, to)
}

// unvisitedIn is Unvisited in the domain tables q reads, SQLite's.
func unvisitedIn(ctx context.Context, q Querier, communes []string, to time.Time) ([]UnvisitedHousehold, error) {
	scopes, _ := json.Marshal(communes)
	rows, err := q.QueryContext(ctx, `SELECT h.id, coalesce(h.head_name, ''), coalesce(h.household_number, ''),
			coalesce((SELECT name FROM villages WHERE id = h.village_id), ''), h.commune_code
		FROM households h
		WHERE `+counted+` AND `+unvisited+`
			AND (json_array_length(:communes) = 0 OR h.commune_code IN (SELECT value FROM json_each(:communes)))
		ORDER BY h.commune_code, 4, 2, h.id`,
		sql.Named("year_from", isoDate(Day(to.Year(), 1, 1))), sql.Named("to", isoDate(to)), sql.Named("communes", string(scopes)))
	if err != nil {
		return nil, fmt.Errorf("list households not visited: %w", err)
	}
	defer rows.Close()
	var out []UnvisitedHousehold
	for rows.Next() {
		var h UnvisitedHousehold
		if err := rows.Scan(&h.ID, &h.HeadName, &h.Number, &h.Village, &h.Commune); err != nil {
			return nil, fmt.Errorf("list households not visited: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}
