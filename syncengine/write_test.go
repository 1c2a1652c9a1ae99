package syncengine

import (
	"context"
	"errors"
	"testing"
)

func TestInsertProjectsAndLogs(t *testing.T) {
	db := mustOpen(t, "a")
	v := mustInsert(t, db, "villages", map[string]any{"commune": "05362", "name": "Bản Lác", "size": int64(120), "area": nil})
	p := mustInsert(t, db, "people", map[string]any{"village_id": v.String(), "name": "Bùi Văn Thao", "born": int64(1975)})

	var name string
	var size int64
	if err := db.SQL().QueryRow(`SELECT name, size FROM villages WHERE id = ?`, v.String()).Scan(&name, &size); err != nil {
		t.Fatal(err)
	}
	if name != "Bản Lác" || size != 120 {
		t.Fatalf("village projected as %q, %d", name, size)
	}
	changes := allChanges(t, db)
	// village: existence + 3 non-null cells; person: existence + 3 cells.
	if len(changes) != 8 {
		t.Fatalf("log holds %d changes, want 8", len(changes))
	}
	for i, c := range changes {
		if c.Seq != uint64(i+1) || c.Site != db.Site() || c.Scope != "05362" || c.CL != 1 {
			t.Errorf("change %d = %+v", i, c)
		}
		if i > 0 && c.HLC <= changes[i-1].HLC {
			t.Errorf("change %d HLC %v not after %v", i, c.HLC, changes[i-1].HLC)
		}
	}
	if changes[4].Row != p || !changes[4].IsExists() {
		t.Errorf("the person's existence change is %+v", changes[4])
	}
}

func TestUpdateCarriesBaseAndSkipsNoOps(t *testing.T) {
	db := mustOpen(t, "a")
	v := mustInsert(t, db, "villages", map[string]any{"commune": "05362", "name": "Bản Lác"})
	before := allChanges(t, db)
	nameHLC := before[len(before)-1].HLC
	mustWrite(t, db, func(tx *Tx) error {
		return tx.Update("villages", v, map[string]any{"name": "Bản Lác", "size": int64(3)})
	})
	mustWrite(t, db, func(tx *Tx) error { return tx.Update("villages", v, map[string]any{"name": "Bản Lác Mới"}) })
	after := allChanges(t, db)[len(before):]
	if len(after) != 2 {
		t.Fatalf("want 2 new changes (size, then name), got %+v", after)
	}
	if after[0].Column != "size" || after[0].Base != 0 {
		t.Errorf("first new change %+v: want size with no base", after[0])
	}
	if after[1].Column != "name" || after[1].Base != nameHLC {
		t.Errorf("rename %+v: want base %v", after[1], nameHLC)
	}
}

func TestWriteErrors(t *testing.T) {
	db := mustOpen(t, "a")
	v := mustInsert(t, db, "villages", map[string]any{"commune": "05362", "name": "Bản Lác"})
	other := mustInsert(t, db, "villages", map[string]any{"commune": "02008", "name": "Nà Hin"})
	gone := mustInsert(t, db, "villages", map[string]any{"commune": "05362", "name": "Bản Cũ"})
	mustWrite(t, db, func(tx *Tx) error { return tx.Delete("villages", gone) })
	tests := []struct {
		name string
		fn   func(tx *Tx) error
		want error
	}{
		{"unknown table", func(tx *Tx) error { _, err := tx.Insert("nope", nil); return err }, ErrUnknownTable},
		{"unknown column", func(tx *Tx) error {
			_, err := tx.Insert("villages", map[string]any{"commune": "x", "colour": "red"})
			return err
		}, ErrUnknownColumn},
		{"no scope", func(tx *Tx) error { _, err := tx.Insert("villages", map[string]any{"name": "x"}); return err }, ErrNoScope},
		{"missing parent", func(tx *Tx) error {
			_, err := tx.Insert("people", map[string]any{"village_id": newUUID().String(), "name": "x"})
			return err
		}, ErrNotFound},
		{"deleted parent", func(tx *Tx) error {
			_, err := tx.Insert("people", map[string]any{"village_id": gone.String(), "name": "x"})
			return err
		}, ErrNotFound},
		{"scope is immutable", func(tx *Tx) error { return tx.Update("villages", v, map[string]any{"commune": "02008"}) }, ErrImmutable},
		{"update deleted", func(tx *Tx) error { return tx.Update("villages", gone, map[string]any{"name": "y"}) }, ErrNotFound},
		{"delete twice", func(tx *Tx) error { return tx.Delete("villages", gone) }, ErrNotFound},
		{"move child across scopes", func(tx *Tx) error {
			p, err := tx.Insert("people", map[string]any{"village_id": v.String(), "name": "x"})
			if err != nil {
				return err
			}
			return tx.Update("people", p, map[string]any{"village_id": other.String()})
		}, ErrImmutable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(allChanges(t, db))
			err := db.Write(context.Background(), tt.fn)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if after := len(allChanges(t, db)); after != before {
				t.Fatalf("a failed write left %d changes in the log", after-before)
			}
		})
	}
	// The failed writes issued no sequence numbers: the next one follows on.
	mustInsert(t, db, "villages", map[string]any{"commune": "05362", "name": "Bản Mới"})
	changes := allChanges(t, db)
	for i, c := range changes {
		if c.Seq != uint64(i+1) {
			t.Fatalf("change %d has sequence %d: failed writes left a gap", i, c.Seq)
		}
	}
}

func TestDeleteCascadesToChildren(t *testing.T) {
	db := mustOpen(t, "a")
	v := mustInsert(t, db, "villages", map[string]any{"commune": "05362", "name": "Bản Lác"})
	mustInsert(t, db, "people", map[string]any{"village_id": v.String(), "name": "A"})
	mustInsert(t, db, "people", map[string]any{"village_id": v.String(), "name": "B"})
	mustWrite(t, db, func(tx *Tx) error { return tx.Delete("villages", v) })
	var n int
	if err := db.SQL().QueryRow(`SELECT (SELECT count(*) FROM villages) + (SELECT count(*) FROM people)`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d rows left after deleting the village", n)
	}
}
