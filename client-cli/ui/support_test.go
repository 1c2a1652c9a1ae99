package ui_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"hodan/internal/web/webtest"
	"hodan/ops"
	"hodan/schema"
)

// TestSupportGivenOnceIsFlaggedBeforeItIsRecordedAgain: support of a
// kind the programmes give once is not written again until the officer
// has seen the support already given and confirmed.
func TestSupportGivenOnceIsFlaggedBeforeItIsRecordedAgain(t *testing.T) {
	s := mustApp(t, mustLaptop(t, mustServer(t), "Lò Văn Minh"), 0)
	id := mustHousehold(t, s, map[string]any{schema.ColHeadName: "Lò Văn Sáu"})
	ctx := context.Background()
	dev, _ := ops.LoadDevice(ctx, s.db)
	today := time.Now().Format(time.DateOnly)
	if _, err := ops.AddRecord(ctx, s.db, dev.Actor(), schema.SupportRecords, map[string]any{schema.ColHouseholdID: id, schema.ColProgram: "ntp_1719",
		schema.ColKind: "new_house", schema.ColAmountVND: int64(40000000), schema.ColStatus: "delivered", schema.ColDeliveredDate: today}, ops.Day{Date: today}); err != nil {
		t.Fatal(err)
	}
	b := mustBrowser(t)
	s.open(t, b)
	b.Do(navigate(s.url + "/households/" + id))
	clickAndWait(t, b, "#add-support_records")
	fill(t, b, map[string]string{"program": "ntp_1719", "kind": "new_house", "amount_vnd": "40.000.000", "status": "planned"})
	clickAndWait(t, b, "#save")
	if got := b.Text("#repeat"); !strings.Contains(got, "một lần") || !strings.Contains(got, "40.000.000 đ") {
		t.Errorf("the warning of support given once: %q", got)
	}
	// The programme chosen shows whole: its name is long, and a select
	// cuts what does not fit ("… (QĐ 171").
	if !webtest.Eval[bool](b, `(() => { const s = document.querySelector("select[name=program]"), st = getComputedStyle(s);
		const c = document.createElement("canvas").getContext("2d"); c.font = st.font;
		return c.measureText(s.options[s.selectedIndex].text).width + parseFloat(st.paddingLeft) + parseFloat(st.paddingRight) + 24 <= s.clientWidth; })()`) {
		t.Error("the programme chosen does not fit its field")
	}
	shot(t, b, "ui-support-repeat")
	if n := count(t, s.db, schema.SupportRecords); n != 1 {
		t.Fatalf("%d support records before the officer confirmed, want 1", n)
	}
	webtest.Eval[bool](b, `document.getElementById("repeat-ok").checked = true`)
	clickAndWait(t, b, "#save")
	if n := count(t, s.db, schema.SupportRecords); n != 2 {
		t.Errorf("%d support records after the officer confirmed, want 2", n)
	}
}
