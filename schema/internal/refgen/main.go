// Command refgen turns the raw reference data of ../shared/refdata into the
// compact CSV files that package schema embeds (schema/refdata/*.csv).
//
// The generated files are committed, so builds never need the raw data; run
// refgen again (go generate ./schema) only when the raw data changes. Output is
// deterministic: the same input always gives byte-identical files.
//
// refgen fails when a file does not have the shape or the row counts it
// expects. Where two sources of the 1 July 2025 commune mapping disagree, it
// keeps going, says which side it kept, and prints every disagreement.
//
// Usage:
//
//	go run ./schema/internal/refgen -src ../shared/refdata -out schema/refdata
package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

func main() {
	src := flag.String("src", "../shared/refdata", "directory with the raw reference data")
	out := flag.String("out", "schema/refdata", "directory to write the generated CSV files to")
	flag.Parse()
	if err := run(*src, *out, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "refgen: %v\n", err)
		os.Exit(1)
	}
}

// table is one generated CSV file.
type table struct {
	file   string
	header []string
	rows   [][]string
}

// report collects facts worth a look (notes) and the disagreements between
// sources (issues, by topic), so that none is dropped silently.
type report struct {
	notes  []string
	issues map[string][]string
}

func (r *report) note(format string, args ...any) {
	r.notes = append(r.notes, fmt.Sprintf(format, args...))
}

func (r *report) add(topic, format string, args ...any) {
	r.issues[topic] = append(r.issues[topic], fmt.Sprintf(format, args...))
}

func run(src, out string, w io.Writer) error {
	rep := &report{issues: map[string][]string{}}
	var tables []table
	for _, f := range []func(string) (table, error){ethnicGroups, projects, povertyIndicators} {
		t, err := f(src)
		if err != nil {
			return err
		}
		tables = append(tables, t)
	}
	old, err := readAdmin2008(src)
	if err != nil {
		return err
	}
	cur, err := readAdmin2025(src, rep)
	if err != nil {
		return err
	}
	succ, err := successions(src, old, cur, rep)
	if err != nil {
		return err
	}
	tables = append(tables, provincesTable(old, cur), old.districts, communesTable(old, cur), succ)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("create output directory: %w", err)
	}
	for _, t := range tables {
		if err := writeTable(filepath.Join(out, t.file), t); err != nil {
			return err
		}
		fmt.Fprintf(w, "%-26s %6d rows\n", t.file, len(t.rows))
	}
	printReport(w, rep)
	return nil
}

// readCSV reads a UTF-8 CSV file and checks that its header is exactly want.
func readCSV(path string, want ...string) ([][]string, error) {
	return readCSVNote(path, false, want...)
}

// readCSVNote is readCSV for a file whose last column is a free-text note
// that may hold an unquoted comma: extra fields are joined back into it.
func readCSVNote(path string, noteLast bool, want ...string) ([][]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", filepath.Base(path), err)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", filepath.Base(path), err)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], want) {
		return nil, fmt.Errorf("%s: header is not %q", filepath.Base(path), want)
	}
	for i, rec := range recs {
		n := len(want)
		if len(rec) > n && noteLast {
			recs[i] = append(rec[:n-1], strings.Join(rec[n-1:], ","))
		} else if len(rec) != n {
			return nil, fmt.Errorf("%s: record %d has %d fields, want %d", filepath.Base(path), i+1, len(rec), n)
		}
	}
	return recs[1:], nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", filepath.Base(path), err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("parse %s: %w", filepath.Base(path), err)
	}
	return nil
}

// checkTable fails when t does not have want rows or when its first column,
// the code, is empty or repeated.
func checkTable(t table, want int) error {
	if len(t.rows) != want {
		return fmt.Errorf("%s: %d rows, want %d", t.file, len(t.rows), want)
	}
	seen := make(map[string]bool, len(t.rows))
	for _, row := range t.rows {
		if row[0] == "" || seen[row[0]] {
			return fmt.Errorf("%s: empty or repeated code %q", t.file, row[0])
		}
		seen[row[0]] = true
	}
	return nil
}

// clean collapses runs of white space and the HTML line breaks that some
// cells of the official dispatches carry.
func clean(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "<br>", " ")), " ")
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

// byCols orders rows by the given columns, in turn.
func byCols(cols ...int) func(a, b []string) int {
	return func(a, b []string) int {
		for _, c := range cols {
			if n := strings.Compare(a[c], b[c]); n != 0 {
				return n
			}
		}
		return 0
	}
}

func writeTable(path string, t table) error {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.Write(t.header)
	cw.WriteAll(t.rows) // WriteAll flushes; errors of a bytes.Buffer surface here
	if err := cw.Error(); err != nil {
		return fmt.Errorf("encode %s: %w", t.file, err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", t.file, err)
	}
	return nil
}

func printReport(w io.Writer, rep *report) {
	for _, n := range rep.notes {
		fmt.Fprintln(w, n)
	}
	if len(rep.issues) == 0 {
		fmt.Fprintln(w, "no disagreements between sources")
		return
	}
	fmt.Fprintln(w, "disagreements between sources:")
	for _, topic := range slices.Sorted(maps.Keys(rep.issues)) {
		lines := slices.Sorted(slices.Values(rep.issues[topic])) // map order must not leak
		fmt.Fprintf(w, "%s: %d\n", topic, len(lines))
		for _, line := range lines {
			fmt.Fprintf(w, "  %s\n", line)
		}
	}
}

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
	for _, c := range []struct {
		t    table
		want int
	}{{a.provinces, 63}, {a.districts, 696}, {a.communes, 10047}} {
		if err := checkTable(c.t, c.want); err != nil {
			return nil, err
		}
	}
	for _, row := range a.communes.rows {
		if !slices.Contains([]string{"Xã", "Phường", "Thị trấn"}, row[2]) {
			return nil, fmt.Errorf("commune 2008 %s: unknown type %q", row[0], row[2])
		}
	}
	slices.SortFunc(a.districts.rows, byCols(0))
	return a, nil
}

func readAdmin2025(src string, rep *report) (*admin, error) {
	provs, err := readCSV(filepath.Join(src, "provinces_2025_34_CV915_CTK-CSCL.csv"), "Stt", "Mã số", "Tên 34 tỉnh sau sáp nhập")
	if err != nil {
		return nil, err
	}
	a := newAdmin()
	byName := map[string]string{}
	for _, r := range provs {
		a.provinces.rows = append(a.provinces.rows, []string{clean(r[1]), clean(r[2])})
		byName[provinceKey(r[2])] = clean(r[1])
	}
	a.provinces.file = "provinces 2025"
	if err := checkTable(a.provinces, 34); err != nil {
		return nil, err
	}
	recs, err := readCSV(filepath.Join(src, "communes_2025_CV1027_CTK-CSCL.csv"), "commune_code", "commune_name", "province")
	if err != nil {
		return nil, err
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
			return nil, fmt.Errorf("commune 2025 %s %q: name starts with no known type", r[0], name)
		}
		row := []string{clean(r[0]), name, typ, prov, ""}
		a.commune[row[0]] = row
		a.communes.rows = append(a.communes.rows, row)
	}
	if len(unmapped) > 0 {
		return nil, fmt.Errorf("communes 2025: %d province names map to none of the 34 provinces: %s", len(unmapped), strings.Join(unmapped, ", "))
	}
	rep.note("communes 2025: %d province cells had <br> or extra spaces; all %d province names mapped to the 34 provinces", cleaned, len(recs))
	a.communes.file = "communes 2025"
	return a, checkTable(a.communes, 3321)
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

// pair is an old commune (before 1 July 2025) and a new one it went into.
type pair struct{ old, new string }

type mergesFile struct {
	Data []struct {
		ID      string `json:"level1_id"`
		Level2s []struct {
			ID     string `json:"level2_id"`
			Name   string `json:"name"`
			Merges []struct {
				OldID string `json:"old_id"`
				Name  string `json:"name"`
				Type  string `json:"type"`
			} `json:"merges"`
		} `json:"level2s"`
	} `json:"data"`
}

// splitsUnit is an old unit and the new communes it went into. Its names are
// not used: they are not in Unicode NFC and carry stray spaces.
type splitsUnit struct {
	Splits []struct {
		NewID string `json:"new_id"`
	} `json:"splits"`
}

type splitsFile struct {
	Data []struct {
		Level2s []struct {
			ID string `json:"level2_id"`
			splitsUnit
		} `json:"level2s"`
		Level3s []struct {
			ID string `json:"level3_id"`
			splitsUnit
		} `json:"level3s"`
	} `json:"data"`
}

// successions builds the 1 July 2025 mapping. dvhcvn_2025_merges.json is the
// primary source because it states the kind (full or partial) explicitly;
// dvhcvn_2025_splits.json and the pilot file are checked against it.
func successions(src string, old, cur *admin, rep *report) (table, error) {
	merges, err := readMerges(src, old, cur, rep)
	if err != nil {
		return table{}, err
	}
	splits, err := readSplits(src)
	if err != nil {
		return table{}, err
	}
	kinds := reconcile(merges, splits, rep)
	t := table{file: "commune_successions.csv", header: []string{"old_code", "new_code", "kind"}}
	for p, kind := range kinds {
		switch {
		case old.commune[p.old] == nil && old.district[p.old]:
			rep.add("successions: old code is a 2008 district without communes, not a commune (excluded)", "%s → %s", p.old, p.new)
		case old.commune[p.old] == nil:
			rep.add("successions: old code is no 2008 commune (excluded)", "%s → %s", p.old, p.new)
		case cur.commune[p.new] == nil:
			rep.add("successions: new code is no 2025 commune (excluded)", "%s → %s", p.old, p.new)
		default:
			t.rows = append(t.rows, []string{p.old, p.new, kind})
		}
	}
	slices.SortFunc(t.rows, byCols(0, 1))
	checkCoverage(t, old, cur, rep)
	if err := checkPilot(src, t, old, cur, rep); err != nil {
		return table{}, err
	}
	return t, nil
}

// readMerges reads new → old with the kind, and checks the names and the new
// province against the other sources.
func readMerges(src string, old, cur *admin, rep *report) (map[pair]string, error) {
	var f mergesFile
	if err := readJSON(filepath.Join(src, "dvhcvn_2025_merges.json"), &f); err != nil {
		return nil, err
	}
	kinds := map[pair]string{}
	for _, p := range f.Data {
		for _, n := range p.Level2s {
			if c := cur.commune[n.ID]; c != nil && (c[1] != clean(n.Name) || c[3] != p.ID) {
				rep.add("merges: new commune differs from CV 1027 (kept CV 1027)", "%s %q in %s, CV 1027: %q in %s", n.ID, n.Name, p.ID, c[1], c[3])
			}
			for _, m := range n.Merges {
				if m.Type != "full" && m.Type != "partial" {
					return nil, fmt.Errorf("merges: %s → %s: unknown type %q", m.OldID, n.ID, m.Type)
				}
				if c := old.commune[m.OldID]; c != nil && c[1] != clean(m.Name) {
					rep.add("merges: old commune name differs from dvhcvn 01/03/2025 (kept the latter)", "%s %q, %q", m.OldID, m.Name, c[1])
				}
				if _, dup := kinds[pair{m.OldID, n.ID}]; dup {
					rep.add("merges: repeated pair", "%s → %s", m.OldID, n.ID)
				}
				kinds[pair{m.OldID, n.ID}] = m.Type
			}
		}
	}
	return kinds, nil
}

// readSplits reads old → new, districts (level2s) included: five island
// districts had no communes and became special zones (đặc khu).
func readSplits(src string) (map[pair]bool, error) {
	var f splitsFile
	if err := readJSON(filepath.Join(src, "dvhcvn_2025_splits.json"), &f); err != nil {
		return nil, err
	}
	pairs := map[pair]bool{}
	add := func(old string, u splitsUnit) {
		for _, s := range u.Splits {
			pairs[pair{old, s.NewID}] = true
		}
	}
	for _, p := range f.Data {
		for _, d := range p.Level2s {
			add(d.ID, d.splitsUnit)
		}
		for _, c := range p.Level3s {
			add(c.ID, c.splitsUnit)
		}
	}
	return pairs, nil
}

// reconcile joins the two directions. A pair found in only one of them is
// kept and reported; its kind is the stated one, or else derived from the
// number of new communes the old one went into. A stated kind that disagrees
// with that number is kept and reported.
func reconcile(merges map[pair]string, splits map[pair]bool, rep *report) map[pair]string {
	succ := map[string]int{}
	all := map[pair]bool{}
	for p := range splits {
		all[p] = true
	}
	for p := range merges {
		all[p] = true
	}
	for p := range all {
		succ[p.old]++
	}
	kinds := map[pair]string{}
	for p := range all {
		derived := "full"
		if succ[p.old] > 1 {
			derived = "partial"
		}
		stated, inMerges := merges[p]
		switch {
		case !inMerges:
			rep.add("splits only, not in merges (kept, kind derived)", "%s → %s %s", p.old, p.new, derived)
			kinds[p] = derived
		case !splits[p]:
			rep.add("merges only, not in splits (kept)", "%s → %s %s", p.old, p.new, stated)
			kinds[p] = stated
		case stated != derived:
			rep.add("kind in merges disagrees with number of successors in splits (kept merges)", "%s → %s %s, %d successors", p.old, p.new, stated, succ[p.old])
			kinds[p] = stated
		default:
			kinds[p] = stated
		}
	}
	return kinds
}

// checkCoverage reports old communes without a successor and new ones
// without a predecessor.
func checkCoverage(t table, old, cur *admin, rep *report) {
	hasSucc, hasPred := map[string]bool{}, map[string]bool{}
	kinds := map[string]int{}
	for _, r := range t.rows {
		hasSucc[r[0]], hasPred[r[1]] = true, true
		kinds[r[2]]++
	}
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
	reused := 0
	for code := range cur.commune {
		if old.commune[code] != nil {
			reused++
		}
	}
	rep.note("communes 2025: %d of %d codes reuse a 2008 commune code", reused, len(cur.commune))
	rep.note("successions: %d pairs (%d full, %d partial); %d of %d old communes have a successor, %d split across several; %d of %d new communes have a predecessor commune",
		len(t.rows), kinds["full"], kinds["partial"], len(hasSucc), len(old.communes.rows), split, len(hasPred), len(cur.communes.rows))
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
	const topic = "pilot file (Hòa Bình, Bắc Kạn, Yên Bái) disagrees (kept merges)"
	pilot, provs := map[pair]string{}, map[string]bool{}
	for _, r := range recs {
		provs[r[0]] = true
		pilot[pair{r[4], r[8]}] = r[10]
		o, n := old.commune[r[4]], cur.commune[r[8]]
		if o == nil || n == nil || o[1] != clean(r[5]) || o[4] != r[2] || n[1] != clean(r[9]) || n[3] != r[6] {
			rep.add(topic, "row %s %q → %s %q does not match the unit lists", r[4], r[5], r[8], r[9])
		}
	}
	inResult := 0
	for _, r := range t.rows {
		o := old.commune[r[0]]
		if !provs[o[3]] {
			continue
		}
		inResult++
		kind, ok := pilot[pair{r[0], r[1]}]
		if kind != r[2] {
			rep.add(topic, "%s → %s: result %s, pilot %q (present %v)", r[0], r[1], r[2], kind, ok)
		}
	}
	if inResult != len(pilot) {
		rep.add(topic, "%d pairs in the pilot file, %d in the result for its provinces", len(pilot), inResult)
	}
	rep.note("pilot file: %d rows checked against %d result pairs of its provinces", len(recs), inResult)
	return nil
}
