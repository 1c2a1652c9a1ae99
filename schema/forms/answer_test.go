package forms_test

import (
	"errors"
	"reflect"
	"testing"

	"hodan/schema/forms"
)

func question(t *testing.T, form, id string) *forms.Question {
	t.Helper()
	f, ok := forms.All().ByID(form)
	if !ok {
		t.Fatalf("no form %s", form)
	}
	q, ok := f.Question(id)
	if !ok {
		t.Fatalf("form %s has no question %s", form, id)
	}
	return q
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		form, q, input string
		want           any
		code           string
	}{
		{"poverty_review", "area", "1", "rural", ""},
		{"poverty_review", "area", "urban", "urban", ""},
		{"poverty_review", "area", "3", nil, forms.CodeNotChoice},
		{"poverty_review", "area", "", nil, forms.CodeRequired},
		{"poverty_review", "members", "4", int64(4), ""},
		{"poverty_review", "members", "0", nil, forms.CodeOutOfRange},
		{"poverty_review", "members", "bốn", nil, forms.CodeNotNumber},
		{"poverty_review", "income_vnd", "4.500.000", int64(4_500_000), ""},
		{"poverty_review", "income_vnd", "4,5tr", int64(4_500_000), ""},
		{"poverty_review", "income_vnd", "4 500 000 đ", int64(4_500_000), ""},
		{"poverty_review", "income_vnd", "2000000000", nil, forms.CodeOutOfRange},
		{"poverty_review", "income_vnd", "nhiều", nil, forms.CodeNotMoney},
		{"poverty_review", "dep_clean_water", "có", true, ""},
		{"poverty_review", "dep_clean_water", "k", false, ""},
		{"poverty_review", "dep_clean_water", "maybe", nil, forms.CodeNotYesNo},
		{"poverty_review", "housing_condition", "", nil, ""},
		{"support_delivery", "project_code", "DA1.ND2", "DA1.ND2", ""},
		{"support_delivery", "project_code", "DA99", nil, forms.CodeInvalid},
		{"support_delivery", "delivered_date", "05/03/2026", "2026-03-05", ""},
		{"support_delivery", "delivered_date", "31/02/2026", nil, forms.CodeNotDate},
		{"support_delivery", "quantity", "2,5", 2.5, ""},
		{"prestige_visit", "gift_amount_vnd", "500.000", int64(500_000), ""},
		{"prestige_visit", "gift_amount_vnd", "600.000", nil, forms.CodeOutOfRange},
		{"damage_assessment", "people_dead", "-1", nil, forms.CodeOutOfRange},
		// Numbers as Vietnamese write them: '.' groups thousands, ',' is the decimal mark.
		{"damage_assessment", "crop_area_lost_m2", "1.500", 1500.0, ""},
		{"damage_assessment", "crop_area_lost_m2", "1,5", 1.5, ""},
		{"damage_assessment", "crop_area_lost_m2", "1.5", nil, forms.CodeNotNumber},
		{"damage_assessment", "crop_area_lost_m2", "1,500", nil, forms.CodeNotNumber},
		{"damage_assessment", "crop_area_lost_m2", "1e3", nil, forms.CodeNotNumber},
		{"damage_assessment", "estimated_loss_vnd", "1.500.000", int64(1_500_000), ""},
		{"damage_assessment", "estimated_loss_vnd", "1,5tr", int64(1_500_000), ""},
		{"damage_assessment", "estimated_loss_vnd", "1.5", nil, forms.CodeNotMoney},
		{"damage_assessment", "estimated_loss_vnd", "1,500", nil, forms.CodeNotMoney},
		{"damage_assessment", "estimated_loss_vnd", "1.50.0", nil, forms.CodeNotMoney},
		{"damage_assessment", "estimated_loss_vnd", "1.5 triệu", nil, forms.CodeNotMoney},
		{"damage_assessment", "livestock_lost", "1.200", int64(1200), ""},
		{"damage_assessment", "livestock_lost", "1,2", nil, forms.CodeNotNumber},
		// Text: cleaned to NFC; control and bidi characters refused.
		{"damage_assessment", "event", "Bão Yagi", "Bão Yagi", ""},
		{"damage_assessment", "event", "Bão\x1b]0;x\x07", nil, forms.CodeInvalid},
		{"damage_assessment", "notes", "Mái \u202etôn", nil, forms.CodeInvalid},
	} {
		got, err := question(t, tc.form, tc.q).Parse(tc.input)
		var ae *forms.AnswerError
		switch {
		case tc.code == "" && (err != nil || !reflect.DeepEqual(got, tc.want)):
			t.Errorf("%s %s %q: got %#v, %v; want %#v", tc.form, tc.q, tc.input, got, err, tc.want)
		case tc.code != "" && (!errors.As(err, &ae) || ae.Code != tc.code):
			t.Errorf("%s %s %q: got %#v, %v; want an error %s", tc.form, tc.q, tc.input, got, err, tc.code)
		}
	}
}

func TestRows(t *testing.T) {
	pre, _ := forms.All().ByID("prestige_visit")
	member := "0190f5c2-0000-7000-8000-000000000001"
	gift := forms.Answers{"member": member, "is_prestige": true, "occasion": "tet", "gift": true, "gift_amount_vnd": int64(500_000), "notes": "Tết"}
	rows := pre.Rows(gift)
	want := map[string]map[string]any{
		"visits":          {"notes": "Tết"},
		"members":         {"is_prestige": int64(1)},
		"support_records": {"amount_vnd": int64(500_000), "kind": "gift", "program": "other", "status": "delivered"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows with a gift:\n got %v\nwant %v", rows, want)
	}
	if id, ok := pre.MemberID(gift); !ok || id != member {
		t.Errorf("member %q, %v", id, ok)
	}
	// The officer answered the gift's value, went back and said no gift.
	gift["gift"] = false
	if rows := pre.Rows(gift); rows["support_records"] != nil {
		t.Errorf("no gift, yet a support record: %v", rows)
	}
	if _, kept := pre.Kept(gift)["gift_amount_vnd"]; kept {
		t.Error("the value of a gift not given is kept")
	}
}
