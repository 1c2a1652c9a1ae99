package schema

import (
	"errors"
	"strings"
	"testing"
)

func mustColumn(t *testing.T, table, column string) *Column {
	t.Helper()
	tbl, ok := TableByName(table)
	if !ok {
		t.Fatalf("no table %s", table)
	}
	c, ok := tbl.Column(column)
	if !ok {
		t.Fatalf("%s has no column %s", table, column)
	}
	return c
}

// TestParseReadsNumbersTheVietnameseWay: '.' groups thousands in groups
// of three, ',' is the decimal mark, for whole numbers and decimals alike;
// what reads two ways, or no way, is refused with how to type it.
func TestParseReadsNumbersTheVietnameseWay(t *testing.T) {
	area := mustColumn(t, "damage_reports", "crop_area_lost_m2")
	loss := mustColumn(t, "damage_reports", "estimated_loss_vnd")
	lat := mustColumn(t, "households", "latitude")
	for _, tc := range []struct {
		c    *Column
		in   string
		want any
	}{
		{area, "1.500", 1500.0},
		{area, "1,5", 1.5},
		{area, "1500", 1500.0},
		{area, "1500,25", 1500.25},
		{area, "1.500,25", 1500.25},
		{area, "12.345.678,5", 12345678.5},
		{area, "0,125", 0.125},
		{area, "1 500", 1500.0},
		{area, " 2,5 ", 2.5},
		{lat, "-12,5", -12.5},
		{loss, "1.500.000", int64(1_500_000)},
		{loss, "1500000", int64(1_500_000)},
		{loss, "1 500 000", int64(1_500_000)},
		{loss, "0", int64(0)},
	} {
		got, err := tc.c.Parse(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("%s.Parse(%q) = %#v, %v; want %#v", tc.c.Name, tc.in, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		c  *Column
		in string
	}{
		{area, "1.5"}, {area, "1,500"}, {area, "1.50.0"}, {area, "1 500,5,3"}, {area, "1.500.00"},
		{area, ".5"}, {area, "1,"}, {area, "1e3"}, {area, "NaN"}, {area, "Inf"}, {area, "0x10"},
		{area, "1.500 000"}, {area, "++1"}, {area, "1.5k"}, {area, "١٢"},
		{loss, "1.5"}, {loss, "1,500"}, {loss, "1,5"}, {loss, "1.500,5"}, {loss, "1.50.0"},
		{loss, "99999999999999999999"},
	} {
		got, err := tc.c.Parse(tc.in)
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeInvalidValue || e.Column != tc.c.Name {
			t.Errorf("%s.Parse(%q) = %#v, %v; want it refused", tc.c.Name, tc.in, got, err)
		}
	}
}

// TestParseRefusalSaysHowToType: a number that reads two ways is refused
// with how to type each.
func TestParseRefusalSaysHowToType(t *testing.T) {
	_, err := mustColumn(t, "damage_reports", "crop_area_lost_m2").Parse("1.5")
	var e *Error
	if !errors.As(err, &e) || e.Reason != ReasonNumberFormat || len(e.Args) != 1 || e.Args[0] != "1.5" {
		t.Fatalf("1.5 refused with %#v, want reason %s and the text", err, ReasonNumberFormat)
	}
	for _, want := range []string{"1.500", "1,5"} {
		if !strings.Contains(e.Message, want) {
			t.Errorf("the refusal %q does not show %s", e.Message, want)
		}
	}
}

// TestFormatReadsBack: what Format writes for people, Parse reads back to
// the same value, grouped where the column holds large numbers.
func TestFormatReadsBack(t *testing.T) {
	area := mustColumn(t, "damage_reports", "crop_area_lost_m2")
	loss := mustColumn(t, "damage_reports", "estimated_loss_vnd")
	year := mustColumn(t, "households", "head_birth_year")
	lat := mustColumn(t, "households", "latitude")
	for _, tc := range []struct {
		c    *Column
		v    any
		want string
	}{
		{area, 1500.0, "1.500"},
		{area, 1500.25, "1.500,25"},
		{area, 1.125, "1,1250"},
		{area, 0.125, "0,125"},
		{area, 1234.125, "1.234,125"},
		{loss, int64(1_500_000), "1.500.000"},
		{loss, int64(-25_000), "-25.000"},
		{year, int64(1985), "1985"},
		{lat, -12.5, "-12,5"},
		{lat, 21.125, "21,1250"},
	} {
		got := tc.c.Format(tc.v)
		if got != tc.want {
			t.Errorf("%s.Format(%v) = %q, want %q", tc.c.Name, tc.v, got, tc.want)
		}
		if back, err := tc.c.Parse(got); err != nil || back != tc.v {
			t.Errorf("%s.Parse(%q) = %#v, %v; want %#v", tc.c.Name, got, back, err, tc.v)
		}
	}
}

func TestFormatFixed(t *testing.T) {
	for _, tc := range []struct {
		f        float64
		decimals int
		want     string
	}{
		{1234567.5, 1, "1.234.567,5"}, {40_000_000, 0, "40.000.000"}, {999, 0, "999"}, {1000, 0, "1.000"},
		{-10, 1, "-10,0"}, {-0.04, 1, "0,0"}, {12.46, 1, "12,5"}, {-1234.5, 2, "-1.234,50"},
	} {
		if got := FormatFixed(tc.f, tc.decimals); got != tc.want {
			t.Errorf("FormatFixed(%v, %d) = %q, want %q", tc.f, tc.decimals, got, tc.want)
		}
	}
}
