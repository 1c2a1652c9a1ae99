package ops

import (
	"context"
	"testing"

	"hodan/schema"
)

// TestSupportRepeats: a second new house for a household is a repeat,
// whatever the status it is recorded with; a second year of a yearly kind
// is not, the same year is; a gift never is; and nothing is written by
// asking.
func TestSupportRepeats(t *testing.T) {
	ctx := context.Background()
	db := mustReplica(t)
	h := mustAdd(t, db, officer, "households", map[string]any{"head_name": "Lò Văn Sáu"})
	other := mustAdd(t, db, officer, "households", map[string]any{"head_name": "Hà Thị Lan"})
	mustAdd(t, db, officer, "support_records", map[string]any{"household_id": h, "program": "ntp_1719", "kind": "new_house",
		"status": "delivered", "delivered_date": "2024-09-20", "amount_vnd": int64(40_000_000)})
	mustAdd(t, db, officer, "support_records", map[string]any{"household_id": h, "program": "ntp_1719", "kind": "livelihood",
		"status": "accepted", "delivered_date": "2025-03-01"})
	day := Day{Date: "2026-05-12"}
	for _, c := range []struct {
		name   string
		values map[string]any
		repeat bool
	}{
		{"a new house again, planned", map[string]any{"household_id": h, "program": "new_rural", "kind": "new_house", "status": "planned"}, true},
		{"a new house for another household", map[string]any{"household_id": other, "program": "ntp_1719", "kind": "new_house"}, false},
		{"livelihood the next year", map[string]any{"household_id": h, "program": "ntp_1719", "kind": "livelihood", "delivered_date": "2026-02-01"}, false},
		{"livelihood the same year", map[string]any{"household_id": h, "program": "sustainable_poverty", "kind": "livelihood", "planned_date": "2025-11-01"}, true},
		{"a gift", map[string]any{"household_id": h, "program": "other", "kind": "gift"}, false},
	} {
		o, err := SupportRepeats(ctx, db, officer, c.values, day)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if (o != nil) != c.repeat {
			t.Errorf("%s: overlap %+v, want a repeat: %v", c.name, o, c.repeat)
		}
		if o != nil && (len(o.Records) != 1 || o.Household.ID != h || o.Records[0].HouseholdID != h) {
			t.Errorf("%s: the records before: %+v, want the one of %s", c.name, o.Records, h)
		}
	}
	if rows, err := List(ctx, db, schema.SupportRecords, ListQuery{}); err != nil || len(rows) != 2 {
		t.Errorf("support records after asking: %d, %v; want the 2 recorded", len(rows), err)
	}
}
