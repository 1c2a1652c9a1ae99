package ops

import (
	"context"
	"strings"
	"testing"

	"hodan/internal/i18n"
	"hodan/schema"
	"hodan/syncengine"
)

// TestPovertyStandardDefaultsToTheOneInForce: a poverty status recorded
// without its standard is taken under the standard in force that day.
func TestPovertyStandardDefaultsToTheOneInForce(t *testing.T) {
	households := schema.Households
	who := Actor{Officer: "Lò Văn Minh", Communes: []string{"05362"}}
	for today, want := range map[string]string{"2025-06-30": "nd07_2021", "2027-01-01": "std_2026_2030"} {
		values := map[string]any{"head_name": "Lò Thị Mai", "poverty_status": "poor"}
		if err := ApplyDefaults(who, households, values, today); err != nil {
			t.Fatal(err)
		}
		if got := values["poverty_standard"]; got != want {
			t.Errorf("on %s: poverty_standard %v, want %s", today, got, want)
		}
	}
}

// TestRecordsKeepToTheActorsCommunes: a laptop writes only its communes'
// records, and no record of one commune refers to another's; a server
// operator of every commune writes any.
func TestRecordsKeepToTheActorsCommunes(t *testing.T) {
	ctx := context.Background()
	db := mustReplica(t)
	other := mustAdd(t, db, everyone, "households", map[string]any{"commune_code": camGiang, "head_name": "Hà Văn Sáu"})
	for _, tc := range []struct {
		name   string
		table  string
		values map[string]any
		want   string
	}{
		{"another commune", "households", map[string]any{"commune_code": camGiang, "head_name": "Lò Thị Mai"}, "commune 02008 is not one of this laptop's communes"},
		{"a member of another commune's household", "members", map[string]any{"household_id": other, "full_name": "Hà Thị Ba"}, "commune 02008 is not one of this laptop's communes"},
		{"no commune for two", "households", map[string]any{"head_name": "Lò Thị Mai"}, "choose the commune with --commune-code"},
	} {
		who := officer
		if tc.name == "no commune for two" {
			who = Actor{Officer: "Lò Văn Minh", Communes: []string{lacLuong, camGiang}}
		}
		_, err := AddRecord(ctx, db, who, mustTable(t, tc.table), tc.values, Day{Date: "2026-05-12"})
		if err == nil || !strings.Contains(Explain(i18n.EN, err), tc.want) {
			t.Errorf("%s: %v, want an error saying %q", tc.name, err, tc.want)
		}
	}
	mine := mustAdd(t, db, officer, "households", map[string]any{"head_name": "Lò Thị Mai"})
	if _, err := UpdateRecord(ctx, db, officer, schema.Households, other, map[string]any{"phone": "0912345678"}); err == nil {
		t.Error("a laptop changed a household of a commune it does not record for")
	}
	w, err := UpdateRecord(ctx, db, officer, schema.Households, mine[:18], map[string]any{"phone": "0912345678"})
	if err != nil || w.ID.String() != mine || w.Changes != 1 {
		t.Errorf("update by an id prefix: %+v, %v; want one change to %s", w, err, mine)
	}
}

// TestDeleteRecordAsksFirst: a household with live records is deleted only
// with them, and the refusal names them in the reader's language.
func TestDeleteRecordAsksFirst(t *testing.T) {
	ctx := context.Background()
	db := mustReplica(t)
	h := mustAdd(t, db, officer, "households", map[string]any{"head_name": "Lò Thị Mai"})
	mustAdd(t, db, officer, "members", map[string]any{"household_id": h, "full_name": "Lò Văn Tú"})
	_, err := DeleteRecord(ctx, db, officer, schema.Households, h, false)
	if en, vi := Explain(i18n.EN, err), Explain(i18n.VI, err); !strings.Contains(en, "still has 1 record: member Lò Văn Tú") || !strings.Contains(vi, "nhân khẩu Lò Văn Tú") {
		t.Fatalf("delete without its records: %q / %q", en, vi)
	}
	w, err := DeleteRecord(ctx, db, officer, schema.Households, h, true)
	if err != nil || w.Changes != 2 {
		t.Fatalf("delete with its records: %+v, %v; want the household and its member deleted", w, err)
	}
	_, err = Show(ctx, db, officer, func(syncengine.SiteID) string { return "Lò Văn Minh" }, schema.Households, h)
	if en := Explain(i18n.EN, err); !strings.Contains(en, "was deleted (by Lò Văn Minh on ") {
		t.Errorf("show a deleted household: %q, want who deleted it", en)
	}
}
