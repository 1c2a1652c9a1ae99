package ops

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/google/uuid"

	"hodan/schema"
	"hodan/syncengine"
)

// A merge never deletes the dropped household: two officers merging a pair
// in opposite directions at once would delete both. Instead DROP points at
// KEEP (merged_into), and every replica that merges or receives merges —
// a laptop after each sync, a server after a merge of its own — settles
// what the merges it holds mean (SettleMerges), with ordinary writes that
// every replica computes alike: a cycle of merges keeps the household with
// the smallest id, and records still attached to a merged household move
// to the one it went into. So concurrent merges, in either direction,
// converge to one household with nothing lost.

// ErrMergeSame refuses to merge a household into itself.
var ErrMergeSame = fail("error.merge_same")

// Merged is what a merge wrote: the household kept and the one merged
// into it, how many records moved to the kept one, and how many changes
// the merge and the settling after it wrote.
type Merged struct {
	Kept    syncengine.RowID `json:"kept"`
	Dropped syncengine.RowID `json:"dropped"`
	Moved   int              `json:"moved"`
	Changes int              `json:"changes"`
}

// MergeHouseholds merges the household dropRef names (its id, or the
// beginning of it) into keepRef's, for who, and settles the merges of who's
// communes, in one transaction (see Merge and SettleMerges).
func MergeHouseholds(ctx context.Context, db *syncengine.DB, who Actor, keepRef, dropRef string) (Merged, error) {
	var m Merged
	var err error
	if m.Kept, err = ResolveID(db.SQL(), schema.Households, keepRef); err != nil {
		return m, err
	}
	if m.Dropped, err = ResolveID(db.SQL(), schema.Households, dropRef); err != nil {
		return m, err
	}
	if m.Kept == m.Dropped {
		return m, ErrMergeSame
	}
	err = db.Write(ctx, func(tx *syncengine.Tx) error {
		var err error
		if m.Moved, err = Merge(tx, who, m.Kept, m.Dropped); err != nil {
			return err
		}
		if err := SettleMerges(tx, who.Communes); err != nil {
			return err
		}
		m.Changes = tx.Changes()
		return nil
	})
	return m, err
}

// Merge merges the household drop into keep within tx, for who: both of
// one of who's communes, neither merged already. Fields keep lacks come
// from drop, drop's records move to keep, and drop points at keep. It
// returns how many records it moved.
func Merge(tx *syncengine.Tx, who Actor, keep, drop syncengine.RowID) (int, error) {
	t := schema.Households
	keepScope, err := ownRow(tx, who, t, keep)
	if err != nil {
		return 0, err
	}
	dropScope, err := ownRow(tx, who, t, drop)
	if err != nil {
		return 0, err
	}
	if keepScope != dropScope {
		return 0, fail("error.merge_communes", keepScope, dropScope)
	}
	rows, err := readHouseholds(tx, "id IN (?, ?)", keep.String(), drop.String())
	if err != nil {
		return 0, err
	}
	k, d := rows[keep.String()], rows[drop.String()]
	if d[schema.ColMergedInto] != nil {
		return 0, fail("error.merge_dropped", drop, d[schema.ColMergedInto])
	}
	if k[schema.ColMergedInto] != nil {
		return 0, fail("error.merge_kept", keep, k[schema.ColMergedInto])
	}
	fill := map[string]any{}
	for _, c := range t.Columns {
		if c.Name != schema.ColMergedInto && c.Name != t.ScopeColumn && k[c.Name] == nil && d[c.Name] != nil {
			fill[c.Name] = d[c.Name]
		}
	}
	if len(fill) > 0 {
		if err := tx.Update(t.Name, keep, fill); err != nil {
			return 0, err
		}
	}
	moved, err := moveChildren(tx, map[string]syncengine.RowID{drop.String(): keep})
	if err != nil {
		return 0, err
	}
	return moved, tx.Update(t.Name, drop, map[string]any{schema.ColMergedInto: keep.String()})
}

// SettleMerges makes the merges of communes (nil: every commune) mean one
// thing on every replica: in a cycle of merges the household with the
// smallest id stays, and records of merged households move to the
// household their chain of merges ends at. A chain is followed through
// live households only: one that ends at a household that is not alive (a
// merge raced its delete) moves nothing, and its households and their
// records are orphans, listed alike everywhere (reconcile.Orphans) until
// someone restores that household (then the next settle moves the records
// to it), merges them into another, or deletes them.
func SettleMerges(tx *syncengine.Tx, communes []string) error {
	where, args := schema.ColMergedInto+" IS NOT NULL", []any(nil)
	if w, a := inCommunes(schema.Households, communes); w != "" {
		where, args = where+" AND "+w, a
	}
	merged, err := readHouseholds(tx, where, args...)
	if err != nil || len(merged) == 0 {
		return err
	}
	next := map[string]string{}
	ids := make([]string, 0, len(merged))
	for id, r := range merged {
		next[id] = fmt.Sprint(r[schema.ColMergedInto])
		ids = append(ids, id)
	}
	sort.Strings(ids)
	target := map[string]syncengine.RowID{}
	for _, id := range ids {
		root, cycle := endOfChain(id, next)
		if cycle {
			// root is the smallest id of the cycle: it stays.
			if _, ok := next[root]; ok {
				if err := tx.Update(schema.Households.Name, uuid.MustParse(root), map[string]any{schema.ColMergedInto: nil}); err != nil {
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
		if _, alive, err := tx.Row(schema.Households.Name, to); err != nil {
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
		if child.ParentTable != schema.Households.Name {
			continue
		}
		moves, err := childLinks(tx, child, marks, args)
		if err != nil {
			return 0, err
		}
		for _, m := range moves {
			if err := tx.Update(child.Name, uuid.MustParse(m.id), map[string]any{child.ParentColumn: target[m.parent].String()}); err != nil {
				return 0, fail("error.merge_move", Noun(child.Noun), m.id, err)
			}
			moved++
		}
	}
	return moved, nil
}

// link is a record and the household it belongs to.
type link struct{ id, parent string }

// childLinks reads the records of child whose households are among args
// (marks is their placeholders), by id.
func childLinks(tx *syncengine.Tx, child *schema.Table, marks string, args []any) ([]link, error) {
	rows, err := tx.Query(fmt.Sprintf(`SELECT id, %s FROM %s WHERE %s IN (%s) ORDER BY id`, child.ParentColumn, child.Name, child.ParentColumn, marks), args...)
	if err != nil {
		return nil, fail("error.read_table", child.Name, err)
	}
	defer rows.Close()
	var out []link
	for rows.Next() {
		var l link
		if err := rows.Scan(&l.id, &l.parent); err != nil {
			return nil, fail("error.read_table", child.Name, err)
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("error.read_table", child.Name, err)
	}
	return out, nil
}

// readHouseholds reads the households matching where, by id.
func readHouseholds(tx *syncengine.Tx, where string, args ...any) (map[string]Record, error) {
	t := schema.Households
	cols := append([]string{"id"}, t.ColumnNames()...)
	rows, err := tx.Query(fmt.Sprintf("SELECT %s FROM %s WHERE %s", strings.Join(cols, ", "), t.Name, where), args...)
	if err != nil {
		return nil, fail("error.read_table", t.Name, err)
	}
	records, err := scanRecords(rows, t, cols)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Record, len(records))
	for _, r := range records {
		out[fmt.Sprint(r["id"])] = r
	}
	return out, nil
}
