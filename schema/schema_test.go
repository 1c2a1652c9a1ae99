package schema

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"
)

// mustMigrate applies every migration to a new database file.
func mustMigrate(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", filepath.Join(t.TempDir(), "domain.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	for _, m := range Migrations() {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Up(ctx, tx); err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func TestMigrationsMatchDeclarations(t *testing.T) {
	db := mustMigrate(t)
	for _, tbl := range Tables() {
		rows, err := db.Query(`SELECT name FROM pragma_table_info(?) ORDER BY cid`, tbl.Name)
		if err != nil {
			t.Fatal(err)
		}
		var have []string
		for rows.Next() {
			var c string
			rows.Scan(&c)
			have = append(have, c)
		}
		rows.Close()
		want := append([]string{"id"}, tbl.ColumnNames()...)
		if !slices.Equal(have, want) {
			t.Errorf("table %s has columns\n%v\ndeclared\n%v", tbl.Name, have, want)
		}
	}
}

func TestMigrationNamesAreOrderedAndUnique(t *testing.T) {
	migs := Migrations()
	for i := 1; i < len(migs); i++ {
		if migs[i-1].Name >= migs[i].Name {
			t.Errorf("migration %s comes after %s", migs[i].Name, migs[i-1].Name)
		}
	}
	if len(migs) < 2 || migs[0].Name != "0001_domain" {
		t.Errorf("migrations = %v", migs)
	}
}

func TestDeclarationsAreConsistent(t *testing.T) {
	seen := map[string]bool{}
	for _, tbl := range Tables() {
		if (tbl.ScopeColumn == "") == (tbl.ParentColumn == "") {
			t.Errorf("%s: needs exactly one of a scope column and a parent", tbl.Name)
		}
		if tbl.ParentTable != "" && !seen[tbl.ParentTable] {
			t.Errorf("%s: parent %s must be declared first", tbl.Name, tbl.ParentTable)
		}
		names := map[string]bool{}
		for _, c := range tbl.Columns {
			if names[c.Name] {
				t.Errorf("%s.%s declared twice", tbl.Name, c.Name)
			}
			names[c.Name] = true
			if c.Type == Ref {
				if _, ok := TableByName(c.Refers); !ok {
					t.Errorf("%s.%s refers to unknown table %q", tbl.Name, c.Name, c.Refers)
				}
			}
			if c.Label == "" {
				t.Errorf("%s.%s has no label", tbl.Name, c.Name)
			}
		}
		seen[tbl.Name] = true
	}
	for _, name := range []string{"commune_code", "head_name", "ethnicity_code", "poverty_status", "housing_condition"} {
		if tbl := Households; !hasColumn(tbl, name) {
			t.Errorf("households lacks %s", name)
		}
	}
	if tbl := Members; !hasColumn(tbl, "household_id") || !hasColumn(tbl, "full_name") {
		t.Error("members lacks household_id or full_name")
	}
}

func hasColumn(t *Table, name string) bool { _, ok := t.Column(name); return ok }

func TestCheck(t *testing.T) {
	hh := Households
	tests := []struct {
		column  string
		value   any
		wantErr string // a fragment of the message, "" for valid
	}{
		{"ethnicity_code", "08", ""},
		{"ethnicity_code", "99", "not an ethnic group code"},
		{"ethnicity_code", int64(8), "takes text"},
		{"commune_code", "05362", ""},
		{"commune_code", "05365", "went into 05362"},
		{"commune_code", "9", "not a commune code"},
		{"poverty_status", "near_poor", ""},
		{"poverty_status", "rich", "not one of: poor, near_poor"},
		{"head_birth_year", int64(1975), ""},
		{"head_birth_year", int64(1875), "between 1900 and 2100"},
		{"dep_clean_water", int64(1), ""},
		{"dep_clean_water", int64(2), "yes or no"},
		{"latitude", 21.8, ""},
		{"latitude", 91.0, "between -90 and 90"},
		{"latitude", "north", "takes a number"},
		{"phone", "0912 345 678", ""},
		{"phone", "call me", "phone number"},
		{"village_id", "0190f5c2-7c2e-7d7e-9c55-5a1b2c3d4e5f", ""},
		{"village_id", "village 3", "not a row id"},
		{"head_name", "Bùi Văn Thảo", ""},
		{"head_name", strings.Repeat("a", 201), "at most 200"},
		{"head_name", "\xff", "UTF-8"},
		{"notes", nil, ""},
	}
	for _, tt := range tests {
		c, ok := hh.Column(tt.column)
		if !ok {
			t.Fatalf("no column %s", tt.column)
		}
		err := c.Check(tt.value)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s %#v: %v", tt.column, tt.value, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s %#v: err = %v, want it to say %q", tt.column, tt.value, err, tt.wantErr)
		}
	}
}

func TestCheckDatesAndJSON(t *testing.T) {
	v := Visits
	date, _ := v.Column("visit_date")
	answers, _ := v.Column("answers")
	for _, ok := range []string{"2024-09-08", "2028-02-29", EarliestDate} {
		if err := date.Check(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"2024-02-30", "08/09/2024", "2024-9-8", "yesterday"} {
		if err := date.Check(bad); err == nil {
			t.Errorf("date %q accepted", bad)
		}
	}
	// A dead clock battery's 1980 is refused in every date column, and
	// says why.
	var e *Error
	for _, col := range []string{"visits.visit_date", "support_records.planned_date", "support_records.delivered_date", "damage_reports.event_date"} {
		table, name, _ := strings.Cut(col, ".")
		tbl, _ := TableByName(table)
		c, _ := tbl.Column(name)
		for _, early := range []string{"1980-01-01", "1999-12-31"} {
			err := c.Check(early)
			if !errors.As(err, &e) || e.Reason != ReasonEarlyDate || !strings.Contains(err.Error(), EarliestDate) {
				t.Errorf("%s %s: %v, want it refused as before %s", col, early, err, EarliestDate)
			}
		}
	}
	if err := answers.Check(`{"income": 1200000, "deprived": ["cleanWater"]}`); err != nil {
		t.Error(err)
	}
	for _, bad := range []string{`[1,2]`, `{"a":`, `"text"`} {
		if err := answers.Check(bad); err == nil {
			t.Errorf("answers %q accepted", bad)
		}
	}
}

func TestCheckInsertAndUpdate(t *testing.T) {
	hh := Households
	var e *Error
	if err := hh.CheckInsert(map[string]any{"commune_code": "05362"}); !errors.As(err, &e) || e.Code != CodeRequired || e.Column != "head_name" {
		t.Errorf("insert without head_name: %v", err)
	}
	if err := hh.CheckInsert(map[string]any{"commune_code": "05362", "head_name": "Lò Văn Minh", "colour": "red"}); !errors.As(err, &e) || e.Code != CodeUnknownColumn {
		t.Errorf("unknown column: %v", err)
	}
	if err := hh.CheckInsert(map[string]any{"commune_code": "05362", "head_name": "Lò Văn Minh", "ethnicity_code": "03"}); err != nil {
		t.Errorf("valid insert: %v", err)
	}
	if err := hh.CheckUpdate(map[string]any{"commune_code": "02008"}); !errors.As(err, &e) || e.Code != CodeImmutable {
		t.Errorf("changing the commune: %v", err)
	}
	if err := hh.CheckUpdate(map[string]any{"head_name": nil}); !errors.As(err, &e) || e.Code != CodeRequired {
		t.Errorf("clearing head_name: %v", err)
	}
	if err := hh.CheckUpdate(map[string]any{"notes": nil, "poverty_status": "poor"}); err != nil {
		t.Errorf("valid update: %v", err)
	}
}

func TestParse(t *testing.T) {
	hh := Households
	v := Visits
	tests := []struct {
		table  *Table
		column string
		in     string
		want   any
		bad    bool
	}{
		{hh, "head_birth_year", "1975", int64(1975), false},
		{hh, "head_birth_year", "19x5", nil, true},
		{hh, "latitude", "21,5", 21.5, false},
		{hh, "hygienic_latrine", "có", int64(1), false},
		{hh, "hygienic_latrine", "No", int64(0), false},
		{hh, "hygienic_latrine", "maybe", nil, true},
		{hh, "notes", "  ", nil, false},
		{hh, "head_name", " Bùi Văn Thảo ", "Bùi Văn Thảo", false},
		{v, "visit_date", "08/09/2024", "2024-09-08", false},
		{v, "visit_date", "2024-09-08", "2024-09-08", false},
		{v, "visit_date", "31/02/2024", nil, true},
	}
	for _, tt := range tests {
		c, _ := tt.table.Column(tt.column)
		got, err := c.Parse(tt.in)
		if (err != nil) != tt.bad || got != tt.want {
			t.Errorf("Parse %s %q = %#v, %v", tt.column, tt.in, got, err)
		}
	}
}

func TestSummaryColumnsExist(t *testing.T) {
	for _, tbl := range Tables() {
		if len(tbl.Summary) == 0 {
			t.Errorf("%s has no summary columns", tbl.Name)
		}
		for _, name := range tbl.Summary {
			if !hasColumn(tbl, name) {
				t.Errorf("%s summary names unknown column %s", tbl.Name, name)
			}
		}
	}
}
