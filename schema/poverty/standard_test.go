package poverty_test

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"hodan/schema"
	"hodan/schema/poverty"
)

// withFile returns the embedded standards' files plus one more.
func withFile(t *testing.T, name, body string) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, s := range poverty.Standards() {
		b, err := fs.ReadFile(poverty.Files(), "standards/"+s.ID+".json")
		if err != nil {
			t.Fatal(err)
		}
		fsys["standards/"+s.ID+".json"] = &fstest.MapFile{Data: b}
	}
	if name != "" {
		fsys["standards/"+name] = &fstest.MapFile{Data: []byte(body)}
	}
	return fsys
}

// newStandard is a standard for 2031–2035 as a file would give it.
func newStandard(id, from, to string) string {
	std := poverty.Standards()[len(poverty.Standards())-1]
	var inds []string
	for _, ind := range std.Indicators {
		inds = append(inds, `{"code":"`+ind.Code+`","column":"`+ind.Column+`","name":{"vi":"x","en":"x"}}`)
	}
	return `{"id":"` + id + `","name":{"vi":"Chuẩn 2031–2035","en":"Standard 2031–2035"},
	"valid_from":"` + from + `","valid_to":"` + to + `",
	"lines":{"rural":{"income_vnd":3000000,"score_a":140,"medium_income_max_vnd":4500000},
	         "urban":{"income_vnd":3600000,"score_a":175,"medium_income_max_vnd":5400000}},
	"points_per_indicator":10,"poor_min_score_b":30,"indicators":[` + strings.Join(inds, ",") + `]}`
}

// TestAddingAStandardIsAddingAFile: a new file is picked for the days it
// covers, with its own lines, and nothing else changes.
func TestAddingAStandardIsAddingAFile(t *testing.T) {
	set, err := poverty.Load(withFile(t, "std_2031_2035.json", newStandard("std_2031_2035", "2031-01-01", "2035-12-31")))
	if err != nil {
		t.Fatal(err)
	}
	review := poverty.Review{Area: poverty.Urban, IncomeVND: 3_500_000, Members: 1, Date: day("2031-01-01")}
	res, err := set.Classify(review)
	if err != nil || res.Standard.ID != "std_2031_2035" || res.Status != poverty.NearPoor {
		t.Fatalf("in 2031: %+v, %v; want near-poor under std_2031_2035", res, err)
	}
	review.Date = day("2030-12-31")
	if res, err := set.Classify(review); err != nil || res.Standard.ID != "std_2026_2030" || res.Status != poverty.MediumIncome {
		t.Fatalf("in 2030: %+v, %v; want medium income under std_2026_2030", res, err)
	}
}

func TestLoadRefusesABadStandard(t *testing.T) {
	for name, tc := range map[string]struct{ file, body, says string }{
		"overlap":        {"std_x.json", newStandard("std_x", "2030-06-01", "2031-12-31"), "both in force"},
		"name mismatch":  {"std_y.json", newStandard("std_x", "2031-01-01", "2031-12-31"), "file name"},
		"dates reversed": {"std_x.json", newStandard("std_x", "2032-01-01", "2031-12-31"), "dates in order"},
		"no urban line":  {"std_x.json", strings.Replace(newStandard("std_x", "2031-01-01", "2031-12-31"), `"urban"`, `"town"`, 1), "line"},
		"not JSON":       {"std_x.json", "{", "decode"},
	} {
		if _, err := poverty.Load(withFile(t, tc.file, tc.body)); err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: got %v, want an error saying %q", name, err, tc.says)
		}
	}
}

// TestStandardsMatchTheSchema: every standard is a value of
// households.poverty_standard, every status one of poverty_status, every
// indicator's column a yes/no column of households.
func TestStandardsMatchTheSchema(t *testing.T) {
	households := schema.Households
	std, _ := households.Column("poverty_standard")
	status, _ := households.Column("poverty_status")
	for _, s := range poverty.Standards() {
		if err := std.Check(s.ID); err != nil {
			t.Errorf("standard %s: %v", s.ID, err)
		}
		if len(s.Indicators) != 12 {
			t.Errorf("standard %s has %d indicators, want the 12 of NĐ 07/2021", s.ID, len(s.Indicators))
		}
		for _, ind := range s.Indicators {
			if c, ok := households.Column(ind.Column); !ok || c.Type != schema.Bool {
				t.Errorf("standard %s: indicator %s: households has no yes/no column %s", s.ID, ind.Code, ind.Column)
			}
		}
	}
	for _, st := range []poverty.Status{poverty.Poor, poverty.NearPoor, poverty.MediumIncome, poverty.NotPoor} {
		if err := status.Check(string(st)); err != nil {
			t.Errorf("status %s: %v", st, err)
		}
	}
	if len(poverty.Standards()) < 2 {
		t.Errorf("%d standards embedded, want NĐ 07/2021 and 2026–2030", len(poverty.Standards()))
	}
}

// TestIndicatorsMatchTheReferenceData: the standards' indicator codes are
// those of the reference list, in its order.
func TestIndicatorsMatchTheReferenceData(t *testing.T) {
	ref := schema.PovertyIndicators()
	for _, s := range poverty.Standards() {
		for i, ind := range s.Indicators {
			if i >= len(ref) || ref[i].Code != ind.Code || ref[i].Name != ind.Name.VI {
				t.Errorf("standard %s indicator %d is %s %q; the reference data has %+v", s.ID, i, ind.Code, ind.Name.VI, ref[min(i, len(ref)-1)])
			}
		}
	}
}
