package app

import (
	"strings"
	"testing"
)

// TestAddTakesWordsNotCodes: an officer types what a value means, as the
// help shows it — "cận nghèo", "nữ", "Mường", a village's name — and the
// record holds the schema's values; what fits nothing is refused, saying
// what the column takes.
func TestAddTakesWordsNotCodes(t *testing.T) {
	b := mustVisitBench(t, langVI)
	village := b.add(t, "villages", map[string]any{"name": "Bản Lác", "commune_code": "05362"})
	out, errOut, code := b.hodan(t, "household", "add", "--head-name", "Hà Thị Mai", "--head-sex", "Nữ",
		"--poverty-status", "can ngheo", "--ethnicity-code", "Mường", "--housing-condition", "nhà tạm", "--village-id", "ban lac")
	if code != 0 {
		t.Fatalf("household add in words: exit %d\n%s%s", code, out, errOut)
	}
	got := b.query(t, `SELECT head_sex || ' ' || poverty_status || ' ' || ethnicity_code || ' ' || housing_condition || ' ' || village_id FROM households`)
	if want := "female near_poor 06 makeshift " + village; len(got) != 1 || got[0] != want {
		t.Errorf("household %v, want %q", got, want)
	}
	if _, errOut, code := b.hodan(t, "household", "set", "Hà Thị Mai", "poverty-status=Hộ nghèo"); code != 0 {
		t.Errorf("household set in words: exit %d\n%s", code, errOut)
	}
	if got := b.query(t, `SELECT poverty_status FROM households`); got[0] != "poor" {
		t.Errorf("poverty status %v after set, want poor", got[0])
	}
	out, errOut, code = b.hodan(t, "household", "show", "Hà Thị Mai")
	for _, want := range []string{"Hộ nghèo", "Nữ", "Mường", "Nhà tạm", "Lạc Lương", "Bản Lác"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("household show: exit %d, want %q in\n%s%s", code, want, out, errOut)
		}
	}
	if strings.Contains(out, "makeshift") || strings.Contains(out, "05362") || strings.Contains(out, village) {
		t.Errorf("household show prints codes:\n%s", out)
	}
	if out, _, _ = b.hodan(t, "household", "list"); !strings.Contains(out, "Hộ nghèo") {
		t.Errorf("household list without the household's poverty status:\n%s", out)
	}
	if _, errOut, code := b.hodan(t, "member", "add", "--household-id", "Hà Thị Mai", "--full-name", "Hà Văn Dũng", "--sex", "nam"); code != 0 {
		t.Fatalf("member add: exit %d\n%s", code, errOut)
	}
	household := b.query(t, `SELECT id FROM households`)[0].(string)
	if out, _, _ = b.hodan(t, "member", "list"); !strings.Contains(out, "Hà Thị Mai") || strings.Contains(out, household) {
		t.Errorf("member list does not name the member's household by its head:\n%s", out)
	}
	b.a.lang = langEN
	if out, _, _ = b.hodan(t, "household", "show", "Hà Thị Mai"); !strings.Contains(out, "Poor household") || !strings.Contains(out, "Makeshift house") || !strings.Contains(out, "Mường") {
		t.Errorf("household show in English:\n%s", out)
	}
	b.a.lang = langVI
	_, errOut, code = b.hodan(t, "household", "add", "--head-name", "Lò Văn Páo", "--poverty-status", "giàu")
	if code == 0 || !strings.Contains(errOut, "giàu") || !strings.Contains(errOut, "poverty_status") {
		t.Errorf("a value the column does not take: exit %d, stderr %q; want a refusal naming it", code, errOut)
	}
	if n := b.query(t, `SELECT count(*) FROM households`); n[0] != int64(1) {
		t.Errorf("%v households, want 1", n[0])
	}
}
