package main

import (
	"fmt"
	"path/filepath"
	"slices"
)

// unit is a row of the 01/03/2025 data set dvhcvn (GSO codes).
type unit struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

type dvhcvnFile struct {
	Data []struct {
		ID string `json:"level1_id"`
		unit
		Level2s []struct {
			ID string `json:"level2_id"`
			unit
			Level3s []struct {
				ID string `json:"level3_id"`
				unit
			} `json:"level3s"`
		} `json:"level2s"`
	} `json:"data"`
}

func readAdmin2008(src string) (*admin, error) {
	var f dvhcvnFile
	if err := readJSON(filepath.Join(src, "dvhcvn_20250301.json"), &f); err != nil {
		return nil, err
	}
	a := newAdmin()
	a.districts = table{file: "districts.csv", header: []string{"code", "name", "type", "province_code"}}
	for _, p := range f.Data {
		a.provinces.rows = append(a.provinces.rows, []string{p.ID, clean(p.Name)})
		for _, d := range p.Level2s {
			a.district[d.ID] = true
			a.districts.rows = append(a.districts.rows, []string{d.ID, clean(d.Name), clean(d.Type), p.ID})
			for _, c := range d.Level3s {
				row := []string{c.ID, clean(c.Name), clean(c.Type), p.ID, d.ID}
				a.commune[c.ID] = row
				a.communes.rows = append(a.communes.rows, row)
			}
		}
	}
	a.provinces.file, a.communes.file = "provinces 2008", "communes 2008"
	if err := checkAdmin2008(a); err != nil {
		return nil, err
	}
	slices.SortFunc(a.districts.rows, byCols(0))
	return a, nil
}

// checkAdmin2008 fails when a tier does not have the expected number of
// units or when a commune has a type the 2008 system does not know.
func checkAdmin2008(a *admin) error {
	for _, c := range []struct {
		t    table
		want int
	}{{a.provinces, 63}, {a.districts, 696}, {a.communes, 10047}} {
		if err := checkTable(c.t, c.want); err != nil {
			return err
		}
	}
	for _, row := range a.communes.rows {
		if !slices.Contains([]string{"Xã", "Phường", "Thị trấn"}, row[2]) {
			return fmt.Errorf("commune 2008 %s: unknown type %q", row[0], row[2])
		}
	}
	return nil
}
