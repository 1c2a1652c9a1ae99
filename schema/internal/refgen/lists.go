package main

import (
	"fmt"
	"path/filepath"
	"slices"
)

// lists reads the small, independent code lists: ethnic groups, the projects
// of Program 1719 and the poverty indicators, in that order.
func lists(src string) ([]table, error) {
	var tables []table
	for _, f := range []func(string) (table, error){ethnicGroups, projects, povertyIndicators} {
		t, err := f(src)
		if err != nil {
			return nil, err
		}
		tables = append(tables, t)
	}
	return tables, nil
}

func ethnicGroups(src string) (table, error) {
	recs, err := readCSV(filepath.Join(src, "ethnic_groups_qd121_1979.csv"),
		"code_qd121_1979", "name", "other_names", "is_minority", "code_qd1019_2008_partial")
	if err != nil {
		return table{}, err
	}
	t := table{file: "ethnic_groups.csv", header: []string{"code", "name", "other_names", "is_minority", "code_2008"}}
	for _, r := range recs {
		if r[3] != "0" && r[3] != "1" {
			return table{}, fmt.Errorf("ethnic group %s: is_minority %q is not 0 or 1", r[0], r[3])
		}
		t.rows = append(t.rows, []string{clean(r[0]), clean(r[1]), clean(r[2]), r[3], clean(r[4])})
	}
	slices.SortFunc(t.rows, byCols(0))
	return t, checkTable(t, 54)
}

// projects keeps the order of QĐ 1719 (DA1, DA1.ND1, …, DA10.TDA3), which is
// also the natural sort order of the codes; a plain string sort would put DA10
// before DA2.
func projects(src string) (table, error) {
	recs, err := readCSVNote(filepath.Join(src, "program1719_projects.csv"), true, "code", "parent", "level", "name_vi", "verified")
	if err != nil {
		return table{}, err
	}
	t := table{file: "projects_1719.csv", header: []string{"code", "parent", "level", "name"}}
	seen := map[string]bool{}
	for _, r := range recs {
		code, parent, level := clean(r[0]), clean(r[1]), clean(r[2])
		if !slices.Contains([]string{"project", "subproject", "content"}, level) {
			return table{}, fmt.Errorf("project %s: unknown level %q", code, level)
		}
		if (level == "project") != (parent == "") || (parent != "" && !seen[parent]) {
			return table{}, fmt.Errorf("project %s: parent %q does not fit level %s", code, parent, level)
		}
		seen[code] = true
		t.rows = append(t.rows, []string{code, parent, level, clean(r[3])})
	}
	return t, checkTable(t, len(recs))
}

// povertyIndicators keeps the order of NĐ 07/2021, grouped by dimension.
func povertyIndicators(src string) (table, error) {
	recs, err := readCSV(filepath.Join(src, "poverty_standard_nd07_2021.csv"),
		"dimension", "indicator_code", "indicator_vi", "deprivation_threshold_paraphrase", "threshold_verified")
	if err != nil {
		return table{}, err
	}
	t := table{file: "poverty_indicators.csv", header: []string{"code", "dimension", "name", "threshold"}}
	for _, r := range recs {
		t.rows = append(t.rows, []string{clean(r[1]), clean(r[0]), clean(r[2]), clean(r[3])})
	}
	return t, checkTable(t, 12)
}
