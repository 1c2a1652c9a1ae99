package reconcile_test

import (
	"context"
	"reflect"
	"sort"
	"testing"

	"golang.org/x/text/unicode/norm"

	"hodan/reconcile"
)

// pairKeys names each pair by its households' labels, smaller id first.
func pairKeys(pairs []reconcile.Pair, label map[string]string) []string {
	keys := []string{}
	for _, p := range pairs {
		if p.A.ID >= p.B.ID {
			keys = append(keys, "unordered "+label[p.A.ID]+"+"+label[p.B.ID])
			continue
		}
		a, b := label[p.A.ID], label[p.B.ID]
		if a > b {
			a, b = b, a
		}
		keys = append(keys, a+"+"+b)
	}
	sort.Strings(keys)
	return keys
}

func TestDuplicatesCandidates(t *testing.T) {
	thao := household{commune: lacLuong, name: "Bùi Văn Thao", year: 1978}
	with := func(h household, set func(*household)) household { set(&h); return h }
	for _, tc := range []struct {
		name string
		// households by label; village "v1" and "v2" name two villages of
		// their commune.
		households map[string]household
		merged     map[string]string // label merged into label
		want       []string
	}{
		{
			name: "one family spelled four ways",
			households: map[string]household{
				"a": with(thao, func(h *household) { h.village = "v1" }),
				"b": with(thao, func(h *household) { h.name, h.year, h.village = "Bui Van Thao", 1979, "v1" }),
				"c": with(thao, func(h *household) { h.name = norm.NFD.String("Bùi Văn Thảo") }),
				"d": with(thao, func(h *household) { h.name, h.year = "Bùi  văn thao", 1980 }),
			},
			want: []string{"a+b", "a+c", "a+d", "b+c", "b+d", "c+d"},
		},
		{
			name: "Thanh born twenty years before Thao is another man",
			households: map[string]household{
				"thao":  thao,
				"thanh": with(thao, func(h *household) { h.name, h.year = "Bùi Văn Thanh", 1958 }),
			},
		},
		{
			name: "Thanh born the same year is a candidate (two edits in a long name)",
			households: map[string]household{
				"thao":  thao,
				"thanh": with(thao, func(h *household) { h.name = "Bùi Văn Thanh" }),
			},
			want: []string{"thanh+thao"},
		},
		{
			name: "birth years three apart",
			households: map[string]household{
				"a": thao,
				"b": with(thao, func(h *household) { h.year = 1981 }),
			},
		},
		{
			name: "an unknown birth year does not rule a pair out",
			households: map[string]household{
				"a": with(thao, func(h *household) { h.year = 0 }),
				"b": with(thao, func(h *household) { h.year = 1950 }),
				"c": with(thao, func(h *household) { h.year = 0 }),
			},
			want: []string{"a+b", "a+c", "b+c"},
		},
		{
			name: "same name in another village",
			households: map[string]household{
				"a": with(thao, func(h *household) { h.village = "v1" }),
				"b": with(thao, func(h *household) { h.village = "v2" }),
			},
		},
		{
			name: "a village not recorded does not rule a pair out",
			households: map[string]household{
				"a": with(thao, func(h *household) { h.village = "v1" }),
				"b": thao,
			},
			want: []string{"a+b"},
		},
		{
			name: "same name in another commune",
			households: map[string]household{
				"a": thao,
				"b": with(thao, func(h *household) { h.commune = camGiang }),
			},
		},
		{
			name: "short names two edits apart",
			households: map[string]household{
				"ba":  with(thao, func(h *household) { h.name = "Lò Văn Ba" }),
				"hai": with(thao, func(h *household) { h.name = "Lò Văn Hải" }),
				"bao": with(thao, func(h *household) { h.name = "Lò Văn Bảo" }),
			},
			want: []string{"ba+bao"},
		},
		{
			name: "a merged household is never a candidate",
			households: map[string]household{
				"kept":    thao,
				"dropped": with(thao, func(h *household) { h.name = "Bui Van Thao" }),
				"third":   with(thao, func(h *household) { h.name = "Bùi Văn Thảo" }),
			},
			merged: map[string]string{"dropped": "kept"},
			want:   []string{"kept+third"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := mustOpen(t)
			villages := map[string]string{}
			label := map[string]string{}
			ids := map[string]string{}
			for l, h := range tc.households {
				if h.village != "" {
					key := h.commune + h.village
					if villages[key] == "" {
						villages[key] = mustVillage(t, db, h.commune, "Thôn "+h.village)
					}
					h.village = villages[key]
				}
				ids[l] = mustHousehold(t, db, h)
				label[ids[l]] = l
			}
			for drop, keep := range tc.merged {
				mustMerge(t, db, ids[drop], ids[keep])
			}
			pairs, err := reconcile.Duplicates(context.Background(), db.SQL(), nil)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.want
			if want == nil {
				want = []string{}
			}
			if got := pairKeys(pairs, label); !reflect.DeepEqual(got, want) {
				t.Errorf("pairs %v, want %v", got, want)
			}
		})
	}
}

func TestDuplicatesScoreAndReasons(t *testing.T) {
	db := mustOpen(t)
	village := mustVillage(t, db, lacLuong, "Xóm Tiềng")
	base := household{commune: lacLuong, village: village, name: "Bùi Văn Thao", year: 1978, sex: "male", ethnicity: "06", phone: "0912 345 678", number: "HN-12"}
	a := mustHousehold(t, db, base)
	twin := base
	twin.name, twin.year, twin.phone, twin.number = "Bui Van Thao", 1979, "+84912345678", "hn 12"
	b := mustHousehold(t, db, twin)
	other := base
	other.name, other.village, other.year, other.sex, other.ethnicity, other.phone, other.number = "Bùi Văn Thảp", "", 1980, "female", "01", "", ""
	c := mustHousehold(t, db, other)

	pairs, err := reconcile.Duplicates(context.Background(), db.SQL(), []string{lacLuong})
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) != 3 {
		t.Fatalf("%d pairs, want 3: %+v", len(pairs), pairs)
	}
	best := pairs[0]
	if got := []string{best.A.ID, best.B.ID}; !reflect.DeepEqual(got, []string{a, b}) {
		t.Fatalf("best pair %v, want the twins %s, %s", got, a, b)
	}
	// Everything recorded is alike but the birth year, one apart.
	wantReasons := []string{"same name", "born 1 year apart", "same village", "same phone", "same household number", "same sex", "same ethnicity"}
	if !reflect.DeepEqual(best.Reasons, wantReasons) || best.Score != 0.9 || best.NameDistance != 0 {
		t.Errorf("best pair score %v, distance %d, reasons %q; want 0.9, 0, %q", best.Score, best.NameDistance, best.Reasons, wantReasons)
	}
	for _, p := range pairs[1:] {
		if p.A.ID != c && p.B.ID != c {
			t.Errorf("pair %s, %s: want the third household in the weaker pairs", p.A.ID, p.B.ID)
		}
		if p.NameDistance != 1 || p.Score >= best.Score || !contains(p.Reasons, "different sex") || !contains(p.Reasons, "different ethnicity") {
			t.Errorf("pair with the woman of another ethnicity: %+v", p)
		}
	}
	if pairs[1].Score < pairs[2].Score || (pairs[1].Score == pairs[2].Score && pairs[1].A.ID+pairs[1].B.ID > pairs[2].A.ID+pairs[2].B.ID) {
		t.Errorf("pairs out of order: %+v", pairs[1:])
	}
	if got := reconcile.AtLeast(pairs, 0.5); len(got) != 1 || got[0].A.ID != a {
		t.Errorf("AtLeast(0.5) = %+v, want only the twins", got)
	}
}

func TestDuplicatesNoneIsEmptyNotNil(t *testing.T) {
	db := mustOpen(t)
	mustHousehold(t, db, household{commune: lacLuong, name: "Hà Thị Lan"})
	for _, communes := range [][]string{nil, {camGiang}} {
		pairs, err := reconcile.Duplicates(context.Background(), db.SQL(), communes)
		if err != nil || pairs == nil || len(pairs) != 0 {
			t.Errorf("Duplicates(%v) = %#v, %v; want an empty slice", communes, pairs, err)
		}
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
