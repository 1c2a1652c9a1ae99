package main

import "path/filepath"

// checkCoverage reports old communes without a successor and new ones
// without a predecessor.
func checkCoverage(t table, old, cur *admin, rep *report) {
	hasSucc, hasPred := map[string]bool{}, map[string]bool{}
	kinds := map[string]int{}
	for _, r := range t.rows {
		hasSucc[r[0]], hasPred[r[1]] = true, true
		kinds[r[2]]++
	}
	rep.note("communes 2025: %d of %d codes reuse a 2008 commune code", countReused(old, cur), len(cur.commune))
	rep.note("successions: %d pairs (%d full, %d partial); %d of %d old communes have a successor, %d split across several; %d of %d new communes have a predecessor commune",
		len(t.rows), kinds["full"], kinds["partial"], len(hasSucc), len(old.communes.rows), countSplit(t), len(hasPred), len(cur.communes.rows))
	for _, r := range old.communes.rows {
		if !hasSucc[r[0]] {
			rep.add("coverage: 2008 commune without successor", "%s %s", r[0], r[1])
		}
	}
	for _, r := range cur.communes.rows {
		if !hasPred[r[0]] {
			rep.add("coverage: 2025 commune without predecessor commune", "%s %s", r[0], r[1])
		}
	}
}

// countSplit counts the old communes of t with more than one successor.
func countSplit(t table) int {
	succ := map[string]int{}
	for _, r := range t.rows {
		succ[r[0]]++
	}
	split := 0
	for _, n := range succ {
		if n > 1 {
			split++
		}
	}
	return split
}

// countReused counts the 2025 commune codes that were already 2008 commune codes.
func countReused(old, cur *admin) int {
	reused := 0
	for code := range cur.commune {
		if old.commune[code] != nil {
			reused++
		}
	}
	return reused
}

const pilotTopic = "pilot file (Hòa Bình, Bắc Kạn, Yên Bái) disagrees (kept merges)"

// checkPilot compares the result with the pilot provinces' file, both ways:
// every pilot row must be in the result and every result row of an old
// commune of those provinces must be in the pilot file.
func checkPilot(src string, t table, old, cur *admin, rep *report) error {
	recs, err := readCSV(filepath.Join(src, "admin_units_2025_old_to_new_HoaBinh_BacKan_YenBai.csv"),
		"old_province_code", "old_province", "old_district_code", "old_district", "old_commune_code", "old_commune",
		"new_province_code", "new_province", "new_commune_code", "new_commune", "split")
	if err != nil {
		return err
	}
	pilot, provs := pilotPairs(recs, old, cur, rep)
	inResult := 0
	for _, r := range t.rows {
		o := old.commune[r[0]]
		if !provs[o[3]] {
			continue
		}
		inResult++
		kind, ok := pilot[pair{r[0], r[1]}]
		if kind != r[2] {
			rep.add(pilotTopic, "%s → %s: result %s, pilot %q (present %v)", r[0], r[1], r[2], kind, ok)
		}
	}
	if inResult != len(pilot) {
		rep.add(pilotTopic, "%d pairs in the pilot file, %d in the result for its provinces", len(pilot), inResult)
	}
	rep.note("pilot file: %d rows checked against %d result pairs of its provinces", len(recs), inResult)
	return nil
}

// pilotPairs returns the kind of each pair of the pilot file and the set of
// its old provinces, and reports rows that do not match the unit lists.
func pilotPairs(recs [][]string, old, cur *admin, rep *report) (map[pair]string, map[string]bool) {
	pilot, provs := map[pair]string{}, map[string]bool{}
	for _, r := range recs {
		provs[r[0]] = true
		pilot[pair{r[4], r[8]}] = r[10]
		o, n := old.commune[r[4]], cur.commune[r[8]]
		if o == nil || n == nil || o[1] != clean(r[5]) || o[4] != r[2] || n[1] != clean(r[9]) || n[3] != r[6] {
			rep.add(pilotTopic, "row %s %q → %s %q does not match the unit lists", r[4], r[5], r[8], r[9])
		}
	}
	return pilot, provs
}
