package main

import "slices"

// admin is one system of administrative units: the three tiers of 2008 (as
// of 01/03/2025) or the two of 2025. Communes rows are code, name, type,
// province_code, district_code.
type admin struct {
	provinces, districts, communes table
	commune                        map[string][]string // by code
	district                       map[string]bool
}

func newAdmin() *admin {
	return &admin{commune: map[string][]string{}, district: map[string]bool{}}
}

func provincesTable(old, cur *admin) table {
	t := table{file: "provinces.csv", header: []string{"code", "name", "system"}}
	for _, s := range []struct {
		a      *admin
		system string
	}{{old, "2008"}, {cur, "2025"}} {
		for _, r := range s.a.provinces.rows {
			t.rows = append(t.rows, []string{r[0], r[1], s.system})
		}
	}
	slices.SortFunc(t.rows, byCols(2, 0))
	return t
}

func communesTable(old, cur *admin) table {
	t := table{file: "communes.csv", header: []string{"code", "name", "type", "province_code", "district_code", "system"}}
	for _, s := range []struct {
		a      *admin
		system string
	}{{old, "2008"}, {cur, "2025"}} {
		for _, r := range s.a.communes.rows {
			t.rows = append(t.rows, append(slices.Clone(r), s.system))
		}
	}
	slices.SortFunc(t.rows, byCols(5, 0))
	return t
}
