package main

import (
	"fmt"
	"path/filepath"
	"strings"
)

func readAdmin2025(src string, rep *report) (*admin, error) {
	a := newAdmin()
	byName, err := readProvinces2025(src, a)
	if err != nil {
		return nil, err
	}
	if err := readCommunes2025(src, a, byName, rep); err != nil {
		return nil, err
	}
	a.communes.file = "communes 2025"
	return a, checkTable(a.communes, 3321)
}

// readProvinces2025 fills a.provinces from CV 915 and returns the province
// codes by provinceKey of their names.
func readProvinces2025(src string, a *admin) (map[string]string, error) {
	provs, err := readCSV(filepath.Join(src, "provinces_2025_34_CV915_CTK-CSCL.csv"), "Stt", "Mã số", "Tên 34 tỉnh sau sáp nhập")
	if err != nil {
		return nil, err
	}
	byName := map[string]string{}
	for _, r := range provs {
		a.provinces.rows = append(a.provinces.rows, []string{clean(r[1]), clean(r[2])})
		byName[provinceKey(r[2])] = clean(r[1])
	}
	a.provinces.file = "provinces 2025"
	if err := checkTable(a.provinces, 34); err != nil {
		return nil, err
	}
	return byName, nil
}

// readCommunes2025 fills a.communes from CV 1027, which names each commune's
// province instead of giving its code: every name must map to one of byName.
func readCommunes2025(src string, a *admin, byName map[string]string, rep *report) error {
	recs, err := readCSV(filepath.Join(src, "communes_2025_CV1027_CTK-CSCL.csv"), "commune_code", "commune_name", "province")
	if err != nil {
		return err
	}
	var unmapped []string
	cleaned := 0
	for _, r := range recs {
		if clean(r[2]) != r[2] {
			cleaned++
		}
		prov, ok := byName[provinceKey(r[2])]
		if !ok {
			unmapped = append(unmapped, fmt.Sprintf("%s %q", r[0], r[2]))
		}
		name := clean(r[1])
		typ := typeFromName(name)
		if typ == "" {
			return fmt.Errorf("commune 2025 %s %q: name starts with no known type", r[0], name)
		}
		row := []string{clean(r[0]), name, typ, prov, ""}
		a.commune[row[0]] = row
		a.communes.rows = append(a.communes.rows, row)
	}
	if len(unmapped) > 0 {
		return fmt.Errorf("communes 2025: %d province names map to none of the 34 provinces: %s", len(unmapped), strings.Join(unmapped, ", "))
	}
	rep.note("communes 2025: %d province cells had <br> or extra spaces; all %d province names mapped to the 34 provinces", cleaned, len(recs))
	return nil
}

// provinceKey reduces the spellings of a 2025 province name found in CV 1027
// ("Tỉnh Cao<br>Bằng", "Tp Hồ Chí Minh") to the form of CV 915 ("Cao Bằng",
// "Thành phố Hồ Chí Minh").
func provinceKey(s string) string {
	s = clean(s)
	if rest, ok := strings.CutPrefix(s, "Tp "); ok {
		s = "Thành phố " + rest
	}
	return strings.TrimPrefix(s, "Tỉnh ")
}

// typeFromName returns the type a 2025 commune name starts with: CV 1027
// gives only the name. There are no thị trấn since 1 July 2025.
func typeFromName(name string) string {
	for _, t := range []string{"Xã", "Phường", "Đặc khu"} {
		if strings.HasPrefix(name, t+" ") {
			return t
		}
	}
	return ""
}
