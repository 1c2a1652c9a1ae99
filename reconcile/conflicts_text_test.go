package reconcile_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

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
		if err := reconcile.WriteConflicts(&b, []syncengine.ConflictView{v}, withCommune); err != nil {
			t.Fatal(err)
		}
		assertFits(t, b.String(), "81cc220d", "household.head_name", "Bùi Văn Thao", "open")
		if strings.Contains(b.String(), "05362") != withCommune {
			t.Errorf("commune shown = %v, want %v:\n%s", !withCommune, withCommune, b.String())
		}
	}
	var b bytes.Buffer
	if err := reconcile.WriteConflict(&b, v, "resolve it"); err != nil {
		t.Fatal(err)
	}
	assertFits(t, b.String(), "Họ tên chủ hộ (head_name)", "Resolve:  resolve it", "written by Lò Văn Minh", "an unknown officer", "won", "displaced")
	var none bytes.Buffer
	if err := reconcile.WriteConflicts(&none, nil, false); err != nil || none.String() != "No conflicts.\n" {
		t.Errorf("no conflicts: %q, %v", none.String(), err)
	}
}
