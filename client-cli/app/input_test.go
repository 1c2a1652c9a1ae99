package app

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// hodan runs the command line, as the binary does, on the bench's
// database, and returns what it printed and its exit status.
func (b *visitBench) hodan(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := Env{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }, Now: b.a.env.Now}
	code = Run(context.Background(), append([]string{"--db", b.a.dbPath, "--lang", string(b.a.lang)}, args...), env)
	return out.String(), errOut.String(), code
}

// TestAddReadsVietnameseNumbersAndEchoesThem: on the command line, 1.500
// is one thousand five hundred and 1.500.000 one and a half million, as
// Vietnamese write them; what was stored is said back on stderr, grouped,
// money in words, while stdout keeps only the id.
func TestAddReadsVietnameseNumbersAndEchoesThem(t *testing.T) {
	b := mustVisitBench(t, langVI)
	h := b.add(t, "households", map[string]any{"head_name": "Hà Thị Mai"})
	out, errOut, code := b.hodan(t, "damage", "add", "--household-id", h, "--event", "Bão Yagi",
		"--crop-area-lost-m2", "1.500", "--estimated-loss-vnd", "1.500.000")
	if code != 0 {
		t.Fatalf("damage add: exit %d\n%s", code, errOut)
	}
	id, err := uuid.Parse(strings.TrimSpace(out))
	if err != nil {
		t.Fatalf("stdout is not the id alone: %q", out)
	}
	got := b.query(t, `SELECT crop_area_lost_m2, estimated_loss_vnd FROM damage_reports WHERE id = ?`, id.String())
	if len(got) != 2 || got[0] != 1500.0 || got[1] != int64(1_500_000) {
		t.Errorf("stored %v, want 1500 m² and 1500000 đồng", got)
	}
	for _, want := range []string{"1.500", "1.500.000 đồng (một triệu năm trăm nghìn đồng)"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr does not say %q:\n%s", want, errOut)
		}
	}
	_, errOut, code = b.hodan(t, "damage", "set", id.String(), "crop_area_lost_m2=2,5")
	if code != 0 || !strings.Contains(errOut, "2,5") {
		t.Errorf("damage set crop_area_lost_m2=2,5: exit %d, stderr:\n%s", code, errOut)
	}
	if got := b.query(t, `SELECT crop_area_lost_m2 FROM damage_reports WHERE id = ?`, id.String()); got[0] != 2.5 {
		t.Errorf("stored %v after set, want 2.5", got[0])
	}
}

// TestAddRefusesAmbiguousNumbers: 1.5 and 1,500 read one way in
// Vietnamese and another in English: refused, saying how to type each,
// and nothing written.
func TestAddRefusesAmbiguousNumbers(t *testing.T) {
	b := mustVisitBench(t, langVI)
	h := b.add(t, "households", map[string]any{"head_name": "Hà Thị Mai"})
	for _, flags := range [][]string{
		{"--crop-area-lost-m2", "1.5"},
		{"--crop-area-lost-m2", "1,500"},
		{"--estimated-loss-vnd", "1.5"},
		{"--estimated-loss-vnd", "1.50.0"},
	} {
		_, errOut, code := b.hodan(t, append([]string{"damage", "add", "--household-id", h, "--event", "Bão Yagi"}, flags...)...)
		if code != 1 || !strings.Contains(errOut, "viết 1.500 cho một nghìn năm trăm, 1,5 cho một phẩy năm") {
			t.Errorf("%v: exit %d, stderr %q; want a refusal saying how to type it", flags, code, errOut)
		}
	}
	if n := b.query(t, `SELECT count(*) FROM damage_reports`); n[0] != int64(0) {
		t.Errorf("%v damage reports written", n[0])
	}
}

// TestVisitNewEchoesNumbersAsRead: the guided form reads 1.500 as one
// thousand five hundred, shows the number it read right after the answer
// and on the review, money with its amount in words, and refuses 1.5.
func TestVisitNewEchoesNumbersAsRead(t *testing.T) {
	b := mustVisitBench(t, langVI)
	h := b.add(t, "households", map[string]any{"head_name": "Hà Thị Mai"})
	screen := b.run(t, h, "damage_assessment",
		"Bão số 3 (Yagi)", "07/09/2024", "3",
		"1.5", "1.500", // refused as ambiguous, then one thousand five hundred
		"", "0", "-", "1.500.000", "Mái tôn bay", "c")
	for _, want := range []string{
		"viết 1.500 cho một nghìn năm trăm, 1,5 cho một phẩy năm",
		"→ 1.500\n",
		"→ 1.500.000 đồng (một triệu năm trăm nghìn đồng)",
		": 1.500\n",
		": 1.500.000 đồng (một triệu năm trăm nghìn đồng)\n",
	} {
		if !strings.Contains(screen, want) {
			t.Errorf("the screen does not say %q:\n%s", want, screen)
		}
	}
	got := b.query(t, `SELECT crop_area_lost_m2, estimated_loss_vnd FROM damage_reports WHERE household_id = ?`, h)
	if len(got) != 2 || got[0] != 1500.0 || got[1] != int64(1_500_000) {
		t.Errorf("stored %v, want 1500 m² and 1500000 đồng", got)
	}
}

// TestTimesReadDayFirstOnTheLaptopsClock: one way of writing a time for
// people, in both languages: the laptop's local time, dd/mm/yyyy HH:MM.
func TestTimesReadDayFirstOnTheLaptopsClock(t *testing.T) {
	at := time.Date(2026, 5, 12, 2, 30, 0, 0, time.UTC)
	want := at.Local().Format("02/01/2006 15:04")
	for _, l := range []lang{langVI, langEN} {
		if got := (&app{lang: l}).dateTime(at); got != want {
			t.Errorf("%s: %s reads %q, want %q", l, at, got, want)
		}
	}
}
