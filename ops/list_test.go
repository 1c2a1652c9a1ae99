package ops

import (
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// TestSearchFoldsDiacritics: "thi mai" finds "Lò Thị Mai", however typed.
func TestSearchFoldsDiacritics(t *testing.T) {
	rows := []Record{
		{"id": "1", "head_name": "Lò Thị Mai"},
		{"id": "2", "head_name": norm.NFD.String("LÒ THỊ  MAI")},
		{"id": "3", "head_name": "Lò Văn Minh"},
		{"id": "4", "head_name": "Đinh Thị Mài"},
	}
	for _, tc := range []struct {
		search string
		limit  int
		want   string
	}{
		{"thi mai", 0, "1 2 4"},
		{"Thị Mai", 0, "1 2 4"},
		{"lo thi", 0, "1 2"},
		{"dinh", 0, "4"},
		{"thi mai", 1, "1"},
		{"hoa", 0, ""},
	} {
		var got []string
		for _, r := range matching(rows, "head_name", tc.search, tc.limit) {
			got = append(got, r["id"].(string))
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("search %q (limit %d): %v, want %s", tc.search, tc.limit, got, tc.want)
		}
	}
}
