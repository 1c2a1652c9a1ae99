package schema

import (
	"math"
	"testing"
)

func TestNumberWords(t *testing.T) {
	for n, want := range map[int64]string{
		0:                 "không",
		5:                 "năm",
		10:                "mười",
		11:                "mười một",
		14:                "mười bốn",
		15:                "mười lăm",
		20:                "hai mươi",
		21:                "hai mươi mốt",
		24:                "hai mươi tư",
		25:                "hai mươi lăm",
		100:               "một trăm",
		105:               "một trăm linh năm",
		110:               "một trăm mười",
		999:               "chín trăm chín mươi chín",
		1_000:             "một nghìn",
		1_005:             "một nghìn không trăm linh năm",
		1_500:             "một nghìn năm trăm",
		500_000:           "năm trăm nghìn",
		1_000_500:         "một triệu năm trăm",
		1_050_000:         "một triệu không trăm năm mươi nghìn",
		1_500_000:         "một triệu năm trăm nghìn",
		25_000_000:        "hai mươi lăm triệu",
		1_000_000_000:     "một tỷ",
		1_005_000_000:     "một tỷ không trăm linh năm triệu",
		2_000_000_021:     "hai tỷ không trăm hai mươi mốt",
		1_500_000_000_000: "một nghìn năm trăm tỷ",
		1e15:              "một triệu tỷ",
		-25_000:           "âm hai mươi lăm nghìn",
		math.MinInt64:     "âm chín tỷ hai trăm hai mươi ba triệu ba trăm bảy mươi hai nghìn không trăm ba mươi sáu tỷ tám trăm năm mươi tư triệu bảy trăm bảy mươi lăm nghìn tám trăm linh tám",
	} {
		if got := NumberWords(n); got != want {
			t.Errorf("NumberWords(%d) = %q, want %q", n, got, want)
		}
	}
}
