package reconcile_test

import (
	"testing"

	"golang.org/x/text/unicode/norm"

	"hodan/reconcile"
)

func TestFold(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"precomposed", "Bùi Văn Thao", "bui van thao"},
		{"no marks", "Bui Van Thao", "bui van thao"},
		{"tone on the given name", "Bùi Văn Thảo", "bui van thao"},
		{"runs of spaces", "Bùi  văn thao", "bui van thao"},
		{"capitals", "BÙI VĂN THAO", "bui van thao"},
		{"decomposed (NFD)", norm.NFD.String("Bùi Văn Thảo"), "bui van thao"},
		{"decomposed capitals", norm.NFD.String("BÙI VĂN THẢO"), "bui van thao"},
		{"đ and Đ", "Đinh Thị Đào", "dinh thi dao"},
		{"horn and circumflex", "Lường Thị Ửng", "luong thi ung"},
		{"stacked marks", "Nguyễn Thị Hường", "nguyen thi huong"},
		{"tabs, newlines, ends", "\t Hà  Thị\nLan  ", "ha thi lan"},
		{"no-break space", "Lò\u00a0Văn Minh", "lo van minh"},
		{"empty", "", ""},
		{"only spaces", "   ", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := reconcile.Fold(tc.in); got != tc.want {
				t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestFoldIsIdempotent(t *testing.T) {
	for _, s := range []string{"Bùi Văn Thảo", "ĐẶNG  THỊ   Ánh", norm.NFD.String("Triệu Đức Hưởng")} {
		once := reconcile.Fold(s)
		if twice := reconcile.Fold(once); twice != once {
			t.Errorf("Fold(Fold(%q)) = %q, Fold = %q", s, twice, once)
		}
	}
}

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		name  string
		a, b  string
		limit int
		want  int
	}{
		{"equal", "bui van thao", "bui van thao", -1, 0},
		{"substitution", "bui van thao", "bui van theo", -1, 1},
		{"insertion", "lo van ba", "lo van bao", -1, 1},
		{"deletion", "ha thi lan", "ha th lan", -1, 1},
		{"adjacent transposition is one edit", "bui van thao", "bui van htao", -1, 1},
		{"optimal string alignment, not full Damerau", "ca", "abc", -1, 3},
		{"two edits", "bui van thao", "bui van thanh", -1, 2},
		{"empty", "", "lo", -1, 2},
		{"cut off at the limit", "bui van thao", "hoang thi mai", 2, 3},
		{"cut off by lengths", "lo a", "nguyen thi huong", 1, 2},
		{"within the limit is exact", "bui van thao", "bui van thanh", 2, 2},
		{"non-ASCII runes", "lò", "lo", -1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := reconcile.Distance([]rune(tc.a), []rune(tc.b), tc.limit); got != tc.want {
				t.Errorf("Distance(%q, %q, %d) = %d, want %d", tc.a, tc.b, tc.limit, got, tc.want)
			}
			if got := reconcile.Distance([]rune(tc.b), []rune(tc.a), tc.limit); got != tc.want {
				t.Errorf("Distance(%q, %q, %d) = %d, want %d (not symmetric)", tc.b, tc.a, tc.limit, got, tc.want)
			}
		})
	}
}

func TestAlike(t *testing.T) {
	for _, tc := range []struct {
		name  string
		a, b  string
		alike bool
	}{
		{"spellings of one name", "Bùi Văn Thao", "BUI  van THẢO", true},
		{"long names two edits apart", "Bùi Văn Thao", "Bùi Văn Thanh", true},
		{"long names three edits apart", "Bùi Văn Thao", "Bùi Văn Thành A", false},
		{"short names one edit apart", "Lò Văn Ba", "Lò Văn Bao", true},
		{"short names two edits apart", "Lò Văn Ba", "Lò Văn Hải", false},
		{"a short name and a long one two edits apart", "Lò Văn Nam", "Lò Văn Nam A", false},
		{"typo across the tone (transposition)", "Đinh Thị Mai", "Đinh Thị Mia", true},
		{"different people", "Bùi Văn Thao", "Hoàng Thị Mai", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, alike := reconcile.Alike([]rune(reconcile.Fold(tc.a)), []rune(reconcile.Fold(tc.b)))
			if alike != tc.alike {
				t.Errorf("Alike(%q, %q) = %v (distance %d), want %v", tc.a, tc.b, alike, d, tc.alike)
			}
		})
	}
}

func TestTolerance(t *testing.T) {
	for _, tc := range []struct{ m, n, want int }{
		{11, 11, 1}, {11, 20, 1}, {reconcile.LongName, reconcile.LongName, 2}, {20, reconcile.LongName, 2},
	} {
		if got := reconcile.Tolerance(tc.m, tc.n); got != tc.want {
			t.Errorf("Tolerance(%d, %d) = %d, want %d", tc.m, tc.n, got, tc.want)
		}
	}
}
