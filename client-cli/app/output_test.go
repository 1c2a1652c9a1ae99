package app

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"hodan/ops"
	"hodan/schema"
)

// TestTablesFit80Columns prints households with long Vietnamese names,
// precomposed and decomposed, and checks every line fits 80 columns, the
// ids are whole, cut cells end with "…", and columns left out are said.
func TestTablesFit80Columns(t *testing.T) {
	households := schema.Households
	long := "Nguyễn Thị Thanh Hương Hoàng Phương Thảo Nguyên"
	ids := []string{"01a20a98-052f-78ab-aa66-09d3e3ac2770", "01a20a98-0566-72d4-89ea-9c827303c282"}
	rows := []ops.Record{
		{"id": ids[0], "commune_code": "05362", "household_number": "HN-0001-2026-BẢN-LÁC", "head_name": long,
			"ethnicity_code": "07", "poverty_status": "near_poor", "housing_condition": "semi_solid"},
		{"id": ids[1], "commune_code": "05362", "head_name": norm.NFD.String(long), "poverty_status": "poor"},
	}
	for _, l := range []lang{langVI, langEN} {
		a := &app{lang: l}
		var out bytes.Buffer
		if err := a.printTable(&out, households, append([]string{"id"}, households.Summary...), rows); err != nil {
			t.Fatal(err)
		}
		text := out.String()
		for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
			if w := textWidth(line); w > 80 {
				t.Errorf("%s: line of %d columns: %q", l, w, line)
			}
		}
		for _, id := range ids {
			if !strings.Contains(text, id) {
				t.Errorf("%s: id %s is not shown whole:\n%s", l, id, text)
			}
		}
		if !strings.Contains(text, "Nguyễn Thị") || !strings.Contains(text, "…") {
			t.Errorf("%s: the long name is not shown cut with …:\n%s", l, text)
		}
		shown := len(regexp.MustCompile(`  +`).Split(strings.SplitN(text, "\n", 2)[0], -1))
		if shown < 3 || !strings.Contains(text, tr(l, "table.hidden", 1+len(households.Summary)-shown, "household")) {
			t.Errorf("%s: the columns left out are not said:\n%s", l, text)
		}
	}
}

func TestFitTableKeepsWhatFits(t *testing.T) {
	var out bytes.Buffer
	head := []string{"MÃ", "TÊN"}
	rows := [][]string{{"01", "Kinh"}, {"07", "Mường"}}
	hidden, err := fitTable(&out, 80, head, rows, 1)
	if err != nil || hidden != 0 {
		t.Fatalf("hidden %d, %v", hidden, err)
	}
	if want := "MÃ  TÊN\n01  Kinh\n07  Mường\n"; out.String() != want {
		t.Errorf("got\n%q\nwant\n%q", out.String(), want)
	}
}

func TestCutCountsCharactersNotBytes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"Lò Thị Mai", 10, "Lò Thị Mai"},
		{"Lò Thị Mai", 6, "Lò Th…"},
		{norm.NFD.String("Lò Thị Mai"), 6, norm.NFD.String("Lò Th") + "…"},
	} {
		if got := cut(tc.in, tc.n); got != tc.want || textWidth(got) > tc.n {
			t.Errorf("cut(%q, %d) = %q (%d columns), want %q", tc.in, tc.n, got, textWidth(got), tc.want)
		}
	}
}
