package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"hodan/ops"
	"hodan/schema"
	"hodan/syncengine"
)

// mergedInto is the households column that marks a household merged into
// another.
const mergedInto = "merged_into"

// A merge never deletes the dropped household: two officers merging a pair
// in opposite directions at once would delete both. Instead DROP points at
// KEEP (merged_into), and every laptop, after each sync, settles what the
// merges it holds mean, with ordinary writes that every laptop computes
// alike: a cycle of merges keeps the household with the smallest id, and
// records still attached to a merged household move to the one it went
// into. So concurrent merges, in either direction, converge to one
// household with nothing lost.

func (a *app) householdMergeCmd() *cobra.Command {
	return &cobra.Command{
		Use:   a.T("merge.use"),
		Short: a.T("merge.short"),
		Long:  a.T("merge.long"),
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			t := schema.Households
			return a.withWriter(cmd, func(ctx context.Context, db *syncengine.DB, dev *ops.Device) error {
				keep, err := ops.ResolveID(db.SQL(), t, args[0])
				if err != nil {
					return err
				}
				drop, err := ops.ResolveID(db.SQL(), t, args[1])
				if err != nil {
					return err
				}
				if keep == drop {
					return usageError{errMsg("error.merge_same")}
				}
				var moved, changes int
				err = db.Write(ctx, func(tx *syncengine.Tx) error {
					var err error
					if moved, err = mergeHouseholds(tx, dev, t, keep, drop); err != nil {
						return err
					}
					if err := settleMerges(tx, dev.Communes); err != nil {
						return err
					}
					changes = tx.Changes()
					return nil
				})
				if err != nil {
					return err
				}
				if a.json {
					return printJSON(cmd.OutOrStdout(), map[string]any{"kept": keep, "dropped": drop, "moved": moved, "changes": changes})
				}
				fmt.Fprintln(cmd.OutOrStdout(), a.T("merge.done", drop, keep, a.count(moved, "count.record")))
				return nil
			})
		},
	}
}

// mergeHouseholds merges drop into keep within tx and returns how many
// records it moved.
func mergeHouseholds(tx *syncengine.Tx, dev *ops.Device, t *schema.Table, keep, drop syncengine.RowID) (int, error) {
	keepScope, err := ownRow(tx, dev, t, keep)
	if err != nil {
		return 0, err
	}
	dropScope, err := ownRow(tx, dev, t, drop)
	if err != nil {
		return 0, err
	}
	if keepScope != dropScope {
		return 0, errMsg("error.merge_communes", keepScope, dropScope)
	}
	rows, err := readHouseholds(tx, "id IN (?, ?)", keep.String(), drop.String())
	if err != nil {
		return 0, err
	}
	k, d := rows[keep.String()], rows[drop.String()]
	if d[mergedInto] != nil {
		return 0, errMsg("error.merge_dropped", drop, d[mergedInto])
	}
	if k[mergedInto] != nil {
		return 0, errMsg("error.merge_kept", keep, k[mergedInto])
	}
	// Fields KEEP lacks come from DROP.
	fill := map[string]any{}
	for _, c := range t.Columns {
		if c.Name != mergedInto && c.Name != t.ScopeColumn && k[c.Name] == nil && d[c.Name] != nil {
			fill[c.Name] = d[c.Name]
		}
	}
	if len(fill) > 0 {
		if err := tx.Update("households", keep, fill); err != nil {
			return 0, err
		}
	}
	moved, err := moveChildren(tx, map[string]syncengine.RowID{drop.String(): keep})
	if err != nil {
		return 0, err
	}
	return moved, tx.Update("households", drop, map[string]any{mergedInto: keep.String()})
}

// settleMerges makes the merges of the laptop's communes mean one thing on
// every replica: in a cycle of merges the household with the smallest id
// stays, and records of merged households move to the household their
// chain of merges ends at. A chain is followed through live households
// only: one that ends at a household that is not alive (a merge raced its
// delete) moves nothing, and its households and their records are
// orphans, listed alike everywhere (reconcile.Orphans) until someone
// restores that household (then the next settle moves the records to it),
// merges them into another, or deletes them.
func settleMerges(tx *syncengine.Tx, communes []string) error {
	marks := strings.TrimSuffix(strings.Repeat("?,", len(communes)), ",")
	args := make([]any, len(communes))
	for i, c := range communes {
		args[i] = c
	}
	merged, err := readHouseholds(tx, mergedInto+" IS NOT NULL AND commune_code IN ("+marks+")", args...)
	if err != nil {
		return err
	}
	if len(merged) == 0 {
		return nil
	}
	next := map[string]string{}
	ids := make([]string, 0, len(merged))
	for id, r := range merged {
		next[id] = fmt.Sprint(r[mergedInto])
		ids = append(ids, id)
	}
	sort.Strings(ids)
	target := map[string]syncengine.RowID{}
	for _, id := range ids {
		root, cycle := endOfChain(id, next)
		if cycle {
			// root is the smallest id of the cycle: it stays.
			if _, ok := next[root]; ok {
				if err := tx.Update("households", uuid.MustParse(root), map[string]any{mergedInto: nil}); err != nil {
					return err
				}
				delete(next, root)
			}
		}
		if root == id {
			continue
		}
		// A chain that ends at a household that is not alive moves nothing:
		// there is no household to attach the records to (see above).
		to, err := uuid.Parse(root)
		if err != nil {
			continue // merged_into names no row: the same as a deleted one
		}
		if _, alive, err := tx.Row("households", to); err != nil {
			return err
		} else if alive {
			target[id] = to
		}
	}
	_, err = moveChildren(tx, target)
	return err
}

// endOfChain follows merged_into from id to the household that stays. If
// the chain runs into a cycle, it returns the smallest id of the cycle.
func endOfChain(id string, next map[string]string) (string, bool) {
	seen := map[string]int{}
	var path []string
	for cur := id; ; {
		if i, ok := seen[cur]; ok {
			cycle := append([]string(nil), path[i:]...)
			sort.Strings(cycle)
			return cycle[0], true
		}
		to, merged := next[cur]
		if !merged {
			return cur, false
		}
		seen[cur] = len(path)
		path = append(path, cur)
		cur = to
	}
}

// moveChildren attaches the live records of each household in target (a
// household id to the household that replaces it) to their new household,
// and returns how many it moved.
func moveChildren(tx *syncengine.Tx, target map[string]syncengine.RowID) (int, error) {
	if len(target) == 0 {
		return 0, nil
	}
	from := make([]string, 0, len(target))
	for id := range target {
		from = append(from, id)
	}
	sort.Strings(from)
	marks := strings.TrimSuffix(strings.Repeat("?,", len(from)), ",")
	args := make([]any, len(from))
	for i, id := range from {
		args[i] = id
	}
	moved := 0
	for _, child := range schema.Tables() {
		if child.ParentTable != "households" {
			continue
		}
		rows, err := tx.Query(fmt.Sprintf(`SELECT id, %s FROM %s WHERE %s IN (%s) ORDER BY id`, child.ParentColumn, child.Name, child.ParentColumn, marks), args...)
		if err != nil {
			return 0, errMsg("error.read_table", child.Name, err)
		}
		type move struct{ id, parent string }
		var moves []move
		for rows.Next() {
			var m move
			if err := rows.Scan(&m.id, &m.parent); err != nil {
				rows.Close()
				return 0, errMsg("error.read_table", child.Name, err)
			}
			moves = append(moves, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, errMsg("error.read_table", child.Name, err)
		}
		for _, m := range moves {
			if err := tx.Update(child.Name, uuid.MustParse(m.id), map[string]any{child.ParentColumn: target[m.parent].String()}); err != nil {
				return 0, errMsg("error.merge_move", noun(child.Noun), m.id, err)
			}
			moved++
		}
	}
	return moved, nil
}

// readHouseholds reads the households matching where, by id.
func readHouseholds(tx *syncengine.Tx, where string, args ...any) (map[string]record, error) {
	t := schema.Households
	cols := append([]string{"id"}, t.ColumnNames()...)
	rows, err := tx.Query(fmt.Sprintf("SELECT %s FROM households WHERE %s", strings.Join(cols, ", "), where), args...)
	if err != nil {
		return nil, errMsg("error.read_table", "households", err)
	}
	records, err := scanRecords(rows, t, cols)
	if err != nil {
		return nil, err
	}
	out := make(map[string]record, len(records))
	for _, r := range records {
		out[fmt.Sprint(r["id"])] = r
	}
	return out, nil
}

// record is one row as the command line shows it: column name to value,
// with booleans as true or false.
type record map[string]any

// scanRecords reads rows holding cols of t into records, and closes rows.
func scanRecords(rows *sql.Rows, t *schema.Table, cols []string) ([]record, error) {
	defer rows.Close()
	out := []record{}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, errMsg("error.read_table", t.Name, err)
		}
		out = append(out, toRecord(t, cols, vals))
	}
	if err := rows.Err(); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, errMsg("error.read_table", t.Name, err)
	}
	return out, nil
}

func toRecord(t *schema.Table, cols []string, vals []any) record {
	r := record{}
	for i, name := range cols {
		v := vals[i]
		if b, ok := v.([]byte); ok {
			v = string(b)
		}
		if c, ok := t.Column(name); ok && c.Type == schema.Bool {
			if n, ok := v.(int64); ok {
				v = n != 0
			}
		}
		r[name] = v
	}
	return r
}
