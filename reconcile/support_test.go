package reconcile_test

import (
	"context"
	"reflect"
	"sort"
	"testing"

	"hodan/reconcile"
	"hodan/schema"
	"hodan/syncengine"
)

// support is a support record to write.
type support struct {
	household, program, kind, status, planned, delivered string
	amount                                               int64
}

func mustSupport(t testing.TB, db *syncengine.DB, s support) string {
	t.Helper()
	values := map[string]any{"household_id": s.household, "program": s.program, "kind": s.kind}
	for col, v := range map[string]string{"status": s.status, "planned_date": s.planned, "delivered_date": s.delivered} {
		if v != "" {
			values[col] = v
		}
	}
	if s.amount != 0 {
		values["amount_vnd"] = s.amount
	}
	if s.kind == "new_house" || s.kind == "house_repair" {
		values["project_code"] = "DA1.ND2"
	}
	return mustInsert(t, db, "support_records", values)
}

// supportWorld is one commune's support, with every case the rules
// distinguish, and one household in a second commune.
type supportWorld struct {
	db                         *syncengine.DB
	thao, merged, lan, other   string // households
	houses, cards, cardsMerged []string
	repairs                    []string
	label                      map[string]string // record id to name
}

func mustSupportWorld(t *testing.T) *supportWorld {
	t.Helper()
	db := mustOpen(t)
	w := &supportWorld{db: db, label: map[string]string{}}
	w.thao = mustHousehold(t, db, household{commune: lacLuong, name: "Bùi Văn Thao", year: 1978})
	w.merged = mustHousehold(t, db, household{commune: lacLuong, name: "Bui Van Thao", year: 1979})
	w.lan = mustHousehold(t, db, household{commune: lacLuong, name: "Hà Thị Lan", year: 1985})
	w.other = mustHousehold(t, db, household{commune: camGiang, name: "Triệu Thị Mai", year: 1970})
	add := func(s support) string { return mustSupport(t, db, s) }

	// A new house from program 1719 in 2023, another from the poverty
	// programme in 2025: once ever, from two programs.
	w.houses = []string{
		add(support{household: w.thao, program: "ntp_1719", kind: "new_house", status: "accepted", delivered: "2023-05-10", amount: 40_000_000}),
		add(support{household: w.thao, program: "sustainable_poverty", kind: "new_house", status: "delivered", planned: "2025-01-01", delivered: "2025-03-02", amount: 60_000_000}),
	}
	// Health insurance twice in 2024 from one program, once recorded under
	// the household later merged into Thao's.
	w.cards = []string{add(support{household: w.thao, program: "ntp_1719", kind: "health_insurance", status: "delivered", delivered: "2024-01-15"})}
	w.cardsMerged = []string{add(support{household: w.merged, program: "ntp_1719", kind: "health_insurance", status: "delivered", delivered: "2024-06-20"})}
	mustMerge(t, db, w.merged, w.thao)
	// Not overlaps: a card in 2025 (another year), livelihood support
	// in two years, water delivered once and planned again by another
	// program, gifts from everyone at Tết, training twice.
	add(support{household: w.thao, program: "ntp_1719", kind: "health_insurance", status: "accepted", delivered: "2025-01-12"})
	add(support{household: w.thao, program: "new_rural", kind: "livelihood", status: "delivered", delivered: "2023-04-01", amount: 5_000_000})
	add(support{household: w.thao, program: "new_rural", kind: "livelihood", status: "delivered", delivered: "2024-04-01", amount: 5_000_000})
	add(support{household: w.lan, program: "ntp_1719", kind: "distributed_water", status: "delivered", delivered: "2024-08-01", amount: 3_000_000})
	add(support{household: w.lan, program: "new_rural", kind: "distributed_water", status: "planned", planned: "2025-05-01", amount: 3_000_000})
	add(support{household: w.lan, program: "ntp_1719", kind: "gift", status: "delivered", delivered: "2024-02-05", amount: 500_000})
	add(support{household: w.lan, program: "other", kind: "gift", status: "delivered", delivered: "2024-02-05", amount: 500_000})
	add(support{household: w.lan, program: "ntp_1719", kind: "training", status: "delivered", delivered: "2024-03-01"})
	add(support{household: w.lan, program: "ntp_1719", kind: "training", status: "delivered", delivered: "2024-09-01"})
	// Nor are a loan recorded with no status and no delivery beside one
	// delivered, or a card without a date beside a dated one.
	add(support{household: w.lan, program: "other", kind: "preferential_loan", planned: "2024-02-01", amount: 50_000_000})
	add(support{household: w.lan, program: "sustainable_poverty", kind: "preferential_loan", status: "delivered", delivered: "2024-03-01", amount: 50_000_000})
	add(support{household: w.lan, program: "ntp_1719", kind: "health_insurance", status: "delivered"})
	add(support{household: w.lan, program: "ntp_1719", kind: "health_insurance", status: "delivered", delivered: "2024-01-15"})
	// Another commune: a house repaired twice by one program, recorded
	// without a status but with the dates of delivery.
	w.repairs = []string{
		add(support{household: w.other, program: "ntp_1719", kind: "house_repair", delivered: "2022-10-01", amount: 20_000_000}),
		add(support{household: w.other, program: "ntp_1719", kind: "house_repair", delivered: "2024-10-09", amount: 25_000_000}),
	}
	return w
}

// overlapKey is what a test expects of an overlap.
type overlapKey struct {
	Type, Kind, Household string
	Year                  int
	Records               []string
}

func keysOf(os []reconcile.Overlap) []overlapKey {
	out := []overlapKey{}
	for _, o := range os {
		k := overlapKey{Type: o.Type, Kind: o.Kind, Household: o.Household.ID, Year: o.Year}
		for _, r := range o.Records {
			k.Records = append(k.Records, r.ID)
		}
		out = append(out, k)
	}
	return out
}

func TestSupportOverlaps(t *testing.T) {
	w := mustSupportWorld(t)
	houses := overlapKey{Type: reconcile.CrossProgram, Kind: "new_house", Household: w.thao, Records: w.houses}
	cards := overlapKey{Type: reconcile.Repeat, Kind: "health_insurance", Household: w.thao, Year: 2024, Records: append(w.cards, w.cardsMerged...)}
	repairs := overlapKey{Type: reconcile.Repeat, Kind: "house_repair", Household: w.other, Records: w.repairs}
	// The expected order: by commune, then household, kind and year.
	sameCommune := []overlapKey{cards, houses}
	if cards.Kind > houses.Kind {
		sameCommune = []overlapKey{houses, cards}
	}
	for _, tc := range []struct {
		name     string
		year     int
		communes []string
		want     []overlapKey
	}{
		{"all", 0, nil, append([]overlapKey{repairs}, sameCommune...)}, // 02008 before 05362
		{"one commune", 0, []string{lacLuong}, sameCommune},
		{"both communes named", 0, []string{lacLuong, camGiang}, append([]overlapKey{repairs}, sameCommune...)},
		{"2024 only: the houses of 2023 and 2025 are out", 2024, nil, []overlapKey{cards}},
		{"2025: one card, one house", 2025, nil, []overlapKey{}},
		{"a commune with nothing recorded", 0, []string{"99999"}, []overlapKey{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := reconcile.SupportOverlaps(context.Background(), w.db.SQL(), tc.year, tc.communes)
			if err != nil {
				t.Fatal(err)
			}
			if keys := keysOf(got); !reflect.DeepEqual(keys, tc.want) {
				t.Errorf("overlaps\n%+v\nwant\n%+v", keys, tc.want)
			}
		})
	}
}

func TestSupportOverlapDetails(t *testing.T) {
	w := mustSupportWorld(t)
	got, err := reconcile.SupportOverlaps(context.Background(), w.db.SQL(), 0, []string{lacLuong})
	if err != nil {
		t.Fatal(err)
	}
	var houses, cards *reconcile.Overlap
	for i := range got {
		switch got[i].Kind {
		case "new_house":
			houses = &got[i]
		case "health_insurance":
			cards = &got[i]
		}
	}
	if houses == nil || cards == nil {
		t.Fatalf("overlaps %+v: want the houses and the cards", got)
	}
	if h := houses.Household; h.HeadName != "Bùi Văn Thao" || h.Commune != lacLuong || h.ID != w.thao {
		t.Errorf("household %+v, want Thao's", h)
	}
	wantPrograms := []string{"ntp_1719", "sustainable_poverty"}
	sort.Strings(wantPrograms)
	if !reflect.DeepEqual(houses.Programs, wantPrograms) || houses.Period != reconcile.Ever || houses.TotalVND != 100_000_000 {
		t.Errorf("houses: programs %v, period %s, total %d; want %v, ever, 100000000", houses.Programs, houses.Period, houses.TotalVND, wantPrograms)
	}
	second := houses.Records[1]
	if second.Date != "2025-03-02" || second.PlannedDate != "2025-01-01" || second.DeliveredDate != "2025-03-02" ||
		second.AmountVND == nil || *second.AmountVND != 60_000_000 || second.Program != "sustainable_poverty" || second.ProjectCode != "DA1.ND2" || second.Status != "delivered" {
		t.Errorf("second house record %+v", second)
	}
	if cards.Period != reconcile.Year || cards.Records[1].HouseholdID != w.merged || cards.Records[0].AmountVND != nil || cards.TotalVND != 0 {
		t.Errorf("cards %+v: want the second card recorded under the merged household, no amounts", cards)
	}
}

// TestEveryKindHasAPeriodOrNone makes whoever adds a kind of support to
// the schema decide how often it may be given.
func TestEveryKindHasAPeriodOrNone(t *testing.T) {
	table := schema.SupportRecords
	kind, ok := table.Column("kind")
	if !ok || len(kind.Enum) == 0 {
		t.Fatal("support_records.kind has no choices")
	}
	for _, c := range kind.Enum {
		if _, checked := reconcile.PeriodOf(c.Value); !checked && c.Value != "gift" && c.Value != "training" {
			t.Errorf("kind %s has no period: add it to periods, or to the kinds not checked (and to the package documentation)", c.Value)
		}
	}
}

func TestPeriodOf(t *testing.T) {
	for kind, want := range map[string]reconcile.Period{
		"new_house": reconcile.Ever, "house_repair": reconcile.Ever, "residential_land": reconcile.Ever,
		"production_land": reconcile.Ever, "distributed_water": reconcile.Ever,
		"livelihood": reconcile.Year, "preferential_loan": reconcile.Year, "health_insurance": reconcile.Year,
		"gift": "", "training": "",
	} {
		got, checked := reconcile.PeriodOf(kind)
		if got != want || checked != (want != "") {
			t.Errorf("PeriodOf(%s) = %q, %v; want %q", kind, got, checked, want)
		}
	}
}
