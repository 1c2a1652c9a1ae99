package forms_test

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"hodan/schema/forms"
)

// TestEmbeddedFormsLoad: the four forms of the issue load, one a purpose.
func TestEmbeddedFormsLoad(t *testing.T) {
	want := map[string]string{
		"poverty_review": "poverty_review", "support_delivery": "support_delivery",
		"damage_assessment": "damage_assessment", "prestige_visit": "prestige_visit",
	}
	latest := forms.All().Latest()
	if len(latest) != len(want) {
		t.Fatalf("%d forms, want %d", len(latest), len(want))
	}
	for _, f := range latest {
		if want[f.ID] != f.Purpose {
			t.Errorf("form %s records purpose %q, want %q", f.ID, f.Purpose, want[f.ID])
		}
		if g, ok := forms.All().ByVersion(f.ID, f.Version); !ok || g != f {
			t.Errorf("form %s v%d is not found by its version", f.ID, f.Version)
		}
	}
}

// edit returns the embedded form files with one of them changed by fn.
func edit(t *testing.T, name string, fn func(string) string) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	names, _ := fs.Glob(forms.Files(), "defs/*.json")
	for _, n := range names {
		b, err := fs.ReadFile(forms.Files(), n)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(n, "/"+name) {
			changed := fn(string(b))
			if changed == string(b) {
				t.Fatalf("the edit of %s changed nothing", name)
			}
			b = []byte(changed)
		}
		fsys[n] = &fstest.MapFile{Data: b}
	}
	return fsys
}

func replace(old, new string) func(string) string {
	return func(s string) string { return strings.Replace(s, old, new, 1) }
}

// TestLoadRefusesABadForm: each mistake a form file can make fails Load,
// and with it the package's tests.
func TestLoadRefusesABadForm(t *testing.T) {
	for name, tc := range map[string]struct {
		file string
		edit func(string) string
		says string
	}{
		"unknown column":                {"damage_assessment.v1.json", replace(`"damage_reports.livestock_lost"`, `"damage_reports.cattle"`), "no column"},
		"unknown table":                 {"damage_assessment.v1.json", replace(`"damage_reports.event"`, `"storms.event"`), "not in a table"},
		"choice not in the enum":        {"damage_assessment.v1.json", replace(`"value": "swept_away"`, `"value": "washed_out"`), "washed_out"},
		"kind against the column":       {"damage_assessment.v1.json", replace(`"kind": "integer"`, `"kind": "yesno"`), "cannot fill"},
		"unknown kind":                  {"damage_assessment.v1.json", replace(`"kind": "integer"`, `"kind": "slider"`), "slider"},
		"purpose":                       {"damage_assessment.v1.json", replace(`"purpose": "damage_assessment"`, `"purpose": "picnic"`), "purpose"},
		"file name":                     {"damage_assessment.v1.json", replace(`"version": 1`, `"version": 2`), "file name"},
		"filled by Hodan":               {"damage_assessment.v1.json", replace(`"damage_reports.event_date"`, `"visits.officer"`), "filled by Hodan"},
		"condition on a later question": {"support_delivery.v1.json", replace(`"question": "program"`, `"question": "status"`), "not an earlier question"},
		"condition never true":          {"support_delivery.v1.json", replace(`"equals": "ntp_1719"`, `"equals": "ntp_9999"`), "cannot be"},
		"fixed value not in enum":       {"prestige_visit.v1.json", replace(`"support_records.kind": "gift"`, `"support_records.kind": "cash"`), "set support_records.kind"},
		"gift over the rule":            {"prestige_visit.v1.json", replace(`"max": 500000`, `"max": "lots"`), "decode"},
		"members without a pick":        {"prestige_visit.v1.json", replace(`"kind": "member"`, `"kind": "text"`), "picks one member"},
		"missing indicator":             {"poverty_review.v1.json", replace(`"households.dep_telecom"`, `"visits.answers"`), "telecommunication"},
		"missing label":                 {"poverty_review.v1.json", replace(`"en": "Where does the household live?"`, `"en": ""`), "label"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := forms.Load(edit(t, tc.file, tc.edit))
			if err == nil || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("got %v, want an error saying %q", err, tc.says)
			}
		})
	}
}

// TestANewVersionIsAddedAsAFile: a v2 file beside v1 becomes the latest,
// and v1 stays readable for the visits that recorded it.
func TestANewVersionIsAddedAsAFile(t *testing.T) {
	fsys := edit(t, "damage_assessment.v1.json", func(s string) string { return s + " " })
	b, _ := fs.ReadFile(forms.Files(), "defs/damage_assessment.v1.json")
	fsys["defs/damage_assessment.v2.json"] = &fstest.MapFile{Data: []byte(strings.Replace(string(b), `"version": 1`, `"version": 2`, 1))}
	set, err := forms.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := set.ByID("damage_assessment"); !ok || f.Version != 2 {
		t.Errorf("latest damage_assessment: %+v", f)
	}
	if _, ok := set.ByVersion("damage_assessment", 1); !ok {
		t.Error("version 1 is gone")
	}
}
