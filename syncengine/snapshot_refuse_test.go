package syncengine

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// adoptState is what a refused adoption must leave as it was: the merged
// state, log and pull cursor, the domain tables and the stored clock.
type adoptState struct {
	replicaState
	dump string
	hlc  int64
}

func mustAdoptState(t *testing.T, db *DB) adoptState {
	t.Helper()
	st := adoptState{replicaState: mustReplicaState(t, db), dump: dump(t, db)}
	if err := getMeta(context.Background(), db.SQL(), metaHLC, &st.hlc); err != nil {
		t.Fatal(err)
	}
	return st
}

// tampered copies the snapshot at path and runs stmt on the copy.
func tampered(t *testing.T, path, stmt string, args ...any) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "tampered.sqlite")
	if err := os.WriteFile(out, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if stmt == "" {
		return out
	}
	db, err := sql.Open("sqlite3", fileURI(out, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(stmt, args...); err != nil {
		t.Fatalf("tamper: %v", err)
	}
	return out
}

// writeFile writes b to a new file and returns its path.
func writeFile(t *testing.T, b []byte) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "file.sqlite")
	if err := os.WriteFile(out, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}

// otherSchema is the test schema with one more index on people.
func otherSchema() Config {
	cfg := testConfig()
	cfg.Migrations = append(cfg.Migrations, Migration{Name: "test/0002_index", Up: func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE INDEX people_born ON people (born)`)
		return err
	}})
	return cfg
}

// otherColumns is the test schema declaring a column fewer of villages.
func otherColumns() Config {
	cfg := testConfig()
	cfg.Tables = append([]TableSpec(nil), cfg.Tables...)
	cfg.Tables[0].Columns = cfg.Tables[0].Columns[:4]
	return cfg
}

func TestSnapshotRefusals(t *testing.T) {
	f := mustSnapFixture(t)
	path, _ := mustBuild(t, f.srv, "A")
	snapBytes, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		cfg  func() Config // nil: testConfig
		file func(t *testing.T, replica *DB) string
		want error // nil: any error
	}{
		{"replica holds data", nil, func(t *testing.T, r *DB) string {
			mustInsert(t, r, "villages", map[string]any{"commune": "A", "name": "mine"})
			return path
		}, ErrNotBlank},
		{"not a database", nil, func(t *testing.T, _ *DB) string {
			return writeFile(t, []byte("this is not a snapshot, only some text that is long enough to be read as a header"))
		}, ErrBadSnapshot},
		{"truncated", nil, func(t *testing.T, _ *DB) string {
			return writeFile(t, snapBytes[:len(snapBytes)/2])
		}, nil},
		{"other format", nil, func(t *testing.T, _ *DB) string {
			return tampered(t, path, `UPDATE snapshot_meta SET value = 2 WHERE key = 'format'`)
		}, ErrBadSnapshot},
		{"no description", nil, func(t *testing.T, _ *DB) string {
			return tampered(t, path, `DROP TABLE snapshot_meta`)
		}, ErrBadSnapshot},
		{"another index", otherSchema, func(t *testing.T, _ *DB) string { return path }, ErrSnapshotSchema},
		{"other columns", otherColumns, func(t *testing.T, _ *DB) string { return path }, ErrSnapshotSchema},
		{"a table more", nil, func(t *testing.T, _ *DB) string {
			return tampered(t, path, `CREATE TABLE evil (x)`)
		}, ErrSnapshotSchema},
		{"own site", nil, func(t *testing.T, r *DB) string {
			site := r.Site()
			return tampered(t, path, `UPDATE sync_sites SET site = ? WHERE id = (SELECT min(id) FROM sync_sites)`, site[:])
		}, ErrBadSnapshot},
		{"stamped beyond any clock", nil, func(t *testing.T, _ *DB) string {
			return tampered(t, path, `UPDATE sync_log SET hlc = ? WHERE seq = 1`, int64(maxPulledHLC))
		}, ErrBadSnapshot},
		{"base beyond any clock", nil, func(t *testing.T, _ *DB) string {
			return tampered(t, path, `UPDATE sync_log SET base = ? WHERE seq = 3`, int64(maxPulledHLC)+5)
		}, ErrBadSnapshot},
		{"cell beyond any clock", nil, func(t *testing.T, _ *DB) string {
			return tampered(t, path, `UPDATE sync_cells SET hlc = ? WHERE col = 'name'`, int64(maxPulledHLC))
		}, ErrBadSnapshot},
		{"sequence zero", nil, func(t *testing.T, _ *DB) string {
			return tampered(t, path, `UPDATE sync_log SET origin_seq = 0 WHERE seq = 2`)
		}, ErrBadSnapshot},
		{"row outside its scopes", nil, func(t *testing.T, _ *DB) string {
			return tampered(t, path, `UPDATE sync_rows SET scope = 'B' WHERE tbl = 'villages'`)
		}, ErrBadSnapshot},
		{"log with a hole", nil, func(t *testing.T, _ *DB) string {
			return tampered(t, path, `DELETE FROM sync_log WHERE seq = 5`)
		}, ErrBadSnapshot},
		{"a change fewer than described", nil, func(t *testing.T, _ *DB) string {
			return tampered(t, path, `DELETE FROM sync_log WHERE seq = (SELECT max(seq) FROM sync_log)`)
		}, ErrBadSnapshot},
		// Found only inside the transaction, after the copy: it must roll back.
		{"a site missing", nil, func(t *testing.T, _ *DB) string {
			return tampered(t, path, `DELETE FROM sync_sites WHERE id = (SELECT max(origin) FROM sync_log)`)
		}, ErrBadSnapshot},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			if tc.cfg != nil {
				cfg = tc.cfg()
			}
			r := mustOpenPath(t, filepath.Join(t.TempDir(), "r.db"), cfg)
			file := tc.file(t, r)
			before := mustAdoptState(t, r)
			_, err := r.AdoptSnapshot(context.Background(), file)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("adopt: %v, want %v", err, tc.want)
			}
			t.Logf("refused: %v", err)
			if after := mustAdoptState(t, r); !reflect.DeepEqual(after, before) {
				t.Errorf("a refused snapshot changed the replica:\n%+v\nwas\n%+v", after, before)
			}
			if tc.cfg == nil && before.digest == mustDigest(t, mustOpen(t, "empty"), "") {
				// Still blank: the real snapshot is adopted after the refusal.
				mustAdopt(t, r, path)
				if mustDigest(t, r, "A") != mustDigest(t, f.srv, "A") {
					t.Error("after a refusal, adopting the real snapshot gave another digest")
				}
				mustForeignKeysOn(t, r)
			}
		})
	}
}

// mustForeignKeysOn fails unless the writing connection enforces foreign
// keys, as Open set it.
func mustForeignKeysOn(t *testing.T, db *DB) {
	t.Helper()
	var on int
	err := db.Exec(context.Background(), func(tx *sql.Tx) error {
		return tx.QueryRow(`PRAGMA foreign_keys`).Scan(&on)
	})
	if err != nil || on != 1 {
		t.Fatalf("foreign keys on the writer: %d, %v", on, err)
	}
}

func TestSnapshotMissingFile(t *testing.T) {
	r := mustOpen(t, "r")
	missing := filepath.Join(t.TempDir(), "none.sqlite")
	if _, err := r.AdoptSnapshot(context.Background(), missing); err == nil {
		t.Fatal("adopted a file that does not exist")
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("adopting a missing file created it: %v", err)
	}
}
