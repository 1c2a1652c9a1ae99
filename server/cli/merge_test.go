package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"hodan/syncengine"
)

// TestHouseholdsMergeOnTheServer: an operator merges a pair a laptop
// recorded; the server moves the records and settles, and the laptop
// receives the merge at its next sync. Merging again is refused, in the
// command's language.
func TestHouseholdsMergeOnTheServer(t *testing.T) {
	d := mustDistrict(t)
	ids := map[string]syncengine.RowID{}
	d.write(t, "20/12/2025", func(tx *syncengine.Tx) error {
		for _, name := range []string{"Lò Thị Mai", "Lo Thi Mai"} {
			id, err := tx.Insert("households", map[string]any{"commune_code": lacLuong, "head_name": name})
			if err != nil {
				return err
			}
			ids[name] = id
		}
		id, err := tx.Insert("members", map[string]any{"household_id": ids["Lo Thi Mai"].String(), "full_name": "Lò Văn Tú"})
		ids["member"] = id
		return err
	})
	d.sync(t, "22/12/2025")
	keep, drop := ids["Lò Thị Mai"].String(), ids["Lo Thi Mai"].String()
	out, _ := runWant(t, 0, "households", "merge", "--db", d.path, "--json", keep, drop[:18])
	var m struct {
		Kept, Dropped string
		Moved         int
	}
	if err := json.Unmarshal([]byte(out), &m); err != nil || m.Kept != keep || m.Dropped != drop || m.Moved != 1 {
		t.Fatalf("merge printed %s (%v)", out, err)
	}
	var action, target, detail string
	if err := d.db.SQL().QueryRow(`SELECT action, target, detail FROM server_actions ORDER BY id DESC LIMIT 1`).
		Scan(&action, &target, &detail); err != nil || action != "household.merge" || target != keep ||
		!strings.Contains(detail, `"dropped_head":"Lo Thi Mai"`) || !strings.Contains(detail, `"kept_head":"Lò Thị Mai"`) {
		t.Errorf("the action log's last entry: %s of %s, %s (%v); want the merge, naming both heads", action, target, detail, err)
	}
	d.sync(t, "23/12/2025")
	var parent string
	if err := d.laptop.SQL().QueryRowContext(context.Background(), `SELECT household_id FROM members WHERE id = ?`, ids["member"].String()).Scan(&parent); err != nil || parent != keep {
		t.Errorf("on the laptop after its sync the member belongs to %s (%v), want the kept household", parent, err)
	}
	_, stderr := runWant(t, 1, "households", "merge", "--db", d.path, keep, drop)
	if !strings.Contains(stderr, "đã được gộp vào hộ") {
		t.Errorf("merging again: %q, want the refusal in Vietnamese", stderr)
	}
	_, stderr = runWant(t, 1, "--lang", "en", "households", "merge", "--db", d.path, keep, drop)
	if !strings.Contains(stderr, "was already merged into") {
		t.Errorf("merging again in English: %q", stderr)
	}
}
