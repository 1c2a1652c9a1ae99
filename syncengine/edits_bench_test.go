package syncengine

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// A commune-sized store for the edits benchmark: households of 30 columns
// and their members of 10, as hodan's schema has them (about).
const (
	editHouseholdCols = 30
	editMemberCols    = 10
)

// editTables are households (scoped by commune) and members (children).
func editTables() []TableSpec {
	cols := func(n int, first ...string) []string {
		out := append([]string(nil), first...)
		for i := len(first); i < n; i++ {
			out = append(out, fmt.Sprintf("c%02d", i))
		}
		return out
	}
	return []TableSpec{
		{Name: "households", ScopeColumn: "commune", Columns: cols(editHouseholdCols, "commune")},
		{Name: "members", ParentColumn: "household_id", ParentTable: "households", Columns: cols(editMemberCols, "household_id")},
	}
}

func editConfig() Config {
	tables := editTables()
	return Config{Tables: tables, Migrations: []Migration{{
		Name: "bench/0001_edits",
		Up: func(ctx context.Context, tx *sql.Tx) error {
			for _, t := range tables {
				defs := []string{"id TEXT PRIMARY KEY"}
				for i, c := range t.Columns {
					typ := "TEXT"
					if i%3 == 2 {
						typ = "INTEGER"
					}
					defs = append(defs, c+" "+typ)
				}
				if _, err := tx.ExecContext(ctx, fmt.Sprintf("CREATE TABLE %s (%s)", t.Name, strings.Join(defs, ", "))); err != nil {
					return err
				}
			}
			return nil
		},
	}}}
}

// editStore is a store filled with a commune, and the site that wrote it.
type editStore struct {
	db         *DB
	site       SiteID
	next       uint64
	hlc        HLC
	households []RowID
	members    []RowID
}

// value is the value a benchmark change writes into column i of a table.
func editValue(i int, n uint64) Value {
	if i%3 == 2 {
		return Int(int64(n))
	}
	return Text(fmt.Sprintf("giá trị %d", n))
}

// add appends to batch a new row of t with every cell written.
func (s *editStore) add(batch []Change, t TableSpec, parent RowID) ([]Change, RowID) {
	id, _ := uuid.NewV7()
	batch = append(batch, s.change(t.Name, id, "", Value{}))
	for i, col := range t.Columns {
		v := editValue(i, s.next)
		switch col {
		case "commune":
			v = Text("05362")
		case "household_id":
			v = Text(parent.String())
		}
		batch = append(batch, s.change(t.Name, id, col, v))
	}
	return batch, id
}

func (s *editStore) change(table string, id RowID, col string, v Value) Change {
	c := Change{Table: table, Row: id, Column: col, Value: v, CL: 1, Scope: "05362", Site: s.site, Seq: s.next, HLC: s.hlc}
	s.next++
	s.hlc++
	return c
}

// mustEditStore opens a server store holding households, each with four
// members, all of their cells written.
func mustEditStore(b *testing.B, households int) *editStore {
	b.Helper()
	db := mustOpenPath(b, testSource(b, "server"), editConfig())
	s := &editStore{db: db, site: uuid.New(), next: 1, hlc: MakeHLC(1_700_000_000_000, 0)}
	tables := editTables()
	var batch []Change
	for h := range households {
		var hh RowID
		batch, hh = s.add(batch, tables[0], RowID{})
		s.households = append(s.households, hh)
		for range 4 {
			var m RowID
			batch, m = s.add(batch, tables[1], hh)
			s.members = append(s.members, m)
		}
		if len(batch) > 5000 || h == households-1 {
			if _, err := db.ApplyPush(context.Background(), batch, nil); err != nil {
				b.Fatalf("fill the store: %v", err)
			}
			batch = batch[:0]
		}
	}
	return s
}

// edits is a day's edits: 50 households with two fields each, and one field
// of 50 members, 150 cell changes on 100 rows, starting at the k-th day.
func (s *editStore) edits(k int) []Change {
	var out []Change
	for i := range 50 {
		h := s.households[(k*50+i)%len(s.households)]
		for _, col := range []int{5, 11} {
			out = append(out, s.change("households", h, fmt.Sprintf("c%02d", col), editValue(col, s.next)))
		}
		m := s.members[(k*50+i)*4%len(s.members)]
		out = append(out, s.change("members", m, "c04", editValue(4, s.next)))
	}
	return out
}

// BenchmarkMergeEdits measures the server's merge of a day's edits pushed
// by one laptop: 150 cell changes on 100 existing rows (50 households, 50
// members) of a commune of 3,000 households and 12,000 members, one
// durable transaction per batch.
func BenchmarkMergeEdits(b *testing.B) {
	s := mustEditStore(b, 3000)
	ctx := context.Background()
	k := 0
	for b.Loop() {
		b.StopTimer()
		batch := s.edits(k)
		k++
		b.StartTimer()
		if _, err := s.db.ApplyPush(ctx, batch, nil); err != nil {
			b.Fatal(err)
		}
	}
}
