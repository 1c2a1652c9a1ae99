package schema

import "testing"

// TestEveryTableHasItsHandle fails when a table is declared without its
// exported handle (Households, ...), or a handle is left out of Tables.
func TestEveryTableHasItsHandle(t *testing.T) {
	handles := map[string]*Table{
		"villages": Villages, "households": Households, "members": Members,
		"visits": Visits, "support_records": SupportRecords, "damage_reports": DamageReports,
	}
	if len(handles) != len(Tables()) {
		t.Errorf("%d handles for %d tables", len(handles), len(Tables()))
	}
	for _, tbl := range Tables() {
		if handles[tbl.Name] != tbl {
			t.Errorf("table %s has no handle of its name", tbl.Name)
		}
		if found, ok := TableByName(tbl.Name); !ok || found != tbl {
			t.Errorf("TableByName(%q) does not find the handle", tbl.Name)
		}
	}
}

// TestColumnsThatNameRecordsExist checks the columns a record is named
// and searched by.
func TestColumnsThatNameRecordsExist(t *testing.T) {
	for _, tbl := range Tables() {
		if len(tbl.Names) == 0 {
			t.Errorf("%s has no columns that name its records", tbl.Name)
		}
		for _, name := range append([]string{tbl.NameColumn}, tbl.Names...) {
			if name != "" && !hasColumn(tbl, name) {
				t.Errorf("%s names its records by unknown column %q", tbl.Name, name)
			}
		}
		if tbl.NameColumn != "" && tbl.Names[0] != tbl.NameColumn {
			t.Errorf("%s: its name column %s is not the first of its names %v", tbl.Name, tbl.NameColumn, tbl.Names)
		}
	}
}
