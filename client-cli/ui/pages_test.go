package ui_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"hodan/internal/web/webtest"
	"hodan/ops"
	"hodan/schema"
)

// notForPeople is what a page must never show a person: a record's id,
// an ISO date, a catalogue key, an enumeration's code.
var notForPeople = regexp.MustCompile(`[0-9a-f]{8}-?[0-9a-f]{4}|\b\d{4}-\d{2}-\d{2}\b|\b(ui|column|table|noun)\.[a-z_]+|\b(near_poor|semi_solid|new_house|ntp_1719)\b`)

// TestEveryPageSaysNamesNotCodes opens every page of a laptop holding a
// household with a village, an ethnic group, members, a visit, support
// and damage: each fits the screen, writes nothing to the console, and
// shows names and dd/mm/yyyy dates, never ids, ISO dates or codes; the
// same pages come in English when asked, and hold to the same.
func TestEveryPageSaysNamesNotCodes(t *testing.T) {
	s := mustApp(t, mustLaptop(t, mustServer(t), "Lò Văn Minh"), 0)
	ctx := context.Background()
	dev, _ := ops.LoadDevice(ctx, s.db)
	who, day := dev.Actor(), ops.Day{Date: time.Now().Format(time.DateOnly)}
	add := func(tbl *schema.Table, values map[string]any) string {
		t.Helper()
		id, err := ops.AddRecord(ctx, s.db, who, tbl, values, day)
		if err != nil {
			t.Fatal(err)
		}
		return id.String()
	}
	village := add(schema.Villages, map[string]any{schema.ColCommuneCode: lacLuong, schema.ColName: "Bản Nà Khương"})
	id := add(schema.Households, map[string]any{schema.ColCommuneCode: lacLuong, schema.ColHeadName: "Lò Văn Sáu", schema.ColVillageID: village,
		schema.ColEthnicityCode: "03", schema.ColPovertyStatus: "near_poor", "housing_condition": "semi_solid", schema.ColHouseholdNumber: "12"})
	member := add(schema.Members, map[string]any{schema.ColHouseholdID: id, schema.ColFullName: "Lò Thị Hoa", schema.ColBirthYear: int64(1978), "relation": "spouse"})
	add(schema.Visits, map[string]any{schema.ColHouseholdID: id, schema.ColVisitDate: day.Date, schema.ColPurpose: "poverty_review"})
	support := add(schema.SupportRecords, map[string]any{schema.ColHouseholdID: id, schema.ColProgram: "ntp_1719", "project_code": "DA1.ND2", schema.ColKind: "new_house",
		schema.ColAmountVND: int64(40000000), schema.ColStatus: "delivered", schema.ColDeliveredDate: day.Date})
	add(schema.DamageReports, map[string]any{schema.ColHouseholdID: id, schema.ColEvent: "Bão số 3", schema.ColEventDate: day.Date, schema.ColHouseDamage: "partial"})

	b := mustBrowser(t)
	s.open(t, b)
	pages := map[string]string{
		"home": "/", "households": "/households", "household": "/households/" + id, "villages": "/villages",
		"member": "/records/members/" + member, "support": "/records/support_records/" + support,
		"history": "/records/households/" + id + "/history", "edit": "/records/households/" + id + "/edit",
		"add-support": "/records/support_records/new?household=" + id, "add-visit": "/records/visits/new?household=" + id,
		"delete": "/records/households/" + id + "/delete", "forms": "/households/" + id + "/visit",
		"conflicts": "/conflicts", "duplicates": "/duplicates", "import": "/import", "export": "/export", "sync": "/sync",
	}
	everyPage := func(suffix string) {
		t.Helper()
		for name, path := range pages {
			b.Do(navigate(s.url + path))
			text := b.Text("body")
			if bad := notForPeople.FindAllString(text, -1); len(bad) > 0 {
				t.Errorf("%s%s shows %q", name, suffix, bad)
			}
			if bad := webtest.CodesInWords(b.TextNodes()); b.English() && len(bad) > 0 {
				t.Errorf("%s%s shows codes where labels belong: %q", name, suffix, bad)
			}
			if b.English() && strings.Contains(text, "hộ số") {
				t.Errorf("%s%s names a household in Vietnamese: %q", name, suffix, text)
			}
			shot(t, b, "ui-page-"+name+suffix)
		}
	}
	everyPage("")
	b.Do(navigate(s.url + "/households/" + id))
	if got := b.Text("main"); !strings.Contains(got, "Bản Nà Khương") || !strings.Contains(got, "40.000.000 đ") || !strings.Contains(got, "Hộ cận nghèo") {
		t.Errorf("the household's page does not name its village, support and status:\n%s", got)
	}
	// A household is named by its head and its number, said as a number:
	// "12" alone could be an age or a count.
	b.Do(navigate(s.url + "/records/households/" + id + "/history"))
	if got := b.Text("h1"); !strings.HasSuffix(got, "Lò Văn Sáu, hộ số 12") {
		t.Errorf("the history of the household is titled %q", got)
	}
	b.Do(navigate(s.url + "/households/" + id + "?lang=en"))
	if got := b.Text("main"); !strings.Contains(got, "Add a member") || !strings.Contains(got, "40,000,000 đ") || !strings.Contains(got, "Near-poor household") {
		t.Errorf("the household's page in English:\n%s", got)
	}
	shot(t, b, "ui-page-household-en")
	everyPage("-en") // ?lang=en is remembered
	b.Do(navigate(s.url + "/records/visits/new?household=" + id))
	if got := b.Text("main"); !strings.Contains(got, "Of the household of Lò Văn Sáu, no. 12") {
		t.Errorf("a new visit's form in English does not say whose it is in English:\n%s", got)
	}
	b.Do(navigate(s.url + "/records/support_records/" + support))
	if got := b.Text("main"); !strings.Contains(got, "DA1.ND2 · Housing support") || !strings.Contains(got, "Support to build a new house") {
		t.Errorf("the support record in English does not name its project and kind in English:\n%s", got)
	}
}
