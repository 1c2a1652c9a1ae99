package ops

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/google/uuid"

	"hodan/schema"
	"hodan/syncengine"
)

// A merge never deletes the dropped household: two officers merging a pair
// in opposite directions at once would delete both. Instead DROP points at
// KEEP (merged_into), and every replica that merges or receives merges —
// a laptop after each sync, a server after a merge of its own and in the
// background (Settler) — settles what the merges it holds mean
// (SettleMerges), with ordinary writes that every replica computes alike:
// a cycle of merges keeps the household with the smallest id, and records
// still attached to a merged household move to the one it went into. So
// concurrent merges, in either direction, converge to one household with
// nothing lost; a replica and another settling one record at once write
// equal values, which is no conflict.

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
	return MergeHouseholdsLogged(ctx, db, who, keepRef, dropRef, nil)
}

// MergeHouseholdsLogged is MergeHouseholds with log run last in its
// transaction, told what the merge wrote: a server's action log entry of
// the merge, kept if and only if the merge is. An error of log undoes the
// merge. A nil log logs nothing.
func MergeHouseholdsLogged(ctx context.Context, db *syncengine.DB, who Actor, keepRef, dropRef string,
	log func(tx *sql.Tx, m Merged) error) (Merged, error) {
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
		if log == nil {
			return nil
		}
		return log(tx.SQL(), m)
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
	_, err := settleMerges(tx, communes)
	return err
}

// settleMerges is SettleMerges, saying what it wrote.
func settleMerges(tx *syncengine.Tx, communes []string) (MergesSettled, error) {
	plan, err := planSettlement(tx, communes)
	if err != nil {
		return MergesSettled{}, err
	}
	for _, id := range plan.stays {
		if err := tx.Update(schema.Households.Name, id, map[string]any{schema.ColMergedInto: nil}); err != nil {
			return MergesSettled{}, err
		}
	}
	moved, err := moveChildren(tx, plan.target)
	return MergesSettled{Cycles: len(plan.stays), Moved: moved, Changes: tx.Changes()}, err
}

// settlement is what settling the merges a replica holds is to write: the
// households of cycles of merges that stay (their merged_into cleared),
// and each merged household whose chain ends at a live household, with
// that household, which its records move to.
type settlement struct {
	stays  []syncengine.RowID
	target map[string]syncengine.RowID
}

// planSettlement reads from q the merges of communes (nil: every commune)
// and what settling them is to write, by SettleMerges' rule.
func planSettlement(q reader, communes []string) (settlement, error) {
	plan := settlement{target: map[string]syncengine.RowID{}}
	next, err := mergedInto(q, communes)
	if err != nil || len(next) == 0 {
		return plan, err
	}
	ids := make([]string, 0, len(next))
	for id := range next {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	ends := map[string]string{}
	for _, id := range ids {
		root, cycle := endOfChain(id, next)
		if cycle {
			// root is the smallest id of the cycle: it stays.
			if _, ok := next[root]; ok {
				plan.stays = append(plan.stays, uuid.MustParse(root))
				delete(next, root)
			}
		}
		if root != id {
			ends[id] = root
		}
	}
	// A chain that ends at a household that is not alive moves nothing:
	// there is no household to attach the records to (see above).
	live, err := liveHouseholds(q, ends)
	if err != nil {
		return plan, err
	}
	for id, root := range ends {
		if live[root] {
			plan.target[id] = uuid.MustParse(root)
		}
	}
	return plan, nil
}

// mergedInto reads the merged households of communes (nil: every
// commune), each with the household it was merged into.
func mergedInto(q reader, communes []string) (map[string]string, error) {
	t := schema.Households
	// Only the households merged, through their partial index
	// (households_merged), then their communes here: with the communes in
	// the query, SQLite reads the communes' index instead, every household
	// of them, at every sync.
	rows, err := q.Query(fmt.Sprintf("SELECT id, %s, %s FROM %s WHERE %s IS NOT NULL",
		schema.ColMergedInto, t.ScopeColumn, t.Name, schema.ColMergedInto))
	if err != nil {
		return nil, fail("error.read_table", t.Name, err)
	}
	defer rows.Close()
	next := map[string]string{}
	for rows.Next() {
		var id, to string
		var commune sql.NullString
		if err := rows.Scan(&id, &to, &commune); err != nil {
			return nil, fail("error.read_table", t.Name, err)
		}
		if communes == nil || slices.Contains(communes, commune.String) {
			next[id] = to
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fail("error.read_table", t.Name, err)
	}
	return next, nil
}

// settleChunk is how many households one query of a settle names at
// most: SQLite and PostgreSQL limit the arguments of a statement, and a
// province's server may hold more merges than that.
const settleChunk = 500

// liveHouseholds are, of the households ends names (its values), those
// alive: the domain table holds live rows only. A value that is no id
// (merged_into naming no row) is not alive.
func liveHouseholds(q reader, ends map[string]string) (map[string]bool, error) {
	var ids []string
	for _, id := range ends {
		if _, err := uuid.Parse(id); err == nil {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	ids = slices.Compact(ids)
	t := schema.Households
	live := map[string]bool{}
	for chunk := range slices.Chunk(ids, settleChunk) {
		in, args := inList(chunk)
		rows, err := q.Query(fmt.Sprintf("SELECT id FROM %s WHERE id %s", t.Name, in), args...)
		if err != nil {
			return nil, fail("error.read_table", t.Name, err)
		}
		if err := scanIDs(rows, live); err != nil {
			return nil, fail("error.read_table", t.Name, err)
		}
	}
	return live, nil
}

// scanIDs adds the ids rows holds to set, and closes rows.
func scanIDs(rows *sql.Rows, set map[string]bool) error {
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		set[id] = true
	}
	return rows.Err()
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
	moves, err := childMoves(tx, target)
	if err != nil {
		return 0, err
	}
	for _, m := range moves {
		if err := tx.Update(m.table.Name, uuid.MustParse(m.id), map[string]any{m.table.ParentColumn: target[m.parent].String()}); err != nil {
			return 0, fail("error.merge_move", Noun(m.table.Noun), m.id, err)
		}
	}
	return len(moves), nil
}

// childMoves reads the live records of the households in target, table by
// table, by id.
func childMoves(q reader, target map[string]syncengine.RowID) ([]link, error) {
	from := make([]string, 0, len(target))
	for id := range target {
		from = append(from, id)
	}
	sort.Strings(from)
	var moves []link
	for _, child := range schema.Tables() {
		if child.ParentTable != schema.Households.Name {
			continue
		}
		var links []link
		for chunk := range slices.Chunk(from, settleChunk) {
			more, err := childLinks(q, child, chunk)
			if err != nil {
				return nil, err
			}
			links = append(links, more...)
		}
		sort.Slice(links, func(i, j int) bool { return links[i].id < links[j].id })
		moves = append(moves, links...)
	}
	return moves, nil
}

// link is a record of table and the household it belongs to.
type link struct {
	table      *schema.Table
	id, parent string
}

// childLinks reads the records of child whose households are among
// households.
func childLinks(q reader, child *schema.Table, households []string) ([]link, error) {
	in, args := inList(households)
	rows, err := q.Query(fmt.Sprintf(`SELECT id, %s FROM %s WHERE %s %s`, child.ParentColumn, child.Name, child.ParentColumn, in), args...)
	if err != nil {
		return nil, fail("error.read_table", child.Name, err)
	}
	defer rows.Close()
	var out []link
	for rows.Next() {
		l := link{table: child}
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
