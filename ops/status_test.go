package ops

import (
	"context"
	"testing"
	"time"
)

// TestReadStatus: what a laptop tells its officer, read once for every
// front end: what waits, table by table, and whether its clock can be
// right.
func TestReadStatus(t *testing.T) {
	ctx := context.Background()
	db := mustReplica(t)
	dev := &Device{Server: "https://127.0.0.1:1", Token: "t", Officer: officer.Officer, Communes: officer.Communes, ServerSite: "s"}
	if err := SaveDevice(ctx, db, dev); err != nil {
		t.Fatal(err)
	}
	h := mustAdd(t, db, officer, "households", map[string]any{"head_name": "Lò Thị Mai"})
	mustAdd(t, db, officer, "members", map[string]any{"household_id": h, "full_name": "Lò Văn Tú"})
	st, err := ReadStatus(ctx, db, dev, noNames, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if st.Pending == 0 || len(st.Waiting) != 2 || st.Waiting[0].Created != 1 || st.Waiting[1].Created != 1 || st.Doubt != nil || st.Device != dev {
		t.Errorf("status: %+v", st)
	}
	st, err = ReadStatus(ctx, db, dev, noNames, time.Date(1980, 1, 1, 9, 0, 0, 0, time.UTC))
	if err != nil || st.Doubt == nil || st.Doubt.Reason != "clock.why_release" {
		t.Errorf("status on a clock at 1980: doubt %+v, %v", st.Doubt, err)
	}
}
