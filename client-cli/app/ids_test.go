package app

import (
	"strings"
	"testing"
)

// TestCommandsTakeAnIDPrefix: every command that takes a record's id
// takes a unique prefix of it, of 8 characters or more; an ambiguous one
// is refused, listing the records it could be by name.
func TestCommandsTakeAnIDPrefix(t *testing.T) {
	// Ids are time-ordered: two made in the same minute share their first
	// 8 characters; made across a minute's turn, they are made again.
	var b *visitBench
	var mai, pao string
	for try := 0; try < 3 && (b == nil || mai[:8] != pao[:8]); try++ {
		b = mustVisitBench(t, langVI)
		mai = b.add(t, "households", map[string]any{"head_name": "Hà Thị Mai"})
		pao = b.add(t, "households", map[string]any{"head_name": "Lò Văn Páo"})
	}
	if mai[:8] != pao[:8] {
		t.Fatalf("ids %s and %s share no 8 characters", mai, pao)
	}
	unique := func(id, other string) string { // the shortest prefix of id that other does not share
		for n := 8; n <= len(id); n++ {
			if id[:n] != other[:n] {
				return id[:n]
			}
		}
		return id
	}
	out, errOut, code := b.hodan(t, "household", "show", unique(mai, pao))
	if code != 0 || !strings.Contains(out, "Hà Thị Mai") {
		t.Errorf("household show %s: exit %d\n%s%s", unique(mai, pao), code, out, errOut)
	}
	if _, errOut, code := b.hodan(t, "household", "set", strings.ToUpper(unique(pao, mai)), "address=Nà Lầu"); code != 0 {
		t.Errorf("household set by an upper-case prefix: exit %d\n%s", code, errOut)
	}
	if got := b.query(t, `SELECT address FROM households WHERE id = ?`, pao); got[0] != "Nà Lầu" {
		t.Errorf("address %v, want Nà Lầu", got[0])
	}
	if _, errOut, code := b.hodan(t, "member", "add", "--household-id", unique(mai, pao), "--full-name", "Hà Văn Dũng"); code != 0 {
		t.Errorf("member add --household-id by prefix: exit %d\n%s", code, errOut)
	}
	if got := b.query(t, `SELECT household_id FROM members`); len(got) != 1 || got[0] != mai {
		t.Errorf("member's household %v, want %s", got, mai)
	}
	_, errOut, code = b.hodan(t, "household", "show", mai[:8])
	if code != 1 || !strings.Contains(errOut, "Hà Thị Mai") || !strings.Contains(errOut, "Lò Văn Páo") || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
		t.Errorf("an ambiguous prefix: exit %d, stderr %q; want one line naming both households", code, errOut)
	}
	if _, errOut, code = b.hodan(t, "household", "delete", mai[:4]); code != 1 || !strings.Contains(errOut, "8") {
		t.Errorf("a prefix of 4: exit %d, stderr %q; want a refusal saying 8 characters", code, errOut)
	}
	if _, errOut, code = b.hodan(t, "household", "show", "ffffffff"); code != 1 || !strings.Contains(errOut, "ffffffff") {
		t.Errorf("a prefix of nothing: exit %d, stderr %q", code, errOut)
	}
	// By name as people type it: case, accents and punctuation aside.
	if out, errOut, code := b.hodan(t, "household", "show", "lo van PAO"); code != 0 || !strings.Contains(out, "Nà Lầu") {
		t.Errorf("household show by its head's name: exit %d\n%s%s", code, out, errOut)
	}
	if _, errOut, code := b.hodan(t, "member", "add", "--household-id", "Hà Thị Mai", "--full-name", "Hà Thị Lan"); code != 0 {
		t.Errorf("member add --household-id by name: exit %d\n%s", code, errOut)
	}
	if got := b.query(t, `SELECT household_id FROM members WHERE full_name = 'Hà Thị Lan'`); len(got) != 1 || got[0] != mai {
		t.Errorf("Lan's household %v, want %s", got, mai)
	}
	if _, errOut, code = b.hodan(t, "household", "show", "Lò Văn Pó"); code != 1 || !strings.Contains(errOut, "Lò Văn Pó") {
		t.Errorf("a name nobody has: exit %d, stderr %q", code, errOut)
	}
	twin := b.add(t, "households", map[string]any{"head_name": "Hà Thị Mai"})
	if _, errOut, code = b.hodan(t, "household", "delete", "Ha Thi Mai"); code != 1 || strings.Count(errOut, "Hà Thị Mai") < 2 {
		t.Errorf("a name two households have: exit %d, stderr %q; want a refusal naming both", code, errOut)
	}
	// Merged, the two are one household, known by the one kept.
	if _, errOut, code = b.hodan(t, "household", "merge", mai, twin); code != 0 {
		t.Fatalf("household merge: exit %d\n%s", code, errOut)
	}
	if out, errOut, code = b.hodan(t, "household", "show", "Hà Thị Mai"); code != 0 || !strings.Contains(out, mai) {
		t.Errorf("household show by the name of a merged pair: exit %d\n%s%s", code, out, errOut)
	}
	if n := b.query(t, `SELECT count(*) FROM households`); n[0] != int64(3) {
		t.Errorf("%v households, want 3", n[0])
	}
}
