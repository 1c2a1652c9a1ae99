package syncengine

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"hodan/internal/pgtest"
)

// syntheticBatch makes a batch of n changes from one site, starting at
// sequence from: rows of the test table villages, a row-existence change
// followed by its four cells.
func syntheticBatch(site SiteID, from uint64, n int) []Change {
	out := make([]Change, 0, n)
	var row RowID
	hlc := MakeHLC(1_700_000_000_000, 0) + HLC(from)
	for i := 0; i < n; i++ {
		seq := from + uint64(i)
		c := Change{Table: "villages", CL: 1, Scope: "05362", Site: site, Seq: seq, HLC: hlc + HLC(i)}
		switch i % 5 {
		case 0:
			row, _ = uuid.NewV7()
		case 1:
			c.Column, c.Value = "commune", Text("05362")
		case 2:
			c.Column, c.Value = "name", Text(fmt.Sprintf("Bản Lác %d", seq))
		case 3:
			c.Column, c.Value = "size", Int(int64(seq))
		case 4:
			c.Column, c.Value = "area", Real(float64(seq)/7)
		}
		c.Row = row
		out = append(out, c)
	}
	return out
}

// BenchmarkApplyPush measures the server's merge of pushed batches of 1,000
// changes: log, row and cell stores, projection, version vector, one
// durable transaction per batch.
func BenchmarkApplyPush(b *testing.B) {
	const batch = 1000
	db := mustOpen(b, "server")
	site := uuid.New()
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		changes := syntheticBatch(site, uint64(i*batch+1), batch)
		b.StartTimer()
		if _, err := db.ApplyPush(ctx, changes, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "changes/s")
}

// BenchmarkRawInsert is the baseline for BenchmarkApplyPush: the same
// number of rows inserted by plain batched INSERTs into one table with the
// same pragmas and durability, one transaction per 1,000 rows.
func BenchmarkRawInsert(b *testing.B) {
	const batch = 1000
	raw := mustRaw(b)
	site := uuid.New()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		changes := syntheticBatch(site, uint64(i*batch+1), batch)
		b.StartTimer()
		raw.insert(b, changes)
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkMergeVsRaw runs BenchmarkApplyPush and BenchmarkRawInsert
// interleaved, batch by batch, so that both see the same machine at the
// same moment: on a shared, noisy machine their ratio (target ≥ 25%) is
// the figure to trust. On PostgreSQL a third baseline loads the same rows
// by COPY, PostgreSQL's fastest way in (%copy: the merge's share of it).
func BenchmarkMergeVsRaw(b *testing.B) {
	const batch = 1000
	db, raw := mustOpen(b, "server"), mustRaw(b)
	site := uuid.New()
	ctx := context.Background()
	var merge, plain, copied time.Duration
	n := 0
	for b.Loop() {
		changes := syntheticBatch(site, uint64(n*batch+1), batch)
		start := time.Now()
		if _, err := db.ApplyPush(ctx, changes, nil); err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		raw.insert(b, changes)
		merge, plain = merge+mid.Sub(start), plain+time.Since(mid)
		if raw.pg {
			start := time.Now()
			raw.copy(b, changes)
			copied += time.Since(start)
		}
		n++
	}
	b.ReportMetric(float64(n*batch)/merge.Seconds(), "changes/s")
	b.ReportMetric(float64(n*batch)/plain.Seconds(), "raw-rows/s")
	b.ReportMetric(100*plain.Seconds()/merge.Seconds(), "%raw")
	if raw.pg {
		b.ReportMetric(float64(n*batch)/copied.Seconds(), "copy-rows/s")
		b.ReportMetric(100*copied.Seconds()/merge.Seconds(), "%copy")
	}
}

// rawDB is plain SQLite with the engine's pragmas: one table, no merge.
// rawDB is a plain table of the same store as the benchmark's replicas:
// SQLite, or, in the PostgreSQL run, PostgreSQL through the plain pgx
// driver (values as their canonical bytes).
type rawDB struct {
	db        *sql.DB
	insertSQL string
	pg        bool
}

func mustRaw(b *testing.B) rawDB {
	b.Helper()
	if pgtest.Active() {
		return mustRawPostgres(b)
	}
	path := filepath.Join(b.TempDir(), "raw.db")
	db, err := sql.Open("sqlite3", dsn(path, "&_txlock=immediate"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE raw (seq INTEGER PRIMARY KEY, tbl TEXT, row_id BLOB, col TEXT, val ANY, hlc INTEGER) STRICT`); err != nil {
		b.Fatal(err)
	}
	return rawDB{db: db, insertSQL: `INSERT INTO raw (tbl, row_id, col, val, hlc) VALUES (?, ?, ?, ?, ?)`}
}

// mustRawPostgres is mustRaw's table in a new PostgreSQL store.
func mustRawPostgres(b *testing.B) rawDB {
	db, err := sql.Open("pgx", pgtest.URL(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE raw (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, tbl TEXT, row_id BYTEA, col TEXT, val BYTEA, hlc BIGINT)`); err != nil {
		b.Fatal(err)
	}
	return rawDB{db: db, insertSQL: `INSERT INTO raw (tbl, row_id, col, val, hlc) VALUES ($1, $2, $3, $4, $5)`, pg: true}
}

// copy loads changes as rows by one COPY, in its own transaction
// (PostgreSQL only).
func (r rawDB) copy(b *testing.B, changes []Change) {
	rows := make([][]any, len(changes))
	for i, c := range changes {
		var val any
		if !c.Value.IsNull() {
			val = c.Value.appendCanonical(nil)
		}
		rows[i] = []any{c.Table, c.Row[:], c.Column, val, int64(c.HLC)}
	}
	conn, err := r.db.Conn(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		_, err := dc.(*stdlib.Conn).Conn().CopyFrom(context.Background(), pgx.Identifier{"raw"},
			[]string{"tbl", "row_id", "col", "val", "hlc"}, pgx.CopyFromRows(rows))
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
}

// insert inserts changes as rows in one transaction.
func (r rawDB) insert(b *testing.B, changes []Change) {
	tx, err := r.db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range changes {
		val := c.Value.Any()
		if r.pg && !c.Value.IsNull() {
			val = c.Value.appendCanonical(nil)
		}
		if _, err := tx.Exec(r.insertSQL, c.Table, c.Row[:], c.Column, val, int64(c.HLC)); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}
