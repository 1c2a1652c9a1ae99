package app

import (
	"context"
	"strings"
	"testing"

	"hodan/syncengine"
)

// TestStatusSaysWhyAChangeWasRefused: `hodan status` lists a change the
// server refused with the rule it broke, the field by its label, in the
// officer's language and whole, on indented lines that fit 80 columns;
// no code.
func TestStatusSaysWhyAChangeWasRefused(t *testing.T) {
	b := mustVisitBench(t, langVI)
	b.add(t, "households", map[string]any{"head_name": "Lò Văn Sáu", "commune_code": "05362"})
	refused := syncengine.Rejection{Site: b.db.Site(), Seq: 1, Code: syncengine.CodeInvalidValue,
		Message: "visits.visit_date: visit_date 1980-01-01 is before 2000-01-01: no record is that old; a laptop whose clock battery died reads 1980, give the real date",
		Reason:  "early_date", Column: "visit_date", Args: []any{"01/01/1980", "01/01/2000"}}
	if err := b.db.RecordPushed(context.Background(), []syncengine.Rejection{refused}, 1); err != nil {
		t.Fatal(err)
	}
	for l, want := range map[lang]string{
		langVI: "Ngày thăm: ngày 01/01/1980 là trước 01/01/2000: không hồ sơ nào cũ như vậy; máy hết pin đồng hồ thường chỉ năm 1980, hãy ghi ngày thật",
		langEN: "Visit date: 01/01/1980 is before 01/01/2000: no record is that old; a laptop whose clock battery died reads 1980, give the real date",
	} {
		b.a.lang = l
		out, errOut, code := b.hodan(t, "status")
		if code != 0 {
			t.Fatalf("status in %s: exit %d\n%s", l, code, errOut)
		}
		if !strings.Contains(strings.Join(strings.Fields(out), " "), want) || strings.Contains(out, "invalid_value") {
			t.Errorf("status in %s does not say why, in words:\n%s", l, out)
		}
		for _, line := range strings.Split(out, "\n") {
			if n := textWidth(line); n > 80 && strings.HasPrefix(line, " ") {
				t.Errorf("status in %s: a line of %d columns: %q", l, n, line)
			}
		}
	}
}
