package reconcile_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"hodan/internal/i18n"
	"hodan/reconcile"
	"hodan/syncengine"
)

func TestWriteConflicts(t *testing.T) {
	at := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	v := syncengine.ConflictView{
		ID: "81cc220d480db7b9", Table: "households", Row: uuid.New(), Column: "head_name", Scope: "05362",
		Values: []syncengine.ConflictWrite{
			{Value: syncengine.Text("Bùi Văn Thảo, chủ hộ có tên rất dài\tcó tab"), Site: uuid.New(), Officer: "Lò Văn Minh", WrittenAt: at},
			{Value: syncengine.Text("Bùi Văn Thao"), Site: uuid.New(), WrittenAt: at.Add(time.Hour), Won: true},
		},
		Current: syncengine.Text("Bùi Văn Thao"),
	}
	for _, withCommune := range []bool{false, true} {
		var b bytes.Buffer
		if err := reconcile.WriteConflicts(&b, i18n.EN, []syncengine.ConflictView{v}, withCommune); err != nil {
			t.Fatal(err)
		}
		assertFits(t, b.String(), "81cc220d", "Head of household", "Bùi Văn Thao", "open")
		if strings.Contains(b.String(), "Xã Lạc Lương") != withCommune {
			t.Errorf("commune shown = %v, want %v:\n%s", !withCommune, withCommune, b.String())
		}
	}
	var b bytes.Buffer
	if err := reconcile.WriteConflict(&b, i18n.EN, v, "resolve it"); err != nil {
		t.Fatal(err)
	}
	assertFits(t, b.String(), "Head of household (head_name)", "Resolve:    resolve it", "written by Lò Văn Minh", "an unknown officer", "won", "displaced")
	b.Reset()
	if err := reconcile.WriteConflict(&b, i18n.VI, v, "giải quyết đi"); err != nil {
		t.Fatal(err)
	}
	assertFits(t, b.String(), "Họ tên chủ hộ (head_name)", "Giải quyết: giải quyết đi", "Lò Văn Minh ghi", "cán bộ không rõ", "thắng", "bị thay",
		"Xã Lạc Lương", "20/11/2026 16:30")
	var none bytes.Buffer
	if err := reconcile.WriteConflicts(&none, i18n.EN, nil, false); err != nil || none.String() != "No conflicts.\n" {
		t.Errorf("no conflicts: %q, %v", none.String(), err)
	}
}
