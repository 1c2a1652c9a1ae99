package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"hodan/client-cli/app"
)

// commune is the commune of the workload, as in PouchDB's documents.
const commune = "02008"

// fixture is laptop a's database holding the whole commune, enrolled with
// a server whose database is beside it, built once per build of the
// binaries (and per N) and copied for every round. a was enrolled through
// a proxy on port, so every round's proxy listens there.
type fixture struct {
	dir  string
	port int
	// edits are the 50 households edited in step (2) and the first member
	// of each: PouchDB's hh-(i*7 mod N).
	edits [][2]string
	// village is a village of the commune, for the process-cost writes.
	village string
}

// The field mapping (PouchDB document → Hodan column): commune_code,
// head_name, head_birth_year, head_sex, ethnicity_code, poverty_status,
// housing_condition, water_source, phone, address alike; village "Xóm k"
// → village_id of a village named "Xóm k" (import --create-villages);
// hygienic_latrine true/false → yes/no; members' full_name, birth_year,
// sex, relation alike, health_insurance true/false → yes/no, id_number →
// personal_id; the edit's poverty_status "escaped" is Hodan's
// "escaped_poverty".
var ethnicities = []string{"02", "06", "08", "09"}

func householdRow(i int) []string {
	latrine := "no"
	if i%2 == 0 {
		latrine = "yes"
	}
	return []string{commune, fmt.Sprintf("Xóm %d", i%12), fmt.Sprintf("Bùi Văn Thao %d", i), strconv.Itoa(1950 + i%50), "male",
		ethnicities[i%4], []string{"poor", "near_poor", "not_poor"}[i%3], "makeshift", "spring", latrine,
		"09" + strconv.Itoa(10000000+i), fmt.Sprintf("Thôn %d", i%12)}
}

var householdColumns = []string{"commune_code", "village_id", "head_name", "head_birth_year", "head_sex", "ethnicity_code",
	"poverty_status", "housing_condition", "water_source", "hygienic_latrine", "phone", "address"}

func memberArgs(household string, i, k int) []string {
	sex, relation := "female", "spouse"
	if k%2 == 1 {
		sex = "male"
	}
	if k > 0 {
		relation = "child"
	}
	return []string{"--household-id", household, "--full-name", fmt.Sprintf("Bùi Thị %d-%d", i, k), "--birth-year", strconv.Itoa(1980 + k),
		"--sex", sex, "--relation", relation, "--health-insurance", "yes", "--personal-id", "0" + strconv.Itoa(17000000000+i*4+k)}
}

// loadFixture returns the fixture of cfg's binaries and N, building it
// first if there is none.
func loadFixture(ctx context.Context, cfg config) (fixture, error) {
	dir := cfg.fixture
	if dir == "" {
		h := sha256.New()
		for _, b := range []string{"hodan", "hodan-server"} {
			f, err := os.Open(filepath.Join(cfg.bin, b))
			if err != nil {
				return fixture{}, fmt.Errorf("%w (run make build)", err)
			}
			io.Copy(h, f)
			f.Close()
		}
		dir = filepath.Join(os.TempDir(), fmt.Sprintf("hodan-peer-fixture-%d-%s", cfg.households, hex.EncodeToString(h.Sum(nil))[:12]))
	}
	fx := fixture{dir: dir}
	b, err := os.ReadFile(filepath.Join(dir, "fixture.json"))
	if os.IsNotExist(err) {
		fmt.Fprintf(os.Stderr, "peer: building the Hodan fixture of %d households in %s (once)\n", cfg.households, dir)
		if err := buildFixture(ctx, cfg, dir); err != nil {
			return fx, fmt.Errorf("build the fixture: %w", err)
		}
		b, err = os.ReadFile(filepath.Join(dir, "fixture.json"))
	}
	if err != nil {
		return fx, err
	}
	var saved struct {
		Port    int
		Edits   [][2]string
		Village string
	}
	if err := json.Unmarshal(b, &saved); err != nil {
		return fx, err
	}
	fx.port, fx.edits, fx.village = saved.Port, saved.Edits, saved.Village
	return fx, nil
}

// buildFixture records the commune on laptop a as an officer would: the
// households imported from a sheet (`hodan import households`), then each
// member with its own `hodan member add`, one command and one durable
// transaction each. The commands run in this process (app.Run, the code of
// the binary) rather than as 4N processes: the database is the one the
// processes would write, in about a minute instead of ten.
func buildFixture(ctx context.Context, cfg config, dir string) error {
	tmp := dir + ".tmp"
	os.RemoveAll(tmp)
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return err
	}
	srv, err := startServer(ctx, cfg.bin, filepath.Join(tmp, "srv.db"), tmp)
	if err != nil {
		return err
	}
	defer srv.stop()
	px, err := startProxy("127.0.0.1:0", srv.addr)
	if err != nil {
		return err
	}
	defer px.close()
	a := filepath.Join(tmp, "a.db")
	code, err := enroll(ctx, cfg.bin, filepath.Join(tmp, "srv.db"), "Lò Văn Minh")
	if err != nil {
		return err
	}
	if _, err := hodanIn(ctx, a, "init", "--server", fmt.Sprintf("http://127.0.0.1:%d", px.port()), "--enroll", code); err != nil {
		return err
	}
	sheet := filepath.Join(tmp, "households.csv")
	if err := writeSheet(sheet, cfg.households); err != nil {
		return err
	}
	if _, err := hodanIn(ctx, a, "import", "households", sheet, "--create-villages"); err != nil {
		return err
	}
	households, err := listIDs(ctx, a, "household", "head_name", "Bùi Văn Thao ")
	if err != nil {
		return err
	}
	t0 := time.Now()
	for i := range cfg.households {
		for k := range 4 {
			if _, err := hodanIn(ctx, a, append([]string{"member", "add"}, memberArgs(households[strconv.Itoa(i)], i, k)...)...); err != nil {
				return err
			}
		}
		if i%500 == 499 {
			fmt.Fprintf(os.Stderr, "peer: %d households' members recorded (%s)\n", i+1, time.Since(t0).Round(time.Second))
		}
	}
	members, err := listIDs(ctx, a, "member", "full_name", "Bùi Thị ")
	if err != nil {
		return err
	}
	saved := struct {
		Port    int
		Edits   [][2]string
		Village string
	}{Port: px.port()}
	for i := range 50 {
		j := (i * 7) % cfg.households
		saved.Edits = append(saved.Edits, [2]string{households[strconv.Itoa(j)], members[fmt.Sprintf("%d-0", j)]})
	}
	if saved.Village, err = firstVillage(ctx, a); err != nil {
		return err
	}
	b, err := json.Marshal(saved)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, "fixture.json"), b, 0o644); err != nil {
		return err
	}
	srv.stop()
	os.RemoveAll(dir)
	return os.Rename(tmp, dir)
}

func writeSheet(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write(householdColumns)
	for i := range n {
		w.Write(householdRow(i))
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// hodanIn runs one hodan command line on database db in this process.
func hodanIn(ctx context.Context, db string, args ...string) ([]byte, error) {
	var stdout, stderr bytes.Buffer
	args = append([]string{"--lang", "en", "--db", db, "--json"}, args...)
	if code := app.Run(ctx, args, app.Env{Stdout: &stdout, Stderr: &stderr}); code != 0 {
		return nil, fmt.Errorf("hodan %s: %s", strings.Join(args, " "), strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// listIDs maps the rest of column's value after prefix to the row's id,
// for the rows of noun whose column starts with prefix.
func listIDs(ctx context.Context, db, noun, column, prefix string) (map[string]string, error) {
	out, err := hodanIn(ctx, db, noun, "list")
	if err != nil {
		return nil, err
	}
	var rows []map[string]any
	if err := json.Unmarshal(out, &rows); err != nil {
		return nil, fmt.Errorf("%s list: %w", noun, err)
	}
	ids := map[string]string{}
	for _, r := range rows {
		if v, _ := r[column].(string); strings.HasPrefix(v, prefix) {
			ids[v[len(prefix):]], _ = r["id"].(string)
		}
	}
	return ids, nil
}

func firstVillage(ctx context.Context, db string) (string, error) {
	ids, err := listIDs(ctx, db, "village", "name", "Xóm ")
	if err != nil {
		return "", err
	}
	if ids["0"] == "" {
		return "", fmt.Errorf("no village Xóm 0 on laptop a")
	}
	return ids["0"], nil
}

// enroll makes an enrollment code for commune on the server's database.
func enroll(ctx context.Context, bin, db, officer string) (string, error) {
	out, _, err := command(ctx, filepath.Join(bin, "hodan-server"), "enroll", "--db", db, "--commune", commune, "--officer", officer, "--json")
	if err != nil {
		return "", err
	}
	var e struct{ Code string }
	if err := json.Unmarshal(out, &e); err != nil || e.Code == "" {
		return "", fmt.Errorf("hodan-server enroll answered %q", out)
	}
	return e.Code, nil
}
