package cli

import (
	"context"
	"strings"
	"testing"

	"hodan/syncengine"
)

// TestDeviceListShowsNames: device list names the officer, the communes
// by name and when the laptop last sent its records, dd/mm/yyyy HH:MM in
// Vietnam's time; in Vietnamese, or in English when asked.
func TestDeviceListShowsNames(t *testing.T) {
	d := mustStory(t)
	out, _ := runWant(t, 0, "device", "list", "--db", d.path)
	for _, want := range []string{"CÁN BỘ", "GỬI DỮ LIỆU LẦN CUỐI", "Bùi Văn Thao", "Xã Lạc Lương", "12/01/2026 10:00", "đang dùng", d.laptop.Site().String()} {
		if !strings.Contains(out, want) {
			t.Errorf("device list lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, lacLuong) || strings.Contains(out, "2026-01-12") {
		t.Errorf("device list shows a commune's code or an ISO date:\n%s", out)
	}
	out, _ = runWant(t, 0, "--lang", "en", "device", "list", "--db", d.path)
	if !strings.Contains(out, "LAST SENT") || !strings.Contains(out, "active") || !strings.Contains(out, "12/01/2026 10:00") {
		t.Errorf("device list in English:\n%s", out)
	}
	site := d.laptop.Site().String()
	out, _ = runWant(t, 0, "device", "revoke", "--db", d.path, site[:12])
	if !strings.Contains(out, "Đã thu hồi máy của Bùi Văn Thao (Xã Lạc Lương)") {
		t.Errorf("device revoke says %q", out)
	}
	for args, want := range map[string][]string{
		"đã bị thu hồi trước đây":               {"device", "revoke", "--db", d.path, site[:12]},
		"không tìm được đúng một máy":           {"device", "revoke", "--db", d.path, "ffff"},
		"was already revoked":                   {"--lang", "en", "device", "revoke", "--db", d.path, site},
		"ghi họ tên cán bộ với --officer":       {"enroll", "--db", d.path, "--commune", lacLuong},
		"không phải mã xã":                      {"enroll", "--db", d.path, "--commune", "1234", "--officer", "Lò Văn Minh"},
		"mã phải dùng được trong một thời gian": {"enroll", "--db", d.path, "--commune", lacLuong, "--officer", "Lò Văn Minh", "--ttl", "0s"},
	} {
		if _, stderr := runWant(t, 1, want...); !strings.Contains(stderr, args) {
			t.Errorf("hodan-server %v: %q, want it to say %q", want, stderr, args)
		}
	}
	_, stderr := runWant(t, 0, "enroll", "--db", d.path, "--commune", lacLuong, "--officer", "Lò Văn Minh", "--ttl", "48h")
	if !strings.Contains(stderr, "Mã dùng một lần cho Lò Văn Minh (Xã Lạc Lương), dùng được đến ") {
		t.Errorf("enroll says %q", stderr)
	}
}

// TestDuplicatesShowNames: households duplicates names each household by
// its head, birth year, number and village, and gives the id that
// `hodan household merge` takes; the reasons in the reader's language.
func TestDuplicatesShowNames(t *testing.T) {
	d := mustStory(t)
	ids := map[string]string{}
	err := d.db.Write(context.Background(), func(tx *syncengine.Tx) error {
		village, err := tx.Insert("villages", map[string]any{"commune_code": lacLuong, "name": "Nà Xoong"})
		if err != nil {
			return err
		}
		for _, h := range [][2]string{{"a", "Lường Văn Sơn"}, {"b", "Luong Van Son"}} {
			id, err := tx.Insert("households", map[string]any{"commune_code": lacLuong, "village_id": village.String(),
				"head_name": h[1], "head_birth_year": 1971, "household_number": "12"})
			if err != nil {
				return err
			}
			ids[h[0]] = id.String()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := runWant(t, 0, "households", "duplicates", "--db", d.path)
	for _, want := range []string{"Lường Văn Sơn (1971), hộ số 12, thôn Nà Xoong", "Luong Van Son (1971)", "cùng tên", "cùng thôn",
		"cùng số hộ", ids["a"], ids["b"], "1 cặp.", "hodan household merge"} {
		if !strings.Contains(out, want) {
			t.Errorf("households duplicates lacks %q:\n%s", want, out)
		}
	}
	out, _ = runWant(t, 0, "--lang", "en", "households", "duplicates", "--db", d.path)
	for _, want := range []string{"Lường Văn Sơn (1971), no. 12, village Nà Xoong", "same name", "1 pair."} {
		if !strings.Contains(out, want) {
			t.Errorf("households duplicates in English lacks %q:\n%s", want, out)
		}
	}
}

// TestReportIndicatorsTextInEnglish: with --lang en the report's table is
// English, its numbers as English write them.
func TestReportIndicatorsTextInEnglish(t *testing.T) {
	d := mustStory(t)
	out, _ := runWant(t, 0, "--lang", "en", "report", "indicators", "--db", d.path, "--period", "2025", "--as-of", "12/01/2026")
	for _, want := range []string{"Year 2025 (from 01/01/2025 to 31/12/2025)", "Data as of the end of 12/01/2026", "POVERTY", "Poverty rate",
		"50.0%", "40,000,000", "Total", "Xã Lạc Lương", "Bùi Văn Thao"} {
		if !strings.Contains(out, want) {
			t.Errorf("the English table has no %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Tỷ lệ hộ nghèo") || strings.Contains(out, "Tổng số") {
		t.Errorf("the English table says Vietnamese:\n%s", out)
	}
}
