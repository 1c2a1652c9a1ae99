package schema

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

func TestRefCounts(t *testing.T) {
	count2008 := 0
	provinces2008 := map[string]bool{}
	for code := range allCommunes2008() {
		c, _ := CommuneBefore2025(code)
		count2008++
		provinces2008[c.ProvinceCode] = true
	}
	provinces2025 := map[string]bool{}
	for _, c := range Communes2025() {
		provinces2025[c.ProvinceCode] = true
	}
	tests := []struct {
		name      string
		got, want int
	}{
		{"ethnic groups", len(EthnicGroups()), 54},
		{"poverty indicators", len(PovertyIndicators()), 12},
		{"projects 1719", len(Projects1719()), 28},
		{"communes 2025", len(Communes2025()), 3321},
		{"communes 2008", count2008, 10047},
		{"provinces 2025", len(provinces2025), 34},
		{"provinces 2008", len(provinces2008), 63},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %d, want %d", tt.got, tt.want)
			}
		})
	}
}

// allCommunes2008 returns the codes of the communes as of 01/03/2025; the API
// has no list of them, so it reads the cache the API is built on.
func allCommunes2008() map[string]int { return refCommunes2008().idx }

// TestRefCommuneLinesAreRecords checks what loadCommunes relies on: each
// record of communes.csv is one line, so that picking a system's lines
// picks its records. Both systems' communes, parsed apart, are every
// commune the whole file holds.
func TestRefCommuneLinesAreRecords(t *testing.T) {
	all := slices.Clone(readRef("communes.csv", "code", "name", "type", "province_code", "district_code", "system"))
	var apart [][]string
	for _, c := range append(refCommunes2008().list, refCommunes2025().list...) {
		apart = append(apart, []string{c.Code, c.Name, c.Type, c.ProvinceCode, c.DistrictCode, c.System})
	}
	bySystemAndCode := func(a, b []string) int { return strings.Compare(a[5]+a[0], b[5]+b[0]) }
	slices.SortFunc(all, bySystemAndCode)
	slices.SortFunc(apart, bySystemAndCode)
	if !slices.EqualFunc(all, apart, slices.Equal) {
		t.Errorf("the communes parsed by system (%d) are not the %d records of communes.csv", len(apart), len(all))
	}
}

func TestRefSorted(t *testing.T) {
	codes := func(cs []Commune) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Code)
		}
		return out
	}
	if c := codes(Communes2025()); !slices.IsSorted(c) {
		t.Error("Communes2025 is not sorted by code")
	}
	var eth []string
	for _, e := range EthnicGroups() {
		eth = append(eth, e.Code)
	}
	if !slices.IsSorted(eth) || eth[0] != "01" || eth[53] != "54" {
		t.Errorf("ethnic codes are not 01..54 in order: %v", eth)
	}
}

func TestRefLookups(t *testing.T) {
	tests := []struct {
		name       string
		lookup     func(string) (Commune, bool)
		code       string
		wantName   string
		wantProv   string
		wantSystem string
	}{
		{"old Bảo Hiệu", CommuneBefore2025, "05365", "Xã Bảo Hiệu", "Tỉnh Hoà Bình", "2008"}, // spelt as in dvhcvn,
		{"new Lạc Lương", CommuneByCode, "05362", "Xã Lạc Lương", "Phú Thọ", "2025"},
		{"old Quân Hà", CommuneBefore2025, "02005", "Xã Quân Hà", "Tỉnh Bắc Kạn", "2008"},
		{"new Cẩm Giàng", CommuneByCode, "02008", "Xã Cẩm Giàng", "Thái Nguyên", "2025"},
		{"new special zone", CommuneByCode, "26732", "Đặc khu Côn Đảo", "Thành phố Hồ Chí Minh", "2025"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := tt.lookup(tt.code)
			if !ok {
				t.Fatalf("%s not found", tt.code)
			}
			if c.Name != tt.wantName || c.ProvinceName != tt.wantProv || c.System != tt.wantSystem {
				t.Errorf("got %+v, want %s in %s, system %s", c, tt.wantName, tt.wantProv, tt.wantSystem)
			}
			if (c.System == "2025") != (c.DistrictCode == "") {
				t.Errorf("district %q in system %s", c.DistrictCode, c.System)
			}
		})
	}
	if _, ok := CommuneByCode("99999"); ok {
		t.Error("CommuneByCode(99999) found a commune")
	}
	if c, _ := CommuneByCode("26732"); c.Type != "Đặc khu" {
		t.Errorf("type of 26732 = %q, want Đặc khu", c.Type)
	}
}

func TestRefEthnicAndProjects(t *testing.T) {
	if g, ok := EthnicGroupByCode("08"); !ok || g.Name != "HMông" || !g.Minority {
		t.Errorf("EthnicGroupByCode(08) = %+v, %v; want HMông, minority", g, ok)
	}
	if g, _ := EthnicGroupByCode("01"); g.Name != "Kinh" || g.Minority {
		t.Errorf("EthnicGroupByCode(01) = %+v; want Kinh, not minority", g)
	}
	if _, ok := EthnicGroupByCode("55"); ok {
		t.Error("EthnicGroupByCode(55) found a group")
	}
	for _, p := range Projects1719() {
		if p.Parent == "" {
			if p.Level != "project" {
				t.Errorf("%s: level %s without parent", p.Code, p.Level)
			}
			continue
		}
		if parent, ok := ProjectByCode(p.Parent); !ok || parent.Level != "project" || !strings.HasPrefix(p.Code, p.Parent+".") {
			t.Errorf("%s: parent %q is not a project above it", p.Code, p.Parent)
		}
	}
	if p, _ := ProjectByCode("DA10.TDA3"); p.Parent != "DA10" || p.Level != "subproject" {
		t.Errorf("ProjectByCode(DA10.TDA3) = %+v", p)
	}
}

func TestRefSuccessionSpotChecks(t *testing.T) {
	tests := []struct {
		name string
		got  []Succession
		want []Succession
	}{
		{"Bảo Hiệu into Lạc Lương", SuccessorsOf("05365"), []Succession{{"05365", "05362", true}}},
		{"Quân Hà into Cẩm Giàng", SuccessorsOf("02005"), []Succession{{"02005", "02008", true}}},
		{"Cẩm Giàng into Cẩm Giàng", SuccessorsOf("02008"), []Succession{{"02008", "02008", true}}},
		{"Cống Vị split", SuccessorsOf("00007"), []Succession{{"00007", "00008", false}, {"00007", "00025", false}}},
		{"not a commune", SuccessorsOf("99999"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !slices.Equal(tt.got, tt.want) {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
	pred := PredecessorsOf("02008")
	for _, old := range []string{"02005", "02008"} {
		if !slices.Contains(pred, Succession{old, "02008", true}) {
			t.Errorf("PredecessorsOf(02008) = %v, missing %s", pred, old)
		}
	}
}

func TestRefSuccessionsReferToCommunes(t *testing.T) {
	total := 0
	for old := range allCommunes2008() {
		succ := SuccessorsOf(old)
		if len(succ) == 0 {
			t.Errorf("old commune %s has no successor", old)
		}
		for _, s := range succ {
			total++
			if _, ok := CommuneByCode(s.NewCode); !ok {
				t.Errorf("%s → %s: no such 2025 commune", old, s.NewCode)
			}
			if s.Full != (len(succ) == 1) {
				t.Errorf("%s → %s: full=%v with %d successors", old, s.NewCode, s.Full, len(succ))
			}
			if !slices.Contains(PredecessorsOf(s.NewCode), s) {
				t.Errorf("%s → %s missing from PredecessorsOf", old, s.NewCode)
			}
		}
	}
	var orphans []string
	back := 0
	for _, c := range Communes2025() {
		pred := PredecessorsOf(c.Code)
		back += len(pred)
		for _, s := range pred {
			if _, ok := CommuneBefore2025(s.OldCode); !ok {
				t.Errorf("%s → %s: no such 2008 commune", s.OldCode, c.Code)
			}
		}
		if len(pred) == 0 {
			orphans = append(orphans, c.Code)
			if c.Type != "Đặc khu" {
				t.Errorf("%s %s has no predecessor and is no special zone", c.Code, c.Name)
			}
		}
	}
	// Five island districts had no communes; their special zones have no predecessor commune.
	if len(orphans) != 5 {
		t.Errorf("%d new communes without predecessor, want 5: %v", len(orphans), orphans)
	}
	if total != back || total != refSuccessionCount {
		t.Errorf("%d successions, %d predecessions, want %d", total, back, refSuccessionCount)
	}
}

// refSuccessionCount is the number of rows of commune_successions.csv.
const refSuccessionCount = 10599

func TestRefReadOnly(t *testing.T) {
	EthnicGroups()[0].Name = "changed"
	SuccessorsOf("05365")[0].NewCode = "changed"
	Communes2025()[0].Name = "changed"
	if EthnicGroups()[0].Name == "changed" || SuccessorsOf("05365")[0].NewCode == "changed" || Communes2025()[0].Name == "changed" {
		t.Error("a returned slice shares memory with the cache")
	}
}

func TestRefMigration(t *testing.T) {
	db := mustRefDB(t)
	tests := []struct {
		query string
		want  int
	}{
		{"SELECT count(*) FROM ref_ethnic_groups", 54},
		{"SELECT count(*) FROM ref_ethnic_groups WHERE is_minority = 1 AND typeof(is_minority) = 'integer'", 53},
		{"SELECT count(*) FROM ref_ethnic_groups WHERE code_2008 IS NULL", 34},
		{"SELECT count(*) FROM ref_poverty_indicators", 12},
		{"SELECT count(*) FROM ref_projects_1719", len(Projects1719())},
		{"SELECT count(*) FROM ref_projects_1719 WHERE parent IS NULL", 10},
		{"SELECT count(*) FROM ref_provinces WHERE system = '2025'", 34},
		{"SELECT count(*) FROM ref_provinces WHERE system = '2008'", 63},
		{"SELECT count(*) FROM ref_districts", 696},
		{"SELECT count(*) FROM ref_communes WHERE system = '2025'", 3321},
		{"SELECT count(*) FROM ref_communes WHERE system = '2008'", 10047},
		{"SELECT count(*) FROM ref_communes WHERE system = '2025' AND district_code IS NULL", 3321},
		{"SELECT count(*) FROM ref_commune_successions", refSuccessionCount},
		{"SELECT count(DISTINCT old_code) FROM ref_commune_successions WHERE kind = 'partial'", 460},
		{`SELECT count(*) FROM ref_commune_successions s
			JOIN ref_communes o ON o.system = '2008' AND o.code = s.old_code
			JOIN ref_communes n ON n.system = '2025' AND n.code = s.new_code`, refSuccessionCount},
		{`SELECT count(*) FROM ref_commune_successions s
			JOIN ref_communes o ON o.system = '2008' AND o.code = s.old_code
			JOIN ref_communes n ON n.system = '2025' AND n.code = s.new_code
			WHERE o.name = 'Xã Bảo Hiệu' AND n.name = 'Xã Lạc Lương' AND kind = 'full'`, 1},
		{`SELECT count(*) FROM ref_communes c JOIN ref_provinces p ON p.system = c.system AND p.code = c.province_code
			WHERE c.system = '2025' AND c.code = '02008' AND p.name = 'Thái Nguyên'`, 1},
	}
	for _, tt := range tests {
		t.Run(strings.Join(strings.Fields(tt.query), " "), func(t *testing.T) {
			var got int
			if err := db.QueryRow(tt.query).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
	rows, err := db.Query("PRAGMA foreign_key_check")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if rows.Next() {
		t.Error("foreign_key_check reports violations")
	}
}

func TestRefMigrationName(t *testing.T) {
	if got := refdataMigration().Name; got != "0002_reference_data" {
		t.Errorf("Name = %q", got)
	}
}

// mustRefDB returns a database in t.TempDir() with the reference-data
// migration applied in one transaction, as the migration runner does.
func mustRefDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(t.TempDir(), "ref.db")+"?_foreign_keys=on&_journal_mode=WAL")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	start := time.Now()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if err := refdataMigration().Up(ctx, tx); err != nil {
		t.Fatalf("migration: %v", err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	t.Logf("migration took %v", time.Since(start))
	return db
}
